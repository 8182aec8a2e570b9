package org.legoemu.abi.elf;

/**
 * Creates and re-protects anonymous, zero-filled mappings in a guest address space while an ELF image is being
 * loaded (the loader-side equivalent of {@code mmap(MAP_FIXED|MAP_ANONYMOUS)} and {@code mprotect}).
 */
public interface MemoryMapper
{
    /**
     * Maps {@code [start, start + length)} zero-filled with protection {@code prot}.
     *
     * @param start  page-aligned guest virtual address.
     * @param length bytes, a multiple of the 4 KiB page size.
     * @param prot   a bit set of {@code GuestMemory.ACCESS_READ/WRITE/EXEC} (same values as Linux PROT_*).
     */
    void map(long start, long length, int prot);

    /**
     * Changes the protection of an already mapped, page-aligned range (used when two segments share a page).
     *
     * @param start  page-aligned guest virtual address.
     * @param length bytes, a multiple of the 4 KiB page size.
     * @param prot   a bit set of {@code GuestMemory.ACCESS_READ/WRITE/EXEC}.
     */
    void protect(long start, long length, int prot);
}
