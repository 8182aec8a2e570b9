package org.legoemu.mcomponent.home;

import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.IntHashSet;
import org.legoemu.abi.elf.ElfException;
import org.legoemu.abi.linux.Errno;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.proxy.ExecImage;
import org.legoemu.mcomponent.vm.AddressLayout;
import org.legoemu.mcomponent.vm.Mman;
import org.legoemu.mcomponent.vm.VmException;
import org.legoemu.mcomponent.vm.Vma;
import org.legoemu.mcomponent.vregion.VRegionRouter;

import java.util.List;

/**
 * The processes this mComponent is HOME of (LegoOS §5.2): pid to {@link AddressSpace}, and the P2M requests that
 * act on a whole process: execve, mmap, munmap, brk, mprotect and exit. After each change the process's layout is
 * checkpointed to its {@link HomeStandby}. Failures throw {@link VmException} with
 * the Linux errno. Not thread-safe: guarded by the monitor's state lock (see the package's threading rules).
 */
public final class ProcessHomes
{
    /**
     * Size of one sComponent read when filling a file mapping eagerly, in bytes: the sComponent's largest transfer
     * ({@link org.legoemu.fabric.proxy.StorageProxy#MAX_TRANSFER_BYTES}, 1 MiB).
     */
    private static final int FILE_CHUNK_BYTES = org.legoemu.fabric.proxy.StorageProxy.MAX_TRANSFER_BYTES;

    private final Int2ObjectHashMap<AddressSpace> byPid = new Int2ObjectHashMap<>();
    private final VRegionRouter router;
    private final ExecLoader loader;
    private final ImageSource images;
    private final HomeStandby standby;
    private final CommittedMemory committed;

    /**
     * @param router applies changes on the vRegion owners.
     * @param loader builds process images.
     * @param images reads executables.
     */
    public ProcessHomes(final VRegionRouter router, final ExecLoader loader, final ImageSource images)
    {
        this(router, loader, images, HomeStandby.NONE);
    }

    /**
     * @param router  applies changes on the vRegion owners.
     * @param loader  builds process images.
     * @param images  reads executables.
     * @param standby receives a checkpoint of a process's layout after every change.
     */
    public ProcessHomes(
        final VRegionRouter router, final ExecLoader loader, final ImageSource images, final HomeStandby standby)
    {
        this(router, loader, images, standby, CommitShare.UNLIMITED);
    }

    /**
     * @param router           applies changes on the vRegion owners.
     * @param loader           builds process images.
     * @param images           reads executables.
     * @param standby          receives a checkpoint of a process's layout after every change.
     * @param commitShare      this home's share of the cluster's commit limit ({@link CommittedMemory}).
     */
    public ProcessHomes(
        final VRegionRouter router, final ExecLoader loader, final ImageSource images, final HomeStandby standby,
        final CommitShare commitShare)
    {
        this.committed = new CommittedMemory(commitShare);
        this.router = router;
        this.loader = loader;
        this.images = images;
        this.standby = standby;
    }

    /**
     * Becomes the home of a process whose home died, from the last checkpoint its home sent here (G2M_PROMOTE_HOME):
     * rebuilds its address space, learns the owners of its vRegions from the GMM, and checkpoints to the new
     * standby.
     *
     * @param newStandbyId the process's new home standby, -1 for none.
     */
    public void adopt(final HomeCheckpoint checkpoint, final int newStandbyId)
    {
        final AddressSpace space = AddressSpace.restore(checkpoint, router);
        router.learnOwners(space);
        byPid.put(checkpoint.pid(), space);
        committed.settle(checkpoint.pid(), space);
        standby.assigned(checkpoint.pid(), newStandbyId);
        standby.checkpoint(space);
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
            image = images.readExecutable(path);
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
            final ExecImage loaded = loader.load(space, image, path, argv, envp);
            committed.reserve(pid, CommittedMemory.committedBytes(space), "execve " + path);
            standby.checkpoint(space);
            return loaded;
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

    /**
     * fork(2) at the parent's home (P2M_FORK): the child gets a copy of the parent's address space and every owner a
     * copy of the parent's frames (eager copy; the pComponent wrote the parent's dirty lines back first).
     *
     * @return the number of frames copied.
     * @throws VmException EINVAL when the parent has no address space here, EEXIST when the child has one, ENOMEM.
     */
    public long fork(final int parentPid, final int childPid, final int pcomponentId)
    {
        final AddressSpace parent = space(parentPid);
        if (byPid.containsKey(childPid))
        {
            throw new VmException(Errno.EEXIST, "pid " + childPid + " already has an address space here");
        }
        committed.reserve(childPid, CommittedMemory.committedBytes(parent), "fork");
        try
        {
            final AddressSpace child = AddressSpace.copyOf(parent, childPid, pcomponentId, router);
            final long copied = router.forkEverywhere(parent, child);
            byPid.put(childPid, child);
            standby.checkpoint(child); // else a crash of this home loses the child's layout (its standby never had it)
            return copied;
        }
        catch (final RuntimeException ex)
        {
            committed.release(childPid);
            throw ex;
        }
    }

    /**
     * Records a new home standby for a process this monitor is home of (the old one died) and checkpoints to it.
     *
     * @throws VmException EINVAL when this monitor is not the process's home.
     */
    public void restandby(final int pid, final int newStandbyId)
    {
        final AddressSpace space = space(pid);
        standby.assigned(pid, newStandbyId);
        standby.checkpoint(space);
    }

    /** mmap(2); see {@link AddressSpace#mmap}. A pid without an address space here gets EINVAL. */
    public long mmap(final int pid, final long addr, final long length, final int prot, final int flags)
    {
        final AddressSpace space = space(pid);
        final long mapped;
        committed.reserve(pid, writableBytes(length, prot) - ((flags & Mman.MAP_FIXED) == 0 ? 0 :
            CommittedMemory.writableBytesIn(space, addr, AddressLayout.pageUp(length))), "mmap");
        try
        {
            mapped = space.mmap(addr, length, prot, flags);
        }
        finally
        {
            committed.settle(pid, space);
        }
        standby.checkpoint(space);
        return mapped;
    }

    /** munmap(2); see {@link AddressSpace#munmap}. */
    public void munmap(final int pid, final long addr, final long length)
    {
        final AddressSpace space = space(pid);
        try
        {
            space.munmap(addr, length);
        }
        finally
        {
            committed.settle(pid, space);
        }
        standby.checkpoint(space);
    }

    /** The current program break of a process. A pid without an address space here gets EINVAL. */
    public long currentBrk(final int pid)
    {
        return space(pid).currentBrk();
    }

    /** brk(2); see {@link AddressSpace#brk}. */
    public long brk(final int pid, final long brk)
    {
        final AddressSpace space = space(pid);
        final long before = space.currentBrk();
        final long growth = AddressLayout.pageUp(Math.max(brk, before)) - AddressLayout.pageUp(before);
        if (growth > 0 && brk >= space.brkStart())
        {
            try
            {
                committed.reserve(pid, growth, "brk");
            }
            catch (final VmException ex)
            {
                return before;
            }
        }
        final long after;
        try
        {
            after = space.brk(brk);
        }
        finally
        {
            committed.settle(pid, space);
        }
        if (after != before)
        {
            standby.checkpoint(space);
        }
        return after;
    }

    /**
     * mmap(2) of a file: maps the range like an anonymous mapping and fills it from {@code path} at
     * {@code fileOffset} (read from the sComponent now in chunks of {@value #FILE_CHUNK_BYTES} bytes, stored at each
     * page's owner; a chunk's pages stored here are replicated in one stream, waited for once per chunk). Bytes past
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
        committed.reserve(pid, writableBytes(length, prot), "mmap");
        final long start;
        try
        {
            start = space.mmap(addr, length, prot, flags | Mman.MAP_ANONYMOUS);
        }
        finally
        {
            committed.settle(pid, space);
        }
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
                    router.storePage(space, start + done + at, page, at + page.length >= n);
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
            committed.settle(pid, space);
            throw new VmException(ex.errno(), path + ": " + ex.getMessage());
        }
        standby.checkpoint(space);
        return start;
    }

    /** mremap(2); see {@link AddressSpace#mremap}. */
    public long mremap(final int pid, final long oldAddr, final long oldLength, final long newLength, final int flags,
        final long newAddr)
    {
        final AddressSpace space = space(pid);
        final Vma old = space.find(oldAddr);
        if (old != null && (old.prot() & Mman.PROT_WRITE) != 0 && newLength > oldLength)
        {
            committed.reserve(pid, AddressLayout.pageUp(newLength) - AddressLayout.pageUp(oldLength), "mremap");
        }
        final long moved;
        try
        {
            moved = space.mremap(oldAddr, oldLength, newLength, flags, newAddr);
        }
        finally
        {
            committed.settle(pid, space);
        }
        standby.checkpoint(space);
        return moved;
    }

    /** madvise(2) with a discarding advice; see {@link AddressSpace#discard}. */
    public void discard(final int pid, final long addr, final long length)
    {
        space(pid).discard(addr, length);
    }

    /** mprotect(2); see {@link AddressSpace#mprotect}. */
    public void mprotect(final int pid, final long addr, final long length, final int prot)
    {
        final AddressSpace space = space(pid);
        committed.reserve(pid, writableBytes(length, prot) -
            CommittedMemory.writableBytesIn(space, addr, AddressLayout.pageUp(length)), "mprotect");
        try
        {
            space.mprotect(addr, length, prot);
        }
        finally
        {
            committed.settle(pid, space);
        }
        standby.checkpoint(space);
    }

    /**
     * Process exit: frees its frames on every owner (this monitor included) and forgets its address space.
     *
     * @return the number of frames freed; 0 for an unknown pid.
     */
    public long exit(final int pid)
    {
        final AddressSpace space = byPid.remove(pid);
        committed.release(pid);
        if (space == null)
        {
            return 0;
        }
        final long freed = router.releaseEverywhere(space);
        standby.exit(pid);
        return freed;
    }

    /**
     * Drops the address space of a process the GMM has forgotten, without telling its owners (each owner
     * reconciles its own frames, see {@code ProcessReconciler}).
     *
     * @return true if this monitor was its home.
     */
    public boolean forget(final int pid)
    {
        committed.release(pid);
        return byPid.remove(pid) != null;
    }

    /** The home standby of {@code pid} as last known here: its id, -1 for none, -2 when not known yet. */
    public int standbyOf(final int pid)
    {
        return standby.standbyOf(pid);
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

    /** Bytes this home holds of the cluster's commit limit ({@link CommitShare#grantedBytes}). */
    public long grantedCommitBytes()
    {
        return committed.grantedBytes();
    }

    /** Bytes committed by the processes of this home ({@link CommittedMemory}). */
    long committedBytes()
    {
        return committed.totalBytes();
    }

    /** What a mapping of {@code length} bytes with {@code prot} may add to the commit charge, bytes. */
    private static long writableBytes(final long length, final int prot)
    {
        return (prot & Mman.PROT_WRITE) == 0 || length <= 0 ? 0 : AddressLayout.pageUp(length);
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
