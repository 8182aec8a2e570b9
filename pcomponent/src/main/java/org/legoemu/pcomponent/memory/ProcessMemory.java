package org.legoemu.pcomponent.memory;

import org.legoemu.abi.GuestFault;
import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.Signal;
import org.legoemu.abi.TlbShootdown;
import org.legoemu.abi.linux.Errno;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.pcomponent.excache.ExCache;
import org.legoemu.pcomponent.excache.LineBackend;
import org.legoemu.pcomponent.excache.WriteBackException;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One process's address space as its harts see it on this pComponent: every page is an ExCache line; a miss
 * goes to the vRegion's owner mComponent (P2M_PCACHE_MISS) and a dirty victim back to it (P2M_PCACHE_FLUSH).
 */
public final class ProcessMemory implements GuestMemory, LineBackend
{
    private final int pid;
    private final int pcomponentId;
    private final ExCache cache;
    private final OwnerDirectory owners;
    private final CopyOnWriteArrayList<TlbShootdown> tlbs = new CopyOnWriteArrayList<>();

    /**
     * Creates the view and attaches it to {@code cache} as the process's line backend.
     */
    public ProcessMemory(final int pid, final int pcomponentId, final ExCache cache, final OwnerDirectory owners)
    {
        this.pid = pid;
        this.pcomponentId = pcomponentId;
        this.cache = cache;
        this.owners = owners;
        cache.attach(pid, this);
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
        try
        {
            return owners.ownerOf(vaddr).pcacheMiss(pid, pcomponentId, vaddr, access, line);
        }
        catch (final RemoteErrorException ex)
        {
            if (ex.errno() == Errno.EFAULT || ex.errno() == Errno.EACCES)
            {
                throw GuestFault.segv(vaddr, ex.errno() == Errno.EFAULT ? "no mapping" : "access not permitted");
            }
            throw new GuestFault(Signal.SIGBUS, vaddr, -1, 0, "memory component: " + ex.getMessage());
        }
        catch (final FabricException ex)
        {
            throw new GuestFault(Signal.SIGBUS, vaddr, -1, 0, "memory component unreachable: " + ex.getMessage());
        }
    }

    @Override
    public void flush(final long vaddr, final byte[] line)
    {
        try
        {
            owners.ownerOf(vaddr).pcacheFlush(pid, pcomponentId, vaddr, line);
        }
        catch (final FabricException ex)
        {
            throw new WriteBackException(
                "write-back of pid " + pid + " line 0x" + Long.toHexString(vaddr) + " failed: " + ex.getMessage(), ex);
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

    /** Drops this process's lines in {@code [start, end)}; dirty ones are written back first if asked. */
    public void invalidate(final long start, final long end, final boolean writeBack)
    {
        cache.invalidate(pid, start, end, writeBack);
    }

    /** Drops every line of the process (it exited); nothing is written back. */
    public void release()
    {
        cache.detach(pid);
    }
}
