package org.legoemu.pcomponent.memory;

import org.legoemu.abi.GuestFault;
import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.Signal;
import org.legoemu.abi.TlbShootdown;
import org.legoemu.abi.linux.Errno;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.proxy.MemoryProxy;
import org.legoemu.pcomponent.excache.ExCache;
import org.legoemu.pcomponent.excache.ExCacheStats;
import org.legoemu.pcomponent.excache.LineBackend;
import org.legoemu.pcomponent.excache.WriteBackException;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One process's address space as its harts see it on this pComponent: every page is an ExCache line; a miss
 * goes to the vRegion's owner mComponent (P2M_PCACHE_MISS, carrying a piggybacked write-back when the ExCache
 * has one for the same owner) and a dirty victim back to it (P2M_PCACHE_FLUSH), from the ExCache's flusher
 * thread over a connection of its own. Pages an mmap or brk reply named fresh are created zeroed on their first miss
 * ({@link FreshRanges}).
 */
public final class ProcessMemory implements GuestMemory, LineBackend
{
    /** Top of the riscv64 Sv39 user address space (TASK_SIZE), bytes. */
    private static final long TASK_SIZE = 0x40_0000_0000L;

    private final int pid;
    private final int pcomponentId;
    private final ExCache cache;
    private final OwnerDirectory owners;
    private final CopyOnWriteArrayList<TlbShootdown> tlbs = new CopyOnWriteArrayList<>();
    private final ExCacheStats stats;
    private final FreshRanges fresh = new FreshRanges();

    /**
     * Creates the view and attaches it to {@code cache} as the process's line backend.
     */
    public ProcessMemory(final int pid, final int pcomponentId, final ExCache cache, final OwnerDirectory owners)
    {
        this.pid = pid;
        this.pcomponentId = pcomponentId;
        this.cache = cache;
        this.owners = owners;
        this.stats = cache.attach(pid, this);
    }

    /** This process's ExCache counters; still readable after {@link #release()}. */
    public ExCacheStats stats()
    {
        return stats;
    }

    public int pid()
    {
        return pid;
    }

    @Override
    public byte[] page(final long vaddr, final int access)
    {
        return cache.access(pid, vaddr, access);
    }

    @Override
    public void read(final long vaddr, final byte[] dst, final int offset, final int length)
    {
        cache.copyOut(pid, vaddr, dst, offset, length);
    }

    @Override
    public void write(final long vaddr, final byte[] src, final int offset, final int length)
    {
        cache.copyIn(pid, vaddr, src, offset, length);
    }

    @Override
    public void addShootdownListener(final TlbShootdown listener)
    {
        tlbs.add(listener);
    }

    @Override
    public void removeShootdownListener(final TlbShootdown listener)
    {
        tlbs.remove(listener);
    }

    @Override
    public int fetch(final long vaddr, final int access, final byte[] line)
    {
        long deadlineNs = 0;
        while (true)
        {
            MemoryProxy owner = null;
            try
            {
                owner = owners.ownerOf(vaddr);
                return owner.pcacheMiss(pid, pcomponentId, vaddr, access, line);
            }
            catch (final FabricException ex)
            {
                deadlineNs = deadlineNs == 0 ? System.nanoTime() + HomeFailover.DEADLINE_NS : deadlineNs;
                if (!failedOver(vaddr, owner, ex, deadlineNs))
                {
                    throw missFault(vaddr, ex);
                }
            }
        }
    }

    /**
     * Whether a failed call to {@code owner} may be sent again (to a new owner of the vRegion, or the same one after a
     * pause): only after a transport failure, and until {@code deadlineNs} (see {@link OwnerDirectory#failover}).
     */
    private boolean failedOver(
        final long vaddr, final MemoryProxy owner, final FabricException ex, final long deadlineNs)
    {
        return owner != null && !(ex instanceof RemoteErrorException) && owners.failover(vaddr, owner, deadlineNs);
    }

    @Override
    public boolean sharesOwner(final long vaddr, final long flushVaddr)
    {
        try
        {
            return owners.ownerOf(vaddr) == owners.ownerOf(flushVaddr);
        }
        catch (final FabricException ex)
        {
            return false;
        }
    }

    @Override
    public int fetchWithWriteBack(
        final long vaddr, final int access, final byte[] line, final long flushVaddr, final byte[] flushLine)
    {
        long deadlineNs = 0;
        while (true)
        {
            MemoryProxy owner = null;
            try
            {
                owner = owners.ownerOf(vaddr);
                return owner.pcacheMiss(pid, pcomponentId, vaddr, access, line, flushVaddr, flushLine);
            }
            catch (final FabricException ex)
            {
                deadlineNs = deadlineNs == 0 ? System.nanoTime() + HomeFailover.DEADLINE_NS : deadlineNs;
                if (!failedOver(vaddr, owner, ex, deadlineNs))
                {
                    throw missFault(vaddr, ex);
                }
            }
        }
    }

    /** SIGSEGV for EFAULT (no mapping) and EACCES (not permitted); SIGBUS for any other failure of the memory side. */
    private static GuestFault missFault(final long vaddr, final FabricException ex)
    {
        if (ex instanceof RemoteErrorException && (ex.errno() == Errno.EFAULT || ex.errno() == Errno.EACCES))
        {
            return GuestFault.segv(vaddr, ex.errno() == Errno.EFAULT ? "no mapping" : "access not permitted");
        }
        if (ex instanceof RemoteErrorException)
        {
            return new GuestFault(Signal.SIGBUS, vaddr, -1, 0, "memory component: " + ex.getMessage());
        }
        return new GuestFault(Signal.SIGBUS, vaddr, -1, 0, "memory component unreachable: " + ex.getMessage());
    }

    @Override
    public void flush(final long vaddr, final byte[] line)
    {
        writeBack(false, vaddr, line);
    }

    @Override
    public void backgroundFlush(final long vaddr, final byte[] line)
    {
        writeBack(true, vaddr, line);
    }

    /** P2M_PCACHE_FLUSH over the flusher's own connection or the accessing threads' one. */
    private void writeBack(final boolean fromFlusher, final long vaddr, final byte[] line)
    {
        long deadlineNs = 0;
        while (true)
        {
            MemoryProxy owner = null;
            try
            {
                owner = fromFlusher ? owners.flusherOwnerOf(vaddr) : owners.ownerOf(vaddr);
                owner.pcacheFlush(pid, pcomponentId, vaddr, line);
                return;
            }
            catch (final FabricException ex)
            {
                deadlineNs = deadlineNs == 0 ? System.nanoTime() + HomeFailover.DEADLINE_NS : deadlineNs;
                if (!failedOver(vaddr, owner, ex, deadlineNs))
                {
                    throw new WriteBackException("write-back of pid " + pid + " line 0x" + Long.toHexString(vaddr) +
                        " failed: " + ex.getMessage(), ex);
                }
            }
        }
    }

    @Override
    public void shootdown(final long vpn)
    {
        for (final TlbShootdown tlb : tlbs)
        {
            tlb.shootdown(vpn);
        }
    }

    /**
     * Drops this process's lines in {@code [start, end)}; dirty ones are written back first if asked. The range's
     * pages stop being fresh (every VM call that changes a range invalidates it first), so their next miss asks
     * the owner.
     */
    public void invalidate(final long start, final long end, final boolean writeBack)
    {
        fresh.remove(start, end);
        cache.invalidate(pid, start, end, writeBack);
    }

    /**
     * Records the fresh range an mmap or brk reply named (M2P_VM_REPLY): its pages are created zeroed on their
     * first miss instead of fetched. Call after {@link #invalidate} of the new mapping.
     *
     * @param prot the mapping's PROT_ bits.
     */
    public void markFresh(final long start, final long end, final int prot)
    {
        fresh.add(start, end, prot);
    }

    /**
     * Starts a protection change of {@code [start, end)} (mprotect(2)): writes back and drops its lines, so every
     * later access sees the new protection, and {@link FreshRanges#suspend suspends} its fresh pages, which stay
     * zero and unmaterialised whatever the protection. Follow with {@link #endProtect} once the home answered.
     */
    public void beginProtect(final long start, final long end)
    {
        fresh.suspend(start, end);
        cache.invalidate(pid, start, end, true);
    }

    /**
     * Ends a protection change of {@code [start, end)}: drops the lines another thread may have fetched with the old
     * protection meanwhile, then makes the suspended pages no miss touched fresh again with {@code prot}.
     *
     * @param prot the PROT_ bits the home applied, or -1 when the change failed (the pages become ordinary).
     */
    public void endProtect(final long start, final long end, final int prot)
    {
        cache.invalidate(pid, start, end, true);
        fresh.resume(start, end, prot);
    }

    /**
     * Writes back every dirty line of the process (fork(2): the home copies what the owners hold); the lines stay
     * cached clean only if the ExCache keeps them, which it need not. Fresh pages stay fresh: the owners hold no
     * frame for them, so the child reads zero there too.
     */
    public void writeBackAll()
    {
        cache.invalidate(pid, 0, TASK_SIZE, true);
    }

    /** The pComponent this process runs on. */
    public int pcomponentId()
    {
        return pcomponentId;
    }

    /** Number of pages still fresh (never touched since mapped). */
    public long freshPages()
    {
        return fresh.pages();
    }

    @Override
    public int claimFresh(final long vaddr, final int access)
    {
        return fresh.claim(vaddr, access);
    }

    /** Drops every line of the process (it exited); nothing is written back. */
    public void release()
    {
        cache.detach(pid);
    }
}
