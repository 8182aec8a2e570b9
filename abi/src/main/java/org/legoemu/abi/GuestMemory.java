package org.legoemu.abi;

/**
 * A guest's virtual address space as the hart sees it: 4 KiB pages that are made resident on demand.
 *
 * <p>The hart never sees frames, mComponents or the fabric: it asks for the page holding a virtual address with
 * the kind of access it is about to make, keeps the returned array in its software TLB, and reads and writes
 * the page's bytes directly (little-endian, index {@code vaddr & 0xfff}) until it is told to drop the page
 * through {@link TlbShootdown}.
 *
 * <p>Implementations: the pComponent's ExCache-backed memory (every page is an ExCache line), and flat memories
 * in tests.
 */
public interface GuestMemory
{
    /** Page and ExCache line size in bytes (LegoOS §4.3; RISC-V Sv39 base page). */
    int PAGE_SIZE = 4096;
    int PAGE_SHIFT = 12;
    long PAGE_MASK = PAGE_SIZE - 1;
    /** Exclusive top of the riscv64 Sv39 user address space, bytes (Linux arch/riscv TASK_SIZE: 256 GiB). */
    long TASK_SIZE = 0x40_0000_0000L;

    /** Access kinds, also used as permission bits (same values as Linux PROT_READ/PROT_WRITE/PROT_EXEC). */
    int ACCESS_READ = 1;
    int ACCESS_WRITE = 2;
    int ACCESS_EXEC = 4;

    /**
     * Makes the page holding {@code vaddr} resident for {@code access} and returns its bytes. For
     * {@link #ACCESS_WRITE} the page is marked dirty before this returns, so the caller may write through the
     * array until the page is shot down.
     *
     * @param vaddr  any guest virtual address inside the page.
     * @param access one of {@link #ACCESS_READ}, {@link #ACCESS_WRITE}, {@link #ACCESS_EXEC}.
     * @return the page's {@value #PAGE_SIZE} bytes; never null.
     * @throws GuestFault with {@link Signal#SIGSEGV} when the address is unmapped or the access is not
     *                    permitted, or {@link Signal#SIGBUS} when the backing memory is exhausted.
     */
    byte[] page(long vaddr, int access) throws GuestFault;

    /**
     * Copies {@code length} bytes starting at {@code vaddr}, all within one page, into {@code dst[offset..]}, as
     * one step that no eviction can tear (the kernel side's way in; the hart reads through its TLB instead).
     *
     * @throws GuestFault as {@link #page} with {@link #ACCESS_READ}.
     */
    default void read(final long vaddr, final byte[] dst, final int offset, final int length) throws GuestFault
    {
        System.arraycopy(page(vaddr, ACCESS_READ), (int)(vaddr & PAGE_MASK), dst, offset, length);
    }

    /**
     * Copies {@code src[offset..offset+length)} to {@code vaddr}, all within one page, as one step that no
     * eviction can tear, marking the page dirty.
     *
     * @throws GuestFault as {@link #page} with {@link #ACCESS_WRITE}.
     */
    default void write(final long vaddr, final byte[] src, final int offset, final int length) throws GuestFault
    {
        System.arraycopy(src, offset, page(vaddr, ACCESS_WRITE), (int)(vaddr & PAGE_MASK), length);
    }

    /**
     * Registers the TLB that must be told when a page returned by {@link #page} stops being valid (evicted from
     * the ExCache, unmapped, or its protection changed).
     */
    void addShootdownListener(TlbShootdown listener);

    /** Unregisters a listener given to {@link #addShootdownListener}; unknown listeners are ignored. */
    void removeShootdownListener(TlbShootdown listener);
}
