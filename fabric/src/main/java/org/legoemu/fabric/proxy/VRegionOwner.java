package org.legoemu.fabric.proxy;

import org.legoemu.fabric.Endpoint;

/**
 * The mComponent that stores the pages of one 1 GiB vRegion of a process (G2X_VREGION_OWNER).
 *
 * @param pid          process id.
 * @param vregion      {@code vaddr >>> 30}.
 * @param ownerId      component id of the owning mComponent.
 * @param ownerAddress where the owner serves P2M_PCACHE_MISS / P2M_PCACHE_FLUSH.
 * @param secondaryId      the vRegion's secondary (LegoOS §4.7 replica log), or -1 when it has none.
 * @param secondaryAddress where the secondary serves M2M_REPLICA_APPEND, null when it has none.
 */
public record VRegionOwner(int pid, int vregion, int ownerId, Endpoint ownerAddress, int secondaryId,
    Endpoint secondaryAddress)
{
    /** log2 of the vRegion size: 1 GiB (LegoOS §4.4), the unit of memory placement; the one definition. */
    public static final int VREGION_SHIFT = 30;

    /** An owner without a secondary (replication off, or a single mComponent). */
    public VRegionOwner(final int pid, final int vregion, final int ownerId, final Endpoint ownerAddress)
    {
        this(pid, vregion, ownerId, ownerAddress, -1, null);
    }

    /** Whether the vRegion has a secondary. */
    public boolean replicated()
    {
        return secondaryId >= 0;
    }
}
