package org.legoemu.gmm;

import java.util.List;
import java.util.concurrent.TimeUnit;

import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.sbe.ComponentKind;
import org.legoemu.fabric.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The global manager (LegoOS §4.5: GPM, GMM and GSM in one monitor): membership with heartbeat failure detection,
 * process placement, home mComponent choice and vRegion ownership; a {@link ProcessReaper} frees the memory of
 * processes whose pComponent is declared DEAD. Requests are served on the transport's
 * dispatch thread by a {@link GmmAdapter}; the failure detector runs on this manager's own agent thread using the
 * context's clock. All state is guarded by one lock, so the public accessors are safe from any thread.
 */
public final class GlobalManager implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(GlobalManager.class);
    private static final long MIN_DETECTOR_SLEEP_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final GmmContext ctx;
    private final Object lock = new Object();
    private final Membership membership;
    private final ProcessPlacement placement;
    private final VRegionDirectory vregions;
    private final CommitLedger commits;
    private Server server;
    private AgentRunner detectorRunner;
    private FailureDetector detector;
    private ProcessReaper reaper;
    private long startNs;

    /**
     * @param ctx settings; concluded here if not yet.
     * @throws IllegalStateException or IllegalArgumentException if the context is invalid.
     */
    public GlobalManager(final GmmContext ctx)
    {
        this.ctx = ctx.isConcluded() ? ctx : ctx.conclude();
        this.membership = new Membership(ctx.heartbeatIntervalNs(), ctx.missedHeartbeats(), ctx.pcomponentLeaseNs());
        this.placement = new ProcessPlacement(membership);
        this.vregions = new VRegionDirectory(membership, ctx.vregionPlacementPolicy(), ctx.replication());
        this.commits = new CommitLedger(membership);
    }

    /**
     * Serves on the context's listen endpoint and starts the failure detector.
     *
     * @return this.
     * @throws org.legoemu.fabric.FabricException if the endpoint cannot be bound.
     * @throws IllegalStateException              if already started.
     */
    public GlobalManager start()
    {
        if (server != null)
        {
            throw new IllegalStateException("gmm already started");
        }
        startNs = ctx.nanoClock().nanoTime();
        final GmmAdapter adapter = new GmmAdapter(lock, ctx.nanoClock(), membership, placement, vregions, commits,
            startNs, ctx.fabricModel());
        server = ctx.transport().serve(ctx.listenEndpoint(), ctx.name(), adapter);
        reaper = new ProcessReaper(lock, membership, placement, vregions, ctx.transport(), ctx.timeoutNs(),
            ctx.failoverCallMinNs(), ctx.name());
        detector = new FailureDetector(lock, membership, ctx.nanoClock(), ctx.heartbeatIntervalNs(),
            ctx.name() + "-failure-detector", reaper::declaredDead, nowNs ->
            {
                final List<int[]> ownerless =
                    vregions.takeOwnerless(nowNs - membership.leaseNs(ComponentKind.MCOMPONENT));
                if (!ownerless.isEmpty())
                {
                    reaper.ownerless(ownerless);
                }
            });
        final long sleepNs = Math.max(MIN_DETECTOR_SLEEP_NS, ctx.heartbeatIntervalNs() / 4);
        detectorRunner = new AgentRunner(
            new SleepingIdleStrategy(sleepNs),
            (ex) -> LOG.error("gmm failure detector error", ex),
            null,
            detector);
        AgentRunner.startOnThread(detectorRunner, (runnable) ->
        {
            final Thread thread = new Thread(runnable, ctx.name() + "-failure-detector");
            thread.setDaemon(true);
            return thread;
        });
        LOG.info("gmm serving on {}, heartbeat interval {} ns, DEAD after {} missed, vRegion placement {}",
            server.endpoint(), ctx.heartbeatIntervalNs(), ctx.missedHeartbeats(),
            ctx.vregionPlacementPolicy().getClass().getSimpleName());
        return this;
    }

    /** The endpoint actually bound. */
    public Endpoint endpoint()
    {
        if (server == null)
        {
            throw new IllegalStateException("gmm not started");
        }
        return server.endpoint();
    }

    /** The context this manager runs with. */
    public GmmContext context()
    {
        return ctx;
    }

    /** Snapshots of every registered component, ascending id. */
    public List<ComponentInfo> components()
    {
        synchronized (lock)
        {
            return membership.components();
        }
    }

    /**
     * A component by id.
     *
     * @throws GmmException ENOENT if not registered.
     */
    public ComponentInfo component(final int componentId)
    {
        synchronized (lock)
        {
            return membership.lookup(componentId);
        }
    }

    /** Requests an mComponent reported serving between its last two heartbeats; 0 if unknown. */
    public long recentRequests(final int componentId)
    {
        synchronized (lock)
        {
            return membership.recentRequests(componentId);
        }
    }

    /** Free frames an mComponent last reported (its capacity before the first heartbeat); 0 if unknown. */
    public long framesFree(final int componentId)
    {
        synchronized (lock)
        {
            return membership.framesFree(componentId);
        }
    }

    /** The owner mComponent id of a process's vRegion, or -1 if unassigned. */
    public int vregionOwner(final int pid, final int vregion)
    {
        synchronized (lock)
        {
            return vregions.owner(pid, vregion);
        }
    }

    /** Bytes of commit granted to home {@code homeId} ({@link CommitLedger}); 0 if none. */
    public long committedBytes(final int homeId)
    {
        synchronized (lock)
        {
            return commits.grantedBytes(homeId);
        }
    }

    /** The secondary mComponent id of a process's vRegion, or -1 if it has none. */
    public int vregionSecondary(final int pid, final int vregion)
    {
        synchronized (lock)
        {
            return vregions.secondary(pid, vregion);
        }
    }

    /** Every placed process, ascending pid. */
    public List<ProcessPlacement.ProcessRecord> processes()
    {
        synchronized (lock)
        {
            return placement.all();
        }
    }

    /** The placement of a running process, or null if unknown or exited. */
    public ProcessPlacement.ProcessRecord process(final int pid)
    {
        synchronized (lock)
        {
            return placement.process(pid);
        }
    }

    /** Processes currently placed on a pComponent. */
    public int processCount(final int pcomponentId)
    {
        synchronized (lock)
        {
            return placement.processCount(pcomponentId);
        }
    }

    /**
     * Runs one failure-detection check now with the context clock (the detector thread also runs it every
     * heartbeat interval).
     *
     * @return number of components declared DEAD by this check.
     */
    public int checkLiveness()
    {
        if (detector == null)
        {
            synchronized (lock)
            {
                return membership.checkLiveness(ctx.nanoClock().nanoTime());
            }
        }
        return detector.check(ctx.nanoClock().nanoTime());
    }

    /**
     * The GMM clock reading (nanoseconds) at which a component was declared DEAD, or -1 if it has not been. The
     * default clock is System.nanoTime, so detection time is this minus the failure's System.nanoTime.
     */
    public long declaredDeadAtNs(final int componentId)
    {
        synchronized (lock)
        {
            return reaper == null ? -1 : reaper.deadAtNs(componentId);
        }
    }

    /**
     * Processes the GMM removed because their pComponent was declared DEAD (their memory freed on their home
     * mComponent first).
     */
    public long reapedProcesses()
    {
        return reaper == null ? 0 : reaper.reapedProcesses();
    }

    /**
     * How long each mComponent failover took (memory replication), from the DEAD declaration until every
     * promoted secondary and standby had answered, in nanoseconds, oldest first.
     */
    public List<Long> failoverTimesNs()
    {
        return reaper == null ? List.of() : reaper.memoryFailover().recoveryTimesNs();
    }

    /** vRegions whose secondary became their primary after their owner died. */
    public long promotedVRegions()
    {
        return reaper == null ? 0 : reaper.memoryFailover().promotedVRegions();
    }

    /** vRegions lost with their owner because no live secondary held them. */
    public long lostVRegions()
    {
        return reaper == null ? 0 : reaper.memoryFailover().lostVRegions();
    }

    /** Processes whose home standby became their home after their home died. */
    public long promotedHomes()
    {
        return reaper == null ? 0 : reaper.memoryFailover().promotedHomes();
    }


    /** Stops the failure detector and the server. Idempotent. */
    @Override
    public void close()
    {
        CloseHelper.closeAll(detectorRunner, reaper, server);
        detectorRunner = null;
        reaper = null;
        server = null;
    }
}
