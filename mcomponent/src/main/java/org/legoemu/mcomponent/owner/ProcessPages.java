package org.legoemu.mcomponent.owner;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongArrayList;
import org.legoemu.abi.linux.Errno;
import org.legoemu.fabric.sbe.VmaOp;
import org.legoemu.mcomponent.vm.AddressLayout;
import org.legoemu.mcomponent.vm.Vma;
import org.legoemu.mcomponent.vm.VmaList;

import java.util.ArrayList;
import java.util.List;

/**
 * The OWNER side of one process on this mComponent (LegoOS §5.2, vRegion owner): a copy of the VMAs that lie in
 * the vRegions this monitor owns for the process, and the map from virtual page number to physical frame of the
 * pages it has stored. Pages are allocated on first touch (demand zero) from the shared {@link FramePool}.
 *
 * <p>The store belongs to the one pComponent the process runs on ({@link #pcomponentId()}, told by the home): the
 * monitor serves misses and flushes of the process to that pComponent alone (a pComponent may only touch
 * the address spaces of processes placed on it).
 *
 * <p>The page-fault path ({@link #resolve}, {@link #store}) never throws for guest errors: it returns a negative
 * errno. Not thread-safe: guarded by the monitor's state lock (see the package's threading rules).
 */
public final class ProcessPages
{
    /** {@link #replicaState}: not known yet (the replicator asks the GMM). */
    static final byte REPLICA_UNKNOWN = 0;
    /** {@link #replicaState}: the vRegion has a secondary. */
    public static final byte REPLICATED = 1;
    /** {@link #replicaState}: the vRegion has no secondary (replication off, or no other mComponent). */
    public static final byte UNREPLICATED = 2;

    private static final long MISSING = -1;

    private final int pid;
    private int pcomponentId;
    private final FramePool pool;
    private final VmaList vmas = new VmaList();
    private final Long2LongHashMap frameByVpn = new Long2LongHashMap(MISSING);
    private final LongArrayList scratchVpns = new LongArrayList();
    private final VmaList.PageDrop dropFrames = this::freeFrames;
    private final byte[] replicaStateByVRegion = new byte[AddressLayout.VREGION_COUNT];
    private final int[] secondaryByVRegion = new int[AddressLayout.VREGION_COUNT];
    private int resolvedProt;

    /**
     * @param pid          the process.
     * @param pcomponentId the pComponent that runs it.
     * @param pool         where frames come from and go back to.
     */
    public ProcessPages(final int pid, final int pcomponentId, final FramePool pool)
    {
        this.pid = pid;
        this.pcomponentId = pcomponentId;
        this.pool = pool;
    }

    /** The process id. */
    public int pid()
    {
        return pid;
    }

    /** The pComponent the process runs on: the only one whose misses and flushes of it are served here. */
    public int pcomponentId()
    {
        return pcomponentId;
    }

    /** Records the pComponent the process runs on, as its home last said (M2M_VMA_UPDATE, M2M_PAGE_STORE). */
    public void pcomponentId(final int pcomponentId)
    {
        this.pcomponentId = pcomponentId;
    }

    /**
     * Applies one VMA change sent by the process's home (M2M_VMA_UPDATE). MAP replaces what was in the range
     * (the old pages are freed: a new mapping reads as zero, mmap(2) MAP_FIXED); UNMAP frees the pages (munmap(2));
     * PROTECT changes the protection of the mapped parts (mprotect(2)); DISCARD frees the pages but keeps the mapping
     * (madvise(2) MADV_DONTNEED: the next touch reads zero).
     *
     * @param op    the change.
     * @param start page-aligned inclusive start.
     * @param end   page-aligned exclusive end.
     * @param prot  PROT_ bits for MAP and PROTECT.
     */
    public void applyVma(final VmaOp op, final long start, final long end, final int prot)
    {
        vmas.apply(op, start, end, prot, dropFrames);
    }

    /**
     * Finds (allocating on first touch) the frame holding the page at {@code vaddr} for an access (P2M_PCACHE_MISS).
     *
     * @param vaddr  any address in the page.
     * @param access the access bits the pComponent needs (1 read, 2 write, 4 exec).
     * @return the frame index, or -{@link Errno#EFAULT} when no VMA covers the address, -{@link Errno#EACCES} when
     * the VMA's protection does not allow the access, -{@link Errno#ENOMEM} when the frame pool is exhausted. On
     * success {@link #resolvedProt()} holds the VMA's protection.
     */
    public int resolve(final long vaddr, final int access)
    {
        final Vma vma = vmas.find(vaddr);
        if (vma == null)
        {
            return -Errno.EFAULT;
        }
        if ((vma.prot() & access) != access)
        {
            return -Errno.EACCES;
        }
        resolvedProt = vma.prot();
        return frameOf(vaddr >>> AddressLayout.PAGE_SHIFT);
    }

    /** The protection of the VMA found by the last successful {@link #resolve}. */
    public int resolvedProt()
    {
        return resolvedProt;
    }

    /**
     * Stores a whole page (P2M_PCACHE_FLUSH write-back, M2M_PAGE_STORE at execve), allocating its frame if needed;
     * protections are not checked (the data was written while they allowed it, or by the loader).
     *
     * @param vaddr     any address in the page.
     * @param src       the 4096 bytes.
     * @param srcOffset where they start in {@code src}.
     * @return 0, or -{@link Errno#EFAULT} when no VMA covers the address, -{@link Errno#ENOMEM} when the pool is
     * exhausted.
     */
    public int store(final long vaddr, final DirectBuffer src, final int srcOffset)
    {
        if (vmas.find(vaddr) == null)
        {
            return -Errno.EFAULT;
        }
        final int frame = frameOf(vaddr >>> AddressLayout.PAGE_SHIFT);
        if (frame < 0)
        {
            return frame;
        }
        pool.copyIn(frame, src, srcOffset);
        return 0;
    }

    /**
     * Frees every frame of the process (process exit, or a new execve).
     *
     * @return the number of frames freed.
     */
    public int release()
    {
        final int freed = frameByVpn.size();
        final Long2LongHashMap.ValueIterator it = frameByVpn.values().iterator();
        while (it.hasNext())
        {
            pool.free((int)it.nextValue());
        }
        frameByVpn.clear();
        vmas.clear();
        return freed;
    }

    /** Whether {@code vregion} is replicated: {@link #REPLICA_UNKNOWN}, {@link #REPLICATED}, {@link #UNREPLICATED}. */
    public byte replicaState(final int vregion)
    {
        return replicaStateByVRegion[vregion];
    }

    /**
     * Records the secondary the replicator sends {@code vregion}'s changes to (-1: none, the vRegion is unreplicated).
     */
    public void replicatedTo(final int vregion, final int secondaryId)
    {
        replicaStateByVRegion[vregion] = secondaryId < 0 ? UNREPLICATED : REPLICATED;
        secondaryByVRegion[vregion] = secondaryId;
    }

    /** The secondary of {@code vregion} as last recorded: its id, -1 for none, -2 when not known yet. */
    public int secondary(final int vregion)
    {
        switch (replicaStateByVRegion[vregion])
        {
            case REPLICATED:
                return secondaryByVRegion[vregion];
            case UNREPLICATED:
                return -1;
            default:
                return -2;
        }
    }

    /** The vRegions this store holds VMAs in, ascending (allocates). */
    public List<Integer> vregions()
    {
        return vmas.vregions();
    }

    /** The VMAs overlapping {@code [start, end)}, clipped to it, address order (allocates). */
    public List<Vma> vmasIn(final long start, final long end)
    {
        final List<Vma> clipped = new ArrayList<>();
        for (final Vma vma : vmas.overlapping(start, end))
        {
            clipped.add(new Vma(Math.max(start, vma.start()), Math.min(end, vma.end()), vma.prot(), vma.flags()));
        }
        return clipped;
    }

    /** Fills {@code vpns} (cleared first) with the virtual page numbers in {@code [start, end)} that have a frame. */
    public void residentVpns(final long start, final long end, final LongArrayList vpns)
    {
        vpns.clear();
        final long firstVpn = start >>> AddressLayout.PAGE_SHIFT;
        final long endVpn = end >>> AddressLayout.PAGE_SHIFT;
        final Long2LongHashMap.KeyIterator it = frameByVpn.keySet().iterator();
        while (it.hasNext())
        {
            final long vpn = it.nextValue();
            if (vpn >= firstVpn && vpn < endVpn)
            {
                vpns.addLong(vpn);
            }
        }
    }

    /**
     * Copies the page at {@code vaddr} into {@code dst} at 0 if it has a frame.
     *
     * @return false when the page has no frame (never touched, or freed since).
     */
    public boolean copyPage(final long vaddr, final MutableDirectBuffer dst)
    {
        final long frame = frameByVpn.get(vaddr >>> AddressLayout.PAGE_SHIFT);
        if (frame == MISSING)
        {
            return false;
        }
        pool.copyOut((int)frame, dst, 0);
        return true;
    }

    /**
     * fork(2), eager copy: makes {@code child} (an empty store) hold this store's VMAs and a copy of every frame.
     *
     * @return the number of frames copied, or -{@link Errno#ENOMEM} when the pool ran out (the child then holds
     * nothing).
     */
    int copyTo(final ProcessPages child)
    {
        for (final Vma vma : vmas.toList())
        {
            child.vmas.map(vma.start(), vma.end(), vma.prot(), vma.flags());
        }
        final Long2LongHashMap.KeyIterator it = frameByVpn.keySet().iterator();
        while (it.hasNext())
        {
            final long vpn = it.nextValue();
            final int frame = pool.allocate();
            if (frame < 0)
            {
                child.release();
                return -Errno.ENOMEM;
            }
            pool.copy((int)frameByVpn.get(vpn), frame);
            child.frameByVpn.put(vpn, frame);
        }
        return child.frameByVpn.size();
    }

    /** The VMAs this owner knows (a copy, address order). */
    public List<Vma> vmas()
    {
        return vmas.toList();
    }

    private int frameOf(final long vpn)
    {
        final long existing = frameByVpn.get(vpn);
        if (existing != MISSING)
        {
            return (int)existing;
        }
        final int frame = pool.allocate();
        if (frame < 0)
        {
            return -Errno.ENOMEM;
        }
        frameByVpn.put(vpn, frame);
        return frame;
    }

    private void freeFrames(final long start, final long end)
    {
        final long firstVpn = start >>> AddressLayout.PAGE_SHIFT;
        final long endVpn = end >>> AddressLayout.PAGE_SHIFT;
        if (frameByVpn.isEmpty())
        {
            return;
        }
        if (endVpn - firstVpn <= frameByVpn.size())
        {
            for (long vpn = firstVpn; vpn < endVpn; vpn++)
            {
                final long frame = frameByVpn.remove(vpn);
                if (frame != MISSING)
                {
                    pool.free((int)frame);
                }
            }
        }
        else
        {
            scratchVpns.clear();
            final Long2LongHashMap.KeyIterator it = frameByVpn.keySet().iterator();
            while (it.hasNext())
            {
                final long vpn = it.nextValue();
                if (vpn >= firstVpn && vpn < endVpn)
                {
                    scratchVpns.addLong(vpn);
                }
            }
            for (int i = 0; i < scratchVpns.size(); i++)
            {
                pool.free((int)frameByVpn.remove(scratchVpns.getLong(i)));
            }
        }
    }
}
