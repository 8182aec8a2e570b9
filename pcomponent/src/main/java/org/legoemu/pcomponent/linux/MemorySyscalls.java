package org.legoemu.pcomponent.linux;

import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.GuestMemoryAccess;
import org.legoemu.abi.linux.Errno;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.proxy.VmResult;

/**
 * Virtual memory syscalls, forwarded to the process's home mComponent (LegoOS P2M: brk(2), mmap(2), munmap(2),
 * mprotect(2)). The pComponent keeps its ExCache consistent around them: lines of unmapped or replaced ranges
 * are dropped, lines whose protection changes are written back and dropped so the next access fetches the new
 * permissions. The fresh range of an anonymous mmap or a growing brk (M2P_VM_REPLY) is handed to the process's
 * memory, whose first miss on each such page creates it zeroed without a fetch; dropping lines makes pages
 * ordinary again.
 */
final class MemorySyscalls
{
    static final int MAP_ANONYMOUS = 0x20;
    /** mmap(2) flag: place the mapping exactly at addr, replacing what is there (include/uapi/asm-generic/mman.h). */
    static final int MAP_FIXED = 0x10;
    /** PROT_READ | PROT_WRITE: the protection of heap pages brk(2) maps. */
    private static final int PROT_READ_WRITE = 3;

    /** mmap(2) flags: the mapping type bits, and MAP_PRIVATE (include/uapi/linux/mman.h). */
    static final int MAP_TYPE = 0x0f;
    static final int MAP_PRIVATE = 0x02;
    /** PROT_WRITE. */
    private static final int PROT_WRITE = 2;
    /** System property choosing how file mappings are filled: {@code lazy} (default) or {@code eager}. */
    static final String FILL_PROPERTY = "legoemu.mmap.fill";

    private final LinuxProcess process;
    private final java.util.function.Consumer<org.legoemu.pcomponent.files.FileReadTally> fileFillTiming;

    MemorySyscalls(final LinuxProcess process)
    {
        this.process = process;
        this.fileFillTiming = tally -> SyscallTiming.chargeFileFill(process, tally);
    }

    /** {@code brk(2)}, with the process's prefetches held off meanwhile ({@link ProcessLines#beginVmChange}). */
    long brk(final long requested)
    {
        process.lines().beginVmChange();
        try
        {
            return brkNow(requested);
        }
        finally
        {
            process.lines().endVmChange();
        }
    }

    private long brkNow(final long requested)
    {
        final long old = process.brk();
        if (requested != 0 && requested < old)
        {
            // as munmap: the lines of the pages a shrink frees leave the ExCache before the home unmaps them, or the
            // flusher may write one back after, which the owner refuses (and the process dies of it); written back,
            // since the call may still fail (brk(0) only queries, so it keeps the lines)
            process.lines().invalidate(pageUp(requested), pageUp(old), true);
        }
        final VmResult reply;
        try
        {
            reply = process.home().brkWithFresh(process.pid(), requested);
        }
        catch (final FabricException ex)
        {
            return old;
        }
        final long now = reply.value();
        if (now < old)
        {
            process.lines().invalidate(pageUp(now), pageUp(old), false);
        }
        process.lines().markFresh(reply.freshStart(), reply.freshEnd(), PROT_READ_WRITE);
        process.brk(now);
        return now;
    }

    /** {@code mmap(2)}, with the process's prefetches held off meanwhile ({@link ProcessLines#beginVmChange}). */
    long mmap(final long addr, final long length, final int prot, final int flags, final long fd, final long offset)
    {
        process.lines().beginVmChange();
        try
        {
            return mmapNow(addr, length, prot, flags, fd, offset);
        }
        finally
        {
            process.lines().endVmChange();
        }
    }

    private long mmapNow(
        final long addr, final long length, final int prot, final int flags, final long fd, final long offset)
    {
        if (length == 0)
        {
            return -Errno.EINVAL;
        }
        if (length < 0 || length > GuestMemory.TASK_SIZE)
        {
            return -Errno.ENOMEM; // Linux do_mmap: a length that page-aligns to 0 or exceeds TASK_SIZE
        }
        String path = null;
        if ((flags & MAP_ANONYMOUS) == 0)
        {
            final OpenFile file = process.fds().get((int)fd);
            if (file == null)
            {
                return -Errno.EBADF;
            }
            if (!(file instanceof StorageFile) || ((StorageFile)file).isDirectory())
            {
                return -Errno.ENODEV;
            }
            final StorageFile storageFile = (StorageFile)file;
            if (!storageFile.readable())
            {
                return -Errno.EACCES;
            }
            path = storageFile.path();
        }
        try
        {
            if ((flags & MAP_FIXED) != 0 && (addr & GuestMemory.PAGE_MASK) == 0)
            {
                // the home frees the replaced frames: no write-back of their lines may arrive after that (the flusher's
                // would re-create an old page), so the lines leave first, written back in case the call fails
                process.lines().invalidate(addr, addr + pageUp(length), true);
            }
            if (path != null && fillsLazily())
            {
                return mmapFileLazily(addr, length, prot, flags, path, offset);
            }
            final VmResult anonymous = path == null ?
                process.home().mmapAnonymous(process.pid(), addr, length, prot, flags) : null;
            final long mapped = anonymous != null ? anonymous.value() :
                process.home().mmapFile(process.pid(), addr, length, prot, flags, path, offset);
            process.lines().invalidate(mapped, mapped + pageUp(length), false);
            if (anonymous != null)
            {
                process.lines().markFresh(anonymous.freshStart(), anonymous.freshEnd(), prot);
            }
            return mapped;
        }
        catch (final FabricException ex)
        {
            return -ex.errno();
        }
    }

    /** mremap(2) flag: move to new_address (include/uapi/linux/mman.h). */
    static final int MREMAP_FIXED = 2;

    /**
     * Whether file mappings are filled on first touch from the file cache (the default) rather than eagerly by the
     * home (P2M_MMAP_FILE): lazily unless the file cache is disabled or {@value #FILL_PROPERTY} is {@code eager}
     * (kept to compare the two, docs/architecture.md "File mappings").
     */
    private boolean fillsLazily()
    {
        return process.fileCache().enabled() && !"eager".equals(System.getProperty(FILL_PROPERTY));
    }

    /**
     * A file mapping filled on first touch: the home maps the range as it maps any private or anonymous range (no
     * contents, P2M_MMAP), and each page is read from the file through the pComponent's file cache on its first miss
     * ({@link org.legoemu.pcomponent.memory.ProcessLines#mapFile}). The checks the home makes for P2M_MMAP_FILE are
     * made here: a page-aligned offset (EINVAL) and no writable MAP_SHARED mapping (ENODEV).
     */
    private long mmapFileLazily(
        final long addr, final long length, final int prot, final int flags, final String path, final long offset)
    {
        if ((offset & GuestMemory.PAGE_MASK) != 0 || offset < 0)
        {
            return -Errno.EINVAL;
        }
        if ((flags & MAP_TYPE) != MAP_PRIVATE && (prot & PROT_WRITE) != 0)
        {
            return -Errno.ENODEV;
        }
        final long mapped = process.home().mmapAnonymous(process.pid(), addr, length, prot, flags | MAP_ANONYMOUS)
            .value();
        final long end = mapped + pageUp(length);
        process.lines().invalidate(mapped, end, false);
        process.lines().mapFile(mapped, end, prot, process.fileCache(), process.storage(), path, offset,
            fileFillTiming);
        return mapped;
    }

    /** madvise(2) advice values (include/uapi/asm-generic/mman-common.h). */
    static final int MADV_NORMAL = 0;
    static final int MADV_DONTNEED = 4;
    static final int MADV_FREE = 8;
    static final int MADV_REMOVE = 9;
    static final int MADV_POPULATE_WRITE = 23;
    static final int MADV_COLLAPSE = 25;

    /** The advice values mm/madvise.c accepts besides the discarding ones: NORMAL..WILLNEED, DONTFORK..COLLAPSE. */
    private static boolean isHint(final int advice)
    {
        return (advice >= MADV_NORMAL && advice < MADV_DONTNEED) ||
            (advice > MADV_REMOVE && advice <= MADV_POPULATE_WRITE) || advice == MADV_COLLAPSE;
    }

    /** {@code munmap(2)}, with the process's prefetches held off meanwhile ({@link ProcessLines#beginVmChange}). */
    long munmap(final long addr, final long length)
    {
        process.lines().beginVmChange();
        try
        {
            return munmapNow(addr, length);
        }
        finally
        {
            process.lines().endVmChange();
        }
    }

    private long munmapNow(final long addr, final long length)
    {
        if ((addr & GuestMemory.PAGE_MASK) != 0 || length <= 0)
        {
            return -Errno.EINVAL;
        }
        try
        {
            process.lines().invalidate(addr, addr + pageUp(length), false);
            process.home().munmap(process.pid(), addr, length);
            return 0;
        }
        catch (final FabricException ex)
        {
            return -ex.errno();
        }
    }

    /**
     * madvise(2). Discarding advice (MADV_DONTNEED, MADV_FREE, MADV_REMOVE) drops the ExCache lines without
     * write-back and frees the pages on the mComponents, so the next touch reads zero; every other advice Linux
     * accepts is a hint and succeeds without effect.
     *
     * @return 0, -EINVAL (unaligned address, unknown advice), -ENOMEM (part of the range unmapped).
     */
    /** {@code madvise(2)}, with the process's prefetches held off meanwhile ({@link ProcessLines#beginVmChange}). */
    long madvise(final long addr, final long length, final int advice)
    {
        process.lines().beginVmChange();
        try
        {
            return madviseNow(addr, length, advice);
        }
        finally
        {
            process.lines().endVmChange();
        }
    }

    private long madviseNow(final long addr, final long length, final int advice)
    {
        if ((addr & GuestMemory.PAGE_MASK) != 0 || length < 0)
        {
            return -Errno.EINVAL;
        }
        switch (advice)
        {
            case MADV_DONTNEED:
            case MADV_FREE:
            case MADV_REMOVE:
                if (length == 0)
                {
                    return 0;
                }
                try
                {
                    final long end = addr + pageUp(length);
                    final java.util.List<org.legoemu.pcomponent.memory.ProcessLines.FileExtent> fileBacked =
                        advice == MADV_DONTNEED ? process.lines().fileExtents(addr, end) : java.util.List.of();
                    process.lines().invalidate(addr, end, false);
                    process.home().madvise(process.pid(), addr, length, advice);
                    process.lines().refillFromFile(fileBacked); // private changes dropped: the file's data again
                    return 0;
                }
                catch (final FabricException ex)
                {
                    return -ex.errno();
                }
            default:
                return isHint(advice) ? 0 : -Errno.EINVAL;
        }
    }

    /**
     * mremap(2). The home decides (in place or moved) and maps the new range; a moved mapping's contents are copied
     * here, page by page through the ExCache (which holds the newest data, dirty lines included), and the old range is
     * then unmapped. MREMAP_DONTUNMAP is not supported (EINVAL).
     *
     * @return the new address, or -errno (EINVAL, EFAULT, ENOMEM).
     */
    /** {@code mremap(2)}, with the process's prefetches held off meanwhile ({@link ProcessLines#beginVmChange}). */
    long mremap(final long oldAddr, final long oldLength, final long newLength, final int flags, final long newAddr)
    {
        process.lines().beginVmChange();
        try
        {
            return mremapNow(oldAddr, oldLength, newLength, flags, newAddr);
        }
        finally
        {
            process.lines().endVmChange();
        }
    }

    private long mremapNow(
        final long oldAddr, final long oldLength, final long newLength, final int flags, final long newAddr)
    {
        if ((oldAddr & GuestMemory.PAGE_MASK) != 0)
        {
            return -Errno.EINVAL;
        }
        try
        {
            final long oldBytes = pageUp(oldLength);
            final long newBytes = pageUp(newLength);
            // The ranges the home may unmap (a shrunk tail, a MREMAP_FIXED target it replaces) leave the ExCache
            // first, as for munmap: a dirty line of them that the flusher wrote back after the home had unmapped its
            // page would fail ("no mapping") and kill the process. They are written back, not dropped, because the
            // call may still fail and leave them mapped.
            if ((flags & MREMAP_FIXED) != 0 && newAddr >= 0 && newBytes > 0 && newAddr <= Long.MAX_VALUE - newBytes)
            {
                process.lines().invalidate(newAddr, newAddr + newBytes, true);
            }
            else if (newBytes < oldBytes && oldAddr <= Long.MAX_VALUE - oldBytes)
            {
                process.lines().invalidate(oldAddr + newBytes, oldAddr + oldBytes, true);
            }
            final long moved = process.home().mremap(process.pid(), oldAddr, oldLength, newLength, flags, newAddr);
            if (moved == oldAddr)
            {
                return oldAddr;
            }
            process.lines().invalidate(moved, moved + newBytes, false);
            final byte[] page = new byte[GuestMemory.PAGE_SIZE];
            final long copyBytes = Math.min(oldBytes, newBytes);
            for (long at = 0; at < copyBytes; at += GuestMemory.PAGE_SIZE)
            {
                GuestMemoryAccess.read(process.memory(), oldAddr + at, page, 0, page.length);
                GuestMemoryAccess.write(process.memory(), moved + at, page, 0, page.length);
            }
            process.lines().invalidate(oldAddr, oldAddr + oldBytes, false);
            process.home().munmap(process.pid(), oldAddr, oldBytes);
            return moved;
        }
        catch (final FabricException ex)
        {
            return -ex.errno();
        }
    }

    /** {@code mprotect(2)}, with the process's prefetches held off meanwhile ({@link ProcessLines#beginVmChange}). */
    long mprotect(final long addr, final long length, final int prot)
    {
        process.lines().beginVmChange();
        try
        {
            return mprotectNow(addr, length, prot);
        }
        finally
        {
            process.lines().endVmChange();
        }
    }

    private long mprotectNow(final long addr, final long length, final int prot)
    {
        if ((addr & GuestMemory.PAGE_MASK) != 0)
        {
            return -Errno.EINVAL;
        }
        final long end = addr + pageUp(length);
        // fresh pages stay fresh with the new protection; another thread may fetch a line of the range with the
        // old protection while the home changes it, so endProtect drops the range once more
        process.lines().beginProtect(addr, end);
        try
        {
            process.home().mprotect(process.pid(), addr, length, prot);
            process.lines().endProtect(addr, end, prot);
            return 0;
        }
        catch (final FabricException ex)
        {
            process.lines().endProtect(addr, end, -1);
            return -ex.errno();
        }
    }

    private static long pageUp(final long value)
    {
        return (value + GuestMemory.PAGE_MASK) & ~GuestMemory.PAGE_MASK;
    }
}
