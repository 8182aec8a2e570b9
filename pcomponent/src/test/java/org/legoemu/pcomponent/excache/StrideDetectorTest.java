package org.legoemu.pcomponent.excache;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Leap-style majority-trend detector (Leap, ATC'20, §3.2): a pure stride stream is detected, a random stream
 * yields no trend (so the prefetcher issues nothing) or almost none, and a trend survives a minority of noise.
 */
class StrideDetectorTest
{
    /** A stream of pages along one stride is detected after three triggers, wherever it starts. */
    @Property(tries = 300)
    void aPureStrideStreamIsDetected(
        @ForAll @LongRange(min = -4096, max = 4096) final long stride,
        @ForAll @LongRange(min = 1 << 20, max = 1 << 24) final long start,
        @ForAll @IntRange(min = 3, max = 40) final int length)
    {
        if (stride == 0)
        {
            return;
        }
        final StrideDetector detector = new StrideDetector();
        for (int i = 0; i < length; i++)
        {
            detector.record(start + i * stride);
        }
        assertEquals(stride, detector.stride(), "stride of a pure stream");
    }

    /**
     * Random pages over a 1 GiB range: after each trigger the detector rarely sees a trend; over a long stream at
     * most 1 % of triggers would prefetch.
     */
    @Property(tries = 100)
    void aRandomStreamIssuesAlmostNothing(@ForAll final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final StrideDetector detector = new StrideDetector();
        int trends = 0;
        final int n = 2000;
        for (int i = 0; i < n; i++)
        {
            detector.record(random.nextLong(1 << 18));
            if (detector.stride() != 0)
            {
                trends++;
            }
        }
        assertTrue(trends <= n / 100, trends + " of " + n + " random triggers found a trend");
    }

    /** The prefetch stream of a random stream chooses nothing (the prefetcher issues no line). */
    @Property(tries = 100)
    void aRandomStreamChoosesNoLines(@ForAll final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final PrefetchStream stream = new PrefetchStream(PrefetchMode.STRIDE, 4);
        int chosen = 0;
        for (int i = 0; i < 500; i++)
        {
            stream.trigger(7, random.nextLong(1 << 18));
            chosen += stream.count();
        }
        assertTrue(chosen <= 20, chosen + " lines chosen for 500 random triggers");
    }

    /** One page out of place in four does not hide the trend (a strict majority of the window). */
    @Property(tries = 200)
    void aMajorityTrendSurvivesNoise(
        @ForAll @LongRange(min = 1, max = 64) final long stride, @ForAll final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final StrideDetector detector = new StrideDetector();
        long page = 1 << 20;
        for (int i = 0; i < 32; i++)
        {
            page += i % 4 == 3 ? 1000 + random.nextLong(1000) : stride;
            detector.record(page);
        }
        assertEquals(stride, detector.stride());
    }

    /** Sequential and stride streams choose the next DEPTH pages along the stride; a new process starts afresh. */
    @Test
    void streamsChooseAlongTheStride()
    {
        final PrefetchStream sequential = new PrefetchStream(PrefetchMode.SEQUENTIAL, 3);
        sequential.trigger(1, 100);
        assertEquals(3, sequential.count());
        assertEquals(101, sequential.chosen(0));
        assertEquals(103, sequential.chosen(2));
        final PrefetchStream strided = new PrefetchStream(PrefetchMode.STRIDE, 2);
        strided.trigger(1, 10);
        strided.trigger(1, 15);
        assertEquals(0, strided.count(), "one stride is no trend yet");
        strided.trigger(1, 20);
        assertEquals(2, strided.count());
        assertEquals(25, strided.chosen(0));
        assertEquals(30, strided.chosen(1));
        strided.trigger(2, 25);
        assertEquals(0, strided.count(), "another process's stream starts afresh");
    }
}
