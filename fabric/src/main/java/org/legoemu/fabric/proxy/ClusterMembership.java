package org.legoemu.fabric.proxy;

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
 */
public final class ClusterMembership implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ClusterMembership.class);
    private static final long RETRY_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private final GmmProxy heartbeatProxy;
    private final ComponentKind kind;
    private final long capacityBytes;
    private final Endpoint self;
    private final HeartbeatLoad load;
    private final Thread heartbeats;
    private volatile int componentId;
    private volatile long heartbeatIntervalNs;
    private volatile boolean running = true;

    private ClusterMembership(
        final GmmProxy heartbeatProxy, final ComponentKind kind, final long capacityBytes, final Endpoint self,
        final HeartbeatLoad load, final Registration registration, final String name)
    {
        this.heartbeatProxy = heartbeatProxy;
        this.kind = kind;
        this.capacityBytes = capacityBytes;
        this.self = self;
        this.load = load;
        this.componentId = registration.componentId();
        this.heartbeatIntervalNs = registration.heartbeatIntervalNs();
        this.heartbeats = new Thread(this::heartbeatLoop, name + "-heartbeat");
        this.heartbeats.setDaemon(true);
        this.heartbeats.start();
    }

    /**
     * Registers with the GMM at {@code gmm}, retrying every 100 ms until {@code timeoutNs} has passed, then
     * starts heartbeating. A failed authentication (EACCES: another cluster secret) is not retried.
     *
     * @param capacityBytes mComponent memory, pComponent ExCache size, sComponent 0.
     * @param self          the endpoint this monitor actually serves on.
     * @param load          sampled once per heartbeat (frames in use, processes, recent requests, free frames).
     * @param timeoutNs     how long to keep trying to reach the GMM, and the per-call timeout.
     * @throws FabricException the last failure if the GMM could not be reached in time.
     */
    public static ClusterMembership join(
        final Transport transport, final Endpoint gmm, final ComponentKind kind, final long capacityBytes,
        final Endpoint self, final HeartbeatLoad load, final long timeoutNs, final String name)
    {
        final GmmProxy proxy = new GmmProxy(transport.connect(gmm), timeoutNs);
        final long deadlineNs = System.nanoTime() + timeoutNs;
        while (true)
        {
            try
            {
                final Registration registration = proxy.register(kind, capacityBytes, self);
                LOG.info("{} {} joined the cluster at GMM {} as component {}",
                    kind.name().toLowerCase(), self, gmm, registration.componentId());
                return new ClusterMembership(proxy, kind, capacityBytes, self, load, registration, name);
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
            try
            {
                synchronized (heartbeatProxy)
                {
                    heartbeatProxy.heartbeat(componentId, load);
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
                    LOG.debug("heartbeat to the GMM failed: {}", ex.getMessage());
                }
            }
        }
    }

    private void rejoin()
    {
        try
        {
            synchronized (heartbeatProxy)
            {
                final Registration registration = heartbeatProxy.register(kind, capacityBytes, self);
                componentId = registration.componentId();
                heartbeatIntervalNs = registration.heartbeatIntervalNs();
            }
            LOG.warn("the GMM had forgotten {} {}; registered again as component {}", kind.name().toLowerCase(), self, componentId);
        }
        catch (final FabricException ex)
        {
            LOG.debug("re-registration failed: {}", ex.getMessage());
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
