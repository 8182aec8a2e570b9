package org.legoemu.emulator;

import java.util.Locale;

import picocli.CommandLine;

/**
 * picocli converter for durations written as a number and a unit: {@code 250ms}, {@code 2s}, {@code 1.5s},
 * {@code 500us}, {@code 1m}; the value is in nanoseconds.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Long>
{
    @Override
    public Long convert(final String value)
    {
        final String text = value.trim().toLowerCase(Locale.ROOT);
        int split = 0;
        while (split < text.length() && (Character.isDigit(text.charAt(split)) || text.charAt(split) == '.'))
        {
            split++;
        }
        final long unitNs = switch (text.substring(split))
        {
            case "ns" -> 1L;
            case "us" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            default -> -1L;
        };
        final double number;
        try
        {
            number = Double.parseDouble(text.substring(0, split));
        }
        catch (final NumberFormatException ex)
        {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration like 250ms, 2s or 1m");
        }
        if (unitNs < 0 || !(number > 0) || number * unitNs > Long.MAX_VALUE / 2)
        {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration like 250ms, 2s or 1m");
        }
        return (long)(number * unitNs);
    }
}
