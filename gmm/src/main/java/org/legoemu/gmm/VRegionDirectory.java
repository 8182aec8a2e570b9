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
 * {@link VRegionPlacementPolicy} and kept until the process exits.
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
    private final Int2ObjectHashMap<ProcessRegions> regionsByPid = new Int2ObjectHashMap<>();
    private final IntArrayList scratchIds = new IntArrayList();

    /**
     * @param membership where live mComponents are found.
     * @param policy     chooses owners of new vRegions.
     */
    public VRegionDirectory(final Membership membership, final VRegionPlacementPolicy policy)
    {
        this.membership = membership;
        this.policy = policy;
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
        LOG.debug("pid {} vregion {} assigned to mcomponent {}", pid, vregion, owner);
        return owner;
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
        int lastAssignedOwnerId = NO_OWNER;
    }
}
