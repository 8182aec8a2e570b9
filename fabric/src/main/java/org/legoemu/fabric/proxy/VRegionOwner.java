package org.legoemu.fabric.proxy;

import org.legoemu.fabric.Endpoint;

/**
 * The mComponent that stores the pages of one 1 GiB vRegion of a process (G2X_VREGION_OWNER).
 *
 * @param pid          process id.
 * @param vregion      {@code vaddr >>> 30}.
 * @param ownerId      component id of the owning mComponent.
 * @param ownerAddress where the owner serves P2M_PCACHE_MISS / P2M_PCACHE_FLUSH.
 */
public record VRegionOwner(int pid, int vregion, int ownerId, Endpoint ownerAddress)
{
}
