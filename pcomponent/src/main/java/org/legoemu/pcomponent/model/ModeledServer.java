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
    /** The intervals, sorted and disjoint: interval i is [iv[2i], iv[2i+1]). One array, so a booking touches one line. */
    private final long[] iv = new long[2 * (2 * CAPACITY + 1)];
    private int count;
    /** The end of the latest interval (iv[2 * count - 1]), kept beside {@link #count} for the common booking. */
    private long lastEndNs;
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
        busyNs += durationNs;
        if (lastEndNs <= arrivalNs) // after every booked interval (or none): one hart's time only grows
        {
            append(arrivalNs, arrivalNs + durationNs);
            return arrivalNs;
        }
        long t = arrivalNs;
        int i = firstEndingAfter(t);
        while (i < count && iv[2 * i] < t + durationNs)
        {
            t = Math.max(t, iv[2 * i + 1]);
            i++;
        }
        if (i == count)
        {
            append(t, t + durationNs);
        }
        else
        {
            insert(i, t, t + durationNs);
        }
        waitedNs += t - arrivalNs;
        return t;
    }

    /**
     * The index of the first interval whose end is after {@code t} (intervals are sorted and disjoint; the caller has
     * checked that the last one ends after {@code t}). Requests mostly arrive during the latest interval, so the one
     * before it is looked at before a binary search.
     */
    private int firstEndingAfter(final long t)
    {
        if (count == 1 || iv[2 * count - 3] <= t)
        {
            return count - 1;
        }
        int lo = 0;
        int hi = count - 2;
        while (lo < hi)
        {
            final int mid = (lo + hi) >>> 1;
            if (iv[2 * mid + 1] <= t)
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

    /** Adds [s, e) after every interval ({@code s >= lastEndNs}), merged with the last one when they abut. */
    private void append(final long s, final long e)
    {
        lastEndNs = e;
        if (count > 0 && iv[2 * count - 1] == s)
        {
            iv[2 * count - 1] = e;
            return;
        }
        iv[2 * count] = s;
        iv[2 * count + 1] = e;
        count++;
        if (count > 2 * CAPACITY)
        {
            forgetEarliest();
        }
    }

    /** Inserts [s, e) before interval {@code at} ({@code at < count}), merged with its neighbours when they abut. */
    private void insert(final int at, final long s, final long e)
    {
        final boolean joinsBefore = at > 0 && iv[2 * at - 1] == s;
        final boolean joinsAfter = iv[2 * at] == e;
        if (joinsBefore && joinsAfter)
        {
            iv[2 * at - 1] = iv[2 * at + 1];
            System.arraycopy(iv, 2 * at + 2, iv, 2 * at, 2 * (count - at - 1));
            count--;
            return;
        }
        if (joinsBefore)
        {
            iv[2 * at - 1] = e;
            return;
        }
        if (joinsAfter)
        {
            iv[2 * at] = s;
            return;
        }
        System.arraycopy(iv, 2 * at, iv, 2 * at + 2, 2 * (count - at));
        iv[2 * at] = s;
        iv[2 * at + 1] = e;
        count++;
        if (count > 2 * CAPACITY)
        {
            forgetEarliest();
        }
    }

    /** Forgets the earliest {@link #CAPACITY} intervals of a full calendar (see the class comment). */
    private void forgetEarliest()
    {
        System.arraycopy(iv, 2 * (count - CAPACITY), iv, 0, 2 * CAPACITY);
        count = CAPACITY;
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
        return lastEndNs;
    }
}
