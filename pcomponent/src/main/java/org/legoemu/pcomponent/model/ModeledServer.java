package org.legoemu.pcomponent.model;

/**
 * One resource that serves one request at a time in modeled time (a link's port, an mComponent's request handling,
 * the ExCache's flusher), kept as a calendar of busy intervals. A request that arrives at modeled time {@code t}
 * takes the earliest free slot that starts at or after {@code t} and is long enough.
 *
 * <p>Why a calendar and not one {@code busyUntil}: harts' modeled clocks drift apart in host time, so a hart that is
 * behind in modeled time may reach a server after one that is ahead. With a single {@code busyUntil} it would queue
 * behind a request that, in modeled time, comes after it; with the calendar it takes the gap before it.
 *
 * <p>The calendar keeps at least the latest {@link #CAPACITY} disjoint intervals (abutting ones are merged): when it
 * holds twice that many, the earliest {@link #CAPACITY} are forgotten at once (one copy per {@link #CAPACITY} bookings,
 * not one per booking: shifting a full calendar at every booking cost about a microsecond of host time per modeled
 * miss), so a request more than that many busy periods behind the others is not queued behind the forgotten ones.
 * Not thread-safe: the {@link FabricModel}'s monitor guards every server. Allocates nothing.
 */
public final class ModeledServer
{
    /** Busy intervals remembered. */
    public static final int CAPACITY = 256;

    private final String name;
    private final long[] start = new long[2 * CAPACITY + 1];
    private final long[] end = new long[2 * CAPACITY + 1];
    private int count;
    private long busyNs;
    private long waitedNs;

    /** @param name what the server is, for diagnostics (e.g. "mcomponent-1 service"). */
    public ModeledServer(final String name)
    {
        this.name = name;
    }

    public String name()
    {
        return name;
    }

    /**
     * Books the earliest free slot of {@code durationNs} starting at or after {@code arrivalNs}.
     *
     * @param arrivalNs  when the request reaches the server, modeled ns.
     * @param durationNs how long it occupies the server, ns (0: it passes without queueing).
     * @return when the request starts being served, modeled ns ({@code >= arrivalNs}).
     */
    public long reserve(final long arrivalNs, final long durationNs)
    {
        if (durationNs <= 0)
        {
            return arrivalNs;
        }
        long t = arrivalNs;
        int i = firstEndingAfter(t);
        while (i < count && start[i] < t + durationNs)
        {
            t = Math.max(t, end[i]);
            i++;
        }
        insert(i, t, t + durationNs);
        busyNs += durationNs;
        waitedNs += t - arrivalNs;
        return t;
    }

    /**
     * The index of the first interval whose end is after {@code t} (intervals are sorted and disjoint). Requests
     * mostly arrive after, or during, the latest interval (one hart's time only grows), so the last two are looked at
     * before a binary search: a quarter of the model's host time went to the search on a word count.
     */
    private int firstEndingAfter(final long t)
    {
        if (count == 0 || end[count - 1] <= t)
        {
            return count;
        }
        if (count == 1 || end[count - 2] <= t)
        {
            return count - 1;
        }
        int lo = 0;
        int hi = count - 2;
        while (lo < hi)
        {
            final int mid = (lo + hi) >>> 1;
            if (end[mid] <= t)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    private void insert(final int at, final long s, final long e)
    {
        final boolean joinsBefore = at > 0 && end[at - 1] == s;
        final boolean joinsAfter = at < count && start[at] == e;
        if (joinsBefore && joinsAfter)
        {
            end[at - 1] = end[at];
            System.arraycopy(start, at + 1, start, at, count - at - 1);
            System.arraycopy(end, at + 1, end, at, count - at - 1);
            count--;
            return;
        }
        if (joinsBefore)
        {
            end[at - 1] = e;
            return;
        }
        if (joinsAfter)
        {
            start[at] = s;
            return;
        }
        if (at < count)
        {
            System.arraycopy(start, at, start, at + 1, count - at);
            System.arraycopy(end, at, end, at + 1, count - at);
        }
        start[at] = s;
        end[at] = e;
        count++;
        if (count > 2 * CAPACITY)
        {
            System.arraycopy(start, count - CAPACITY, start, 0, CAPACITY);
            System.arraycopy(end, count - CAPACITY, end, 0, CAPACITY);
            count = CAPACITY;
        }
    }

    /** Total time booked, ns. */
    public long busyNs()
    {
        return busyNs;
    }

    /** Total time requests waited for a slot, ns. */
    public long waitedNs()
    {
        return waitedNs;
    }

    /** The end of the latest booked interval, modeled ns (0 when nothing was booked). */
    public long lastEndNs()
    {
        return count == 0 ? 0 : end[count - 1];
    }
}
