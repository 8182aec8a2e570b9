package org.legoemu.gmm;

import org.agrona.collections.IntArrayList;

/**
 * Chooses the owner mComponent of a process's newly allocated vRegion (LegoOS §4.5: the GMM assigns each 1 GiB
 * vRegion to an mComponent). One class per policy; {@link VRegionPlacement} names them for configuration.
 */
@FunctionalInterface
public interface VRegionPlacementPolicy
{
    /**
     * @param pid                 the process.
     * @param homeMComponentId    the process's home mComponent.
     * @param lastAssignedOwnerId the owner given to this process's previous new vRegion, or -1 for its first.
     * @param liveMComponentIds   live mComponent ids, ascending, never empty.
     * @param loads               the figures each mComponent last reported in its heartbeat.
     * @return the chosen owner, one of {@code liveMComponentIds}.
     */
    int chooseOwner(
        int pid, int homeMComponentId, int lastAssignedOwnerId, IntArrayList liveMComponentIds, MComponentLoads loads);
}
