package org.legoemu.mcomponent.vregion;

import org.legoemu.fabric.proxy.VRegionOwner;
import org.legoemu.fabric.sbe.VmaOp;

import java.util.concurrent.locks.LockSupport;

/**
 * The M2M calls a home mComponent makes on the other owners of its processes' vRegions. Implemented over
 * {@code MemoryProxy} ({@link ProxyRemoteOwners}). Failures surface as {@code FabricException}.
 */
public interface RemoteOwners extends AutoCloseable
{
    /** M2M_VMA_UPDATE: apply one VMA change on the owner. */
    void vmaUpdate(VRegionOwner owner, int pid, int pcomponentId, VmaOp op, long start, long end, int prot);

    /** M2M_PAGE_STORE: install one 4 KiB page on the owner. */
    void pageStore(VRegionOwner owner, int pid, int pcomponentId, long vaddr, byte[] page);

    /**
     * M2M_PROCESS_EXIT: the owner frees the process's frames.
     *
     * @return frames freed there.
     */
    long processExit(VRegionOwner owner, int pid);

    /** Waits {@code pauseNs} before a failed call is tried again (the lock-holding implementation gives it up). */
    default void pause(final long pauseNs)
    {
        LockSupport.parkNanos(pauseNs);
    }
    /**
     * M2M_FORK: the owner copies the VMAs and frames it holds of {@code parentPid} to {@code childPid}.
     *
     * @return frames copied there.
     */
    long fork(VRegionOwner owner, int parentPid, int childPid, int pcomponentId);

    @Override
    void close();
}
