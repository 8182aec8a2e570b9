package org.legoemu.pcomponent.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The windows of mm/readahead.c's on-demand read-ahead, and read-around for file mappings. */
class ReadAheadTest
{
    private static final int MAX = 256;

    @Test
    void initialWindowAsGetInitRaSize()
    {
        assertEquals(4, ReadAhead.initialWindow(1, MAX), "1 page, at most max/32: x4");
        assertEquals(8, ReadAhead.initialWindow(2, MAX));
        assertEquals(32, ReadAhead.initialWindow(8, MAX));
        assertEquals(32, ReadAhead.initialWindow(9, MAX), "16 is above max/32: x2");
        assertEquals(256, ReadAhead.initialWindow(100, MAX), "above max/4: the maximum");
    }

    @Test
    void nextWindowAsGetNextRaSize()
    {
        assertEquals(16, ReadAhead.nextWindow(4, MAX), "below max/16: x4");
        assertEquals(32, ReadAhead.nextWindow(16, MAX), "x2 from max/16");
        assertEquals(256, ReadAhead.nextWindow(128, MAX));
        assertEquals(256, ReadAhead.nextWindow(256, MAX), "capped");
    }

    @Test
    void sequentialMissesGrowTheWindowAndARandomMissReadsOnlyItsPages()
    {
        final ReadAhead stream = ReadAhead.forReads();
        long page = 0;
        final int[] expected = {4, 16, 32, 64, 128, 256, 256};
        for (final int window : expected)
        {
            final long start = stream.startFor(page, page, 1, MAX);
            final int pages = stream.pagesFrom(start, page, page + 1, MAX);
            assertEquals(window, pages, "window at page " + page);
            page += pages;
            stream.readEnded(page); // the next read continues where the window ended
        }
        final long far = page + 10_000;
        assertEquals(1, stream.pagesFrom(stream.startFor(far, far, 1, MAX), far, far + 1, MAX), "random");
        stream.readEnded(far + 1);
        assertEquals(4, stream.pagesFrom(stream.startFor(far + 1, far + 1, 1, MAX), far + 1, far + 2, MAX),
            "sequential again: starts over at the initial window");
    }

    @Test
    void aMappingReadsTheAlignedWindowAroundTheFault()
    {
        final ReadAhead mapping = ReadAhead.forMapping();
        final long start = mapping.startFor(700, 700, 1, MAX);
        assertEquals(512, start);
        assertEquals(MAX, mapping.pagesFrom(start, 700, 701, MAX));
        assertEquals(0, mapping.startFor(3, 3, 1, MAX), "whatever the order of the faults");
    }
}
