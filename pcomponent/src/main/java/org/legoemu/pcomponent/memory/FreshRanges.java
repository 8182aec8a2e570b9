package org.legoemu.pcomponent.memory;

import org.legoemu.abi.GuestMemory;

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
 * A fresh page is either zero (an anonymous mapping) or holds file data (a file mapping, filled on its first miss
 * from the pComponent's file cache, docs/architecture.md "File mappings"): each range carries a source, 0 for zero
 * and otherwise the number of its file mapping ({@link ProcessLines}), which claims, removals, suspensions and
 * protection changes keep. Zero pages are claimed with {@link #claim}, file pages with {@link #claimFile}; a
 * suspended file page can still be claimed (its contents are in the file, not at the owner, which would read it as
 * zero).
 * <p>
 * Ranges are page-aligned, disjoint and kept in address order ({@link PageRanges}: primitive arrays, so a claim
 * allocates nothing). Thread-safe (every method synchronises on this object; none calls out), so concurrent ExCache
 * misses may claim while syscalls add and remove.
 */
public final class FreshRanges
{
    private static final long PAGE_SIZE = GuestMemory.PAGE_SIZE;
    /** Bits of a range's value holding its PROT_ bits; the source is above them. */
    private static final int PROT_BITS = 7;
    private static final int SOURCE_SHIFT = 3;

    private final PageRanges ranges = new PageRanges();
    /** Fresh pages of a protection change in flight. */
    private final PageRanges suspended = new PageRanges();
    /** Scratch for the pieces {@link #suspend} and {@link #resume} move. */
    private final PageRanges pieces = new PageRanges();

    /**
     * Marks {@code [start, end)} fresh with protection {@code prot}, replacing what was recorded there.
     *
     * @param start page-aligned start.
     * @param end   page-aligned exclusive end; nothing happens when not above {@code start}.
     * @param prot  PROT_ bits of the new mapping (1 read, 2 write, 4 exec).
     */
    public synchronized void add(final long start, final long end, final int prot)
    {
        addFrom(start, end, prot, 0);
    }

    /**
     * Marks {@code [start, end)} fresh with protection {@code prot} and file mapping {@code source}, replacing what
     * was recorded there.
     *
     * @param source the file mapping's number, at least 1 (0 means zero pages, as {@link #add}).
     */
    public synchronized void addFrom(final long start, final long end, final int prot, final int source)
    {
        if (end <= start)
        {
            return;
        }
        ranges.cut(start, end, null);
        suspended.cut(start, end, null);
        ranges.insert(start, end, (prot & PROT_BITS) | source << SOURCE_SHIFT);
    }

    /** Makes every page in {@code [start, end)} ordinary (no longer fresh, nor suspended). */
    public synchronized void remove(final long start, final long end)
    {
        if (end > start)
        {
            ranges.cut(start, end, null);
            suspended.cut(start, end, null);
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
        pieces.clear();
        ranges.cut(start, end, pieces);
        for (int i = 0; i < pieces.size(); i++)
        {
            suspended.cut(pieces.start(i), pieces.end(i), null);
            suspended.insert(pieces.start(i), pieces.end(i), pieces.prot(i));
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
        pieces.clear();
        suspended.cut(start, end, pieces);
        if (prot < 0)
        {
            return;
        }
        for (int i = 0; i < pieces.size(); i++)
        {
            ranges.insert(pieces.start(i), pieces.end(i), (pieces.prot(i) & ~PROT_BITS) | prot);
        }
    }

    /**
     * Claims the fresh zero page holding {@code vaddr} for an access it permits: the page stops being fresh.
     * Allocates nothing (an ExCache miss calls it).
     *
     * @param access the access bits of the miss (1 read, 2 write, 4 exec).
     * @return the page's PROT_ bits, or -1 when the page is not a fresh zero page or its protection forbids
     *         {@code access} (then the miss asks the owner, which answers the fault).
     */
    public synchronized int claim(final long vaddr, final int access)
    {
        final int value = take(vaddr, access, false);
        return value < 0 ? -1 : value & PROT_BITS;
    }

    /**
     * Claims the fresh file page holding {@code vaddr} (suspended ones too) for an access it permits: the page stops
     * being fresh, and the caller fills its line from the file. Allocates nothing.
     *
     * @return the page's PROT_ bits plus its file mapping's number shifted left by 3, or -1 when the page is no fresh
     *         file page or its protection forbids {@code access}.
     */
    public synchronized int claimFile(final long vaddr, final int access)
    {
        return take(vaddr, access, true);
    }

    /** The source (file mapping number) of a claimed value of {@link #claimFile}. */
    public static int sourceOf(final int claimed)
    {
        return claimed >>> SOURCE_SHIFT;
    }

    /** The PROT_ bits of a claimed value of {@link #claimFile}. */
    public static int protOf(final int claimed)
    {
        return claimed & PROT_BITS;
    }

    /**
     * Copies the fresh file pages (suspended ones included, as fresh) into {@code child} (fork(2): the owners hold no
     * frame for them, so the child must read them from the file too).
     */
    public void copyFilePagesTo(final FreshRanges child)
    {
        final PageRanges pieces = new PageRanges();
        synchronized (this)
        {
            collectFilePages(ranges, pieces);
            collectFilePages(suspended, pieces);
        }
        synchronized (child)
        {
            for (int i = 0; i < pieces.size(); i++)
            {
                child.ranges.cut(pieces.start(i), pieces.end(i), null);
                child.ranges.insert(pieces.start(i), pieces.end(i), pieces.prot(i));
            }
        }
    }

    private static void collectFilePages(final PageRanges from, final PageRanges into)
    {
        for (int i = 0; i < from.size(); i++)
        {
            if (from.prot(i) >>> SOURCE_SHIFT != 0)
            {
                into.cut(from.start(i), from.end(i), null);
                into.insert(from.start(i), from.end(i), from.prot(i));
            }
        }
    }

    private int take(final long vaddr, final int access, final boolean file)
    {
        final long page = vaddr & -PAGE_SIZE;
        int i = ranges.floor(vaddr);
        PageRanges from = ranges;
        if (i < 0 || vaddr >= ranges.end(i))
        {
            final int s = suspended.floor(vaddr);
            if (file && s >= 0 && vaddr < suspended.end(s) && suspended.prot(s) >>> SOURCE_SHIFT != 0)
            {
                i = s;
                from = suspended;
            }
            else
            {
                // the owner answers this miss and may materialise the page: it must not become fresh again
                suspended.cut(page, page + PAGE_SIZE, null);
                return -1;
            }
        }
        final int value = from.prot(i);
        if ((value >>> SOURCE_SHIFT != 0) != file || (value & access) != access)
        {
            return -1;
        }
        from.cut(page, page + PAGE_SIZE, null);
        return value;
    }

    /**
     * Whether the ExCache's prefetcher may fetch the page holding {@code vaddr} from its owner: not when it is fresh
     * (its demand miss creates it zeroed without a fetch, and a prefetch that claimed it would turn a later miss into
     * a fetch if the line left unused). When it may, the owner may materialise the page, so it must not become fresh
     * again (as for a miss that finds it not fresh). Allocates nothing.
     */
    public synchronized boolean prefetchable(final long vaddr)
    {
        final long page = vaddr & -PAGE_SIZE;
        final int i = ranges.floor(vaddr);
        if (i >= 0 && vaddr < ranges.end(i))
        {
            return false;
        }
        suspended.cut(page, page + PAGE_SIZE, null);
        return true;
    }

    /** Number of fresh pages (suspended ones not counted). */
    public synchronized long pages()
    {
        long pages = 0;
        for (int i = 0; i < ranges.size(); i++)
        {
            pages += (ranges.end(i) - ranges.start(i)) / PAGE_SIZE;
        }
        return pages;
    }
}
