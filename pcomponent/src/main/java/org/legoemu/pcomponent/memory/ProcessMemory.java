package org.legoemu.pcomponent.memory;

import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.TlbShootdown;
import org.legoemu.pcomponent.excache.ExCache;

/**
 * One process's address space as its harts see it on this pComponent: every page is an ExCache line. A TLB miss
 * asks the ExCache ({@link ExCache#access}); the kernel side copies through it ({@link ExCache#copyIn},
 * {@link ExCache#copyOut}). Where lines come from and what the VM system calls do to them is
 * {@link ProcessLines}'s.
 */
public final class ProcessMemory implements GuestMemory
{
    private final int pid;
    private final ExCache cache;
    private final ProcessLines lines;

    /** The view of {@code lines}' process. */
    public ProcessMemory(final ProcessLines lines)
    {
        this.pid = lines.pid();
        this.cache = lines.cache();
        this.lines = lines;
    }

    /**
     * Creates the process's {@link ProcessLines} (its lines fetched from and written back to {@code owners}) and
     * their view.
     */
    public ProcessMemory(final int pid, final int pcomponentId, final ExCache cache, final OwnerDirectory owners)
    {
        this(new ProcessLines(cache, new RemoteLines(pid, pcomponentId, owners)));
    }

    /** The process's lines (VM system calls, fork, exit, counters). */
    public ProcessLines lines()
    {
        return lines;
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
        lines.addShootdownListener(listener);
    }

    @Override
    public void removeShootdownListener(final TlbShootdown listener)
    {
        lines.removeShootdownListener(listener);
    }
}
