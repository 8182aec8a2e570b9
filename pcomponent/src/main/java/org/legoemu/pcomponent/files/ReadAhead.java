package org.legoemu.pcomponent.files;

/**
 * The read-ahead state of one stream of reads (an open file description, as Linux's {@code struct file_ra_state},
 * or one file mapping), following the on-demand read-ahead of Linux's mm/readahead.c:
 * <ul>
 * <li>a miss that continues the previous read (or starts at offset 0) is sequential: the first window is
 *     {@code get_init_ra_size} (the request rounded up to a power of two, x4 when small, x2 when medium, else the
 *     maximum), each further sequential miss grows it with {@code get_next_ra_size} (x4 below 1/16 of the maximum,
 *     else x2), up to {@link FileCache#MAX_WINDOW_PAGES};</li>
 * <li>any other miss is random: only the pages asked for are read, and the window starts over;</li>
 * <li>a file mapping's miss reads around the fault (mm/filemap.c {@code do_sync_mmap_readahead} without
 *     VM_SEQ_READ): the aligned window of the maximum size holding the page, whatever the order of the faults, so
 *     that several threads scanning parts of one mapping each find their pages read in large requests.</li>
 * </ul>
 * As Linux, a read stream's next window is read in the background when a read reaches the first page of the
 * window read last (its PG_readahead mark): one background window per stream at most, read by the
 * {@link FileCache}'s read-ahead thread, so a sequential reader rarely waits. A mapping's read-around is synchronous.
 * Only touched under the {@link FileCache}'s lock.
 */
public final class ReadAhead
{
    /** Whether this is a file mapping's state (read-around) rather than a read stream's. */
    private final boolean mapping;
    /** Page after the last page of the previous read; -1 before any. */
    long nextPage = -1;
    /** Current window, pages (0 before the first sequential miss). */
    int windowPages;
    /**
     * First page of the last window read for this sequential stream (its PG_readahead mark: a read reaching it
     * starts the next window in the background); -1 when none is due (random reads, a mapping).
     */
    long markPage = -1;
    /** Page after that window. */
    long windowEnd;
    /** Whether a background window of this stream is in flight (at most one). */
    boolean asyncInFlight;

    private ReadAhead(final boolean mapping)
    {
        this.mapping = mapping;
    }

    /** The state of a read(2)/pread(2) stream (one per open file description). */
    public static ReadAhead forReads()
    {
        return new ReadAhead(false);
    }

    /** The state of a file mapping's faults (read-around). */
    public static ReadAhead forMapping()
    {
        return new ReadAhead(true);
    }

    /**
     * First page of the request to send for a miss on {@code page} of a read asking for pages
     * {@code [firstPage, firstPage + wantedPages)}; {@link #pagesFrom} gives its length. Updates the window.
     *
     * @param maxPages the largest window the cache allows (its capacity permitting).
     */
    long startFor(final long page, final long firstPage, final int wantedPages, final int maxPages)
    {
        if (mapping)
        {
            windowPages = maxPages;
            return page - Math.floorMod(page, (long)maxPages);
        }
        final boolean sequential = firstPage == 0 || firstPage == nextPage || page > firstPage;
        if (!sequential)
        {
            windowPages = 0;
        }
        else
        {
            windowPages = windowPages == 0 ? initialWindow(wantedPages, maxPages) : nextWindow(windowPages, maxPages);
        }
        return page;
    }

    /** Pages to read from {@code start} for a miss on {@code page} wanting pages up to {@code endPage} (exclusive). */
    int pagesFrom(final long start, final long page, final long endPage, final int maxPages)
    {
        final long wanted = endPage - start;
        final long window = Math.max(windowPages, wanted);
        return (int)Math.max(1, Math.min(window, maxPages));
    }

    /** The window {@code [start, start + pages)} is being read for a miss of this stream. */
    void windowRead(final long start, final int pages)
    {
        markPage = mapping || windowPages == 0 ? -1 : start;
        windowEnd = start + pages;
    }

    /** Whether a read that touched pages up to {@code endPage} (exclusive) should start the next window now. */
    boolean asyncDue(final long endPage)
    {
        return markPage >= 0 && !asyncInFlight && endPage > markPage;
    }

    /** First page of the next background window. */
    long nextWindowStart()
    {
        return windowEnd;
    }

    /** Grows the window as a sequential miss would ({@link #nextWindow}): the next background window's pages. */
    int nextWindowPages(final int maxPages)
    {
        windowPages = nextWindow(windowPages, maxPages);
        return windowPages;
    }

    /** The background window {@code [start, start + pages)} was handed to the read-ahead thread. */
    void asyncStarted(final long start, final int pages)
    {
        asyncInFlight = true;
        markPage = start;
        windowEnd = start + pages;
    }

    /** The background window ended (read or failed). */
    void asyncEnded()
    {
        asyncInFlight = false;
    }

    /** Records that a read ended before page {@code endPage}. */
    void readEnded(final long endPage)
    {
        nextPage = endPage;
    }

    /** mm/readahead.c get_init_ra_size: the first window of a sequential stream, pages. */
    static int initialWindow(final int requestPages, final int maxPages)
    {
        int size = Integer.highestOneBit(Math.max(1, requestPages - 1)) << 1;
        if (requestPages <= 1)
        {
            size = 1;
        }
        if (size <= maxPages / 32)
        {
            size *= 4;
        }
        else if (size <= maxPages / 4)
        {
            size *= 2;
        }
        else
        {
            size = maxPages;
        }
        return Math.min(size, maxPages);
    }

    /** mm/readahead.c get_next_ra_size: the window after {@code current}, pages. */
    static int nextWindow(final int current, final int maxPages)
    {
        if (current < maxPages / 16)
        {
            return Math.min(4 * current, maxPages);
        }
        return Math.min(2 * current, maxPages);
    }
}
