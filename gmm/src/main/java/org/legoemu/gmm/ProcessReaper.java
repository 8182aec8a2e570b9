package org.legoemu.gmm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.legoemu.fabric.Client;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.Transport;
import org.legoemu.fabric.proxy.MemoryProxy;
import org.legoemu.fabric.sbe.ComponentKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the GMM does when a component is declared DEAD, on its own thread so that calls to other components never
 * hold up failure detection or the GMM's state lock:
 * <ul>
 * <li>pComponent: its processes are dead with it (LegoOS §4.7: a failed processor loses its processes). Each is
 * removed from placement with status 128+SIGKILL after its home mComponent is asked to free it
 * (P2M_PROCESS_EXIT, which frees its frames on every owner), so no frame of a dead pComponent's process stays
 * allocated on a live mComponent.</li>
 * <li>mComponent: {@link MemoryFailover} promotes the secondaries of the vRegions it owned and the standbys of the
 * processes it was home of, and gives the vRegions it was secondary of new secondaries. What had no replica is
 * lost: its processes are killed by their pComponent when it next reaches it (SIGBUS).</li>
 * </ul>
 * Also remembers when each component was declared DEAD, for detection-time figures.
 */
final class ProcessReaper implements AutoCloseable
{
    /** Exit status recorded for a process whose pComponent died: 128 + SIGKILL (9), as a shell shows it. */
    static final int KILLED_STATUS = 128 + 9;

    private static final Logger LOG = LoggerFactory.getLogger(ProcessReaper.class);
    private static final int STOP = 0;
    /** Queued in place of a component id: the next list of {@link #ownerless} vRegions is to be failed over. */
    private static final int OWNERLESS = -1;

    private final Object lock;
    private final Membership membership;
    private final ProcessPlacement placement;
    private final Transport transport;
    private final long timeoutNs;
    private final LinkedBlockingQueue<Integer> dead = new LinkedBlockingQueue<>();
    private final ConcurrentLinkedQueue<List<int[]>> ownerless =
        new ConcurrentLinkedQueue<>();
    private final Map<Integer, Long> deadAtNs = new HashMap<>();
    private final AtomicLong reapedProcesses = new AtomicLong();
    private final AtomicLong framesFreed = new AtomicLong();
    private final Thread thread;
    private final VRegionDirectory vregions;
    private final MemoryFailover memoryFailover;

    ProcessReaper(
        final Object lock, final Membership membership, final ProcessPlacement placement,
        final VRegionDirectory vregions, final Transport transport, final long timeoutNs,
        final long failoverCallMinNs, final String name)
    {
        this.lock = lock;
        this.membership = membership;
        this.placement = placement;
        this.vregions = vregions;
        this.memoryFailover = new MemoryFailover(lock, membership, placement, vregions, transport, timeoutNs,
            failoverCallMinNs);
        this.transport = transport;
        this.timeoutNs = timeoutNs;
        this.thread = new Thread(this::run, name + "-reaper");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Called under the GMM lock when {@code componentId} has just been declared DEAD at GMM clock {@code nowNs}. */
    void declaredDead(final int componentId, final long nowNs)
    {
        deadAtNs.put(componentId, nowNs);
        dead.add(componentId);
    }

    /**
     * Restored vRegions whose owner never reported to this restarted GMM within a lease
     * ({@link VRegionDirectory#takeOwnerless}): their secondaries are promoted as for a DEAD owner, on the reaper's
     * thread.
     *
     * @param vregions {@code [pid, vregion, -1, secondary]} each.
     */
    void ownerless(final List<int[]> vregions)
    {
        ownerless.add(vregions);
        dead.add(OWNERLESS);
    }

    /** GMM clock at which the component was declared DEAD, or -1. Call under the GMM lock. */
    long deadAtNs(final int componentId)
    {
        return deadAtNs.getOrDefault(componentId, -1L);
    }

    /** The failover of DEAD mComponents (figures). */
    MemoryFailover memoryFailover()
    {
        return memoryFailover;
    }

    /** Processes removed because their pComponent died. */
    long reapedProcesses()
    {
        return reapedProcesses.get();
    }

    /** Frames the home mComponents reported freed for those processes. */
    long framesFreed()
    {
        return framesFreed.get();
    }

    @Override
    public void close()
    {
        dead.add(STOP);
        try
        {
            thread.join(TimeUnit.NANOSECONDS.toMillis(timeoutNs) + 1000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void run()
    {
        try
        {
            while (true)
            {
                final int componentId = dead.take();
                if (componentId == STOP)
                {
                    return;
                }
                try
                {
                    if (componentId == OWNERLESS)
                    {
                        LOG.warn("{} vRegions have a secondary but no owner reported to this restarted GMM within a " +
                            "lease: their owner is taken for DEAD", ownerless.peek().size());
                        memoryFailover.recover(OWNERLESS, ownerless.poll(), List.of());
                    }
                    else
                    {
                        reap(componentId);
                    }
                }
                catch (final RuntimeException ex)
                {
                    LOG.error("reaping component {} failed", componentId, ex);
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void reap(final int componentId)
    {
        final ComponentKind kind;
        final List<ProcessPlacement.ProcessRecord> records;
        final List<int[]> affected;
        final List<ProcessPlacement.ProcessRecord> homed;
        synchronized (lock)
        {
            kind = membership.lookup(componentId).kind();
            if (kind == ComponentKind.MCOMPONENT)
            {
                affected = vregions.placedOn(componentId);
                homed = new ArrayList<>();
                for (final ProcessPlacement.ProcessRecord r : placement.all())
                {
                    if (r.homeMComponentId() == componentId || vregions.homeStandby(r.pid()) == componentId)
                    {
                        homed.add(r);
                    }
                }
            }
            else
            {
                affected = null;
                homed = null;
            }
        }
        if (kind == ComponentKind.MCOMPONENT)
        {
            memoryFailover.recover(componentId, affected, homed);
            return;
        }
        synchronized (lock)
        {
            if (kind != ComponentKind.PCOMPONENT)
            {
                return;
            }
            records = placement.processesOn(componentId);
        }
        for (final ProcessPlacement.ProcessRecord r : records)
        {
            final long freed = freeOnHome(r);
            synchronized (lock)
            {
                if (placement.process(r.pid()) == null)
                {
                    continue;
                }
                placement.exit(r.pid(), KILLED_STATUS);
                vregions.forget(r.pid());
            }
            reapedProcesses.incrementAndGet();
            LOG.warn("pid {} killed with its pComponent {}: {} frames freed", r.pid(), componentId, freed);
        }
    }

    private long freeOnHome(final ProcessPlacement.ProcessRecord r)
    {
        final Endpoint home;
        synchronized (lock)
        {
            if (!membership.isLive(r.homeMComponentId()))
            {
                return 0;
            }
            home = membership.address(r.homeMComponentId());
        }
        try (Client client = transport.connect(home))
        {
            final long freed = new MemoryProxy(client, timeoutNs).processExit(r.pid());
            framesFreed.addAndGet(freed);
            return freed;
        }
        catch (final FabricException ex)
        {
            LOG.warn("pid {}: home mComponent {} did not free its memory: {}", r.pid(), r.homeMComponentId(),
                ex.getMessage());
            return 0;
        }
    }
}
