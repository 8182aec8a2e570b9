package org.legoemu.gmm;

import org.agrona.collections.IntArrayList;

/**
 * The cluster protocol's vRegion rule: a process's FIRST vRegion goes to its home mComponent (or, if the home is
 * not live, to the next live mComponent after it); each later new vRegion goes to the next live mComponent in id
 * order after the previous one, wrapping around. With two mComponents, both hold pages of every process with
 * two or more vRegions. Ignores the reported loads. Configuration name {@code roundrobin}.
 */
public final class RoundRobinPolicy implements VRegionPlacementPolicy
{
    @Override
    public int chooseOwner(
        final int pid, final int homeMComponentId, final int lastAssignedOwnerId, final IntArrayList liveMComponentIds,
        final MComponentLoads loads)
    {
        if (lastAssignedOwnerId < 0)
        {
            return liveMComponentIds.containsInt(homeMComponentId) ?
                homeMComponentId : nextAfter(homeMComponentId, liveMComponentIds);
        }
        return nextAfter(lastAssignedOwnerId, liveMComponentIds);
    }

    /**
     * The smallest id in {@code ascendingIds} greater than {@code previousId}, wrapping to the first.
     *
     * @param previousId   the last id chosen (need not be in the list).
     * @param ascendingIds candidate ids, ascending, not empty.
     */
    static int nextAfter(final int previousId, final IntArrayList ascendingIds)
    {
        for (int i = 0, size = ascendingIds.size(); i < size; i++)
        {
            final int id = ascendingIds.getInt(i);
            if (id > previousId)
            {
                return id;
            }
        }
        return ascendingIds.getInt(0);
    }
}
