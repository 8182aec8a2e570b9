package org.legoemu.mcomponent.vm;

/**
 * One virtual memory area (Linux {@code struct vm_area_struct}): a page-aligned half-open range with one
 * protection.
 *
 * @param start inclusive start address, page-aligned.
 * @param end   exclusive end address, page-aligned, greater than {@code start}.
 * @param prot  PROT_ bits ({@link Mman#PROT_READ}, {@link Mman#PROT_WRITE}, {@link Mman#PROT_EXEC}).
 * @param flags the MAP_ flags it was created with (informational; owners keep 0).
 */
public record Vma(long start, long end, int prot, int flags)
{
    /** Length in bytes. */
    public long lengthBytes()
    {
        return end - start;
    }

    /** True when {@code vaddr} lies inside. */
    public boolean contains(final long vaddr)
    {
        return vaddr >= start && vaddr < end;
    }

    @Override
    public String toString()
    {
        return "Vma[0x" + Long.toHexString(start) + "-0x" + Long.toHexString(end) + " prot=" + prot +
            " flags=0x" + Integer.toHexString(flags) + "]";
    }
}
