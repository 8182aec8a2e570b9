package org.legoemu.pcomponent.model;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.legoemu.abi.GuestMemory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hand-computed modeled times of tiny event sequences, with a profile of round numbers: 1 ns per instruction, 10 ns
 * DRAM, 50 ns line copy, 100 ns one way, 1 byte/ns links (so a 64-byte header takes 64 ns on a port and a 4160-byte
 * line message 4160 ns), 1000 ns per miss and 500 ns per write-back at the mComponent.
 */
class ProcessorModelTest
{
    private static final FabricProfile ROUND =
        new FabricProfile("round", 1_000, 10, 50, 7, 100, 8_000, 0, 1_000, 500, 300, 2_000, 1_000);
    private static final int PID = 1;
    /**
     * A message is delivered one way plus its wire time after it is sent (its time on the receiver's port overlaps
     * its time on the sender's): 100 + 64 for the request, 1000 of service, 100 + 4160 for the reply.
     */
    private static final long FETCH_NS = 100 + 64 + 1_000 + 100 + 4_160;

    private final long[] instret = new long[2];

    @AfterEach
    void unbind()
    {
        HartTimer.unbindCurrentThread();
    }

    private ProcessorModel model(final int victims, final boolean piggyback, final int mcomponents)
    {
        return new ProcessorModel(new FabricModel(ROUND, mcomponents, false), "p", victims, piggyback);
    }

    private HartTimer hart(final ProcessorModel model, final int index)
    {
        return new HartTimer(new ProcessClock(model, GuestClock.HOST, 0), () -> instret[index], 0, 0);
    }

    @Test
    void instructionsHitsAFetchAndAZeroFillAddUpExactly()
    {
        final ProcessorModel model = model(8, true, 1);
        final HartTimer timer = hart(model, 0);
        timer.bindToCurrentThread();
        instret[0] = 1_000;
        model.onHit(PID, 1, GuestMemory.ACCESS_READ);
        model.onHit(PID, 1, GuestMemory.ACCESS_READ);
        model.onHit(PID, 2, GuestMemory.ACCESS_WRITE);
        model.onMiss(PID, 3, GuestMemory.ACCESS_READ, 0, -1, false);
        model.onMiss(PID, 4, GuestMemory.ACCESS_WRITE, 0, -1, true);
        assertEquals(5_424, FETCH_NS);
        assertEquals(1_000 + 3 * 10 + FETCH_NS + 50, timer.nowNs());
        assertEquals(1_000 + 3 * 10 + 10 + 50, timer.localNowNs(), "locally a miss is one DRAM access");
        assertEquals(FETCH_NS, timer.bucketNs(TimeBucket.MISSES));
        assertEquals(3 * 10 + 50, timer.bucketNs(TimeBucket.HITS));
        assertEquals(0, timer.bucketNs(TimeBucket.WRITE_BACKS));
    }

    /**
     * A prefetch costs the hart nothing; its first use waits for the rest of its modeled arrival; a second prefetch
     * queues behind the first at the ports and the mComponent; a prefetched line evicted unused is forgotten.
     */
    @Test
    void prefetchesBookTheFabricNotTheHartAndAFirstUseWaitsForTheirArrival()
    {
        final ProcessorModel model = model(8, true, 1);
        final HartTimer timer = hart(model, 0);
        timer.bindToCurrentThread();
        model.onMiss(PID, 20, GuestMemory.ACCESS_READ, 0, -1, false);
        assertEquals(FETCH_NS, timer.nowNs());
        model.onPrefetch(PID, 21, 0, -1);
        model.onPrefetch(PID, 22, 0, -1);
        assertEquals(FETCH_NS, timer.nowNs(), "issuing prefetches costs the hart nothing");
        instret[0] = 1_000;
        model.onHit(PID, 21, GuestMemory.ACCESS_READ);
        assertEquals(2 * FETCH_NS + 10, timer.nowNs(), "waits for line 21 (issued at 5424, arrives at 10848)");
        assertEquals(FETCH_NS + FETCH_NS - 1_000, timer.bucketNs(TimeBucket.MISSES), "the wait is in misses");
        // Line 22's request left right behind 21's (port 64 ns), was served after it (1000 ns), and its reply
        // queued behind 21's on both ports: it arrives 4160 ns after 21.
        model.onHit(PID, 22, GuestMemory.ACCESS_READ);
        assertEquals(2 * FETCH_NS + 4_160 + 10, timer.nowNs());
        model.onHit(PID, 22, GuestMemory.ACCESS_READ);
        assertEquals(2 * FETCH_NS + 4_160 + 2 * 10, timer.nowNs(), "a second use is an ordinary hit");
        model.onPrefetch(PID, 23, 0, -1);
        model.onMiss(PID, 24, GuestMemory.ACCESS_READ, PID, 23, false);
        final long before = timer.nowNs();
        model.onHit(PID, 23, GuestMemory.ACCESS_READ);
        assertEquals(before + 10, timer.nowNs(), "line 23 left unused: nothing to wait for");
    }

    @Test
    void twoHartsMissingAtOnceWaitForEachOther()
    {
        final ProcessorModel model = model(8, true, 1);
        final HartTimer first = hart(model, 0);
        final HartTimer second = hart(model, 1);
        first.bindToCurrentThread();
        model.onMiss(PID, 10, GuestMemory.ACCESS_READ, 0, -1, false);
        second.bindToCurrentThread();
        model.onMiss(PID, 11, GuestMemory.ACCESS_READ, 0, -1, false);
        assertEquals(FETCH_NS, first.nowNs());
        // The second request leaves the pComponent port at 64, reaches the mComponent's busy port at 164 and
        // enters it at 164 (its first request left it then), arrives at 228, waits for the service until 1164,
        // is served until 2164, its reply waits for the mComponent port until 5324 (first reply), reaches the
        // pComponent port at 5424 where the first reply ends, and is there at 5424 + 4160.
        assertEquals(5_424 + 4_160, second.nowNs());
        assertTrue(second.nowNs() > first.nowNs() + 4_000, "the second miss queued behind the first");
    }

    @Test
    void aDirtyVictimWithoutVictimBufferRidesOnTheMissWhenTheOwnerIsTheSame()
    {
        final ProcessorModel model = model(0, true, 1);
        final HartTimer timer = hart(model, 0);
        timer.bindToCurrentThread();
        model.onMiss(PID, 1, GuestMemory.ACCESS_WRITE, 0, -1, true);
        assertEquals(50, timer.nowNs());
        model.onMiss(PID, 2, GuestMemory.ACCESS_READ, PID, 1, false);
        // 4160 B request (header + piggybacked line), service 1000 + 50 (the extra line copy), 4160 B reply.
        assertEquals(50 + 100 + 4_160 + 1_050 + 100 + 4_160, timer.nowNs());
        assertEquals(0, timer.bucketNs(TimeBucket.WRITE_BACKS), "a piggybacked write-back counts with its miss");
    }

    @Test
    void withoutPiggybackTheWriteBackGoesFirstAndIsCharged()
    {
        final ProcessorModel model = model(0, false, 1);
        final HartTimer timer = hart(model, 0);
        timer.bindToCurrentThread();
        model.onMiss(PID, 1, GuestMemory.ACCESS_WRITE, 0, -1, true);
        model.onMiss(PID, 2, GuestMemory.ACCESS_READ, PID, 1, false);
        // P2M_PCACHE_FLUSH: 100 + 4160, 500 of service, 100 + 64 for the acknowledgement; then the fetch.
        final long flushNs = 100 + 4_160 + 500 + 100 + 64;
        assertEquals(flushNs, timer.bucketNs(TimeBucket.WRITE_BACKS));
        assertEquals(50 + flushNs + FETCH_NS, timer.nowNs());
    }

    @Test
    void aCleanVictimCostsNoWriteBack()
    {
        final ProcessorModel model = model(0, false, 1);
        final HartTimer timer = hart(model, 0);
        timer.bindToCurrentThread();
        model.onMiss(PID, 1, GuestMemory.ACCESS_READ, 0, -1, true);
        model.onMiss(PID, 2, GuestMemory.ACCESS_READ, PID, 1, false);
        assertEquals(50 + FETCH_NS, timer.nowNs());
    }

    @Test
    void theShadowVictimBufferServesALineBackLocallyAndItsFlusherWritesBackInTheBackground()
    {
        final ProcessorModel model = model(2, true, 1);
        final HartTimer timer = hart(model, 0);
        timer.bindToCurrentThread();
        model.onMiss(PID, 1, GuestMemory.ACCESS_WRITE, 0, -1, true);
        model.onMiss(PID, 2, GuestMemory.ACCESS_READ, PID, 1, true);
        assertEquals(100, timer.nowNs(), "line 1 went to the victim buffer; line 2 was zero-filled");
        instret[0] = 100_000;
        model.onMiss(PID, 1, GuestMemory.ACCESS_READ, PID, 2, false);
        assertEquals(100_000 + 100 + 50, timer.nowNs(), "line 1 came back from the victim buffer");
        assertEquals(0, timer.bucketNs(TimeBucket.WRITE_BACKS), "its write-back ran on the modeled flusher");
    }

    @Test
    void aFullBufferOfUnflushedDirtyLinesMakesTheMissWriteBack()
    {
        final ProcessorModel model = model(1, false, 1);
        final HartTimer timer = hart(model, 0);
        timer.bindToCurrentThread();
        model.onMiss(PID, 1, GuestMemory.ACCESS_WRITE, 0, -1, true);
        model.onMiss(PID, 2, GuestMemory.ACCESS_WRITE, PID, 1, true);
        // Line 1 entered the buffer at 50, so the modeled flusher wrote it back from 50 to 50 + 4924. Line 3's miss
        // at 100 finds the only entry being flushed: it waits until 4974, then the entry takes line 2 (dirty) and
        // line 3 is fetched.
        model.onMiss(PID, 3, GuestMemory.ACCESS_READ, PID, 2, false);
        final long flushNs = 100 + 4_160 + 500 + 100 + 64;
        assertEquals(50 + flushNs - 100, timer.bucketNs(TimeBucket.WRITE_BACKS));
        assertEquals(50 + flushNs + FETCH_NS, timer.nowNs());
        // Line 2 is dirty in the buffer and not yet being flushed at the next miss: with one entry, that miss must
        // write it back itself (the flusher starts it at the miss's time at the earliest, so it is in flight).
        final long before = timer.nowNs();
        model.onMiss(PID, 4, GuestMemory.ACCESS_READ, PID, 3, false);
        assertTrue(timer.bucketNs(TimeBucket.WRITE_BACKS) > 50 + flushNs - 100, "the second miss waited again");
        assertTrue(timer.nowNs() - before >= FETCH_NS);
    }

    @Test
    void aLookupOfAnExitedThreadsTidPageEndsNoEarlierThanTheExit()
    {
        final ProcessorModel model = model(8, true, 1);
        final HartTimer exiting = hart(model, 1);
        instret[1] = 50_000;
        final long tidAddress = 0x7000_0123L;
        model.threadExited(PID, tidAddress, exiting);

        final HartTimer joiner = hart(model, 0);
        joiner.bindToCurrentThread();
        instret[0] = 1_000;
        model.onHit(PID, 5, GuestMemory.ACCESS_READ);
        assertEquals(1_000 + 10, joiner.nowNs(), "another page is not held to the exit");
        model.onHit(PID + 1, tidAddress >>> GuestMemory.PAGE_SHIFT, GuestMemory.ACCESS_READ);
        assertEquals(1_000 + 2 * 10, joiner.nowNs(), "nor is the same page of another process");
        model.onHit(PID, tidAddress >>> GuestMemory.PAGE_SHIFT, GuestMemory.ACCESS_READ);
        assertEquals(50_000 + 10, joiner.nowNs(), "the joiner reads the cleared tid word after the exit");
        assertEquals(50_000 - 1_020, joiner.bucketNs(TimeBucket.BLOCKED));

        model.onDetach(PID);
        instret[0] = 60_000;
        model.onHit(PID, tidAddress >>> GuestMemory.PAGE_SHIFT, GuestMemory.ACCESS_READ);
        assertEquals(60_000 + (50_000 - 1_020) + 4 * 10, joiner.nowNs(), "the process's exits are forgotten at exit");
    }
}
