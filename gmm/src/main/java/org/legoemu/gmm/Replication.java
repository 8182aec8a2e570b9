package org.legoemu.gmm;

/**
 * Memory replication modes (LegoOS §4.7, {@code --replication}). With {@link #LOG}, every vRegion gets a secondary
 * mComponent (never its primary) that keeps a log of the vRegion's flushed lines and VMA changes, and every
 * process a home standby that keeps its home's last VM layout; when the GMM declares a primary or home DEAD, the
 * secondary or standby takes over. A cluster with a single live mComponent has nowhere to replicate to, so it
 * runs unreplicated whatever the mode.
 */
public enum Replication
{
    /** No secondaries: an mComponent crash loses the pages it held. */
    OFF("off"),
    /** A secondary log per vRegion and a home standby per process: the default. */
    LOG("log");

    /** The mode the GMM uses when none is configured. */
    public static final Replication DEFAULT = LOG;

    private final String configName;

    Replication(final String configName)
    {
        this.configName = configName;
    }

    /** The name used on the command line. */
    public String configName()
    {
        return configName;
    }

    /**
     * The mode named {@code name}.
     *
     * @throws IllegalArgumentException naming the valid choices if {@code name} is neither.
     */
    public static Replication parse(final String name)
    {
        for (final Replication mode : values())
        {
            if (mode.configName.equals(name))
            {
                return mode;
            }
        }
        throw new IllegalArgumentException("--replication must be off or log, not '" + name + "'");
    }

    @Override
    public String toString()
    {
        return configName;
    }
}
