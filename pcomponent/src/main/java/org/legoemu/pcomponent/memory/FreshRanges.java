package org.legoemu.pcomponent.memory;

import java.util.Map;
import java.util.TreeMap;

/**
 * The pages of one process that are fresh: mapped anonymous by the home (its M2P_VM_REPLY said so) and never
 * materialised since, so no frame holds them and their contents are zero. An ExCache miss on a fresh page creates
 * the line zeroed on the pComponent without a fetch and {@link #claim claims} the page: from then on it is an
 * ordinary page, which reaches its owner at its first write-back (or, if it leaves the ExCache clean, is fetched
 * again later and then allocated zeroed by the owner, LegoOS's demand-zero path). Any VM call that may change a
 * range's contents or protection ({@link #remove}) makes it ordinary too, so its next miss asks the owner.
 * <p>
 * Ranges are page-aligned, disjoint and kept in address order. Thread-safe (every method synchronises on this
 * object; none calls out), so the ExCache may claim under its own lock while syscalls add and remove.
 */
public final class FreshRanges
{
    private static final long PAGE_SIZE = 4096;

    /** start -> {end, prot}. */
    private final TreeMap<Long, long[]> ranges = new TreeMap<>();

    /**
     * Marks {@code [start, end)} fresh with protection {@code prot}, replacing what was recorded there.
     *
     * @param start page-aligned start.
     * @param end   page-aligned exclusive end; nothing happens when not above {@code start}.
     * @param prot  PROT_ bits of the new mapping (1 read, 2 write, 4 exec).
     */
    public synchronized void add(final long start, final long end, final int prot)
    {
        if (end <= start)
        {
            return;
        }
        removeLocked(start, end);
        ranges.put(start, new long[]{end, prot});
    }

    /** Makes every page in {@code [start, end)} ordinary (no longer fresh). */
    public synchronized void remove(final long start, final long end)
    {
        if (end > start)
        {
            removeLocked(start, end);
        }
    }

    /**
     * Claims the fresh page holding {@code vaddr} for an access it permits: the page stops being fresh.
     *
     * @param access the access bits of the miss (1 read, 2 write, 4 exec).
     * @return the page's PROT_ bits, or -1 when the page is not fresh or its protection forbids {@code access}
     *         (then the miss asks the owner, which answers the fault).
     */
    public synchronized int claim(final long vaddr, final int access)
    {
        final Map.Entry<Long, long[]> entry = ranges.floorEntry(vaddr);
        if (entry == null || vaddr >= entry.getValue()[0])
        {
            return -1;
        }
        final int prot = (int)entry.getValue()[1];
        if ((prot & access) != access)
        {
            return -1;
        }
        final long page = vaddr & -PAGE_SIZE;
        removeLocked(page, page + PAGE_SIZE);
        return prot;
    }

    /** Number of fresh pages. */
    public synchronized long pages()
    {
        long pages = 0;
        for (final Map.Entry<Long, long[]> e : ranges.entrySet())
        {
            pages += (e.getValue()[0] - e.getKey()) / PAGE_SIZE;
        }
        return pages;
    }

    private void removeLocked(final long start, final long end)
    {
        final Map.Entry<Long, long[]> before = ranges.lowerEntry(start);
        if (before != null && before.getValue()[0] > start)
        {
            final long[] value = before.getValue();
            final long oldEnd = value[0];
            value[0] = start;
            if (oldEnd > end)
            {
                ranges.put(end, new long[]{oldEnd, value[1]});
                return;
            }
        }
        Map.Entry<Long, long[]> next = ranges.ceilingEntry(start);
        while (next != null && next.getKey() < end)
        {
            ranges.remove(next.getKey());
            final long[] value = next.getValue();
            if (value[0] > end)
            {
                ranges.put(end, value);
                return;
            }
            next = ranges.ceilingEntry(start);
        }
    }
}
