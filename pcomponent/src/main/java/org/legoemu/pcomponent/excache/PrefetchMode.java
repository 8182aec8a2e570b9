package org.legoemu.pcomponent.excache;

import java.util.Locale;

/**
 * Which lines the ExCache's prefetcher fetches ahead of demand ({@code --excache-prefetch}); LegoOS has no
 * prefetcher, so this is a research knob, off by default.
 */
public enum PrefetchMode
{
    /** No prefetching (LegoOS). */
    NONE,
    /** The lines right after the one that missed. */
    SEQUENTIAL,
    /** The lines along the majority stride of the recent misses (Leap, ATC'20), nothing without a majority. */
    STRIDE;

    /** Default lines fetched ahead per trigger ({@code --excache-prefetch-depth}). */
    public static final int DEFAULT_DEPTH = 4;
    /** Most lines fetched ahead per trigger. */
    public static final int MAX_DEPTH = 16;

    /**
     * The mode named {@code name} (case-insensitive).
     *
     * @throws IllegalArgumentException naming the accepted values when {@code name} is none of them.
     */
    public static PrefetchMode named(final String name)
    {
        for (final PrefetchMode mode : values())
        {
            if (mode.name().equalsIgnoreCase(name))
            {
                return mode;
            }
        }
        throw new IllegalArgumentException("ExCache prefetch '" + name + "' (expected none, sequential or stride)");
    }

    /** The name as the command line spells it. */
    public String label()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Checks a prefetch depth.
     *
     * @throws IllegalArgumentException when {@code depth} is not 1 to {@value #MAX_DEPTH}.
     */
    public static int checkDepth(final int depth)
    {
        if (depth < 1 || depth > MAX_DEPTH)
        {
            throw new IllegalArgumentException(
                "ExCache prefetch depth " + depth + " lines (expected 1 to " + MAX_DEPTH + ")");
        }
        return depth;
    }
}
