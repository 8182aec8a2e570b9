package org.legoemu.pcomponent.model;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The busy calendar: requests queue in modeled time, and a request behind in modeled time takes an earlier gap. */
class ModeledServerTest
{
    @Test
    void requestsArrivingTogetherQueue()
    {
        final ModeledServer server = new ModeledServer("test");
        assertEquals(0, server.reserve(0, 100));
        assertEquals(100, server.reserve(0, 100));
        assertEquals(200, server.reserve(50, 100));
        assertEquals(300, server.busyNs());
        assertEquals(100 + 150, server.waitedNs());
    }

    @Test
    void aRequestBehindInModeledTimeTakesTheGapBeforeOneAhead()
    {
        final ModeledServer server = new ModeledServer("test");
        assertEquals(1_000, server.reserve(1_000, 100), "a hart ahead in modeled time books first (host order)");
        assertEquals(0, server.reserve(0, 100), "one behind it in modeled time must not queue behind it");
        assertEquals(100, server.reserve(0, 100));
        assertEquals(1_100, server.reserve(0, 900), "a gap too short for the request is skipped");
        assertEquals(200, server.reserve(150, 800), "800 ns fit in [200, 1000)");
    }

    @Test
    void zeroDurationPassesWithoutQueueing()
    {
        final ModeledServer server = new ModeledServer("test");
        server.reserve(0, 1_000);
        assertEquals(10, server.reserve(10, 0));
    }

    @Test
    void remembersAtLeastItsCapacityAndForgetsTheEarliestBeyondTwiceThat()
    {
        final ModeledServer server = new ModeledServer("test");
        for (int i = 0; i < 2 * ModeledServer.CAPACITY; i++)
        {
            assertEquals(i * 20L, server.reserve(i * 20L, 10));
        }
        assertEquals(10, server.reserve(0, 10), "twice the capacity is remembered: the first interval too");
        // that booking joined [0, 10) and [20, 30); two that join nothing make 2 * CAPACITY + 1 intervals, and the
        // earliest ones are forgotten down to CAPACITY
        assertEquals(32, server.reserve(32, 5));
        assertEquals(52, server.reserve(52, 5));
        assertEquals(0, server.reserve(0, 10), "an early interval was forgotten");
        final long kept = (long)ModeledServer.CAPACITY * 20L;
        assertEquals(kept + 10, server.reserve(kept, 10), "the latest capacity's worth is remembered");
    }

    /**
     * Any sequence of bookings (arrivals mostly rising, as one hart's, with some behind, as another hart's) books what
     * a plain first-fit scan over every interval books, while nothing is forgotten (fewer than twice the capacity).
     */
    @Property(tries = 300)
    void booksTheEarliestFreeSlotAsAPlainScanDoes(
        @ForAll @Size(min = 1, max = 400) final List<@IntRange(min = -3_000, max = 5_000) Integer> steps,
        @ForAll @Size(min = 1, max = 400) final List<@IntRange(min = 0, max = 3_000) Integer> durations)
    {
        final ModeledServer server = new ModeledServer("test");
        final List<long[]> booked = new ArrayList<>();
        long clock = 0;
        for (int i = 0; i < steps.size(); i++)
        {
            clock = Math.max(0, clock + steps.get(i));
            final long duration = durations.get(i % durations.size());
            final long expected = firstFit(booked, clock, duration);
            assertEquals(expected, server.reserve(clock, duration), "booking " + i + " at " + clock);
        }
    }

    /** The reference: scan the intervals in order of start, take the first gap that fits, record the booking. */
    private static long firstFit(final List<long[]> booked, final long arrival, final long duration)
    {
        if (duration <= 0)
        {
            return arrival;
        }
        booked.sort((a, b) -> Long.compare(a[0], b[0]));
        long t = arrival;
        for (final long[] busy : booked)
        {
            if (busy[1] <= t)
            {
                continue;
            }
            if (busy[0] >= t + duration)
            {
                break;
            }
            t = Math.max(t, busy[1]);
        }
        booked.add(new long[] {t, t + duration});
        return t;
    }
}
