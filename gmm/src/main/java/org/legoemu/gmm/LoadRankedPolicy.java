package org.legoemu.gmm;

import org.agrona.collections.IntArrayList;

/**
 * A policy that ranks live mComponents by one reported figure and picks the best. Ties (every mComponent reports
 * the same figure before the first heartbeat, and idle ones report 0 requests) are broken like
 * {@link RoundRobinPolicy}: a process's first vRegion prefers its home, each later one the next tied mComponent in
 * id order after the previous owner, so a burst of allocations between two heartbeats still spreads.
 * <p>
 * The figures are those of the last heartbeat (one interval old at most): the GMM does not guess the effect of
 * its own recent choices.
 */
abstract class LoadRankedPolicy implements VRegionPlacementPolicy
{
    /**
     * The figure to minimise.
     *
     * @param componentId a live mComponent.
     * @param loads       the reported figures.
     */
    abstract long cost(int componentId, MComponentLoads loads);

    @Override
    public final int chooseOwner(
        final int pid, final int homeMComponentId, final int lastAssignedOwnerId, final IntArrayList liveMComponentIds,
        final MComponentLoads loads)
    {
        long best = Long.MAX_VALUE;
        for (int i = 0, size = liveMComponentIds.size(); i < size; i++)
        {
            best = Math.min(best, cost(liveMComponentIds.getInt(i), loads));
        }
        if (lastAssignedOwnerId < 0 && liveMComponentIds.containsInt(homeMComponentId) &&
            cost(homeMComponentId, loads) == best)
        {
            return homeMComponentId;
        }
        final int previous = lastAssignedOwnerId < 0 ? homeMComponentId : lastAssignedOwnerId;
        int firstTied = -1;
        for (int i = 0, size = liveMComponentIds.size(); i < size; i++)
        {
            final int id = liveMComponentIds.getInt(i);
            if (cost(id, loads) == best)
            {
                if (id > previous)
                {
                    return id;
                }
                if (firstTied < 0)
                {
                    firstTied = id;
                }
            }
        }
        return firstTied;
    }
}
