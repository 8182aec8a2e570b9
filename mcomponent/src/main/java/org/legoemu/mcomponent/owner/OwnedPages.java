package org.legoemu.mcomponent.owner;

import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.IntHashSet;
import org.legoemu.abi.linux.Errno;
import org.legoemu.fabric.sbe.VmaOp;
import org.legoemu.mcomponent.vm.AddressLayout;
import org.legoemu.mcomponent.vm.VmException;

/**
 * Every process this mComponent stores pages for, as vRegion owner: pid to {@link ProcessPages}. Not thread-safe:
 * guarded by the monitor's state lock (see the package's threading rules).
 */
public final class OwnedPages
{
    private final Int2ObjectHashMap<ProcessPages> byPid = new Int2ObjectHashMap<>();
    private final FramePool pool;

    /**
     * @param pool the frames all processes share.
     */
    public OwnedPages(final FramePool pool)
    {
        this.pool = pool;
    }

    /**
     * The store of {@code pid}, created empty if absent, recording that the process runs on {@code pcomponentId}
     * (the home's word is authoritative: it learnt the pComponent at P2M_EXECVE).
     */
    public ProcessPages getOrCreate(final int pid, final int pcomponentId)
    {
        ProcessPages store = byPid.get(pid);
        if (store == null)
        {
            store = new ProcessPages(pid, pcomponentId, pool);
            byPid.put(pid, store);
        }
        else
        {
            store.pcomponentId(pcomponentId);
        }
        return store;
    }

    /** The store of {@code pid}, or null when this monitor holds nothing of it. */
    public ProcessPages get(final int pid)
    {
        return byPid.get(pid);
    }

    /**
     * The pComponent {@code pid} runs on when that is not {@code claimedPComponentId}, else -1: a pComponent may only
     * touch the address spaces of processes placed on it, so a miss or flush claimed by another one is refused
     * (EPERM). A pid this monitor holds nothing of gives -1: its request fails EFAULT (no mapping) like any address
     * without a VMA.
     */
    public int runsElsewhere(final int pid, final int claimedPComponentId)
    {
        final ProcessPages pages = byPid.get(pid);
        return pages == null || pages.pcomponentId() == claimedPComponentId ? -1 : pages.pcomponentId();
    }

    /**
     * Records that {@code pid} runs on {@code pcomponentId} (the home says so in M2M_PAGE_STORE) if this monitor
     * holds pages of it.
     */
    public void placedOn(final int pid, final int pcomponentId)
    {
        final ProcessPages pages = byPid.get(pid);
        if (pages != null)
        {
            pages.pcomponentId(pcomponentId);
        }
    }

    /**
     * Stores one whole page of {@code pid} (a flushed line, a piggybacked write-back, M2M_PAGE_STORE).
     *
     * @param page the page's bytes: exactly {@link FramePool#FRAME_SIZE} of them.
     * @return 0, or the errno: EINVAL for a wrong size, EFAULT (no mapping), EACCES, ENOMEM (no frame).
     */
    public int storePage(final int pid, final long vaddr, final DirectBuffer page)
    {
        if (page.capacity() != FramePool.FRAME_SIZE)
        {
            return Errno.EINVAL;
        }
        final ProcessPages pages = byPid.get(pid);
        final int result = pages == null ? -Errno.EFAULT : pages.store(vaddr, page, 0);
        return result < 0 ? -result : 0;
    }

    /**
     * Applies a VMA change the home sent (M2M_VMA_UPDATE) to {@code pid}'s pages here, created empty if absent and
     * recorded as running on {@code pcomponentId}.
     *
     * @return the process's pages here.
     * @throws VmException EINVAL for a NULL op, an unaligned or empty range.
     */
    public ProcessPages applyVma(
        final int pid, final int pcomponentId, final VmaOp op, final long start, final long end, final int prot)
    {
        if (op == VmaOp.NULL_VAL || !AddressLayout.isPageAligned(start) || !AddressLayout.isPageAligned(end) ||
            start >= end)
        {
            throw new VmException(Errno.EINVAL, "bad VMA update " + op + " 0x" + Long.toHexString(start) + "-0x" +
                Long.toHexString(end));
        }
        final ProcessPages pages = getOrCreate(pid, pcomponentId);
        pages.applyVma(op, start, end, prot);
        return pages;
    }

    /**
     * Forgets a process and frees its frames (M2M_PROCESS_EXIT, or the home's own part of P2M_PROCESS_EXIT).
     *
     * @return the number of frames freed; 0 when the process was unknown.
     */
    public int release(final int pid)
    {
        final ProcessPages store = byPid.remove(pid);
        return store == null ? 0 : store.release();
    }

    /**
     * fork(2) on this owner (M2M_FORK, or the home's own part of P2M_FORK): the child's store becomes a copy of the
     * parent's (VMAs and frames), served to {@code pcomponentId}; a parent this monitor holds nothing of gives an
     * empty child store.
     *
     * @return the number of frames copied, or -ENOMEM (the child then holds nothing here).
     */
    public int fork(final int parentPid, final int childPid, final int pcomponentId)
    {
        release(childPid);
        final ProcessPages child = getOrCreate(childPid, pcomponentId);
        final ProcessPages parent = byPid.get(parentPid);
        final int copied = parent == null ? 0 : parent.copyTo(child);
        if (copied < 0)
        {
            release(childPid);
        }
        return copied;
    }

    /** Appends to {@code out} every pid held here that {@code seen} does not hold yet, adding it to {@code seen}. */
    public void pids(final IntArrayList out, final IntHashSet seen)
    {
        final Int2ObjectHashMap<ProcessPages>.KeyIterator it = byPid.keySet().iterator();
        while (it.hasNext())
        {
            final int pid = it.nextInt();
            if (seen.add(pid))
            {
                out.addInt(pid);
            }
        }
    }

    /** The frame pool. */
    public FramePool pool()
    {
        return pool;
    }

    /** The processes' pages held here (a live view; read under the state lock). */
    public java.util.Collection<ProcessPages> stores()
    {
        return byPid.values();
    }
}
