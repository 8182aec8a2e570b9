package org.legoemu.mcomponent.vregion;

import org.legoemu.fabric.proxy.VRegionOwner;

/**
 * Where a process's vRegions live: the GMM's M2G_VREGION_ALLOC, asked by the home mComponent, which returns the
 * owner and assigns one by policy if the vRegion has none (see the cluster protocol). Implemented over
 * {@code GmmProxy} by the monitor and by maps in tests.
 */
@FunctionalInterface
public interface VRegionOwners
{
    /**
     * The owner of {@code vregion} of {@code pid}, assigning one if none.
     *
     * @param pid             the process.
     * @param homeComponentId the process's home mComponent (the caller).
     * @param vregion         {@code vaddr >>> 30}.
     * @return the owner.
     * @throws org.legoemu.fabric.FabricException when the GMM cannot be reached or refuses.
     */
    VRegionOwner allocate(int pid, int homeComponentId, int vregion);
}
