package org.legoemu.pcomponent.linux;

import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.linux.Errno;
import org.legoemu.fabric.FabricException;

/**
 * Virtual memory syscalls, forwarded to the process's home mComponent (LegoOS P2M: brk(2), mmap(2), munmap(2),
 * mprotect(2)). The pComponent keeps its ExCache consistent around them: lines of unmapped or replaced ranges
 * are dropped, lines whose protection changes are written back and dropped so the next access fetches the new
 * permissions.
 */
final class MemorySyscalls
{
    static final int MAP_ANONYMOUS = 0x20;

    private final LinuxProcess process;

    MemorySyscalls(final LinuxProcess process)
    {
        this.process = process;
    }

    long brk(final long requested)
    {
        final long old = process.brk();
        final long now;
        try
        {
            now = process.home().brk(process.pid(), requested);
        }
        catch (final FabricException ex)
        {
            return old;
        }
        if (now < old)
        {
            process.processMemory().invalidate(pageUp(now), pageUp(old), false);
        }
        process.brk(now);
        return now;
    }

    long mmap(final long addr, final long length, final int prot, final int flags, final long fd, final long offset)
    {
        if ((flags & MAP_ANONYMOUS) == 0)
        {
            return -Errno.ENODEV;
        }
        if (length <= 0)
        {
            return -Errno.EINVAL;
        }
        try
        {
            final long mapped = process.home().mmap(process.pid(), addr, length, prot, flags);
            process.processMemory().invalidate(mapped, mapped + pageUp(length), false);
            return mapped;
        }
        catch (final FabricException ex)
        {
            return -ex.errno();
        }
    }

    long munmap(final long addr, final long length)
    {
        if ((addr & GuestMemory.PAGE_MASK) != 0 || length <= 0)
        {
            return -Errno.EINVAL;
        }
        try
        {
            process.processMemory().invalidate(addr, addr + pageUp(length), false);
            process.home().munmap(process.pid(), addr, length);
            return 0;
        }
        catch (final FabricException ex)
        {
            return -ex.errno();
        }
    }

    long mprotect(final long addr, final long length, final int prot)
    {
        if ((addr & GuestMemory.PAGE_MASK) != 0)
        {
            return -Errno.EINVAL;
        }
        try
        {
            process.processMemory().invalidate(addr, addr + pageUp(length), true);
            process.home().mprotect(process.pid(), addr, length, prot);
            return 0;
        }
        catch (final FabricException ex)
        {
            return -ex.errno();
        }
    }

    private static long pageUp(final long value)
    {
        return (value + GuestMemory.PAGE_MASK) & ~GuestMemory.PAGE_MASK;
    }
}
