package org.legoemu.pcomponent.memory;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PageRanges} against a model holding one protection per page (-1: not held): random inserts of free ranges
 * and cuts (with the removed pieces collected) keep the ranges sorted, disjoint and non-empty, and equal to the
 * model page by page; the removed pieces are exactly the held pages of the cut range, in order.
 */
class PageRangesTest
{
    private static final int PAGES = 40;

    @Property(tries = 500)
    void rangesMatchAPageModel(@ForAll("operations") final List<int[]> operations)
    {
        final PageRanges ranges = new PageRanges();
        final int[] model = new int[PAGES];
        Arrays.fill(model, -1);
        for (final int[] op : operations)
        {
            final int start = Math.min(op[1], op[2]);
            final int end = Math.max(op[1], op[2]) + 1;
            if (op[0] == 0)
            {
                ranges.cut(start, end, null);
                ranges.insert(start, end, op[3]);
                Arrays.fill(model, start, end, op[3]);
            }
            else
            {
                final PageRanges removed = new PageRanges();
                ranges.cut(start, end, removed);
                final int[] expected = new int[PAGES];
                Arrays.fill(expected, -1);
                System.arraycopy(model, start, expected, start, end - start);
                assertEquals(Arrays.toString(expected), Arrays.toString(pages(removed)), "removed pieces");
                for (int i = 1; i < removed.size(); i++)
                {
                    assertTrue(removed.start(i) >= removed.end(i - 1), "removed pieces in order");
                }
                Arrays.fill(model, start, end, -1);
            }
            for (int i = 0; i < ranges.size(); i++)
            {
                assertTrue(ranges.start(i) < ranges.end(i), "non-empty range " + i);
                assertTrue(i == 0 || ranges.start(i) >= ranges.end(i - 1), "sorted and disjoint at " + i);
            }
            assertEquals(Arrays.toString(model), Arrays.toString(pages(ranges)), "after " + Arrays.toString(op));
        }
    }

    private static int[] pages(final PageRanges ranges)
    {
        final int[] pages = new int[PAGES];
        Arrays.fill(pages, -1);
        for (int i = 0; i < ranges.size(); i++)
        {
            for (long p = ranges.start(i); p < ranges.end(i); p++)
            {
                pages[(int)p] = ranges.prot(i);
            }
        }
        return pages;
    }

    /** {insert 0 / cut 1, first page, last page, prot}. */
    @Provide
    Arbitrary<List<int[]>> operations()
    {
        final Arbitrary<Integer> page = Arbitraries.integers().between(0, PAGES - 1);
        return Combinators.combine(Arbitraries.integers().between(0, 1), page, page,
            Arbitraries.integers().between(0, 7)).as((kind, a, b, prot) -> new int[]{kind, a, b, prot})
            .list().ofMaxSize(40);
    }
}
