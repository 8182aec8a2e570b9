package org.legoemu.abi.elf;

import org.legoemu.abi.GuestMemory;

import java.util.ArrayList;
import java.util.List;

/**
 * Loads the PT_LOAD segments of a validated static executable into a guest address space, the way Linux's
 * {@code load_elf_binary} (fs/binfmt_elf.c) does for an executable without an interpreter.
 *
 * <p>Each segment is mapped page-aligned with the protection of its {@code p_flags} (PF_R/PF_W/PF_X become
 * {@link GuestMemory#ACCESS_READ}/{@code WRITE}/{@code EXEC}); then exactly {@code p_filesz} bytes are copied
 * from the file, so the rest up to {@code p_memsz} (.bss) and the rest of the page stay zero, as fresh mappings
 * are zero-filled. A page shared by two segments is mapped once, with the union of both protections (Linux maps
 * the same file page there, so it holds the bytes of both). The work is bounded by the number of segments, never by
 * their sizes: each segment's range is split into runs where earlier segments are or are not mapped.
 *
 * <p>PT_GNU_RELRO is deliberately left writable, as Linux leaves it: a static glibc program must still write
 * there after entry (IRELATIVE relocations in {@code apply_irel}, static-PIE self-relocation in
 * {@code _dl_relocate_static_pie}) and then makes it read-only itself through {@code mprotect}
 * ({@code _dl_protect_relro}, csu/libc-start.c). {@link #relroRange} gives the range for callers that want it.
 */
public final class ElfImageLoader
{
    private static final long PAGE_SIZE = GuestMemory.PAGE_SIZE;

    private ElfImageLoader()
    {
    }

    /**
     * Maps and fills every loadable segment.
     *
     * @param elf      the parsed file.
     * @param image    the file's bytes, the array {@code elf} was parsed from.
     * @param loadBias added to every p_vaddr: 0 for ET_EXEC; for static-PIE a page-aligned base chosen by the
     *                 caller (e.g. {@code 0x2aaaaaa000}).
     * @param mapper   creates the zero-filled mappings (and widens the protection of a page two segments share).
     * @param writer   copies file bytes into the mapped pages (bypassing protections).
     * @return the initial program break: the page-aligned end of the highest segment, biased.
     * @throws IllegalArgumentException when {@code loadBias} is not page-aligned, or is non-zero for ET_EXEC.
     */
    public static long load(
        final ElfFile elf, final byte[] image, final long loadBias, final MemoryMapper mapper,
        final ImageWriter writer)
    {
        if ((loadBias & (PAGE_SIZE - 1)) != 0)
        {
            throw new IllegalArgumentException("load bias 0x" + Long.toHexString(loadBias) + " is not page-aligned");
        }
        if (!elf.isPositionIndependent() && loadBias != 0)
        {
            throw new IllegalArgumentException("ET_EXEC must be loaded with bias 0");
        }

        final List<long[]> mapped = new ArrayList<>();
        long brk = 0;
        for (final ElfFile.ProgramHeader ph : elf.loadSegments())
        {
            final long start = pageDown(ph.vaddr() + loadBias);
            final long end = pageUp(ph.vaddr() + loadBias + ph.memsz());
            final int prot = prot(ph.flags());
            long page = start;
            while (page < end)
            {
                final long[] owner = find(mapped, page);
                if (owner != null)
                {
                    final long overlapEnd = Math.min(end, owner[1]);
                    final int union = (int)owner[2] | prot;
                    if (union != owner[2])
                    {
                        mapper.protect(page, overlapEnd - page, union);
                    }
                    page = overlapEnd;
                }
                else
                {
                    final long runEnd = Math.min(end, nextStart(mapped, page));
                    mapper.map(page, runEnd - page, prot);
                    page = runEnd;
                }
            }
            mapped.add(new long[]{ start, end, prot });
            if (ph.filesz() > 0)
            {
                writer.write(ph.vaddr() + loadBias, image, (int)ph.offset(), (int)ph.filesz());
            }
            brk = Math.max(brk, end);
        }

        return brk;
    }

    /**
     * The page range glibc's {@code _dl_protect_relro} makes read-only: start rounded down, end rounded down.
     *
     * @param elf      the parsed file.
     * @param loadBias the bias the image was loaded with.
     * @return {start, length} in bytes, or null when there is no PT_GNU_RELRO or it covers no whole page.
     */
    public static long[] relroRange(final ElfFile elf, final long loadBias)
    {
        final ElfFile.ProgramHeader relro = elf.gnuRelro();
        if (relro == null)
        {
            return null;
        }
        final long start = pageDown(relro.vaddr() + loadBias);
        final long end = pageDown(relro.vaddr() + loadBias + relro.memsz());
        return end > start ? new long[]{ start, end - start } : null;
    }

    /**
     * Converts ELF p_flags to access bits.
     *
     * @param flags p_flags.
     * @return a bit set of {@link GuestMemory#ACCESS_READ}, {@code ACCESS_WRITE}, {@code ACCESS_EXEC}.
     */
    public static int prot(final int flags)
    {
        int prot = 0;
        if ((flags & ElfFile.PF_R) != 0)
        {
            prot |= GuestMemory.ACCESS_READ;
        }
        if ((flags & ElfFile.PF_W) != 0)
        {
            prot |= GuestMemory.ACCESS_WRITE;
        }
        if ((flags & ElfFile.PF_X) != 0)
        {
            prot |= GuestMemory.ACCESS_EXEC;
        }
        return prot;
    }

    /** The lowest start of a mapped range above {@code page}, or Long.MAX_VALUE. */
    private static long nextStart(final List<long[]> mapped, final long page)
    {
        long next = Long.MAX_VALUE;
        for (final long[] range : mapped)
        {
            if (range[0] > page && range[0] < next)
            {
                next = range[0];
            }
        }
        return next;
    }

    private static long[] find(final List<long[]> mapped, final long page)
    {
        for (final long[] range : mapped)
        {
            if (page >= range[0] && page < range[1])
            {
                return range;
            }
        }
        return null;
    }

    private static long pageDown(final long address)
    {
        return address & -PAGE_SIZE;
    }

    private static long pageUp(final long address)
    {
        return (address + PAGE_SIZE - 1) & -PAGE_SIZE;
    }
}
