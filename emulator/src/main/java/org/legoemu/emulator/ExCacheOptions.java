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
}
