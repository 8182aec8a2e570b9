package org.legoemu.pcomponent.excache;

import org.legoemu.abi.GuestFault;
import org.legoemu.abi.GuestMemory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ExCache's prefetcher end to end against a model memory side: prefetched lines are hit, a demand access to a
 * line still in flight waits for it instead of fetching it again, dirty lines a prefetch evicts are written back
 * (none lost), a failed prefetch is dropped and the line is fetched on demand, and the modeled observer hears every
 * prefetch on the faulting thread.
 */
class ExCachePrefetchTest
{
    private static final int PID = 7;
    private final List<ExCache> open = new ArrayList<>();

    @AfterEach
    void close()
    {
        open.forEach(ExCache::close);
    }

    private ExCache cache(final int lines, final int ways, final int victims, final PrefetchMode mode, final int depth,
        final LineBackend backend)
    {
        final ExCache cache = new ExCache((long)lines * ExCache.LINE_SIZE, ways, new LruPolicy(), victims);
        cache.prefetch(mode, depth);
        cache.attach(PID, backend);
        open.add(cache);
        return cache;
    }

    private static long page(final long n)
    {
        return n << GuestMemory.PAGE_SHIFT;
    }

    /** Page {@code n}'s bytes in the model memory: its number in every byte, so a wrong line is seen at once. */
    private static void fill(final SyncModelBackend backend, final int pages)
    {
        for (int n = 0; n < pages; n++)
        {
            final byte[] bytes = new byte[ExCache.LINE_SIZE];
            java.util.Arrays.fill(bytes, (byte)(n * 7 + 1));
            backend.pages.put(page(n), bytes);
        }
    }

    @Test
    void aSequentialScanHitsPrefetchedLinesAndFetchesEachLineOnce()
    {
        final SyncModelBackend backend = new SyncModelBackend();
        fill(backend, 64);
        final ExCache cache = cache(16, 4, 4, PrefetchMode.SEQUENTIAL, 4, backend);
        for (int n = 0; n < 64; n++)
        {
            final byte[] line = cache.access(PID, page(n) + 5, GuestMemory.ACCESS_READ);
            assertEquals((byte)(n * 7 + 1), line[5], "page " + n);
        }
        final ExCacheStats s = cache.stats();
        assertEquals(1, s.misses(), "only the first page misses; the rest were prefetched");
        assertEquals(63, s.prefetchHits());
        assertTrue(s.prefetchIssued() >= 63, "issued " + s.prefetchIssued());
        awaitQuiet(cache);
        synchronized (backend)
        {
            for (int n = 0; n < 64; n++)
            {
                assertEquals(1, Collections.frequency(backend.fetched, page(n)), "fetches of page " + n);
            }
        }
    }

    @Test
    void aStridedScanIsPrefetchedAlongItsStrideAndSequentialPrefetchMissesIt()
    {
        for (final PrefetchMode mode : List.of(PrefetchMode.STRIDE, PrefetchMode.SEQUENTIAL))
        {
            final SyncModelBackend backend = new SyncModelBackend();
            fill(backend, 128);
            final ExCache cache = cache(16, 4, 4, mode, 4, backend);
            for (int n = 0; n < 128; n += 5)
            {
                assertEquals((byte)(n * 7 + 1), cache.access(PID, page(n), GuestMemory.ACCESS_READ)[0]);
            }
            final ExCacheStats s = cache.stats();
            if (mode == PrefetchMode.STRIDE)
            {
                assertEquals(3, s.misses(), "misses until the stride of 5 is a majority");
                assertEquals(23, s.prefetchHits());
            }
            else
            {
                assertEquals(0, s.prefetchHits(), "the next pages are never the ones used");
                assertEquals(26, s.misses());
            }
        }
    }

    @Test
    void aDemandAccessToALineInFlightWaitsForItInsteadOfFetchingIt() throws Exception
    {
        final SyncModelBackend backend = new SyncModelBackend();
        fill(backend, 8);
        final CountDownLatch prefetchStarted = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final LineBackend gated = new Delegating(backend)
        {
            @Override
            public int prefetch(final long vaddr, final byte[] line)
            {
                prefetchStarted.countDown();
                await(release);
                return super.prefetch(vaddr, line);
            }
        };
        final ExCache cache = cache(16, 4, 0, PrefetchMode.SEQUENTIAL, 1, gated);
        cache.access(PID, page(0), GuestMemory.ACCESS_READ);
        assertTrue(prefetchStarted.await(10, TimeUnit.SECONDS));
        final byte[][] got = new byte[1][];
        final Thread demand = new Thread(() -> got[0] = cache.access(PID, page(1), GuestMemory.ACCESS_READ));
        demand.start();
        demand.join(200);
        assertTrue(demand.isAlive(), "the demand access waits for the prefetch in flight");
        release.countDown();
        demand.join(10_000);
        assertEquals((byte)8, got[0][0]);
        assertEquals(1, cache.stats().prefetchHits());
        assertEquals(1, cache.stats().misses());
        synchronized (backend)
        {
            assertEquals(1, Collections.frequency(backend.fetched, page(1)), "page 1 fetched once");
        }
    }

    /**
     * A scan that writes every page through an ExCache far smaller than it, with prefetches evicting the dirty lines
     * the scan left (with and without a victim buffer): after a write-back of everything, the memory side holds every
     * byte written.
     */
    @Test
    void dirtyLinesEvictedByPrefetchesAreWrittenBack()
    {
        for (final int victims : new int[]{0, 2, 8})
        {
            final SyncModelBackend backend = new SyncModelBackend();
            backend.transferDelayNs = 20_000;
            final ExCache cache = cache(8, 2, victims, PrefetchMode.SEQUENTIAL, 3, backend);
            for (int round = 0; round < 3; round++)
            {
                for (int n = 0; n < 40; n++)
                {
                    final byte[] one = {(byte)(n + round * 40)};
                    cache.copyIn(PID, page(n) + round, one, 0, 1);
                }
            }
            cache.invalidate(PID, 0, page(64), true);
            for (int n = 0; n < 40; n++)
            {
                final byte[] expected = new byte[ExCache.LINE_SIZE];
                for (int round = 0; round < 3; round++)
                {
                    expected[round] = (byte)(n + round * 40);
                }
                assertArrayEquals(expected, backend.page(page(n)), "page " + n + " with " + victims + " victims");
            }
            assertTrue(cache.stats().prefetchHits() > 0);
        }
    }

    /** While a VM system call of the process runs (another thread's mmap, munmap...), its misses prefetch nothing. */
    @Test
    void noPrefetchIsIssuedWhileAVmCallOfTheProcessRuns()
    {
        final SyncModelBackend backend = new SyncModelBackend();
        fill(backend, 16);
        final ExCache cache = cache(16, 4, 4, PrefetchMode.SEQUENTIAL, 2, backend);
        cache.holdPrefetches(PID, true);
        cache.holdPrefetches(PID, true);
        cache.access(PID, page(0), GuestMemory.ACCESS_READ);
        cache.holdPrefetches(PID, false);
        cache.access(PID, page(4), GuestMemory.ACCESS_READ);
        assertEquals(0, cache.stats().prefetchIssued(), "held by two nested calls");
        cache.holdPrefetches(PID, false);
        cache.access(PID, page(8), GuestMemory.ACCESS_READ);
        assertEquals(2, cache.stats().prefetchIssued(), "pages 9 and 10 once both calls ended");
    }

    @Test
    void aFailedPrefetchIsDroppedAndTheLineFetchedOnDemand()
    {
        final SyncModelBackend backend = new SyncModelBackend();
        fill(backend, 8);
        final LineBackend failing = new Delegating(backend)
        {
            @Override
            public int prefetch(final long vaddr, final byte[] line)
            {
                throw GuestFault.segv(vaddr, "no mapping");
            }
        };
        final ExCache cache = cache(16, 4, 4, PrefetchMode.SEQUENTIAL, 2, failing);
        cache.access(PID, page(0), GuestMemory.ACCESS_READ);
        awaitQuiet(cache);
        assertEquals(2, cache.stats().prefetchDropped());
        assertEquals((byte)8, cache.access(PID, page(1), GuestMemory.ACCESS_READ)[0]);
        assertEquals(2, cache.stats().misses(), "the dropped line is a demand miss");
        assertEquals(0, cache.stats().prefetchHits());
    }

    @Test
    void theObserverHearsEachPrefetchAfterItsTriggerAndItsFirstUseAsAHit()
    {
        final SyncModelBackend backend = new SyncModelBackend();
        fill(backend, 8);
        final ExCache cache = cache(16, 4, 4, PrefetchMode.SEQUENTIAL, 2, backend);
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        cache.observer(new ExCacheObserver()
        {
            @Override
            public void onHit(final int pid, final long vpn, final int access)
            {
                events.add("hit " + vpn);
            }

            @Override
            public void onMiss(final int pid, final long vpn, final int access, final int evictedPid,
                final long evictedVpn, final boolean zeroFilled)
            {
                events.add("miss " + vpn);
            }

            @Override
            public void onPrefetch(final int pid, final long vpn, final int evictedPid, final long evictedVpn)
            {
                events.add("prefetch " + vpn + (Thread.currentThread().getName().startsWith("excache") ? " on worker" :
                    ""));
            }
        });
        cache.access(PID, page(0), GuestMemory.ACCESS_READ);
        cache.access(PID, page(1), GuestMemory.ACCESS_READ);
        assertEquals(List.of("miss 0", "prefetch 1", "prefetch 2", "hit 1", "prefetch 3"), events);
    }

    private static void awaitQuiet(final ExCache cache)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (cache.transfersInFlight() > 0 && System.nanoTime() < deadline)
        {
            Thread.onSpinWait();
        }
    }

    private static void await(final CountDownLatch latch)
    {
        try
        {
            latch.await(10, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** A backend that forwards everything to another. */
    private static class Delegating implements LineBackend
    {
        private final LineBackend inner;

        Delegating(final LineBackend inner)
        {
            this.inner = inner;
        }

        @Override
        public int fetch(final long vaddr, final int access, final byte[] line)
        {
            return inner.fetch(vaddr, access, line);
        }

        @Override
        public int prefetch(final long vaddr, final byte[] line)
        {
            return inner.prefetch(vaddr, line);
        }

        @Override
        public void flush(final long vaddr, final byte[] line)
        {
            inner.flush(vaddr, line);
        }

        @Override
        public void shootdown(final long vpn)
        {
            inner.shootdown(vpn);
        }
    }
}
