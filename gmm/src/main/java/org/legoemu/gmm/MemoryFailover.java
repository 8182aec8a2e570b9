package org.legoemu.gmm;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.Transport;
import org.legoemu.fabric.proxy.ReplicaProxy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the GMM does when it declares an mComponent DEAD under memory replication (LegoOS §4.7, which designed but never
 * implemented this): for each vRegion the dead mComponent owned, its secondary becomes the primary (G2M_PROMOTE: it
 * rebuilds the vRegion from its log and the storage backup) and gets a new secondary; for each vRegion it was the
 * secondary of, the primary seeds a new one (G2M_RESEED); for each process it was home of, the process's home standby
 * becomes the home (G2M_PROMOTE_HOME); for each process it was home standby of, the home is told its new standby
 * (G2M_PROMOTE_HOME to the home itself) and checkpoints to it at once. The directory changes only after the promoted
 * mComponent answered, so a pComponent asking for the owner meanwhile still gets the dead one, fails, and asks again. A
 * vRegion or home without a live replica is lost (logged; its process dies at its next access).
 *
 * <p>Runs on the {@link ProcessReaper}'s thread; remote calls are made without the GMM lock.
 */
final class MemoryFailover
{
    private static final Logger LOG = LoggerFactory.getLogger(MemoryFailover.class);

    private final Object lock;
    private final Membership membership;
    private final ProcessPlacement placement;
    private final VRegionDirectory vregions;
    private final Transport transport;
    private final long timeoutNs;
    private final CopyOnWriteArrayList<Long> recoveryNs = new CopyOnWriteArrayList<>();
    private final AtomicLong promotedVRegions = new AtomicLong();
    private final AtomicLong lostVRegions = new AtomicLong();
    private final AtomicLong promotedHomes = new AtomicLong();

    /**
     * @param timeoutNs         the GMM's per-call timeout.
     * @param failoverCallMinNs least time a failover order is waited for ({@link GmmContext#failoverCallMinNs()}).
     */
    MemoryFailover(
        final Object lock, final Membership membership, final ProcessPlacement placement,
        final VRegionDirectory vregions, final Transport transport, final long timeoutNs,
        final long failoverCallMinNs)
    {
        this.lock = lock;
        this.membership = membership;
        this.placement = placement;
        this.vregions = vregions;
        this.transport = transport;
        this.timeoutNs = Math.max(timeoutNs, failoverCallMinNs);
    }

    /**
     * Recovers from the death of mComponent {@code deadId}.
     *
     * @param affected {@code [pid, vregion, owner, secondary]} of every vRegion it owned or was secondary of.
     * @param homed    the processes it was home or home standby of.
     */
    void recover(final int deadId, final List<int[]> affected, final List<ProcessPlacement.ProcessRecord> homed)
    {
        final long startNs = System.nanoTime();
        for (final int[] v : affected)
        {
            final int pid = v[0];
            final int vregion = v[1];
            if (v[2] == deadId)
            {
                promote(deadId, pid, vregion, v[3]);
            }
            else
            {
                reseed(deadId, pid, vregion, v[2]);
            }
        }
        for (final ProcessPlacement.ProcessRecord r : homed)
        {
            if (r.homeMComponentId() == deadId)
            {
                promoteHome(deadId, r.pid());
            }
            else
            {
                replaceStandby(deadId, r);
            }
        }
        final long tookNs = System.nanoTime() - startNs;
        if (!affected.isEmpty() || !homed.isEmpty())
        {
            recoveryNs.add(tookNs);
            LOG.info("mComponent {} failed over: {} vRegions and {} homes in {} ms", deadId, affected.size(),
                homed.size(), tookNs / 1_000_000);
        }
    }

    /** Nanoseconds each failover took, from the DEAD declaration to the last promotion answered. */
    List<Long> recoveryTimesNs()
    {
        return List.copyOf(recoveryNs);
    }

    /** vRegions whose secondary became primary. */
    long promotedVRegions()
    {
        return promotedVRegions.get();
    }

    /** vRegions lost with their owner (no live secondary). */
    long lostVRegions()
    {
        return lostVRegions.get();
    }

    /** Processes whose home standby became home. */
    long promotedHomes()
    {
        return promotedHomes.get();
    }


    private void promote(final int deadId, final int pid, final int vregion, final int secondary)
    {
        final int newSecondary;
        final int pcomponentId;
        final Endpoint address;
        synchronized (lock)
        {
            final ProcessPlacement.ProcessRecord r = placement.process(pid);
            if (secondary < 0 || !membership.isLive(secondary) || r == null)
            {
                vregions.lose(pid, vregion);
                lostVRegions.incrementAndGet();
                LOG.warn("pid {} vregion {} lost with mComponent {}: no live secondary holds it", pid, vregion,
                    deadId);
                return;
            }
            newSecondary = vregions.chooseReplica(secondary, deadId);
            pcomponentId = r.pcomponentId();
            address = membership.address(secondary);
        }
        try (ReplicaProxy proxy = new ReplicaProxy(transport.connect(address), timeoutNs))
        {
            proxy.promote(pid, vregion, newSecondary, pcomponentId);
        }
        catch (final FabricException ex)
        {
            synchronized (lock)
            {
                vregions.lose(pid, vregion);
            }
            lostVRegions.incrementAndGet();
            LOG.warn("pid {} vregion {}: secondary {} failed to take over: {}", pid, vregion, secondary,
                ex.getMessage());
            return;
        }
        synchronized (lock)
        {
            vregions.promote(pid, vregion, deadId, newSecondary);
        }
        promotedVRegions.incrementAndGet();
        LOG.info("pid {} vregion {}: owner {} DEAD, secondary {} promoted, new secondary {}", pid, vregion, deadId,
            secondary, newSecondary);
    }

    private void reseed(final int deadId, final int pid, final int vregion, final int owner)
    {
        final int newSecondary;
        final Endpoint address;
        synchronized (lock)
        {
            if (!membership.isLive(owner))
            {
                return;
            }
            newSecondary = vregions.replaceSecondary(pid, vregion, deadId);
            address = membership.address(owner);
        }
        try (ReplicaProxy proxy = new ReplicaProxy(transport.connect(address), timeoutNs))
        {
            proxy.reseed(pid, vregion, newSecondary);
        }
        catch (final FabricException ex)
        {
            LOG.warn("pid {} vregion {}: owner {} did not seed new secondary {}: {}", pid, vregion, owner,
                newSecondary, ex.getMessage());
        }
    }

    /** The standby of a live home died: the home checkpoints to a new one at once (G2M_PROMOTE_HOME to the home). */
    private void replaceStandby(final int deadId, final ProcessPlacement.ProcessRecord r)
    {
        final int newStandby;
        final Endpoint address;
        synchronized (lock)
        {
            if (!membership.isLive(r.homeMComponentId()) || placement.process(r.pid()) == null)
            {
                return;
            }
            newStandby = vregions.chooseReplica(r.homeMComponentId(), deadId);
            vregions.homeStandbyAssigned(r.pid(), newStandby);
            address = membership.address(r.homeMComponentId());
        }
        try (ReplicaProxy proxy = new ReplicaProxy(transport.connect(address), timeoutNs))
        {
            proxy.promoteHome(r.pid(), newStandby);
        }
        catch (final FabricException ex)
        {
            LOG.warn("pid {}: home {} did not checkpoint to new standby {}: {}", r.pid(), r.homeMComponentId(),
                newStandby, ex.getMessage());
        }
    }

    private void promoteHome(final int deadId, final int pid)
    {
        final int standby;
        final int newStandby;
        final Endpoint address;
        synchronized (lock)
        {
            final int assigned = vregions.homeStandby(pid);
            standby = assigned >= 0 && assigned != deadId && membership.isLive(assigned) ? assigned :
                vregions.chooseReplica(deadId, deadId);
            if (standby < 0 || placement.process(pid) == null)
            {
                LOG.warn("pid {} lost its home mComponent {}: no live standby holds its layout", pid, deadId);
                return;
            }
            newStandby = vregions.chooseReplica(standby, deadId);
            address = membership.address(standby);
        }
        try (ReplicaProxy proxy = new ReplicaProxy(transport.connect(address), timeoutNs))
        {
            proxy.promoteHome(pid, newStandby);
        }
        catch (final RemoteErrorException ex)
        {
            if (ex.errno() != Errnos.ENOENT)
            {
                LOG.warn("pid {}: home standby {} failed to take over: {}", pid, standby, ex.getMessage());
                return;
            }
            LOG.info("pid {}: its home died before its execve finished; standby {} is its home for the retry", pid,
                standby);
        }
        catch (final FabricException ex)
        {
            LOG.warn("pid {}: home standby {} failed to take over: {}", pid, standby, ex.getMessage());
            return;
        }
        synchronized (lock)
        {
            placement.rehome(pid, standby);
            vregions.homeStandbyAssigned(pid, newStandby);
        }
        promotedHomes.incrementAndGet();
        LOG.info("pid {}: home {} DEAD, standby {} is its home now, new standby {}", pid, deadId, standby,
            newStandby);
    }
}
