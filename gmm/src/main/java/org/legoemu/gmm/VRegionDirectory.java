package org.legoemu.gmm;

import org.agrona.collections.Int2IntHashMap;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntArrayList;
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
        int lastAssignedOwnerId = NO_OWNER;
        int homeStandby = NO_OWNER;
    }
}
