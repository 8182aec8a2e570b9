package org.legoemu.emulator;

import org.legoemu.pcomponent.excache.PrefetchMode;
import picocli.CommandLine.Option;

/**
 * The ExCache prefetcher's options, on every command that configures an ExCache ({@code lego run}, {@code lego
 * chaos}, {@code lego bench memory}, {@code lego bench sweep}, {@code lego pcomponent}).
 */
public final class PrefetchOptions
{
    @Option(names = "--excache-prefetch", paramLabel = "MODE", defaultValue = "none",
        converter = PrefetchOptions.ModeConverter.class,
        description = "ExCache prefetcher: none, sequential (the next lines after a miss) or stride (the majority "
            + "stride of the hart's recent misses, after Leap, ATC'20) (default: ${DEFAULT-VALUE}).")
    public PrefetchMode mode = PrefetchMode.NONE;

    @Option(names = "--excache-prefetch-depth", paramLabel = "N", defaultValue = "" + PrefetchMode.DEFAULT_DEPTH,
        description = "Lines the prefetcher fetches ahead per miss, 1 to " + PrefetchMode.MAX_DEPTH
            + " (default: ${DEFAULT-VALUE}).")
    public int depth = PrefetchMode.DEFAULT_DEPTH;

    /** Parses a {@link PrefetchMode} name. */
    public static final class ModeConverter implements picocli.CommandLine.ITypeConverter<PrefetchMode>
    {
        @Override
        public PrefetchMode convert(final String value)
        {
            return PrefetchMode.named(value);
        }
    }

    /** {@code "sequential, depth 4"}, or {@code "none"}. */
    public String describe()
    {
        return mode == PrefetchMode.NONE ? "none" : mode.label() + ", depth " + depth;
    }
}
