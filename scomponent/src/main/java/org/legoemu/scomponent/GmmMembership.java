package org.legoemu.scomponent;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.agrona.concurrent.NanoClock;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.fabric.proxy.Registration;
import org.legoemu.fabric.sbe.ComponentKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This monitor's membership in the cluster (cluster protocol): registers with the GMM (retrying every 100 ms
 * while the GMM is unreachable, until the timeout), heartbeats every interval the GMM asked for on a daemon
 * thread (registering again if the GMM forgot it), and deregisters on close (best effort).
 */
final class GmmMembership implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(GmmMembership.class);
    private static final int ENOENT = 2;

    private final Client client;
    private final GmmProxy callerProxy;
    private final GmmProxy heartbeatProxy;
    private final NanoClock clock;
    private final long timeoutNs;
    private final String name;
    private final ComponentKind kind;
    private final long capacityBytes;
    private final Endpoint address;
    private ScheduledExecutorService heartbeats;
    private volatile int componentId = -1;
    private boolean heartbeatFailing;

    GmmMembership(
        final Client client,
        final NanoClock clock,
        final long timeoutNs,
        final String name,
        final ComponentKind kind,
        final long capacityBytes,
        final Endpoint address)
    {
        this.client = client;
        this.callerProxy = new GmmProxy(client, timeoutNs);
        this.heartbeatProxy = new GmmProxy(client, timeoutNs);
        this.clock = clock;
        this.timeoutNs = timeoutNs;
        this.name = name;
        this.kind = kind;
        this.capacityBytes = capacityBytes;
        this.address = address;
    }

    /**
     * Registers, retrying while the GMM is unreachable, then starts heartbeats.
     *
     * @return the component id.
     * @throws FabricException if the GMM refused the registration or stayed unreachable for the timeout.
     */
    int start()
    {
        final long deadlineNs = clock.nanoTime() + timeoutNs;
        Registration registration = null;
        while (registration == null)
        {
            try
            {
                registration = callerProxy.register(kind, capacityBytes, address);
            }
            catch (final RemoteErrorException ex)
            {
                throw ex;
            }
            catch (final FabricException ex)
            {
                if (clock.nanoTime() - deadlineNs >= 0)
                {
                    throw new FabricException(ex.errno(), name + ": GMM " + client.peer() +
                        " unreachable for registration: " + ex.getMessage(), ex);
                }
                LockSupport.parkNanos(StorageContext.REGISTER_RETRY_INTERVAL_NS);
            }
        }
        componentId = registration.componentId();
        LOG.info("{} registered with GMM {} as component {}", name, client.peer(), componentId);
        final long intervalNs = registration.heartbeatIntervalNs();
        heartbeats = Executors.newSingleThreadScheduledExecutor((runnable) ->
        {
            final Thread thread = new Thread(runnable, name + "-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        heartbeats.scheduleAtFixedRate(this::heartbeat, intervalNs, intervalNs, TimeUnit.NANOSECONDS);
        return componentId;
    }

    /** The id the GMM assigned, -1 before registration. */
    int componentId()
    {
        return componentId;
    }

    @Override
    public void close()
    {
        if (heartbeats != null)
        {
            heartbeats.shutdownNow();
            try
            {
                heartbeats.awaitTermination(timeoutNs, TimeUnit.NANOSECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            heartbeats = null;
        }
        final int id = componentId;
        if (id > 0)
        {
            try
            {
                callerProxy.deregister(id);
            }
            catch (final FabricException ex)
            {
                LOG.info("{}: deregistering component {} failed: {}", name, id, ex.getMessage());
            }
            componentId = -1;
        }
    }

    private void heartbeat()
    {
        try
        {
            heartbeatProxy.heartbeat(componentId, 0);
            if (heartbeatFailing)
            {
                LOG.info("{}: heartbeats to GMM {} succeed again", name, client.peer());
                heartbeatFailing = false;
            }
        }
        catch (final RemoteErrorException ex)
        {
            if (ex.errno() == ENOENT)
            {
                final Registration registration = heartbeatProxy.register(kind, capacityBytes, address);
                LOG.warn("{}: GMM forgot component {}; registered again as {}",
                    name, componentId, registration.componentId());
                componentId = registration.componentId();
            }
            else
            {
                logFailure(ex);
            }
        }
        catch (final FabricException ex)
        {
            logFailure(ex);
        }
    }

    private void logFailure(final FabricException ex)
    {
        if (!heartbeatFailing)
        {
            LOG.warn("{}: heartbeat to GMM {} failed: errno {}: {}", name, client.peer(), ex.errno(), ex.getMessage());
            heartbeatFailing = true;
        }
    }
}
