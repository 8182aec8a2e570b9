package org.legoemu.emulator;

import java.util.Locale;

/** Byte sizes as users write them: {@code 4096}, {@code 512KiB}, {@code 64MiB}, {@code 4GiB}, {@code 1TiB}. */
public final class Sizes
{
    private Sizes()
    {
    }

    /**
     * Parses a size in bytes. Suffixes are binary (IEC): KiB, MiB, GiB, TiB; K, M, G, T and KB, MB, GB, TB are
     * accepted as the same binary multiples.
     *
     * @throws IllegalArgumentException with the accepted forms if {@code text} is not a size.
     */
    public static long parse(final String text)
    {
        final String t = text.trim().toUpperCase(Locale.ROOT);
        int end = 0;
        while (end < t.length() && Character.isDigit(t.charAt(end)))
        {
            end++;
        }
        if (end == 0)
        {
            throw new IllegalArgumentException("'" + text + "' is not a size (examples: 4096, 512KiB, 64MiB, 4GiB)");
        }
        final long number = Long.parseLong(t.substring(0, end));
        final String unit = t.substring(end).trim();
        final int shift;
        switch (unit)
        {
            case "":
            case "B":
                shift = 0;
                break;
            case "K":
            case "KB":
            case "KIB":
                shift = 10;
                break;
            case "M":
            case "MB":
            case "MIB":
                shift = 20;
                break;
            case "G":
            case "GB":
            case "GIB":
                shift = 30;
                break;
            case "T":
            case "TB":
            case "TIB":
                shift = 40;
                break;
            default:
                throw new IllegalArgumentException("'" + text + "' has an unknown unit (use KiB, MiB, GiB or TiB)");
        }
        if (number > (Long.MAX_VALUE >> shift))
        {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        return number << shift;
    }

    /** Formats bytes for people: {@code 4.0 KiB}, {@code 12.3 MiB}. */
    public static String format(final long bytes)
    {
        if (bytes < 1024)
        {
            return bytes + " B";
        }
        final String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1)
        {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
