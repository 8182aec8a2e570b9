package org.legoemu.gmm;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Transport;

/**
 * Settings of a {@link GlobalManager}, Aeron style: set fields, then {@link #conclude()} validates them and fills
 * defaults. A context is used by one GlobalManager.
 */
public final class GmmContext
{
    /** Default heartbeat interval components are told to keep: 100 ms. */
    public static final long DEFAULT_HEARTBEAT_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);
    /**
     * Default number of missed heartbeat intervals before a component is DEAD: 8, so detection takes 0.8 s (under the
     * 1 s the daemons promise) while a loaded host's scheduling hiccups of a few hundred ms are not taken for a crash.
     */
    public static final int DEFAULT_MISSED_HEARTBEATS = 8;
    /**
     * Default lease of a pComponent: 3 s. The GMM frees a pComponent's processes only when it has been silent this
     * long, and the pComponent stops its guests before (one heartbeat interval earlier), so a pComponent cut off
     * from the GMM for less than this loses nothing, and one cut off for longer cannot go on writing to memory the
     * GMM has freed (a 1.5 s partition must not kill a guest). mComponents and the sComponent keep the
     * short lease of {@code missedHeartbeats} intervals, which bounds how long a crashed mComponent stalls guests.
     */
    public static final long DEFAULT_PCOMPONENT_LEASE_NS = TimeUnit.SECONDS.toNanos(3);
    /** Default time the GMM waits for a reply from a component (freeing a dead pComponent's memory): 30 s. */
    public static final long DEFAULT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    /**
     * Default least time the GMM waits for a promotion or a seeding, whatever {@code timeoutNs} (they copy a whole
     * vRegion's pages to a new secondary before answering): 30 s, a guess.
     */
    public static final long DEFAULT_FAILOVER_CALL_MIN_NS = TimeUnit.SECONDS.toNanos(30);

    private Transport transport;
    private Endpoint listenEndpoint;
    private NanoClock nanoClock;
    private long heartbeatIntervalNs = DEFAULT_HEARTBEAT_INTERVAL_NS;
    private int missedHeartbeats = DEFAULT_MISSED_HEARTBEATS;
    private long pcomponentLeaseNs = DEFAULT_PCOMPONENT_LEASE_NS;
    /** The default fabric profile's name (pComponent's FabricProfile.DEFAULT). */
    public static final String DEFAULT_FABRIC_MODEL = "legoos-ib40";
    private long timeoutNs = DEFAULT_TIMEOUT_NS;
    private long failoverCallMinNs = DEFAULT_FAILOVER_CALL_MIN_NS;
    private VRegionPlacementPolicy vregionPlacementPolicy;
    private Replication replication = Replication.DEFAULT;
    private String name = "gmm";
    private String fabricModel = DEFAULT_FABRIC_MODEL;
    private boolean concluded;

    /**
     * Validates the settings and fills defaults (clock: {@link SystemNanoClock}, policy:
     * {@link VRegionPlacement#DEFAULT}).
     *
     * @return this.
     * @throws IllegalStateException    if the transport or listen endpoint is missing.
     * @throws IllegalArgumentException if an interval or count is not positive.
     */
    public GmmContext conclude()
    {
        if (transport == null)
        {
            throw new IllegalStateException("gmm: transport is not set");
        }
        if (listenEndpoint == null)
        {
            throw new IllegalStateException("gmm: listen endpoint is not set");
        }
        if (heartbeatIntervalNs <= 0)
        {
            throw new IllegalArgumentException("gmm: heartbeatIntervalNs must be > 0, was " + heartbeatIntervalNs);
        }
        if (timeoutNs <= 0)
        {
            throw new IllegalArgumentException("gmm: timeoutNs must be > 0, was " + timeoutNs);
        }
        if (failoverCallMinNs <= 0)
        {
            throw new IllegalArgumentException("gmm: failoverCallMinNs must be > 0, was " + failoverCallMinNs);
        }
        if (missedHeartbeats < 1)
        {
            throw new IllegalArgumentException("gmm: missedHeartbeats must be >= 1, was " + missedHeartbeats);
        }
        if (pcomponentLeaseNs < missedHeartbeats * heartbeatIntervalNs)
        {
            throw new IllegalArgumentException("gmm: the pComponent lease (" + pcomponentLeaseNs + " ns) must be at " +
                "least missedHeartbeats * heartbeatIntervalNs (" + missedHeartbeats * heartbeatIntervalNs + " ns)");
        }
        if (nanoClock == null)
        {
            nanoClock = SystemNanoClock.INSTANCE;
        }
        if (vregionPlacementPolicy == null)
        {
            vregionPlacementPolicy = VRegionPlacement.DEFAULT.create();
        }
        concluded = true;
        return this;
    }

    public long failoverCallMinNs()
    {
        return failoverCallMinNs;
    }

    /**
     * Least time the GMM waits for an mComponent's answer to a failover order (G2M_PROMOTE, G2M_RESEED,
     * G2M_PROMOTE_HOME), nanoseconds, whatever {@link #timeoutNs(long)}; default 30 s
     * ({@link #DEFAULT_FAILOVER_CALL_MIN_NS}).
     */
    public GmmContext failoverCallMinNs(final long failoverCallMinNs)
    {
        this.failoverCallMinNs = failoverCallMinNs;
        return this;
    }

    /** True once {@link #conclude()} succeeded. */
    public boolean isConcluded()
    {
        return concluded;
    }

    public Transport transport()
    {
        return transport;
    }

    /** The transport to serve requests on. Required. */
    public GmmContext transport(final Transport transport)
    {
        this.transport = transport;
        return this;
    }

    public Endpoint listenEndpoint()
    {
        return listenEndpoint;
    }

    /** Where to serve; port 0 picks a free port (see {@link GlobalManager#endpoint()}). Required. */
    public GmmContext listenEndpoint(final Endpoint listenEndpoint)
    {
        this.listenEndpoint = listenEndpoint;
        return this;
    }

    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    /** Clock for heartbeat ages, registration times and uptime; default {@link SystemNanoClock}. */
    public GmmContext nanoClock(final NanoClock nanoClock)
    {
        this.nanoClock = nanoClock;
        return this;
    }

    public long heartbeatIntervalNs()
    {
        return heartbeatIntervalNs;
    }

    /** Heartbeat interval handed to registering components, and the failure check period; default 100 ms. */
    public GmmContext heartbeatIntervalNs(final long heartbeatIntervalNs)
    {
        this.heartbeatIntervalNs = heartbeatIntervalNs;
        return this;
    }

    /** How long the GMM waits for a reply from a component, nanoseconds. */
    public long timeoutNs()
    {
        return timeoutNs;
    }

    /** Sets {@link #timeoutNs()}. */
    /**
     * The cluster's fabric profile name (docs/modeled-time.md), told to every member at registration (pComponents
     * model with it) and shown by {@code lego status}; default {@value #DEFAULT_FABRIC_MODEL}. Not checked here: the
     * GMM does not model time.
     */
    public GmmContext fabricModel(final String fabricModel)
    {
        this.fabricModel = fabricModel;
        return this;
    }

    public String fabricModel()
    {
        return fabricModel;
    }

    public GmmContext timeoutNs(final long timeoutNs)
    {
        this.timeoutNs = timeoutNs;
        return this;
    }

    public int missedHeartbeats()
    {
        return missedHeartbeats;
    }

    /** Missed heartbeat intervals before a component is declared DEAD; default 5. */
    public GmmContext missedHeartbeats(final int missedHeartbeats)
    {
        this.missedHeartbeats = missedHeartbeats;
        return this;
    }

    public long pcomponentLeaseNs()
    {
        return pcomponentLeaseNs;
    }

    /**
     * How long a pComponent may go without a heartbeat before the GMM declares it DEAD and frees its processes, ns;
     * default {@link #DEFAULT_PCOMPONENT_LEASE_NS}; at least {@code missedHeartbeats * heartbeatIntervalNs}.
     */
    public GmmContext pcomponentLeaseNs(final long pcomponentLeaseNs)
    {
        this.pcomponentLeaseNs = pcomponentLeaseNs;
        return this;
    }

    public VRegionPlacementPolicy vregionPlacementPolicy()
    {
        return vregionPlacementPolicy;
    }

    /** The memory replication mode; default {@link Replication#DEFAULT} (log). */
    public Replication replication()
    {
        return replication;
    }

    /**
     * Sets the memory replication mode.
     *
     * @throws NullPointerException if {@code replication} is null.
     */
    public GmmContext replication(final Replication replication)
    {
        this.replication = Objects.requireNonNull(replication, "replication");
        return this;
    }

    /** Chooses owners of new vRegions; default {@link VRegionPlacement#DEFAULT} (least-loaded, as LegoOS). */
    public GmmContext vregionPlacementPolicy(final VRegionPlacementPolicy vregionPlacementPolicy)
    {
        this.vregionPlacementPolicy = vregionPlacementPolicy;
        return this;
    }

    public String name()
    {
        return name;
    }

    /** Name for the server thread and log lines; default "gmm". */
    public GmmContext name(final String name)
    {
        this.name = name;
        return this;
    }
}
