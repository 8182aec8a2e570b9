package org.legoemu.pcomponent.excache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.legoemu.abi.GuestFault;
import org.legoemu.abi.GuestMemory;
import org.legoemu.pcomponent.memory.FreshRanges;

/** "p-local" zero-fill: misses on fresh pages create zeroed lines without a fetch, once per page. */
class ExCacheZeroFillTest
{
    private static final int PID = 7;
    private static final int READ = GuestMemory.ACCESS_READ;
    private static final int WRITE = GuestMemory.ACCESS_WRITE;
    private static final long PAGE = GuestMemory.PAGE_SIZE;

    /** Direct-mapped, 2 lines, no victim buffer: line n and line n + 2 evict each other. */
    private final ExCache cache = new ExCache(2 * PAGE, 1, new FifoPolicy(), 0);
    private final SyncModelBackend backend = new SyncModelBackend();
    private final FreshRanges fresh = new FreshRanges();
    private ExCacheStats stats;

    private void attach()
    {
        backend.fresh = fresh;
        stats = cache.attach(PID, backend);
    }

    @AfterEach
    void close()
    {
        cache.close();
    }

    @Test
    void aFreshPageIsZeroFilledWithoutAFetchAndReadsZeroAgainAfterACleanEviction()
    {
        attach();
        fresh.add(0, 4 * PAGE, READ | WRITE);

        assertArrayEquals(new byte[(int)PAGE], cache.access(PID, 0, READ));
        assertEquals(List.of(), backend.fetched);
        assertEquals(1, stats.zeroFills());
        assertEquals(1, stats.misses());
        assertEquals(0, stats.bytesFetched());

        cache.access(PID, 2 * PAGE, READ);
        assertEquals(0, backend.flushed.size(), "a clean zero-filled line is dropped, not written back");
        assertArrayEquals(new byte[(int)PAGE], cache.access(PID, 0, READ), "evicted clean, it still reads zero");
        assertEquals(List.of(0L), backend.fetched, "from the owner, which has no frame for it: demand zero");
        assertEquals(2, stats.zeroFills());
    }

    @Test
    void aWrittenFreshPageReachesItsOwnerAtItsFirstWriteBackAndComesBackFromIt()
    {
        attach();
        fresh.add(0, 4 * PAGE, READ | WRITE);
        cache.access(PID, 0, WRITE)[5] = 42;
        cache.access(PID, 2 * PAGE, READ);
        assertEquals(List.of(0L), backend.flushed);
        assertEquals(42, backend.page(0)[5]);

        assertEquals(42, cache.access(PID, 5, READ)[5]);
        assertEquals(List.of(0L), backend.fetched, "no longer fresh: fetched with its data");
    }

    @Test
    void aFreshPageWhoseProtectionForbidsTheAccessIsFetchedSoTheOwnerAnswersTheFault()
    {
        attach();
        fresh.add(0, PAGE, READ);
        cache.access(PID, 0, WRITE);
        assertEquals(List.of(0L), backend.fetched);
        assertEquals(0, stats.zeroFills());
        assertEquals(1, fresh.pages(), "still fresh");

        fresh.add(2 * PAGE, 3 * PAGE, READ);
        cache.access(PID, 2 * PAGE, READ);
        assertThrows(GuestFault.class, () -> cache.access(PID, 2 * PAGE, WRITE),
            "the zero-filled line carries the mapping's protection");
    }

    @Test
    void aPageMissedWhileItsProtectionChangesIsFetchedAndStaysOrdinary()
    {
        attach();
        fresh.add(0, 4 * PAGE, READ | WRITE);
        fresh.suspend(0, 4 * PAGE);
        cache.access(PID, PAGE, WRITE)[3] = 9;
        assertEquals(List.of(PAGE), backend.fetched, "suspended: the owner materialises it");
        cache.invalidate(PID, 0, 4 * PAGE, true);
        fresh.resume(0, 4 * PAGE, READ);

        assertEquals(9, cache.access(PID, PAGE, READ)[3], "its data came back from the owner, not zeroes");
        assertArrayEquals(new byte[(int)PAGE], cache.access(PID, 3 * PAGE, READ));
        assertEquals(List.of(PAGE, PAGE), backend.fetched, "page 3 stayed fresh: zero-filled");
        assertEquals(1, stats.zeroFills());
        assertThrows(GuestFault.class, () -> cache.access(PID, 3 * PAGE, WRITE), "with the new protection");
    }

    @Test
    void zeroFillOffFetchesEveryMiss()
    {
        attach();
        cache.zeroFill(false);
        fresh.add(0, PAGE, READ | WRITE);
        cache.access(PID, 0, READ);
        assertEquals(List.of(0L), backend.fetched);
        assertEquals(0, stats.zeroFills());
    }

    @Test
    void threadsMissingOnOneFreshPageGetOneZeroedLine() throws Exception
    {
        attach();
        fresh.add(0, PAGE, READ | WRITE);
        final int threads = 4;
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        try
        {
            final CountDownLatch start = new CountDownLatch(1);
            final List<Future<byte[]>> lines = new ArrayList<>();
            for (int i = 0; i < threads; i++)
            {
                lines.add(pool.submit(() ->
                {
                    start.await();
                    return cache.access(PID, 8, WRITE);
                }));
            }
            start.countDown();
            final byte[] first = lines.get(0).get(30, TimeUnit.SECONDS);
            for (final Future<byte[]> line : lines)
            {
                assertTrue(first == line.get(30, TimeUnit.SECONDS), "one line for every thread");
            }
        }
        finally
        {
            pool.shutdownNow();
        }
        assertEquals(1, stats.zeroFills());
        assertEquals(1, stats.misses());
        assertEquals(List.of(), backend.fetched);
    }
}
