package org.legoemu.mcomponent;

import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.IntHashSet;
import org.legoemu.abi.elf.ElfException;
import org.legoemu.abi.linux.Errno;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.proxy.ExecImage;

import java.util.List;

/**
 * The processes this mComponent is HOME of (LegoOS §5.2): pid to {@link AddressSpace}, and the P2M requests that
 * act on a whole process: execve, mmap, munmap, brk, mprotect and exit. Failures throw {@link VmException} with
 * the Linux errno. Not thread-safe: used only on the monitor's dispatch thread.
 */
public final class ProcessHomes
{
    /** Size of one sComponent read when filling a file mapping, in bytes. */
    private static final int FILE_CHUNK_BYTES = 256 * 1024;

    private final Int2ObjectHashMap<AddressSpace> byPid = new Int2ObjectHashMap<>();
    private final VRegionRouter router;
    private final ExecLoader loader;
    private final ImageSource images;

    /**
     * @param router applies changes on the vRegion owners.
     * @param loader builds process images.
     * @param images reads executables.
     */
    public ProcessHomes(final VRegionRouter router, final ExecLoader loader, final ImageSource images)
    {
        this.router = router;
        this.loader = loader;
        this.images = images;
    }

    /**
     * execve: reads the executable, discards any previous address space of {@code pid} and builds a new one, whose
     * pages its owners serve to {@code pcomponentId} alone.
     *
     * @throws VmException the storage's errno (e.g. ENOENT), ENOEXEC with the ELF loader's one-line reason, ENOMEM.
     */
    public ExecImage execve(
        final int pid, final int pcomponentId, final String path, final List<String> argv, final List<String> envp)
    {
        final byte[] image;
        try
        {
            image = images.readWhole(path);
        }
        catch (final FabricException ex)
        {
            throw new VmException(ex.errno(), path + ": " + ex.getMessage());
        }
        exit(pid);
        final AddressSpace space = new AddressSpace(pid, pcomponentId, router);
        byPid.put(pid, space);
        try
        {
            return loader.load(space, image, path, argv, envp);
        }
        catch (final ElfException ex)
        {
            exit(pid);
            throw new VmException(Errno.ENOEXEC, ex.getMessage());
        }
        catch (final RuntimeException ex)
        {
            exit(pid);
            throw ex;
        }
    }

    /** mmap(2); see {@link AddressSpace#mmap}. A pid without an address space here gets EINVAL. */
    public long mmap(final int pid, final long addr, final long length, final int prot, final int flags)
    {
        return space(pid).mmap(addr, length, prot, flags);
    }

    /** munmap(2); see {@link AddressSpace#munmap}. */
    public void munmap(final int pid, final long addr, final long length)
    {
        space(pid).munmap(addr, length);
    }

    /** The current program break of a process. A pid without an address space here gets EINVAL. */
    public long currentBrk(final int pid)
    {
        return space(pid).currentBrk();
    }

    /** brk(2); see {@link AddressSpace#brk}. */
    public long brk(final int pid, final long brk)
    {
        return space(pid).brk(brk);
    }

    /**
     * mmap(2) of a file: maps the range like an anonymous mapping and fills it from {@code path} at
     * {@code fileOffset} (read from the sComponent now, page by page, and stored at each page's owner). Bytes past
     * the end of the file read as zero. MAP_PRIVATE mappings (read-only or copy-on-write: writes change only the
     * process's copy) and read-only MAP_SHARED mappings are supported; the contents are those of the file when it
     * was mapped.
     *
     * @return the mapping's address.
     * @throws VmException as {@link AddressSpace#mmap}; EINVAL for an unaligned file offset; ENODEV for a
     *                     writable MAP_SHARED mapping (no write-back to files); the storage's errno.
     */
    public long mmapFile(
        final int pid, final long addr, final long length, final int prot, final int flags, final String path,
        final long fileOffset)
    {
        if (!AddressLayout.isPageAligned(fileOffset) || fileOffset < 0)
        {
            throw new VmException(Errno.EINVAL, "mmap file offset " + fileOffset + " is not page-aligned");
        }
        if ((flags & Mman.MAP_TYPE) != Mman.MAP_PRIVATE && (prot & Mman.PROT_WRITE) != 0)
        {
            throw new VmException(Errno.ENODEV, "writable MAP_SHARED file mappings are not supported");
        }
        final AddressSpace space = space(pid);
        final long start = space.mmap(addr, length, prot, flags | Mman.MAP_ANONYMOUS);
        final long mappedBytes = AddressLayout.pageUp(length);
        final byte[] chunk = new byte[FILE_CHUNK_BYTES];
        final byte[] page = new byte[(int)AddressLayout.PAGE_SIZE];
        try
        {
            for (long done = 0; done < mappedBytes; done += FILE_CHUNK_BYTES)
            {
                final int want = (int)Math.min(FILE_CHUNK_BYTES, mappedBytes - done);
                final int n = images.read(path, fileOffset + done, chunk, 0, want);
                for (int at = 0; at < n; at += page.length)
                {
                    final int bytes = Math.min(page.length, n - at);
                    System.arraycopy(chunk, at, page, 0, bytes);
                    java.util.Arrays.fill(page, bytes, page.length, (byte)0);
                    router.storePage(space, start + done + at, page);
                }
                if (n < want)
                {
                    break;
                }
            }
        }
        catch (final FabricException ex)
        {
            space.munmap(start, length);
            throw new VmException(ex.errno(), path + ": " + ex.getMessage());
        }
        return start;
    }

    /** mremap(2); see {@link AddressSpace#mremap}. */
    public long mremap(final int pid, final long oldAddr, final long oldLength, final long newLength, final int flags,
        final long newAddr)
    {
        return space(pid).mremap(oldAddr, oldLength, newLength, flags, newAddr);
    }

    /** madvise(2) with a discarding advice; see {@link AddressSpace#discard}. */
    public void discard(final int pid, final long addr, final long length)
    {
        space(pid).discard(addr, length);
    }

    /** mprotect(2); see {@link AddressSpace#mprotect}. */
    public void mprotect(final int pid, final long addr, final long length, final int prot)
    {
        space(pid).mprotect(addr, length, prot);
    }

    /**
     * Process exit: frees its frames on every owner (this monitor included) and forgets its address space.
     *
     * @return the number of frames freed; 0 for an unknown pid.
     */
    public long exit(final int pid)
    {
        final AddressSpace space = byPid.remove(pid);
        return space == null ? 0 : router.releaseEverywhere(space);
    }

    /**
     * Drops the address space of a process the GMM has forgotten, without telling its owners (each owner
     * reconciles its own frames, see {@link ProcessReconciler}).
     *
     * @return true if this monitor was its home.
     */
    public boolean forget(final int pid)
    {
        return byPid.remove(pid) != null;
    }

    /** Appends to {@code out} every pid this monitor is home of that {@code seen} does not hold yet (added to it). */
    public void pids(final IntArrayList out, final IntHashSet seen)
    {
        final Int2ObjectHashMap<AddressSpace>.KeyIterator it = byPid.keySet().iterator();
        while (it.hasNext())
        {
            final int pid = it.nextInt();
            if (seen.add(pid))
            {
                out.addInt(pid);
            }
        }
    }

    /** The address space of {@code pid}, or null when this monitor is not its home. */
    public AddressSpace find(final int pid)
    {
        return byPid.get(pid);
    }

    private AddressSpace space(final int pid)
    {
        final AddressSpace space = byPid.get(pid);
        if (space == null)
        {
            throw new VmException(Errno.EINVAL, "pid " + pid + " has no address space here (no execve yet)");
        }
        return space;
    }
}
