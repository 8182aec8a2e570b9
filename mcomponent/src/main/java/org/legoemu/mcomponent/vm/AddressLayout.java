package org.legoemu.mcomponent.vm;

import org.legoemu.abi.GuestMemory;
import org.legoemu.fabric.proxy.VRegionOwner;

/**
 * The riscv64 (Sv39) user address space as this cluster lays it out (DESIGN.md; Linux arch/riscv/include/asm/
 * pgtable.h TASK_SIZE, mm/util.c mmap_base): 4 KiB pages, 1 GiB vRegions (LegoOS §5.2), an 8 MiB stack at the
 * top, a 128 MiB gap below it, and anonymous mappings placed top-down below {@link #MMAP_BASE}.
 */
public final class AddressLayout
{
    /** Page size, bytes. */
    public static final long PAGE_SIZE = GuestMemory.PAGE_SIZE;
    /** log2 of the page size. */
    public static final int PAGE_SHIFT = 12;
    /** log2 of the vRegion size (1 GiB). */
    public static final int VREGION_SHIFT = VRegionOwner.VREGION_SHIFT;
    /** vRegion size, bytes. */
    public static final long VREGION_SIZE = 1L << VREGION_SHIFT;
    /** Exclusive top of user space, bytes (256 GiB, Sv39). */
    public static final long TASK_SIZE = GuestMemory.TASK_SIZE;
    /** Number of vRegions in user space. */
    public static final int VREGION_COUNT = (int)(TASK_SIZE >>> VREGION_SHIFT);
    /** Size of the stack VMA, bytes. */
    public static final long STACK_SIZE = 8L << 20;
    /** Start of the stack VMA. */
    public static final long STACK_START = TASK_SIZE - STACK_SIZE;
    /** Gap between the stack and the mmap area, bytes. */
    static final long STACK_GAP = 128L << 20;
    /** Highest exclusive end of a top-down mmap placement. */
    public static final long MMAP_BASE = STACK_START - STACK_GAP;
    /** Lowest address a mapping may use (Linux's default vm.mmap_min_addr, 64 KiB). */
    public static final long MMAP_MIN_ADDR = 0x1_0000L;
    /** Load bias of a static-PIE (ET_DYN) image. */
    public static final long PIE_LOAD_BIAS = 0x2a_aaaa_a000L;

    private AddressLayout()
    {
    }

    /** The vRegion index of an address: {@code vaddr >>> 30}. */
    public static int vregion(final long vaddr)
    {
        return (int)(vaddr >>> VREGION_SHIFT);
    }

    /** Rounds up to a page boundary. */
    public static long pageUp(final long bytes)
    {
        return (bytes + PAGE_SIZE - 1) & -PAGE_SIZE;
    }

    /** Rounds down to a page boundary. */
    public static long pageDown(final long address)
    {
        return address & -PAGE_SIZE;
    }

    /** True when the address is a multiple of the page size. */
    public static boolean isPageAligned(final long address)
    {
        return (address & (PAGE_SIZE - 1)) == 0;
    }
}
