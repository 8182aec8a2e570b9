package org.legoemu.mcomponent.home;

import org.legoemu.abi.linux.Errno;
import org.legoemu.fabric.proxy.VRegionOwner;
import org.legoemu.fabric.sbe.VmaOp;
import org.legoemu.mcomponent.vm.AddressLayout;
import org.legoemu.mcomponent.vm.Mman;
import org.legoemu.mcomponent.vm.VmException;
import org.legoemu.mcomponent.vm.Vma;
import org.legoemu.mcomponent.vm.VmaList;
import org.legoemu.mcomponent.vregion.VRegionRouter;

import java.util.List;

import static org.legoemu.mcomponent.vm.AddressLayout.MMAP_BASE;
import static org.legoemu.mcomponent.vm.AddressLayout.MMAP_MIN_ADDR;
import static org.legoemu.mcomponent.vm.AddressLayout.TASK_SIZE;
import static org.legoemu.mcomponent.vm.AddressLayout.isPageAligned;
import static org.legoemu.mcomponent.vm.AddressLayout.pageUp;

/**
 * The HOME side of one process's virtual memory (LegoOS §5.2: the home mComponent owns the VMA layout): the
 * authoritative VMA list, the program break and the mmap layout, with Linux semantics from mmap(2), munmap(2),
 * mprotect(2) and brk(2). Every change is reported to a {@link VmaChangeListener} after it is made, which applies it
 * on the owners of the touched vRegions; the owner of each vRegion is cached here once known.
 *
 * <p>Failures throw {@link VmException} with the Linux errno, before any change is made. Not thread-safe: guarded by
 * the monitor's state lock (see the package's threading rules).
 */
public final class AddressSpace
{
    /** Flags recorded on VMAs: the mapping type is always private (single-process MAP_SHARED is the same). */
    private static final int ANON_PRIVATE = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;

    private final int pid;
    private final int pcomponentId;
    private final VmaList vmas = new VmaList();
    private final VmaChangeListener listener;
    private final VRegionOwner[] owners = new VRegionOwner[AddressLayout.VREGION_COUNT];
    private long brkStart;
    private long brk;

    /**
     * An empty address space.
     *
     * @param pid          the process.
     * @param pcomponentId the pComponent that runs the process (P2M_EXECVE): the only one its owners serve.
     * @param listener     told of every change.
     */
    public AddressSpace(final int pid, final int pcomponentId, final VmaChangeListener listener)
    {
        this.pid = pid;
        this.pcomponentId = pcomponentId;
        this.listener = listener;
    }

    /**
     * The address space a home checkpoint describes (a home standby taking over, see {@link HomeCheckpoint}): the
     * VMAs are recorded without telling the listener (their owners already hold them).
     */
    public static AddressSpace restore(final HomeCheckpoint checkpoint, final VmaChangeListener listener)
    {
        final AddressSpace space = new AddressSpace(checkpoint.pid(), checkpoint.pcomponentId(), listener);
        for (final Vma vma : checkpoint.vmas())
        {
            space.vmas.map(vma.start(), vma.end(), vma.prot(), vma.flags());
        }
        space.brkStart = checkpoint.brkStart();
        space.brk = checkpoint.brk();
        return space;
    }

    /**
     * fork(2): a copy of {@code parent} for {@code childPid} (VMAs, program break, cached vRegion owners), made without
     * telling any listener: the owners copy their part themselves ({@link VRegionRouter#forkEverywhere}).
     *
     * @param listener told of the child's later changes.
     */
    public static AddressSpace copyOf(
        final AddressSpace parent, final int childPid, final int pcomponentId, final VmaChangeListener listener)
    {
        final AddressSpace child = new AddressSpace(childPid, pcomponentId, listener);
        for (final Vma vma : parent.vmas.toList())
        {
            child.vmas.map(vma.start(), vma.end(), vma.prot(), vma.flags());
        }
        System.arraycopy(parent.owners, 0, child.owners, 0, parent.owners.length);
        child.brkStart = parent.brkStart;
        child.brk = parent.brk;
        return child;
    }

    /** The process id. */
    public int pid()
    {
        return pid;
    }

    /** The pComponent that runs the process. */
    public int pcomponentId()
    {
        return pcomponentId;
    }

    /**
     * Maps {@code [start, start + lengthBytes)} anonymous, zero-filled, replacing what was there: the loader's
     * mapping of a PT_LOAD segment or the stack (mmap(2) with MAP_FIXED|MAP_ANONYMOUS|MAP_PRIVATE).
     *
     * @throws VmException EINVAL when unaligned or outside user space.
     */
    void mapFixed(final long start, final long lengthBytes, final int prot)
    {
        checkRange(start, lengthBytes);
        map(start, start + lengthBytes, prot & Mman.PROT_MASK, ANON_PRIVATE);
    }

    /**
     * Changes the protection of a mapped range without the checks of mprotect(2) on partial mappings: used by the
     * loader for PT_GNU_RELRO and pages shared by two segments.
     *
     * @throws VmException EINVAL when unaligned or outside user space.
     */
    void protectFixed(final long start, final long lengthBytes, final int prot)
    {
        checkRange(start, lengthBytes);
        vmas.protect(start, start + lengthBytes, prot & Mman.PROT_MASK);
        listener.onVmaChange(this, VmaOp.PROTECT, start, start + lengthBytes, prot & Mman.PROT_MASK);
    }

    /**
     * Sets the start of the heap after loading the image: both the start and the current break.
     *
     * @param brkStart page-aligned end of the highest PT_LOAD.
     */
    public void initBrk(final long brkStart)
    {
        this.brkStart = brkStart;
        this.brk = brkStart;
    }

    /**
     * mmap(2) of anonymous memory.
     *
     * @param addr        hint, or the exact address with MAP_FIXED / MAP_FIXED_NOREPLACE.
     * @param lengthBytes length, rounded up to whole pages.
     * @param prot        PROT_ bits.
     * @param flags       MAP_ flags; MAP_ANONYMOUS is required, MAP_SHARED is treated as MAP_PRIVATE.
     * @return the address of the mapping.
     * @throws VmException EINVAL (length 0, unaligned fixed address, bad prot or mapping type), ENODEV (file-backed),
     *                     EEXIST (MAP_FIXED_NOREPLACE over a mapping), ENOMEM (no room), EPERM (fixed below
     *                     mmap_min_addr).
     */
    public long mmap(final long addr, final long lengthBytes, final int prot, final int flags)
    {
        if (lengthBytes == 0)
        {
            throw new VmException(Errno.EINVAL, "mmap length is 0");
        }
        if ((prot & ~Mman.PROT_MASK) != 0)
        {
            throw new VmException(Errno.EINVAL, "mmap prot 0x" + Integer.toHexString(prot) + " has unknown bits");
        }
        final int type = flags & Mman.MAP_TYPE;
        if (type != Mman.MAP_PRIVATE && type != Mman.MAP_SHARED && type != Mman.MAP_SHARED_VALIDATE)
        {
            throw new VmException(Errno.EINVAL, "mmap flags 0x" + Integer.toHexString(flags) +
                " have neither MAP_PRIVATE nor MAP_SHARED");
        }
        if ((flags & Mman.MAP_ANONYMOUS) == 0)
        {
            throw new VmException(Errno.ENODEV, "file-backed mmap is not supported yet, only MAP_ANONYMOUS");
        }
        if (lengthBytes < 0 || lengthBytes > TASK_SIZE - MMAP_MIN_ADDR)
        {
            throw new VmException(Errno.ENOMEM, "mmap length " + lengthBytes + " exceeds the address space");
        }
        final long length = pageUp(lengthBytes);
        final boolean fixed = (flags & (Mman.MAP_FIXED | Mman.MAP_FIXED_NOREPLACE)) != 0;
        final long start;
        if (fixed)
        {
            if (!isPageAligned(addr))
            {
                throw new VmException(Errno.EINVAL, "mmap fixed address 0x" + Long.toHexString(addr) +
                    " is not page-aligned");
            }
            if (addr < 0 || addr > TASK_SIZE - length)
            {
                throw new VmException(Errno.ENOMEM, "mmap fixed range at 0x" + Long.toHexString(addr) +
                    " lies outside user space");
            }
            if (addr < MMAP_MIN_ADDR)
            {
                throw new VmException(Errno.EPERM, "mmap fixed address 0x" + Long.toHexString(addr) +
                    " is below mmap_min_addr");
            }
            if ((flags & Mman.MAP_FIXED) == 0 && !vmas.isFree(addr, addr + length))
            {
                throw new VmException(Errno.EEXIST, "MAP_FIXED_NOREPLACE range at 0x" + Long.toHexString(addr) +
                    " overlaps a mapping");
            }
            start = addr;
        }
        else
        {
            start = placeNonFixed(addr, length);
        }
        final int recordedFlags = ANON_PRIVATE | (flags & (Mman.MAP_GROWSDOWN | Mman.MAP_STACK));
        map(start, start + length, prot, recordedFlags);
        return start;
    }

    /**
     * munmap(2): removes every mapping in the range, splitting VMAs at its ends; unmapped parts are fine.
     *
     * @throws VmException EINVAL when {@code addr} is unaligned, the length is 0 or the range leaves user space.
     */
    public void munmap(final long addr, final long lengthBytes)
    {
        if (!isPageAligned(addr))
        {
            throw new VmException(Errno.EINVAL, "munmap address 0x" + Long.toHexString(addr) +
                " is not page-aligned");
        }
        if (lengthBytes <= 0 || addr < 0 || lengthBytes > TASK_SIZE || addr > TASK_SIZE - pageUp(lengthBytes))
        {
            throw new VmException(Errno.EINVAL, "munmap range 0x" + Long.toHexString(addr) + "+" + lengthBytes +
                " is empty or outside user space");
        }
        final long end = addr + pageUp(lengthBytes);
        vmas.remove(addr, end);
        listener.onVmaChange(this, VmaOp.UNMAP, addr, end, 0);
    }

    /**
     * The VMA side of mremap(2) (mm/mremap.c): shrinking unmaps the tail; growing extends the mapping in place when
     * the pages after it are free; otherwise, with MREMAP_MAYMOVE (or at {@code newAddr} with MREMAP_FIXED), maps a
     * new range with the same protection and flags and returns its address. The old range of a moved mapping is left
     * mapped: the pComponent copies the contents through its ExCache and then unmaps it (P2M_MUNMAP).
     *
     * @return the mapping's address after the call: {@code oldAddr} when it stayed, another address when it moved.
     * @throws VmException EINVAL (unaligned address, zero new length, unknown or inconsistent flags, overlapping
     *                     fixed target), EFAULT (the old range is not one mapping), ENOMEM (cannot grow in place
     *                     and may not move, or no room).
     */
    public long mremap(final long oldAddr, final long oldLengthBytes, final long newLengthBytes, final int flags,
        final long newAddr)
    {
        final int known = Mman.MREMAP_MAYMOVE | Mman.MREMAP_FIXED;
        if (!isPageAligned(oldAddr) || (flags & ~known) != 0 ||
            ((flags & Mman.MREMAP_FIXED) != 0 && (flags & Mman.MREMAP_MAYMOVE) == 0) || newLengthBytes <= 0 ||
            oldLengthBytes < 0 || newLengthBytes > TASK_SIZE || oldLengthBytes > TASK_SIZE)
        {
            throw new VmException(Errno.EINVAL, "mremap arguments 0x" + Long.toHexString(oldAddr) + " " +
                oldLengthBytes + " -> " + newLengthBytes + " flags 0x" + Integer.toHexString(flags) + " are invalid");
        }
        final long oldLength = pageUp(oldLengthBytes);
        final long newLength = pageUp(newLengthBytes);
        if (oldLength == 0)
        {
            throw new VmException(Errno.EINVAL, "mremap of length 0 (duplicating a shared mapping) is not supported");
        }
        final Vma vma = vmas.find(oldAddr);
        if (vma == null || oldAddr + oldLength > vma.end())
        {
            throw new VmException(Errno.EFAULT, "mremap range 0x" + Long.toHexString(oldAddr) + "+" + oldLength +
                " is not one mapping");
        }
        if ((flags & Mman.MREMAP_FIXED) != 0)
        {
            if (!isPageAligned(newAddr) || newAddr < MMAP_MIN_ADDR || newAddr > TASK_SIZE - newLength ||
                (newAddr < oldAddr + oldLength && oldAddr < newAddr + newLength))
            {
                throw new VmException(Errno.EINVAL, "mremap target 0x" + Long.toHexString(newAddr) +
                    " is unaligned, outside user space or overlaps the old range");
            }
            map(newAddr, newAddr + newLength, vma.prot(), vma.flags());
            return newAddr;
        }
        if (newLength <= oldLength)
        {
            if (newLength < oldLength)
            {
                vmas.remove(oldAddr + newLength, oldAddr + oldLength);
                listener.onVmaChange(this, VmaOp.UNMAP, oldAddr + newLength, oldAddr + oldLength, 0);
            }
            return oldAddr;
        }
        final long oldEnd = oldAddr + oldLength;
        if (oldAddr <= TASK_SIZE - newLength && vmas.isFree(oldEnd, oldAddr + newLength))
        {
            map(oldEnd, oldAddr + newLength, vma.prot(), vma.flags());
            return oldAddr;
        }
        if ((flags & Mman.MREMAP_MAYMOVE) == 0)
        {
            throw new VmException(Errno.ENOMEM, "mremap cannot grow 0x" + Long.toHexString(oldAddr) +
                " in place and MREMAP_MAYMOVE is not set");
        }
        final long start = placeNonFixed(0, newLength);
        map(start, start + newLength, vma.prot(), vma.flags());
        return start;
    }

    /**
     * madvise(2) MADV_DONTNEED (and MADV_FREE, MADV_REMOVE, which may behave the same): the range's pages are freed
     * on their owners; the mappings stay, and the next touch of a private anonymous page reads zero.
     *
     * @throws VmException EINVAL (unaligned address, range outside user space), ENOMEM (part of the range unmapped).
     */
    public void discard(final long addr, final long lengthBytes)
    {
        if (!isPageAligned(addr) || lengthBytes < 0 || addr < 0 || lengthBytes > TASK_SIZE ||
            addr > TASK_SIZE - pageUp(lengthBytes))
        {
            throw new VmException(Errno.EINVAL, "madvise range 0x" + Long.toHexString(addr) + "+" + lengthBytes +
                " is unaligned or outside user space");
        }
        if (lengthBytes == 0)
        {
            return;
        }
        final long end = addr + pageUp(lengthBytes);
        if (!vmas.isFullyMapped(addr, end))
        {
            throw new VmException(Errno.ENOMEM, "madvise range 0x" + Long.toHexString(addr) + "-0x" +
                Long.toHexString(end) + " is not fully mapped");
        }
        listener.onVmaChange(this, VmaOp.DISCARD, addr, end, 0);
    }

    /**
     * mprotect(2). Unlike Linux, which may have changed the VMAs before a hole when it fails with ENOMEM, nothing
     * changes on failure.
     *
     * @throws VmException EINVAL (unaligned address, unknown prot bits), ENOMEM (part of the range unmapped or
     *                     outside user space).
     */
    public void mprotect(final long addr, final long lengthBytes, final int prot)
    {
        if (!isPageAligned(addr))
        {
            throw new VmException(Errno.EINVAL, "mprotect address 0x" + Long.toHexString(addr) +
                " is not page-aligned");
        }
        if ((prot & ~Mman.PROT_MASK) != 0)
        {
            throw new VmException(Errno.EINVAL, "mprotect prot 0x" + Integer.toHexString(prot) + " has unknown bits");
        }
        if (lengthBytes == 0)
        {
            return;
        }
        if (lengthBytes < 0 || addr < 0 || lengthBytes > TASK_SIZE || addr > TASK_SIZE - pageUp(lengthBytes))
        {
            throw new VmException(Errno.ENOMEM, "mprotect range 0x" + Long.toHexString(addr) + "+" + lengthBytes +
                " is outside user space");
        }
        final long end = addr + pageUp(lengthBytes);
        if (!vmas.isFullyMapped(addr, end))
        {
            throw new VmException(Errno.ENOMEM, "mprotect range 0x" + Long.toHexString(addr) + "-0x" +
                Long.toHexString(end) + " is not fully mapped");
        }
        vmas.protect(addr, end, prot);
        listener.onVmaChange(this, VmaOp.PROTECT, addr, end, prot);
    }

    /**
     * brk(2) as the kernel implements it (mm/mmap.c {@code SYSCALL_DEFINE1(brk)}): a request below the heap start
     * (including 0) or one whose new pages would overlap another mapping or leave user space fails; growing maps
     * the new pages read-write, shrinking unmaps the freed pages.
     *
     * @param requested the new break.
     * @return the new break on success, the unchanged one on failure.
     */
    public long brk(final long requested)
    {
        if (requested < brkStart || requested > MMAP_BASE)
        {
            return brk;
        }
        final long oldEnd = pageUp(brk);
        final long newEnd = pageUp(requested);
        if (newEnd < oldEnd)
        {
            vmas.remove(newEnd, oldEnd);
            listener.onVmaChange(this, VmaOp.UNMAP, newEnd, oldEnd, 0);
        }
        else if (newEnd > oldEnd)
        {
            if (!vmas.isFree(oldEnd, newEnd))
            {
                return brk;
            }
            map(oldEnd, newEnd, Mman.PROT_READ | Mman.PROT_WRITE, ANON_PRIVATE);
        }
        brk = requested;
        return brk;
    }

    /** The current program break. */
    public long currentBrk()
    {
        return brk;
    }

    /** The start of the heap. */
    public long brkStart()
    {
        return brkStart;
    }

    /** The VMA containing {@code vaddr}, or null. */
    public Vma find(final long vaddr)
    {
        return vmas.find(vaddr);
    }

    /** All VMAs in address order (a copy). */
    public List<Vma> vmas()
    {
        return vmas.toList();
    }

    /** The cached owner of a vRegion, or null when not asked yet. */
    public VRegionOwner owner(final int vregion)
    {
        return owners[vregion];
    }

    /** Caches the owner of a vRegion. */
    public void owner(final int vregion, final VRegionOwner owner)
    {
        owners[vregion] = owner;
    }

    private void map(final long start, final long end, final int prot, final int flags)
    {
        vmas.map(start, end, prot, flags);
        listener.onVmaChange(this, VmaOp.MAP, start, end, prot);
    }

    private long placeNonFixed(final long hint, final long length)
    {
        if (hint > 0)
        {
            final long at = pageUp(hint);
            if (at >= MMAP_MIN_ADDR && at <= TASK_SIZE - length && vmas.isFree(at, at + length))
            {
                return at;
            }
        }
        final long at = vmas.findFreeTopDown(length, MMAP_MIN_ADDR, MMAP_BASE);
        if (at < 0)
        {
            throw new VmException(Errno.ENOMEM, "no free range of " + length + " bytes for mmap");
        }
        return at;
    }

    private static void checkRange(final long start, final long lengthBytes)
    {
        if (!isPageAligned(start) || !isPageAligned(lengthBytes) || lengthBytes <= 0 || start < 0 ||
            start > TASK_SIZE - lengthBytes)
        {
            throw new VmException(Errno.EINVAL, "range 0x" + Long.toHexString(start) + "+" + lengthBytes +
                " is unaligned or outside user space");
        }
    }
}
