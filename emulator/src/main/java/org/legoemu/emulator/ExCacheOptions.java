package org.legoemu.emulator;

import picocli.CommandLine.Option;

/** The ExCache options shared by {@code lego run} and {@code lego pcomponent}. */
public final class ExCacheOptions
{
    @Option(names = "--excache", paramLabel = "SIZE", defaultValue = "64MiB", converter = SizeConverter.class,
        description = "ExCache size of each pComponent, e.g. 1MiB (default: ${DEFAULT-VALUE}).")
    public long excacheBytes;

    @Option(names = "--excache-ways", paramLabel = "N", defaultValue = "8",
        description = "ExCache associativity; 0 = fully associative (default: ${DEFAULT-VALUE}).")
    public int excacheWays;

    @Option(names = "--excache-policy", paramLabel = "P", defaultValue = "lru",
        description = "ExCache eviction policy: fifo, lru or random (default: ${DEFAULT-VALUE}).")
    public String excachePolicy;

    @Option(names = "--excache-victims", paramLabel = "N", defaultValue = "8",
        description = "ExCache victim buffer entries (LegoOS 4.3): evicted lines wait there, dirty ones are written "
            + "back in the background; 0 disables it (default: ${DEFAULT-VALUE}).")
    public int excacheVictims;

    @Option(names = "--no-excache-piggyback",
        description = "Send every write-back as its own P2M_PCACHE_FLUSH instead of riding on the miss request.")
    public boolean noPiggyback;

    @Option(names = "--no-excache-zero-fill",
        description = "Fetch every missed line from its mComponent, also pages of a fresh anonymous mmap or brk that "
            + "the pComponent would otherwise create zeroed itself.")
    public boolean noZeroFill;

    /** Whether fresh anonymous pages are created zeroed on the pComponent instead of fetched. */
    public boolean zeroFill()
    {
        return !noZeroFill;
    }

    /** Whether write-backs done by ExCache misses ride on the miss request (LegoOS 4.3 piggyback). */
    public boolean piggyback()
    {
        return !noPiggyback;
    }
}
