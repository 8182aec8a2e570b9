package org.legoemu.pcomponent.memory;

import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.TlbShootdown;
import org.legoemu.pcomponent.excache.ExCache;
import org.legoemu.pcomponent.excache.ExCacheStats;
import org.legoemu.pcomponent.excache.LineBackend;

import java.util.Arrays;

/**
 * One process's ExCache lines on this pComponent, as its ExCache tenant and as its VM system calls see them: where
 * the lines come from ({@link RemoteLines}: the owners, or zero-fill for the {@link FreshRanges fresh} pages an mmap
 * or brk reply named), the harts' TLBs an eviction shoots down, and the operations the VM system calls, fork and exit
 * need on the lines of a range (drop, write back, protect).
 *
 * <p>Thread-safe: the ExCache calls in from every thread that misses and from its flusher, with no lock held.
 */
public final class ProcessLines implements LineBackend
{
    private final int pid;
    private final ExCache cache;
    private final RemoteLines remote;
    private final FreshRanges fresh = new FreshRanges();
    private static final TlbShootdown[] NO_TLBS = new TlbShootdown[0];

    /** The TLBs to shoot down, copied on write (under this object's lock) so a shootdown iterates allocation-free. */
    private volatile TlbShootdown[] tlbs = NO_TLBS;
    private final ExCacheStats stats;

    /** Creates the process's lines and attaches them to {@code cache} as the process's tenant. */
    public ProcessLines(final ExCache cache, final RemoteLines remote)
    {
        this.pid = remote.pid();
        this.cache = cache;
        this.remote = remote;
        this.stats = cache.attach(pid, this);
    }

    public int pid()
    {
        return pid;
    }

    /** The pComponent this process runs on. */
    public int pcomponentId()
    {
        return remote.pcomponentId();
    }

    /** The ExCache the lines live in. */
    public ExCache cache()
    {
        return cache;
    }

    /** This process's ExCache counters; still readable after {@link #release()}. */
    public ExCacheStats stats()
    {
        return stats;
    }

    synchronized void addShootdownListener(final TlbShootdown listener)
    {
        final TlbShootdown[] next = Arrays.copyOf(tlbs, tlbs.length + 1);
        next[next.length - 1] = listener;
        tlbs = next;
    }

    synchronized void removeShootdownListener(final TlbShootdown listener)
    {
        final TlbShootdown[] current = tlbs;
        for (int i = 0; i < current.length; i++)
        {
            if (current[i] == listener)
            {
                final TlbShootdown[] next = new TlbShootdown[current.length - 1];
                System.arraycopy(current, 0, next, 0, i);
                System.arraycopy(current, i + 1, next, i, current.length - i - 1);
                tlbs = next;
                return;
            }
        }
    }

    @Override
    public int fetch(final long vaddr, final int access, final byte[] line)
    {
        return remote.fetch(vaddr, access, line);
    }

    @Override
    public void flush(final long vaddr, final byte[] line)
    {
        remote.flush(vaddr, line);
    }

    @Override
    public boolean sharesOwner(final long vaddr, final long flushVaddr)
    {
        return remote.sharesOwner(vaddr, flushVaddr);
    }

    @Override
    public int fetchWithWriteBack(
        final long vaddr, final int access, final byte[] line, final long flushVaddr, final byte[] flushLine)
    {
        return remote.fetchWithWriteBack(vaddr, access, line, flushVaddr, flushLine);
    }

    @Override
    public int claimFresh(final long vaddr, final int access)
    {
        return fresh.claim(vaddr, access);
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
     * Writes back every dirty line of the process (fork(2): the home copies what the owners hold); the lines leave
     * the ExCache. Fresh pages stay fresh: the owners hold no frame for them, so the child reads zero there too.
     */
    public void writeBackAll()
    {
        cache.invalidate(pid, 0, GuestMemory.TASK_SIZE, true);
    }

    /** Number of pages still fresh (never touched since mapped). */
    public long freshPages()
    {
        return fresh.pages();
    }

    /** Drops every line of the process (it exited); nothing is written back. */
    public void release()
    {
        cache.detach(pid);
    }
}
