package org.legoemu.gmm;

import java.util.function.Supplier;

/** The vRegion placement policies by configuration name ({@code --placement}). */
public enum VRegionPlacement
{
    /** {@link RoundRobinPolicy}. */
    ROUNDROBIN("roundrobin", RoundRobinPolicy::new),
    /** {@link LeastLoadedPolicy}, LegoOS's default. */
    LEAST_LOADED("least-loaded", LeastLoadedPolicy::new),
    /** {@link MostFreePolicy}. */
    MOST_FREE("most-free", MostFreePolicy::new);

    /** The policy the GMM uses when none is configured: LegoOS's. */
    public static final VRegionPlacement DEFAULT = LEAST_LOADED;

    private final String configName;
    private final Supplier<VRegionPlacementPolicy> factory;

    VRegionPlacement(final String configName, final Supplier<VRegionPlacementPolicy> factory)
    {
        this.configName = configName;
        this.factory = factory;
    }

    /** The name used on the command line, e.g. {@code least-loaded}. */
    public String configName()
    {
        return configName;
    }

    /** A new policy instance. */
    public VRegionPlacementPolicy create()
    {
        return factory.get();
    }

    /**
     * The policy named {@code name}.
     *
     * @throws IllegalArgumentException naming the valid choices if {@code name} is none of them.
     */
    public static VRegionPlacement parse(final String name)
    {
        for (final VRegionPlacement placement : values())
        {
            if (placement.configName.equals(name))
            {
                return placement;
            }
        }
        throw new IllegalArgumentException(
            "--placement must be roundrobin, least-loaded or most-free, not '" + name + "'");
    }

    @Override
    public String toString()
    {
        return configName;
    }
}
