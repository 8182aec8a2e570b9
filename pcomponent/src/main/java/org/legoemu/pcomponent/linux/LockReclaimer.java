package org.legoemu.pcomponent.linux;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.proxy.ComponentAddress;
import org.legoemu.fabric.proxy.StorageProxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pComponent's half of lock recovery after an sComponent restart (NLM/NSM: the client learns of the server's
 * reboot and reclaims its locks within the grace period). A daemon thread asks the GMM every {@link #POLL_NS} which
 * sComponent serves the cluster; when its component id changes (a restarted sComponent registers anew), it has
 * {@link FileLocks#reclaim} re-assert every lock this pComponent's processes hold, through a fresh storage
 * connection. A lookup or reclaim that fails is tried again at the next poll (reclaims are idempotent: the same
 * owner and range replace themselves). The restarted sComponent grants only reclaims for its grace period
 * ({@code StorageContext.lockGraceNs}, 2 s by default, 20 polls).
 */
public final class LockReclaimer implements AutoCloseable
{
    /** Pause between two lookups, ns: a guess, a tenth of the sComponent's default grace period. */
    public static final long POLL_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private static final Logger LOG = LoggerFactory.getLogger(LockReclaimer.class);

    /** Opens a storage proxy to the sComponent at an address. */
    @FunctionalInterface
    public interface StorageConnector
    {
        /** @throws FabricException if it cannot be reached. */
        StorageProxy connect(ComponentAddress sComponent);
    }

    private final FileLocks locks;
    private final Supplier<ComponentAddress> lookup;
    private final StorageConnector connector;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long reclaims;
    private int knownId = -1;

    /**
     * @param locks     this pComponent's locks.
     * @param lookup    the sComponent the GMM names now ({@code GmmProxy.lookupKind(SCOMPONENT)}).
     * @param connector opens a proxy to it.
     * @param name      for the thread's name.
     */
    public LockReclaimer(
        final FileLocks locks, final Supplier<ComponentAddress> lookup, final StorageConnector connector,
        final String name)
    {
        this.locks = locks;
        this.lookup = lookup;
        this.connector = connector;
        this.thread = new Thread(this::run, name + "-lock-reclaimer");
        this.thread.setDaemon(true);
    }

    /** Starts polling. */
    public LockReclaimer start()
    {
        thread.start();
        return this;
    }

    /** How many times locks were reclaimed at a new sComponent. */
    public long reclaims()
    {
        return reclaims;
    }

    private void run()
    {
        while (running)
        {
            try
            {
                TimeUnit.NANOSECONDS.sleep(POLL_NS);
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            poll();
        }
    }

    private void poll()
    {
        final ComponentAddress now;
        try
        {
            now = lookup.get();
        }
        catch (final FabricException ex)
        {
            return; // no live sComponent or no GMM now: asked again at the next poll
        }
        if (knownId != -1 && now.componentId() != knownId && !locks.isEmpty())
        {
            StorageProxy storage = null;
            try
            {
                storage = connector.connect(now);
                final int ranges = locks.reclaim(storage);
                reclaims++;
                LOG.info("sComponent {} replaced {}: {} lock ranges reclaimed", now.componentId(), knownId, ranges);
            }
            catch (final FabricException ex)
            {
                LOG.debug("lock reclaim at sComponent {} failed, tried again: {}", now.componentId(), ex.getMessage());
                return;
            }
            finally
            {
                if (storage != null)
                {
                    storage.close();
                }
            }
        }
        knownId = now.componentId();
    }

    /** Stops polling. */
    @Override
    public void close()
    {
        running = false;
        thread.interrupt();
    }
}
