package org.legoemu.pcomponent.excache;

import org.legoemu.abi.GuestMemory;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ExCache's victim buffer, its background flusher and piggybacked write-backs (LegoOS §4.3). */
class VictimBufferTest
{
    private static final int PID = 7;
    private static final int READ = GuestMemory.ACCESS_READ;
    private static final int WRITE = GuestMemory.ACCESS_WRITE;

    private static long line(final int n)
    {
        return (long)n << GuestMemory.PAGE_SHIFT;
    }

    /** One set of two ways (fully associative, FIFO) with a victim buffer of {@code victims} lines. */
    private static ExCache cache(final int victims, final SyncModelBackend backend)
    {
        final ExCache cache = new ExCache(2 * 4096, 2, new FifoPolicy(), victims);
        cache.attach(PID, backend);
        return cache;
    }

    @Test
    void evictedLineComesBackFromTheBufferWithoutAFetch()
    {
        final SyncModelBackend backend = new SyncModelBackend();
        try (ExCache cache = cache(4, backend))
        {
            cache.access(PID, line(0), READ);
            cache.access(PID, line(1), READ);
            cache.access(PID, line(2), READ);                 // evicts line 0 into the buffer
            assertEquals(List.of(0L), backend.shotDown, "leaving the ExCache proper shoots the TLB down");
            assertEquals(1, cache.victimLines());
            cache.access(PID, line(0), READ);                 // evicts line 1, takes line 0 back
            assertEquals(List.of(line(0), line(1), line(2)), backend.fetched);
            assertEquals(1, cache.stats().victimHits());
            assertEquals(4, cache.stats().misses());
            assertEquals(3, cache.stats().bytesFetched() / 4096);
            assertEquals(3, cache.stats().missLatencyNs().getTotalCount(), "only network misses are timed");
        }
    }

    @Test
    void dirtyVictimIsWrittenBackByTheFlusherAndItsDataSurvives() throws InterruptedException
    {
        final SyncModelBackend backend = new SyncModelBackend();
        try (ExCache cache = cache(2, backend))
        {
            cache.access(PID, line(0), WRITE)[9] = 42;
            cache.access(PID, line(1), READ);
            cache.access(PID, line(2), READ);                 // line 0 (dirty) goes to the buffer
            backend.awaitBackgroundFlushes(1);
            assertEquals(List.of(line(0)), backend.backgroundFlushed);
            assertTrue(backend.flushed.isEmpty(), "the miss itself wrote nothing back");
            assertEquals(42, backend.page(line(0))[9]);
            // Taking the line back waits for the flusher to finish recording its write-back.
            assertEquals(42, cache.access(PID, line(0), READ)[9], "taken back from the buffer, now clean");
            assertEquals(1, cache.stats().flushes());
            assertEquals(1, cache.stats().victimHits());
            assertEquals(0, cache.dirtyLines());
        }
    }

    /**
     * The flusher is woken only once half the buffer waits for it (Flusher#offer): woken for every dirty line it
     * cost the missing hart a futex wake-up per line. Then it drains the buffer, oldest first.
     */
    @Test
    void theFlusherSleepsUntilHalfTheBufferWaitsForItThenDrainsIt() throws InterruptedException
    {
        final SyncModelBackend backend = new SyncModelBackend();
        try (ExCache cache = cache(8, backend))
        {
            for (int i = 0; i < 5; i++)
            {
                cache.access(PID, line(i), WRITE)[0] = (byte)(i + 1);   // lines 0, 1 and 2 go to the buffer, dirty
            }
            Thread.sleep(300);
            synchronized (backend)
            {
                assertTrue(backend.backgroundFlushed.isEmpty(), "three of eight lines do not wake the flusher");
            }
            cache.access(PID, line(5), WRITE);                           // line 3: four wait, half the buffer
            backend.awaitBackgroundFlushes(4);
            synchronized (backend)
            {
                assertEquals(List.of(line(0), line(1), line(2), line(3)), backend.backgroundFlushed);
                assertEquals(4, backend.page(line(3))[0]);
            }
            assertTrue(backend.flushed.isEmpty() && backend.piggybacked.isEmpty(), "no miss wrote anything back");
        }
    }

    @Test
    void fullBufferOfDirtyLinesMakesTheMissWriteBackTheOldest() throws InterruptedException
    {
        final SyncModelBackend backend = new SyncModelBackend();
        backend.flusherGate = new CountDownLatch(1);
        try (ExCache cache = cache(2, backend))
        {
            for (int i = 0; i < 4; i++)
            {
                cache.access(PID, line(i), WRITE)[0] = (byte)(i + 1);   // lines 0 and 1 go to the buffer, dirty
            }
            assertTrue(backend.flusherArrived.await(30, TimeUnit.SECONDS));   // the flusher holds line 0
            cache.access(PID, line(4), READ);  // line 2 must enter the buffer: line 1 is written back by the miss
            assertEquals(List.of(line(1)), backend.flushed);
            assertEquals(2, backend.page(line(1))[0]);
            backend.flusherGate.countDown();
            backend.awaitBackgroundFlushes(1);
            assertEquals(1, backend.page(line(0))[0]);
        }
        finally
        {
            backend.flusherGate.countDown();
        }
    }

    @Test
    void missOnTheLineBeingFlushedWaitsAndReadsItsLatestBytes() throws Exception
    {
        final SyncModelBackend backend = new SyncModelBackend();
        backend.flusherGate = new CountDownLatch(1);
        final ExecutorService other = Executors.newSingleThreadExecutor();
        try (ExCache cache = cache(1, backend))
        {
            cache.access(PID, line(0), WRITE)[100] = 5;
            cache.access(PID, line(1), WRITE)[100] = 6;
            cache.access(PID, line(2), READ);                 // line 0 to the buffer; the flusher takes it
            assertTrue(backend.flusherArrived.await(30, TimeUnit.SECONDS));
            final Future<Byte> reread = other.submit(() -> cache.access(PID, line(0), READ)[100]);
            backend.flusherGate.countDown();
            assertEquals((byte)5, reread.get(30, TimeUnit.SECONDS));
            assertEquals(List.of(line(0), line(1), line(2)), backend.fetched, "no refetch of line 0");
            backend.awaitBackgroundFlushes(2);
            assertEquals(List.of(line(0), line(1)), backend.backgroundFlushed,
                "line 1, evicted by the take-back, is still dirty and gets written back");
            assertEquals(6, backend.page(line(1))[100]);
        }
        finally
        {
            backend.flusherGate.countDown();
            other.shutdownNow();
        }
    }

    @Test
    void munmapDropsBufferedDirtyLinesAndMprotectWritesThemBack() throws InterruptedException
    {
        final SyncModelBackend backend = new SyncModelBackend();
        backend.flusherGate = new CountDownLatch(1);
        try (ExCache cache = cache(4, backend))
        {
            for (int i = 0; i < 5; i++)
            {
                cache.access(PID, line(i), WRITE)[0] = (byte)(i + 1);    // lines 0..2 go to the buffer, dirty
            }
            assertTrue(backend.flusherArrived.await(30, TimeUnit.SECONDS));   // the flusher holds line 0
            assertEquals(1, cache.invalidate(PID, line(1), line(2), false)); // munmap of line 1: dropped
            assertEquals(1, cache.invalidate(PID, line(2), line(3), true));  // mprotect of line 2: written back
            assertEquals(List.of(line(2)), backend.flushed);
            assertEquals(3, backend.page(line(2))[0]);
            backend.flusherGate.countDown();
            backend.awaitBackgroundFlushes(1);
            assertEquals(1, cache.victimLines(), "only line 0 is left in the buffer");
            assertEquals(0, backend.page(line(1))[0], "munmapped data never reaches the mComponent");
        }
        finally
        {
            backend.flusherGate.countDown();
        }
    }

    @Test
    void detachDropsTheProcessesBufferedLines()
    {
        final SyncModelBackend backend = new SyncModelBackend();
        try (ExCache cache = cache(4, backend))
        {
            for (int i = 0; i < 4; i++)
            {
                cache.access(PID, line(i), READ);
            }
            assertEquals(2, cache.victimLines());
            assertEquals(4, cache.detach(PID));
            assertEquals(0, cache.victimLines());
            assertEquals(0, cache.validLines());
        }
    }

    @Test
    void dirtyVictimForTheSameOwnerRidesOnTheMiss()
    {
        final SyncModelBackend backend = new SyncModelBackend();
        backend.sameOwner = true;
        try (ExCache cache = cache(0, backend))
        {
            cache.access(PID, line(0), WRITE)[1] = 11;
            cache.access(PID, line(1), READ);
            cache.access(PID, line(2), READ);                 // evicts dirty line 0 with no buffer
            assertEquals(List.of(line(0)), backend.piggybacked);
            assertTrue(backend.flushed.isEmpty());
            assertEquals(11, backend.page(line(0))[1]);
            assertEquals(1, cache.stats().piggybackedFlushes());
            assertEquals(1, cache.stats().flushes());
        }
    }

    @Test
    void withPiggybackOffTheWriteBackIsAFlushOfItsOwn()
    {
        final SyncModelBackend backend = new SyncModelBackend();
        backend.sameOwner = true;
        try (ExCache cache = cache(0, backend))
        {
            cache.piggyback(false);
            cache.access(PID, line(0), WRITE)[1] = 11;
            cache.access(PID, line(1), READ);
            cache.access(PID, line(2), READ);
            assertTrue(backend.piggybacked.isEmpty());
            assertEquals(List.of(line(0)), backend.flushed);
            assertEquals(0, cache.stats().piggybackedFlushes());
        }
    }

    @Test
    void dirtyVictimForAnotherOwnerIsFlushedOnItsOwn()
    {
        final SyncModelBackend backend = new SyncModelBackend();
        try (ExCache cache = cache(0, backend))
        {
            cache.access(PID, line(0), WRITE)[1] = 11;
            cache.access(PID, line(1), READ);
            cache.access(PID, line(2), READ);
            assertTrue(backend.piggybacked.isEmpty());
            assertEquals(List.of(line(0)), backend.flushed);
            assertEquals(0, cache.stats().piggybackedFlushes());
        }
    }

    @Test
    void perProcessCountersAddUpToTheCachesAndSurviveDetach()
    {
        final SyncModelBackend a = new SyncModelBackend();
        final SyncModelBackend b = new SyncModelBackend();
        try (ExCache cache = new ExCache(4 * 4096, 4, new LruPolicy(), 2))
        {
            final ExCacheStats statsA = cache.attach(1, a);
            final ExCacheStats statsB = cache.attach(2, b);
            cache.access(1, line(0), READ);
            cache.access(1, line(0), READ);
            cache.access(2, line(0), READ);
            cache.detach(1);
            assertEquals(1, statsA.hits());
            assertEquals(1, statsA.misses());
            assertEquals(0, statsB.hits());
            assertEquals(1, statsB.misses());
            assertEquals(2, cache.stats().misses());
            assertEquals(1, cache.stats().hits());
        }
    }
}
