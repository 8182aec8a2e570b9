package org.legoemu.pcomponent.excache;

import org.legoemu.abi.GuestMemory;

/**
 * One hart's stream of ExCache triggers (its demand misses, and its first uses of prefetched lines) and the lines
 * its prefetcher chose to fetch after the latest one. The ExCache records a trigger while it holds the line's set
 * lock and issues the chosen lines once it has let go of it.
 *
 * <p>Not thread-safe: used only by its hart's thread. Allocates nothing.
 */
final class PrefetchStream
{
    private final PrefetchMode mode;
    private final int depth;
    private final StrideDetector detector = new StrideDetector();
    private final long[] chosen;
    private int pid = Integer.MIN_VALUE;
    private long triggerVpn;
    private int count;

    PrefetchStream(final PrefetchMode mode, final int depth)
    {
        this.mode = mode;
        this.depth = depth;
        this.chosen = new long[depth];
    }

    /** A trigger on {@code pid}'s page {@code vpn}: chooses up to depth pages to fetch ahead, in issue order. */
    void trigger(final int pid, final long vpn)
    {
        if (pid != this.pid)
        {
            this.pid = pid;
            detector.reset();
        }
        count = 0;
        triggerVpn = vpn;
        final long stride;
        if (mode == PrefetchMode.SEQUENTIAL)
        {
            stride = 1;
        }
        else
        {
            detector.record(vpn);
            stride = detector.stride();
        }
        if (stride == 0)
        {
            return;
        }
        long page = vpn;
        for (int i = 0; i < depth; i++)
        {
            page += stride;
            if (page < 0 || page >= GuestMemory.TASK_SIZE >>> GuestMemory.PAGE_SHIFT)
            {
                break;
            }
            chosen[count++] = page;
        }
    }

    /** The process of the latest trigger. */
    int pid()
    {
        return pid;
    }

    /** The page of the latest trigger (a prefetch must not evict it: its hart is about to use it). */
    long triggerVpn()
    {
        return triggerVpn;
    }

    /** Pages chosen by the latest trigger and not yet taken. */
    int count()
    {
        return count;
    }

    /** The i-th chosen page. */
    long chosen(final int i)
    {
        return chosen[i];
    }

    /** Forgets the chosen pages (they were issued). */
    void taken()
    {
        count = 0;
    }
}
