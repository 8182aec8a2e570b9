package org.legoemu.scomponent;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.agrona.collections.IntHashSet;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.proxy.ClusterStatus;
import org.legoemu.fabric.proxy.ComponentStatus;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.fabric.sbe.ComponentKind;
import org.legoemu.fabric.sbe.ComponentState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ties the sComponent's hidden unlinked files and file locks to their owners' membership: scans the root once at
 * start, then every {@link #INTERVAL_NS} asks the GMM which pComponents are members (ALIVE or SUSPECT), removes the
 * hidden files of the others ({@link UnlinkedFiles#collect}) and drops their locks
 * ({@link LockTable#releaseComponents}). A GMM that cannot be reached removes nothing.
 */
final class UnlinkedFilesCollector implements AutoCloseable
{
    /**
     * Time between two collections, ns: a guess, a few GMM leases, so that a crashed pComponent's files go within
     * seconds of the GMM declaring it DEAD while a status call every 5 s costs the GMM nothing noticeable.
     */
    static final long INTERVAL_NS = TimeUnit.SECONDS.toNanos(5);
    private static final Logger LOG = LoggerFactory.getLogger(UnlinkedFilesCollector.class);

    private final UnlinkedFiles files;
    private final LockTable locks;
    private final Client client;
    private final GmmProxy gmm;
    private final Thread thread;
    private final IntHashSet live = new IntHashSet();
    private volatile boolean running = true;

    /** @param client a connection to the GMM, closed with this collector. */
    UnlinkedFilesCollector(
        final UnlinkedFiles files, final LockTable locks, final Client client, final long timeoutNs, final String name)
    {
        this.files = files;
        this.locks = locks;
        this.client = client;
        this.gmm = new GmmProxy(client, timeoutNs);
        this.thread = new Thread(this::run, name + "-unlinked");
        this.thread.setDaemon(true);
    }

    /** Starts the background thread: a scan of the root, then a collection every {@link #INTERVAL_NS}. */
    UnlinkedFilesCollector start()
    {
        thread.start();
        return this;
    }

    /** One collection: the hidden files removed, -1 if the GMM could not be asked. */
    int collectOnce()
    {
        final ClusterStatus status;
        try
        {
            status = gmm.status();
        }
        catch (final FabricException ex)
        {
            LOG.debug("GMM status unavailable ({}); unlinked files kept", ex.getMessage());
            return -1;
        }
        live.clear();
        for (final ComponentStatus component : status.components())
        {
            if (component.kind() == ComponentKind.PCOMPONENT && component.state() != ComponentState.DEAD)
            {
                live.add(component.componentId());
            }
        }
        final long released = locks.releaseComponents(live::contains);
        if (released > 0)
        {
            LOG.info("released {} file locks of pComponents that left the cluster", released);
        }
        return files.collect(live::contains);
    }

    private void run()
    {
        // In the background: a large root must not delay the sComponent's start.
        final int found = files.scan();
        if (found > 0)
        {
            LOG.info("{} hidden unlinked files under the root from earlier runs", found);
        }
        while (running)
        {
            if (files.size() > 0 || locks.size() > 0)
            {
                collectOnce();
            }
            LockSupport.parkNanos(INTERVAL_NS);
        }
    }

    @Override
    public void close()
    {
        running = false;
        LockSupport.unpark(thread);
        client.close();
    }
}
