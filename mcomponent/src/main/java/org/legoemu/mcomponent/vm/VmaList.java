package org.legoemu.mcomponent.vm;

import org.legoemu.fabric.sbe.VmaOp;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A sorted set of non-overlapping {@link Vma}s keyed by start address, with the range algebra of Linux's mm
 * (mm/mmap.c {@code __split_vma}, {@code vma_merge}): inserting a range replaces whatever it overlaps, removing or
 * re-protecting part of a VMA splits it, and adjacent VMAs with equal protection and flags are merged.
 *
 * <p>All ranges are page-aligned half-open {@code [start, end)}; callers validate alignment. Not thread-safe.
 */
public final class VmaList
{
    private final TreeMap<Long, Vma> byStart = new TreeMap<>();
    /**
     * The VMA {@link #find} found last (VMAs are immutable), or null; dropped by every change. Most misses fall in the
     * VMA of the one before, and a hit here spares the TreeMap lookup and the entry and key it allocates.
     */
    private Vma lastFound;

    /**
     * Maps {@code [start, end)} with {@code prot}/{@code flags}, replacing any overlapped part of existing VMAs
     * (the MAP_FIXED behaviour of mmap(2)).
     */
    /** Frees what a VMA change discards in {@code [start, end)} (frames on an owner, logged pages on a secondary). */
    @FunctionalInterface
    public interface PageDrop
    {
        void drop(long start, long end);
    }

    /**
     * Applies one VMA change as an owner receives it (M2M_VMA_UPDATE): MAP replaces what was in the range (its old
     * pages are dropped: a new mapping reads as zero, mmap(2) MAP_FIXED); UNMAP drops the pages and the mapping
     * (munmap(2)); PROTECT changes the protection of the mapped parts (mprotect(2)); DISCARD drops the pages but keeps
     * the mapping (madvise(2) MADV_DONTNEED: the next touch reads zero).
     *
     * @param start page-aligned inclusive start.
     * @param end   page-aligned exclusive end.
     * @param prot  PROT_ bits for MAP and PROTECT.
     * @param pages told of the ranges whose pages are dropped.
     * @throws IllegalArgumentException for an unknown op.
     */
    public void apply(final VmaOp op, final long start, final long end, final int prot, final PageDrop pages)
    {
        switch (op)
        {
            case MAP:
                pages.drop(start, end);
                map(start, end, prot, 0);
                break;
            case UNMAP:
                pages.drop(start, end);
                remove(start, end);
                break;
            case PROTECT:
                protect(start, end, prot);
                break;
            case DISCARD:
                pages.drop(start, end);
                break;
            default:
                throw new IllegalArgumentException("unknown VMA op " + op);
        }
    }

    public void map(final long start, final long end, final int prot, final int flags)
    {
        lastFound = null;
        remove(start, end);
        insertMerged(new Vma(start, end, prot, flags));
    }

    /**
     * Removes {@code [start, end)}, splitting VMAs that straddle either end (munmap(2)); unmapped parts are ignored.
     */
    public void remove(final long start, final long end)
    {
        lastFound = null;
        splitAt(start);
        splitAt(end);
        final Map<Long, Vma> inside = byStart.subMap(start, true, end, false);
        inside.clear();
    }

    /**
     * Sets {@code prot} on every mapped part of {@code [start, end)}, splitting at both ends (mprotect(2)); holes
     * stay unmapped.
     */
    public void protect(final long start, final long end, final int prot)
    {
        lastFound = null;
        splitAt(start);
        splitAt(end);
        final List<Vma> changed = new ArrayList<>();
        final Iterator<Vma> it = byStart.subMap(start, true, end, false).values().iterator();
        while (it.hasNext())
        {
            final Vma v = it.next();
            changed.add(new Vma(v.start(), v.end(), prot, v.flags()));
            it.remove();
        }
        for (final Vma v : changed)
        {
            insertMerged(v);
        }
    }

    /** The VMA containing {@code vaddr}, or null. */
    public Vma find(final long vaddr)
    {
        final Vma last = lastFound;
        if (last != null && last.contains(vaddr))
        {
            return last;
        }
        final Map.Entry<Long, Vma> e = byStart.floorEntry(vaddr);
        if (e != null && e.getValue().contains(vaddr))
        {
            lastFound = e.getValue();
            return e.getValue();
        }
        return null;
    }

    /** True when every page of {@code [start, end)} is mapped. */
    public boolean isFullyMapped(final long start, final long end)
    {
        long at = start;
        while (at < end)
        {
            final Vma v = find(at);
            if (v == null)
            {
                return false;
            }
            at = v.end();
        }
        return true;
    }

    /** True when no page of {@code [start, end)} is mapped. */
    public boolean isFree(final long start, final long end)
    {
        if (find(start) != null)
        {
            return false;
        }
        final Long next = byStart.ceilingKey(start);
        return next == null || next >= end;
    }

    /**
     * The highest {@code lengthBytes}-long free gap ending at or below {@code ceiling} and starting at or above
     * {@code floor} (mm/mmap.c {@code unmapped_area_topdown}).
     *
     * @return the gap's start address, or -1 when none fits.
     */
    public long findFreeTopDown(final long lengthBytes, final long floor, final long ceiling)
    {
        long hi = ceiling;
        for (final Vma v : byStart.headMap(ceiling, false).descendingMap().values())
        {
            if (v.end() <= hi && hi - v.end() >= lengthBytes)
            {
                return hi - lengthBytes;
            }
            hi = Math.min(hi, v.start());
            if (hi - floor < lengthBytes)
            {
                return -1;
            }
        }
        return hi - floor >= lengthBytes ? hi - lengthBytes : -1;
    }

    /** The VMAs overlapping {@code [start, end)}, clipped to it, in address order. */
    public List<Vma> overlapping(final long start, final long end)
    {
        final List<Vma> result = new ArrayList<>();
        final Map.Entry<Long, Vma> first = byStart.floorEntry(start);
        final Long from = first != null && first.getValue().end() > start ? first.getKey() : Long.valueOf(start);
        for (final Vma v : byStart.subMap(from, true, end, false).values())
        {
            final long s = Math.max(start, v.start());
            final long e = Math.min(end, v.end());
            if (s < e)
            {
                result.add(new Vma(s, e, v.prot(), v.flags()));
            }
        }
        return result;
    }

    /** The vRegions the VMAs lie in, ascending, each once (allocates). */
    public List<Integer> vregions()
    {
        final List<Integer> found = new ArrayList<>();
        for (final Vma vma : byStart.values())
        {
            for (int v = AddressLayout.vregion(vma.start()); v <= AddressLayout.vregion(vma.end() - 1); v++)
            {
                if (found.isEmpty() || found.get(found.size() - 1) < v)
                {
                    found.add(v);
                }
            }
        }
        return found;
    }

    /** All VMAs in address order (a copy). */
    public List<Vma> toList()
    {
        return new ArrayList<>(byStart.values());
    }

    /** Number of VMAs. */
    public int size()
    {
        return byStart.size();
    }

    /** Removes every VMA. */
    public void clear()
    {
        lastFound = null;
        byStart.clear();
    }

    private void splitAt(final long address)
    {
        lastFound = null;
        final Map.Entry<Long, Vma> e = byStart.floorEntry(address);
        if (e == null)
        {
            return;
        }
        final Vma v = e.getValue();
        if (v.start() < address && address < v.end())
        {
            byStart.put(v.start(), new Vma(v.start(), address, v.prot(), v.flags()));
            byStart.put(address, new Vma(address, v.end(), v.prot(), v.flags()));
        }
    }

    private void insertMerged(final Vma vma)
    {
        lastFound = null;
        long start = vma.start();
        long end = vma.end();
        final Map.Entry<Long, Vma> below = byStart.lowerEntry(start);
        if (below != null && below.getValue().end() == start && sameKind(below.getValue(), vma))
        {
            start = below.getKey();
            byStart.remove(below.getKey());
        }
        final Vma above = byStart.get(end);
        if (above != null && sameKind(above, vma))
        {
            end = above.end();
            byStart.remove(above.start());
        }
        byStart.put(start, new Vma(start, end, vma.prot(), vma.flags()));
    }

    private static boolean sameKind(final Vma a, final Vma b)
    {
        return a.prot() == b.prot() && a.flags() == b.flags();
    }
}
