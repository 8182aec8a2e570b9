package org.legoemu.pcomponent.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pages of one process that are fresh: mapped anonymous by the home (its M2P_VM_REPLY said so) and never
 * materialised since, so no frame holds them and their contents are zero. An ExCache miss on a fresh page creates
 * the line zeroed on the pComponent without a fetch and {@link #claim claims} the page: from then on it is an
 * ordinary page, which reaches its owner at its first write-back (or, if it leaves the ExCache clean, is fetched
 * again later and then allocated zeroed by the owner, LegoOS's demand-zero path). Any VM call that may change a
 * range's contents ({@link #remove}) makes it ordinary too, so its next miss asks the owner.
 * <p>
 * A change of protection alone (mprotect(2)) keeps fresh pages fresh: a fresh page is only "zero, not yet
 * materialised", which no protection changes. While the home applies the change the range's fresh pages are
 * {@link #suspend suspended}: a miss on one makes it ordinary (the owner may materialise it meanwhile), and
 * {@link #resume} makes the others fresh again with the new protection (PROT_NONE included: a later access then
 * faults at the owner, and a later mprotect that permits it zero-fills again).
 * <p>
 * Ranges are page-aligned, disjoint and kept in address order. Thread-safe (every method synchronises on this
 * object; none calls out), so the ExCache may claim under its own lock while syscalls add and remove.
 */
public final class FreshRanges
{
    private static final long PAGE_SIZE = 4096;

    /** start -> {end, prot}. */
    private final TreeMap<Long, long[]> ranges = new TreeMap<>();
    /** Fresh pages of a protection change in flight, same shape as {@link #ranges}. */
    private final TreeMap<Long, long[]> suspended = new TreeMap<>();

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
        cut(ranges, start, end, null);
        cut(suspended, start, end, null);
        ranges.put(start, new long[]{end, prot});
    }

    /** Makes every page in {@code [start, end)} ordinary (no longer fresh, nor suspended). */
    public synchronized void remove(final long start, final long end)
    {
        if (end > start)
        {
            cut(ranges, start, end, null);
            cut(suspended, start, end, null);
        }
    }

    /**
     * Suspends the fresh pages of {@code [start, end)} for a protection change: until {@link #resume} they are not
     * claimed, and a {@link #claim} of one makes it ordinary.
     */
    public synchronized void suspend(final long start, final long end)
    {
        if (end <= start)
        {
            return;
        }
        final List<long[]> pieces = new ArrayList<>();
        cut(ranges, start, end, pieces);
        for (final long[] piece : pieces)
        {
            cut(suspended, piece[0], piece[1], null);
            suspended.put(piece[0], new long[]{piece[1], piece[2]});
        }
    }

    /**
     * Ends a protection change of {@code [start, end)}: its suspended pages that no miss touched meanwhile become
     * fresh with protection {@code prot}, or ordinary when {@code prot} is negative (the change failed).
     *
     * @param prot PROT_ bits the home applied (1 read, 2 write, 4 exec; 0 is PROT_NONE), or -1.
     */
    public synchronized void resume(final long start, final long end, final int prot)
    {
        if (end <= start)
        {
            return;
        }
        final List<long[]> pieces = new ArrayList<>();
        cut(suspended, start, end, pieces);
        if (prot < 0)
        {
            return;
        }
        for (final long[] piece : pieces)
        {
            ranges.put(piece[0], new long[]{piece[1], prot});
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
        final long page = vaddr & -PAGE_SIZE;
        final Map.Entry<Long, long[]> entry = ranges.floorEntry(vaddr);
        if (entry == null || vaddr >= entry.getValue()[0])
        {
            // the owner answers this miss and may materialise the page: it must not become fresh again
            cut(suspended, page, page + PAGE_SIZE, null);
            return -1;
        }
        final int prot = (int)entry.getValue()[1];
        if ((prot & access) != access)
        {
            return -1;
        }
        cut(ranges, page, page + PAGE_SIZE, null);
        return prot;
    }

    /** Number of fresh pages (suspended ones not counted). */
    public synchronized long pages()
    {
        long pages = 0;
        for (final Map.Entry<Long, long[]> e : ranges.entrySet())
        {
            pages += (e.getValue()[0] - e.getKey()) / PAGE_SIZE;
        }
        return pages;
    }

    /**
     * Removes {@code [start, end)} from {@code map}, splitting the ranges that straddle its ends.
     *
     * @param removed if not null, receives each removed piece as {start, end, prot}
     */
    private static void cut(
        final TreeMap<Long, long[]> map, final long start, final long end, final List<long[]> removed)
    {
        final Map.Entry<Long, long[]> before = map.lowerEntry(start);
        if (before != null && before.getValue()[0] > start)
        {
            final long[] value = before.getValue();
            final long oldEnd = value[0];
            value[0] = start;
            if (removed != null)
            {
                removed.add(new long[]{start, Math.min(oldEnd, end), value[1]});
            }
            if (oldEnd > end)
            {
                map.put(end, new long[]{oldEnd, value[1]});
                return;
            }
        }
        Map.Entry<Long, long[]> next = map.ceilingEntry(start);
        while (next != null && next.getKey() < end)
        {
            map.remove(next.getKey());
            final long[] value = next.getValue();
            if (removed != null)
            {
                removed.add(new long[]{next.getKey(), Math.min(value[0], end), value[1]});
            }
            if (value[0] > end)
            {
                map.put(end, value);
                return;
            }
            next = map.ceilingEntry(start);
        }
    }
}
