package org.legoemu.gmm;

import java.util.ArrayList;
import java.util.List;

import org.agrona.collections.Int2IntHashMap;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.IntHashSet;
import org.agrona.collections.Long2LongHashMap;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.sbe.ComponentKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-process map from vRegion ({@code vaddr >>> 30}, 1 GiB) to the owner mComponent that stores its pages
 * (LegoOS §4.5, GMM vRegion allocation). Owners are assigned on first M2G_VREGION_ALLOC by a
 * {@link VRegionPlacementPolicy} and kept until the process exits or the owner dies.
 * <p>
 * With {@link Replication#LOG}, each vRegion also gets a secondary (LegoOS §4.7) when it gets its owner: the next
 * live mComponent after the owner in id order, so the secondaries of a cluster's vRegions spread like a ring. Each
 * process likewise gets a home standby, the next live mComponent after its home. A single live mComponent leaves
 * vRegions without secondaries (-1). When the GMM declares an mComponent DEAD, {@link #promote} makes a vRegion's
 * secondary its owner and {@link #replaceSecondary} gives a vRegion a new secondary.
 * <p>
 * The directory lives in the GMM's memory only. A restarted GMM rebuilds it from what the mComponents report when
 * they register again ({@link #restoreOwner}, {@link #restoreSecondary}, {@link #restoreHomeStandby}), so later
 * lookups and failovers find the same owners and replicas as before the restart.
 * <p>
 * Not thread-safe: the {@link GlobalManager} serialises access.
 */
public final class VRegionDirectory
{
    /** Number of vRegions in the riscv64 Sv39 user space: TASK_SIZE 0x40_0000_0000 >>> 30. */
    public static final int VREGION_COUNT = (int)(0x40_0000_0000L >>> 30);

    private static final Logger LOG = LoggerFactory.getLogger(VRegionDirectory.class);
    private static final int NO_OWNER = -1;

    private final Membership membership;
    private final VRegionPlacementPolicy policy;
    private final boolean replicated;
    private final Int2ObjectHashMap<ProcessRegions> regionsByPid = new Int2ObjectHashMap<>();
    private final IntArrayList scratchIds = new IntArrayList();
    /** (pid << 32 | vregion) of restored vRegions whose secondary reported and whose owner has not: since when, ns. */
    private final Long2LongHashMap ownerlessSinceNs = new Long2LongHashMap(Long.MIN_VALUE);

    /**
     * @param membership where live mComponents are found.
     * @param policy     chooses owners of new vRegions.
     */
    public VRegionDirectory(final Membership membership, final VRegionPlacementPolicy policy)
    {
        this(membership, policy, Replication.OFF);
    }

    /**
     * @param membership  where live mComponents are found.
     * @param policy      chooses owners of new vRegions.
     * @param replication whether vRegions get secondaries and processes home standbys.
     */
    public VRegionDirectory(
        final Membership membership, final VRegionPlacementPolicy policy, final Replication replication)
    {
        this.membership = membership;
        this.policy = policy;
        this.replicated = replication == Replication.LOG;
    }

    /**
     * The owner of a vRegion, assigning one if none.
     *
     * @param pid              process id.
     * @param homeMComponentId the process's home mComponent.
     * @param vregion          0 .. {@link #VREGION_COUNT} - 1.
     * @return the owner's component id.
     * @throws GmmException EINVAL for a vRegion out of range, EAGAIN if no live mComponent exists.
     */
    public int allocate(final int pid, final int homeMComponentId, final int vregion)
    {
        if (vregion < 0 || vregion >= VREGION_COUNT)
        {
            throw new GmmException(Errnos.EINVAL, "vregion " + vregion + " outside 0.." + (VREGION_COUNT - 1));
        }
        ProcessRegions regions = regionsByPid.get(pid);
        if (regions != null)
        {
            final int owner = regions.ownerByVRegion.get(vregion);
            if (owner != NO_OWNER)
            {
                return owner;
            }
        }
        final IntArrayList live = membership.liveIds(ComponentKind.MCOMPONENT, scratchIds);
        if (live.isEmpty())
        {
            throw new GmmException(Errnos.EAGAIN, "no live mcomponent");
        }
        if (regions == null)
        {
            regions = new ProcessRegions();
            regionsByPid.put(pid, regions);
        }
        final int owner = policy.chooseOwner(pid, homeMComponentId, regions.lastAssignedOwnerId, live, membership);
        regions.ownerByVRegion.put(vregion, owner);
        regions.lastAssignedOwnerId = owner;
        final int secondary = chooseReplica(owner, NO_OWNER);
        if (secondary != NO_OWNER)
        {
            regions.secondaryByVRegion.put(vregion, secondary);
        }
        regions.secondarySettled.add(vregion);
        LOG.debug("pid {} vregion {} assigned to mcomponent {}, secondary {}", pid, vregion, owner, secondary);
        return owner;
    }

    /** The secondary of a vRegion, or -1 if it has none. */
    public int secondary(final int pid, final int vregion)
    {
        final ProcessRegions regions = regionsByPid.get(pid);
        return regions == null ? NO_OWNER : regions.secondaryByVRegion.get(vregion);
    }

    /**
     * Gives a vRegion a new secondary in place of {@code unreachableId} (dead, or unreachable from the owner): the
     * next live mComponent after the owner that is neither the owner nor {@code unreachableId}. When there is no
     * other and {@code unreachableId} is still live (slow, or cut off from the owner only), it stays the secondary:
     * the owner keeps trying it until it answers or the GMM declares it DEAD.
     *
     * @return the new secondary (possibly {@code unreachableId} itself), or -1 when none is left (or the vRegion has
     * no owner, or replication is off).
     */
    public int replaceSecondary(final int pid, final int vregion, final int unreachableId)
    {
        final ProcessRegions regions = regionsByPid.get(pid);
        final int owner = regions == null ? NO_OWNER : regions.ownerByVRegion.get(vregion);
        if (owner == NO_OWNER)
        {
            return NO_OWNER;
        }
        int secondary = chooseReplica(owner, unreachableId);
        if (secondary == NO_OWNER && unreachableId != owner && membership.isLive(unreachableId) &&
            regions.secondaryByVRegion.get(vregion) == unreachableId)
        {
            secondary = unreachableId;
        }
        if (secondary == NO_OWNER)
        {
            regions.secondaryByVRegion.remove(vregion);
        }
        else
        {
            regions.secondaryByVRegion.put(vregion, secondary);
        }
        regions.secondarySettled.add(vregion);
        LOG.info("pid {} vregion {}: secondary {} replaced by {}", pid, vregion, unreachableId, secondary);
        return secondary;
    }

    /**
     * Makes the secondary of a vRegion its owner (the old owner is DEAD) and records {@code newSecondaryId}.
     *
     * @return false if the process or vRegion is gone meanwhile (nothing changed).
     */
    public boolean promote(final int pid, final int vregion, final int expectedOwnerId, final int newSecondaryId)
    {
        final ProcessRegions regions = regionsByPid.get(pid);
        if (regions == null || regions.ownerByVRegion.get(vregion) != expectedOwnerId)
        {
            return false;
        }
        final int secondary = regions.secondaryByVRegion.get(vregion);
        if (secondary == NO_OWNER)
        {
            return false;
        }
        regions.ownerByVRegion.put(vregion, secondary);
        regions.secondarySettled.add(vregion);
        if (newSecondaryId == NO_OWNER)
        {
            regions.secondaryByVRegion.remove(vregion);
        }
        else
        {
            regions.secondaryByVRegion.put(vregion, newSecondaryId);
        }
        return true;
    }

    /**
     * Forgets the owner of a vRegion that is lost: its owner is DEAD and no secondary holds it. Later lookups fail
     * with EHOSTDOWN.
     */
    public void lose(final int pid, final int vregion)
    {
        final ProcessRegions regions = regionsByPid.get(pid);
        if (regions != null)
        {
            regions.ownerByVRegion.remove(vregion);
            regions.secondaryByVRegion.remove(vregion);
            regions.secondarySettled.remove(vregion);
            regions.lost.add(vregion);
        }
    }

    /** Whether a vRegion of the process was lost with its owner (no secondary held it). */
    public boolean isLost(final int pid, final int vregion)
    {
        final ProcessRegions regions = regionsByPid.get(pid);
        return regions != null && regions.lost.containsInt(vregion);
    }

    /**
     * Every (pid, vRegion) whose owner or secondary is {@code componentId} (allocates; for failure handling).
     *
     * @return pairs {@code [pid, vregion, owner, secondary]} in no particular order.
     */
    public java.util.List<int[]> placedOn(final int componentId)
    {
        final java.util.List<int[]> found = new java.util.ArrayList<>();
        regionsByPid.forEachInt((pid, regions) ->
        {
            regions.ownerByVRegion.forEachInt((vregion, owner) ->
            {
                final int secondary = regions.secondaryByVRegion.get(vregion);
                if (owner == componentId || secondary == componentId)
                {
                    found.add(new int[]{pid, vregion, owner, secondary});
                }
            });
        });
        return found;
    }

    /**
     * A restarted GMM learns that mComponent {@code ownerId} owns a vRegion (M2G_MEMORY_RESTORE): it becomes the
     * owner unless another mComponent already is (the first report wins; a conflict is logged). The owner's word on
     * the secondary, when it has one ({@code secondaryId} &gt;= 0, or -1 for none), replaces what a secondary said.
     *
     * @param secondaryId the secondary the owner replicates to, -1 for none, -2 when the owner does not know yet.
     * @return false when another mComponent owns the vRegion (nothing changed).
     * @throws GmmException EINVAL for a vRegion out of range.
     */
    public boolean restoreOwner(final int pid, final int vregion, final int ownerId, final int secondaryId)
    {
        final ProcessRegions regions = restoredRegions(pid, vregion);
        final int owner = regions.ownerByVRegion.get(vregion);
        if (owner != NO_OWNER && owner != ownerId)
        {
            LOG.warn("pid {} vregion {}: mcomponent {} reports owning it, but {} does: kept {}", pid, vregion,
                ownerId, owner, owner);
            return false;
        }
        regions.ownerByVRegion.put(vregion, ownerId);
        regions.lastAssignedOwnerId = ownerId;
        ownerlessSinceNs.remove(key(pid, vregion));
        if (secondaryId >= 0 && secondaryId != ownerId)
        {
            regions.secondaryByVRegion.put(vregion, secondaryId);
            regions.secondarySettled.add(vregion);
        }
        else if (secondaryId == NO_OWNER)
        {
            regions.secondaryByVRegion.remove(vregion);
            regions.secondarySettled.add(vregion);
        }
        if (regions.secondaryByVRegion.get(vregion) == ownerId)
        {
            regions.secondaryByVRegion.remove(vregion);
        }
        return true;
    }

    /**
     * A restarted GMM learns that mComponent {@code secondaryId} keeps the log of a vRegion: it becomes the
     * secondary if the vRegion has none yet, it is not the owner, and neither the owner's report ({@link
     * #restoreOwner}) nor this GMM settled the secondary: a secondary replaced while it was unreachable may still hold
     * an old log.
     *
     * @return whether it was recorded.
     * @throws GmmException EINVAL for a vRegion out of range.
     */
    public boolean restoreSecondary(final int pid, final int vregion, final int secondaryId)
    {
        final ProcessRegions regions = restoredRegions(pid, vregion);
        if (regions.ownerByVRegion.get(vregion) == secondaryId || regions.secondaryByVRegion.get(vregion) != NO_OWNER ||
            regions.secondarySettled.contains(vregion))
        {
            return false;
        }
        regions.secondaryByVRegion.put(vregion, secondaryId);
        return true;
    }

    /**
     * A restarted GMM learns that a secondary keeps the log of a vRegion no owner has reported yet, at {@code nowNs}
     * (M2G_MEMORY_RESTORE): its owner either has not registered again yet or crashed while no GMM served, and no
     * report names it. Unless an owner reports within one mComponent lease, {@link #takeOwnerless} hands the vRegion
     * to the failover, which promotes the secondary as for a DEAD owner.
     */
    public void ownerlessSince(final int pid, final int vregion, final long nowNs)
    {
        final ProcessRegions regions = regionsByPid.get(pid);
        final long key = key(pid, vregion);
        if (regions != null && regions.ownerByVRegion.get(vregion) == NO_OWNER &&
            regions.secondaryByVRegion.get(vregion) != NO_OWNER && !ownerlessSinceNs.containsKey(key))
        {
            ownerlessSinceNs.put(key, nowNs);
        }
    }

    /**
     * The restored vRegions that have had a secondary and no owner since {@code reportedByNs} or earlier, as
     * {@code [pid, vregion, -1, secondary]} (the failover's form, owner unknown); each is returned once.
     */
    public List<int[]> takeOwnerless(final long reportedByNs)
    {
        final List<int[]> found = new ArrayList<>();
        final Long2LongHashMap.KeyIterator keys = ownerlessSinceNs.keySet().iterator();
        while (keys.hasNext())
        {
            final long key = keys.nextValue();
            final int pid = (int)(key >>> 32);
            final int vregion = (int)key;
            final ProcessRegions regions = regionsByPid.get(pid);
            if (regions == null || regions.ownerByVRegion.get(vregion) != NO_OWNER ||
                regions.secondaryByVRegion.get(vregion) == NO_OWNER)
            {
                keys.remove();
            }
            else if (ownerlessSinceNs.get(key) <= reportedByNs)
            {
                found.add(new int[] {pid, vregion, NO_OWNER, regions.secondaryByVRegion.get(vregion)});
                keys.remove();
            }
        }
        return found;
    }

    private static long key(final int pid, final int vregion)
    {
        return ((long)pid << 32) | (vregion & 0xFFFF_FFFFL);
    }

    /**
     * A restarted GMM learns a process's home standby: from its home ({@code fromHome}, which overrides) or from the
     * standby itself (recorded only if none is known).
     *
     * @return whether it was recorded.
     */
    public boolean restoreHomeStandby(final int pid, final int standbyId, final boolean fromHome)
    {
        ProcessRegions regions = regionsByPid.get(pid);
        if (regions == null)
        {
            regions = new ProcessRegions();
            regionsByPid.put(pid, regions);
        }
        if (!fromHome && regions.homeStandby != NO_OWNER)
        {
            return false;
        }
        regions.homeStandby = standbyId;
        return true;
    }

    /**
     * A restarted GMM learns that mComponent {@code homeId} is a process's home (it holds its address space): a
     * pComponent's P2G_PROCESS_RESTORE names the home of the process's first placement, which a home failover before
     * the restart has changed.
     */
    public void restoreHome(final int pid, final int homeId)
    {
        ProcessRegions regions = regionsByPid.get(pid);
        if (regions == null)
        {
            regions = new ProcessRegions();
            regionsByPid.put(pid, regions);
        }
        regions.home = homeId;
    }

    /** The home an mComponent reported for {@code pid} to this GMM after a restart ({@link #restoreHome}), or -1. */
    public int restoredHome(final int pid)
    {
        final ProcessRegions regions = regionsByPid.get(pid);
        return regions == null ? NO_OWNER : regions.home;
    }

    private ProcessRegions restoredRegions(final int pid, final int vregion)
    {
        if (vregion < 0 || vregion >= VREGION_COUNT)
        {
            throw new GmmException(Errnos.EINVAL, "vregion " + vregion + " outside 0.." + (VREGION_COUNT - 1));
        }
        ProcessRegions regions = regionsByPid.get(pid);
        if (regions == null)
        {
            regions = new ProcessRegions();
            regionsByPid.put(pid, regions);
        }
        return regions;
    }

    /**
     * The home standby of a process: assigned on first ask (the next live mComponent after the home), kept until
     * it dies or the process exits.
     *
     * @return the standby's component id, or -1 when replication is off or no other mComponent is live.
     */
    public int homeStandby(final int pid, final int homeMComponentId)
    {
        ProcessRegions regions = regionsByPid.get(pid);
        if (regions == null)
        {
            regions = new ProcessRegions();
            regionsByPid.put(pid, regions);
        }
        if (regions.homeStandby == NO_OWNER || !membership.isLive(regions.homeStandby) ||
            regions.homeStandby == homeMComponentId)
        {
            regions.homeStandby = chooseReplica(homeMComponentId, NO_OWNER);
        }
        return regions.homeStandby;
    }

    /** The home standby last assigned to a process, or -1. */
    public int homeStandby(final int pid)
    {
        final ProcessRegions regions = regionsByPid.get(pid);
        return regions == null ? NO_OWNER : regions.homeStandby;
    }

    /** Records a process's home standby (after its home failed over to the old standby). */
    public void homeStandbyAssigned(final int pid, final int standbyId)
    {
        final ProcessRegions regions = regionsByPid.get(pid);
        if (regions != null)
        {
            regions.homeStandby = standbyId;
        }
    }

    /**
     * A replica for something held by {@code primaryId}: the next live mComponent after it in id order that is
     * neither it nor {@code excludedId}; -1 when replication is off or there is none.
     */
    public int chooseReplica(final int primaryId, final int excludedId)
    {
        if (!replicated)
        {
            return NO_OWNER;
        }
        final IntArrayList live = membership.liveIds(ComponentKind.MCOMPONENT, scratchIds);
        live.removeInt(primaryId);
        live.removeInt(excludedId);
        return live.isEmpty() ? NO_OWNER : RoundRobinPolicy.nextAfter(primaryId, live);
    }

    /**
     * The owner of a vRegion, or -1 if it has none.
     */
    public int owner(final int pid, final int vregion)
    {
        final ProcessRegions regions = regionsByPid.get(pid);
        return regions == null ? NO_OWNER : regions.ownerByVRegion.get(vregion);
    }

    /**
     * fork(2): the child's vRegions are owned by the parent's owners (each owner copies the parent's frames to the
     * child), replacing any entry the child had.
     */
    public void copy(final int parentPid, final int childPid)
    {
        final ProcessRegions parent = regionsByPid.get(parentPid);
        if (parent == null)
        {
            regionsByPid.remove(childPid);
            return;
        }
        final ProcessRegions child = new ProcessRegions();
        child.ownerByVRegion.putAll(parent.ownerByVRegion);
        child.secondaryByVRegion.putAll(parent.secondaryByVRegion);
        child.secondarySettled.addAll(parent.secondarySettled);
        child.lastAssignedOwnerId = parent.lastAssignedOwnerId;
        regionsByPid.put(childPid, child);
    }

    /** Forgets every vRegion of an exited process. */
    public void forget(final int pid)
    {
        regionsByPid.remove(pid);
    }

    /** Number of vRegions with an owner for a process. */
    public int vregionCount(final int pid)
    {
        final ProcessRegions regions = regionsByPid.get(pid);
        return regions == null ? 0 : regions.ownerByVRegion.size();
    }

    /**
     * How many vRegions each mComponent owns, over every process (for {@code lego status}; allocates).
     *
     * @return component id to vRegion count; absent ids own none.
     */
    public Int2IntHashMap ownedCounts()
    {
        final Int2IntHashMap counts = new Int2IntHashMap(0);
        for (final ProcessRegions regions : regionsByPid.values())
        {
            final Int2IntHashMap.ValueIterator owners = regions.ownerByVRegion.values().iterator();
            while (owners.hasNext())
            {
                final int owner = owners.nextValue();
                counts.put(owner, counts.get(owner) + 1);
            }
        }
        return counts;
    }

    private static final class ProcessRegions
    {
        final Int2IntHashMap ownerByVRegion = new Int2IntHashMap(NO_OWNER);
        final Int2IntHashMap secondaryByVRegion = new Int2IntHashMap(NO_OWNER);
        final IntArrayList lost = new IntArrayList();
        /** vRegions whose secondary (or lack of one) this GMM chose or heard from the owner: no claim changes it. */
        final IntHashSet secondarySettled = new IntHashSet();
        int lastAssignedOwnerId = NO_OWNER;
        int homeStandby = NO_OWNER;
        int home = NO_OWNER;
    }
}
