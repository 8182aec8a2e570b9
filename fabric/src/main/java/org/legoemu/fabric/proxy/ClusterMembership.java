package org.legoemu.fabric.proxy;

import org.agrona.collections.IntArrayList;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.Transport;
import org.legoemu.fabric.sbe.ComponentKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * A monitor's membership in the cluster, shared by every component kind: joins the GMM (X2G_REGISTER, retried
 * while the GMM is not up yet), heartbeats on a daemon thread at the interval the GMM asked for (X2G_HEARTBEAT,
 * re-registering if the GMM has forgotten it), and leaves cleanly on {@link #close()} (X2G_DEREGISTER).
 * <p>
 * <b>Lease.</b> The GMM declares a member DEAD, and acts on it (frees a pComponent's processes, fails an mComponent
 * over), once it has heard no heartbeat for the member's lease, told at registration. The member keeps the time it
 * sent its last answered heartbeat; a watchdog thread tells the {@link LeaseListener} when one lease less one
 * heartbeat interval has passed since then, so the member stops serving before the GMM can act (the sending time is
 * earlier than the GMM's receiving time, so the member's view of the lease always ends first). A later answered
 * heartbeat renews it. Heartbeat failures are logged when they start and when they end.
 * <p>
 * <b>A restarted GMM.</b> A GMM keeps its state in memory only; one restarted after a crash answers the members'
 * heartbeats ENOENT. Each member then registers again with its previous id, which the GMM gives it back unless
 * someone else holds it, and the highest pid it holds state for ({@link MemberState}), above which the GMM hands out
 * new pids; a pComponent then tells it the processes it runs (P2G_PROCESS_RESTORE), an mComponent the vRegions it owns
 * and replicates and the homes and home standbys it holds (M2G_MEMORY_RESTORE), from which the GMM rebuilds its vRegion
 * directory. So ids are unique across GMM restarts, the processes that ran through the restart keep theirs, and a
 * miss or a failover after the restart finds the right owner.
 */
public final class ClusterMembership implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ClusterMembership.class);
    private static final long RETRY_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);
    /**
     * Least time a member keeps trying to register, ns: a short per-call timeout (the chaos harness's 200 ms) must not
     * make a member give up while a loaded host starts the GMM.
     */
    public static final long JOIN_WINDOW_NS = TimeUnit.SECONDS.toNanos(10);

    private final GmmProxy heartbeatProxy;
    private final ComponentKind kind;
    private final long capacityBytes;
    private final Endpoint self;
    private final HeartbeatLoad load;
    private final MemberState state;
    private final IntArrayList processes = new IntArrayList();
    private final IntArrayList memory = new IntArrayList();
    private final Thread heartbeats;
    private volatile int componentId;
    private volatile long heartbeatIntervalNs;
    private volatile boolean running = true;
    private volatile long leaseNs;
    private final String fabricModel;
    private volatile long lastRenewalNs;
    private volatile LeaseListener leaseListener;
    private final Thread watchdog;
    private long failingSinceNs;
    private int failures;
    private boolean restorePending;

    /** Told when the member's lease ran out: it must stop serving what the GMM is about to free. */
    @FunctionalInterface
    public interface LeaseListener
    {
        /**
         * Called once per expiry on the membership's watchdog thread.
         *
         * @param silentNs time since the last answered heartbeat was sent, ns.
         */
        void leaseExpired(long silentNs);
    }

    private ClusterMembership(
        final GmmProxy heartbeatProxy, final ComponentKind kind, final long capacityBytes, final Endpoint self,
        final HeartbeatLoad load, final MemberState state, final Registration registration, final String name)
    {
        this.state = state;
        this.heartbeatProxy = heartbeatProxy;
        this.kind = kind;
        this.capacityBytes = capacityBytes;
        this.self = self;
        this.load = load;
        this.componentId = registration.componentId();
        this.heartbeatIntervalNs = registration.heartbeatIntervalNs();
        this.leaseNs = registration.leaseNs();
        this.fabricModel = registration.fabricModel();
        this.lastRenewalNs = System.nanoTime();
        this.heartbeats = new Thread(this::heartbeatLoop, name + "-heartbeat");
        this.heartbeats.setDaemon(true);
        this.heartbeats.start();
        this.watchdog = new Thread(this::watchdogLoop, name + "-lease");
        this.watchdog.setDaemon(true);
        this.watchdog.start();
    }

    /** Who is told when the lease runs out (the pComponent stops its guests); none by default. */
    public void leaseListener(final LeaseListener listener)
    {
        this.leaseListener = listener;
    }

    /** The lease the GMM gave this member, ns (0: none). */
    /** The cluster's fabric profile name the GMM gave at registration (empty from an older GMM). */
    public String fabricModel()
    {
        return fabricModel;
    }

    public long leaseNs()
    {
        return leaseNs;
    }

    private void watchdogLoop()
    {
        boolean expired = false;
        while (running)
        {
            sleepNs(heartbeatIntervalNs);
            final long lease = leaseNs;
            final long silentNs = System.nanoTime() - lastRenewalNs;
            if (lease <= 0 || silentNs < lease - heartbeatIntervalNs)
            {
                expired = false;
                continue;
            }
            if (!expired && running)
            {
                expired = true;
                LOG.warn("{} {}: no heartbeat answered by the GMM for {} ms, the lease of {} ms runs out: stops " +
                    "serving what the GMM will free", kind.name().toLowerCase(), self, silentNs / 1_000_000,
                    lease / 1_000_000);
                final LeaseListener listener = leaseListener;
                if (listener != null)
                {
                    listener.leaseExpired(silentNs);
                }
            }
        }
    }

    /**
     * Registers with the GMM at {@code gmm}, retrying every 100 ms until {@code timeoutNs} or {@link #JOIN_WINDOW_NS},
     * whichever is longer, has passed, then starts heartbeating. A failed authentication (EACCES: another cluster secret) is not retried.
     *
     * @param capacityBytes mComponent memory, pComponent ExCache size, sComponent 0.
     * @param self          the endpoint this monitor actually serves on.
     * @param load          sampled once per heartbeat (frames in use, processes, recent requests, free frames).
     * @param timeoutNs     the per-call timeout, and how long to keep trying to reach the GMM (at least
     *                      {@link #JOIN_WINDOW_NS}).
     * @throws FabricException the last failure if the GMM could not be reached in time.
     */
    public static ClusterMembership join(
        final Transport transport, final Endpoint gmm, final ComponentKind kind, final long capacityBytes,
        final Endpoint self, final HeartbeatLoad load, final long timeoutNs, final String name)
    {
        return join(transport, gmm, kind, capacityBytes, self, load, MemberState.NONE, timeoutNs, name);
    }

    /**
     * As {@link #join(Transport, Endpoint, ComponentKind, long, Endpoint, HeartbeatLoad, long, String)}, with the
     * process state the member reports when a restarted GMM has forgotten it.
     */
    public static ClusterMembership join(
        final Transport transport, final Endpoint gmm, final ComponentKind kind, final long capacityBytes,
        final Endpoint self, final HeartbeatLoad load, final MemberState state, final long timeoutNs,
        final String name)
    {
        final GmmProxy proxy = new GmmProxy(transport.connect(gmm), timeoutNs);
        final long deadlineNs = System.nanoTime() + Math.max(timeoutNs, JOIN_WINDOW_NS);
        while (true)
        {
            try
            {
                final Registration registration = proxy.register(kind, capacityBytes, self, 0, state.highestPid());
                LOG.info("{} {} joined the cluster at GMM {} as component {}",
                    kind.name().toLowerCase(), self, gmm, registration.componentId());
                return new ClusterMembership(proxy, kind, capacityBytes, self, load, state, registration, name);
            }
            catch (final FabricException ex)
            {
                if (System.nanoTime() - deadlineNs > 0 || ex.errno() == Errnos.EACCES)
                {
                    throw new FabricException(ex.errno(), "cannot register with the GMM at " + gmm + ": " + ex.getMessage(), ex);
                }
                LOG.debug("GMM {} not reachable yet ({}), retrying", gmm, ex.getMessage());
                sleepNs(RETRY_INTERVAL_NS);
            }
        }
    }

    /** The id the GMM assigned. */
    public int componentId()
    {
        return componentId;
    }

    private void heartbeatLoop()
    {
        while (running)
        {
            sleepNs(heartbeatIntervalNs);
            if (!running)
            {
                return;
            }
            final long sentNs = System.nanoTime();
            try
            {
                synchronized (heartbeatProxy)
                {
                    heartbeatProxy.heartbeat(componentId, load);
                }
                lastRenewalNs = sentNs;
                restoreProcesses();
                if (failures > 0)
                {
                    LOG.info("the GMM answers heartbeats again after {} ms and {} failed attempts",
                        (System.nanoTime() - failingSinceNs) / 1_000_000, failures);
                    failures = 0;
                }
            }
            catch (final FabricException ex)
            {
                if (ex.errno() == Errnos.ENOENT)
                {
                    rejoin();
                }
                else
                {
                    if (failures++ == 0)
                    {
                        failingSinceNs = sentNs;
                        LOG.warn("heartbeat to the GMM failed ({}); retrying every {} ms", ex.getMessage(),
                            heartbeatIntervalNs / 1_000_000);
                    }
                }
            }
        }
    }

    private void rejoin()
    {
        try
        {
            final int previousId = componentId;
            synchronized (heartbeatProxy)
            {
                final Registration registration =
                    heartbeatProxy.register(kind, capacityBytes, self, previousId, state.highestPid());
                componentId = registration.componentId();
                heartbeatIntervalNs = registration.heartbeatIntervalNs();
                leaseNs = registration.leaseNs();
                lastRenewalNs = System.nanoTime();
                restorePending = true;
            }
            LOG.warn("the GMM had forgotten {} {} (component {}); registered again as component {}",
                kind.name().toLowerCase(), self, previousId, componentId);
            restoreProcesses();
        }
        catch (final FabricException ex)
        {
            LOG.debug("re-registration failed: {}", ex.getMessage());
        }
    }

    /**
     * After a re-registration, tells the GMM the processes this member runs (P2G_PROCESS_RESTORE) and what it holds
     * of their memory (M2G_MEMORY_RESTORE); a failed attempt is made again, whole, after the next answered heartbeat.
     */
    private void restoreProcesses()
    {
        if (!restorePending)
        {
            return;
        }
        try
        {
            final long restored;
            final long applied;
            synchronized (heartbeatProxy)
            {
                state.runningProcesses(processes);
                restored = processes.isEmpty() ? 0 : heartbeatProxy.restoreProcesses(componentId, processes);
                state.heldMemory(memory);
                final long committedBytes = state.committedBytes();
                applied = memory.isEmpty() && committedBytes == 0 ? 0 :
                    heartbeatProxy.restoreMemory(componentId, memory, committedBytes);
                restorePending = false;
            }
            if (!processes.isEmpty())
            {
                LOG.info("{} {}: the GMM placed {} of its {} running processes again", kind.name().toLowerCase(),
                    self, restored, processes.size() / 2);
            }
            if (!memory.isEmpty())
            {
                LOG.info("{} {}: the GMM took {} of the {} vRegions, homes and replicas it holds",
                    kind.name().toLowerCase(), self, applied, memory.size() / 4);
            }
        }
        catch (final FabricException ex)
        {
            LOG.info("{} {}: telling the GMM its processes and memory failed ({}); trying again after the next " +
                "heartbeat", kind.name().toLowerCase(), self, ex.getMessage());
        }
    }

    /** Stops heartbeating and deregisters (best effort: a GMM that is gone is not waited for). */
    @Override
    public void close()
    {
        if (!running)
        {
            return;
        }
        running = false;
        heartbeats.interrupt();
        watchdog.interrupt();
        try
        {
            synchronized (heartbeatProxy)
            {
                heartbeatProxy.deregister(componentId);
            }
        }
        catch (final FabricException ex)
        {
            LOG.debug("deregistration failed: {}", ex.getMessage());
        }
        heartbeatProxy.client().close();
    }

    private static void sleepNs(final long ns)
    {
        try
        {
            TimeUnit.NANOSECONDS.sleep(ns);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
