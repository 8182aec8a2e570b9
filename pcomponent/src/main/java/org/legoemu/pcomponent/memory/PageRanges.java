package org.legoemu.pcomponent.memory;

import java.util.Arrays;

/**
 * Disjoint address ranges {@code [start, end)}, each with PROT_ bits, kept sorted by start in parallel primitive
 * arrays, so that lookups and the removal of one page (what an ExCache miss does to {@link FreshRanges}) allocate
 * nothing; the arrays grow (doubling) only when more ranges are held than ever before.
 *
 * <p>Not thread-safe: {@link FreshRanges} guards it.
 */
final class PageRanges
{
    private long[] starts = new long[8];
    private long[] ends = new long[8];
    private int[] prots = new int[8];
    private int size;

    int size()
    {
        return size;
    }

    long start(final int i)
    {
        return starts[i];
    }

    long end(final int i)
    {
        return ends[i];
    }

    int prot(final int i)
    {
        return prots[i];
    }

    void clear()
    {
        size = 0;
    }

    /** The range with the greatest start not above {@code address}, or -1. */
    int floor(final long address)
    {
        int low = 0;
        int high = size - 1;
        int found = -1;
        while (low <= high)
        {
            final int mid = (low + high) >>> 1;
            if (starts[mid] <= address)
            {
                found = mid;
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }
        return found;
    }

    /** Adds {@code [start, end)} with {@code prot}; the caller made sure it overlaps nothing held. */
    void insert(final long start, final long end, final int prot)
    {
        insertAt(floor(start) + 1, start, end, prot);
    }

    /** Appends a range that starts after every range held (for collecting removed pieces in order). */
    void append(final long start, final long end, final int prot)
    {
        insertAt(size, start, end, prot);
    }

    /**
     * Removes {@code [start, end)} from every range, splitting the ranges that straddle its ends.
     *
     * @param removed if not null, receives each removed piece, in address order.
     */
    void cut(final long start, final long end, final PageRanges removed)
    {
        int i = floor(start);
        if (i >= 0 && ends[i] > start)
        {
            final long oldEnd = ends[i];
            final int prot = prots[i];
            ends[i] = start;
            if (removed != null)
            {
                removed.append(start, Math.min(oldEnd, end), prot);
            }
            if (oldEnd > end)
            {
                insertAt(i + 1, end, oldEnd, prot);
                if (starts[i] == ends[i])
                {
                    removeAt(i);
                }
                return;
            }
            if (starts[i] == ends[i])
            {
                removeAt(i);
            }
            else
            {
                i++;
            }
        }
        else
        {
            i++;
        }
        while (i < size && starts[i] < end)
        {
            if (removed != null)
            {
                removed.append(starts[i], Math.min(ends[i], end), prots[i]);
            }
            if (ends[i] > end)
            {
                starts[i] = end;
                return;
            }
            removeAt(i);
        }
    }

    private void insertAt(final int i, final long start, final long end, final int prot)
    {
        if (size == starts.length)
        {
            starts = Arrays.copyOf(starts, 2 * size);
            ends = Arrays.copyOf(ends, 2 * size);
            prots = Arrays.copyOf(prots, 2 * size);
        }
        System.arraycopy(starts, i, starts, i + 1, size - i);
        System.arraycopy(ends, i, ends, i + 1, size - i);
        System.arraycopy(prots, i, prots, i + 1, size - i);
        starts[i] = start;
        ends[i] = end;
        prots[i] = prot;
        size++;
    }

    private void removeAt(final int i)
    {
        System.arraycopy(starts, i + 1, starts, i, size - i - 1);
        System.arraycopy(ends, i + 1, ends, i, size - i - 1);
        System.arraycopy(prots, i + 1, prots, i, size - i - 1);
        size--;
    }
}
