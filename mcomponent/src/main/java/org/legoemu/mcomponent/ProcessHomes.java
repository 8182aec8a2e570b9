package org.legoemu.mcomponent;

import org.agrona.collections.Int2ObjectHashMap;
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
     * execve: reads the executable, discards any previous address space of {@code pid} and builds a new one.
     *
     * @throws VmException the storage's errno (e.g. ENOENT), ENOEXEC with the ELF loader's one-line reason, ENOMEM.
     */
    public ExecImage execve(final int pid, final String path, final List<String> argv, final List<String> envp)
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
        final AddressSpace space = new AddressSpace(pid, router);
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

    /** brk(2); see {@link AddressSpace#brk}. */
    public long brk(final int pid, final long brk)
    {
        return space(pid).brk(brk);
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
