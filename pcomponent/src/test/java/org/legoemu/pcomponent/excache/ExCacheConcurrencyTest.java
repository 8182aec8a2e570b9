package org.legoemu.pcomponent.excache;

import org.legoemu.abi.GuestMemory;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several threads of one process miss concurrently on the same lines of a small ExCache with a victim buffer and
 * its flusher: no thread ever reads a stale or torn line.
 *
 * <p>The threads model harts with TLB shootdown at safe points: a thread uses a line's bytes only between
 * {@code access} and the end of its read or write, and a shootdown of that line waits until no thread is using
 * it (a thread waiting inside {@code access} is at a safe point). A thread announces its use after {@code access}
 * returns and then re-checks the line's shootdown count; if the line was shot down in between, it redoes the
 * access (Dekker-style handshake over sequentially consistent atomics). A wrong byte seen under this protocol is
 * a failure of the ExCache.
 */
class ExCacheConcurrencyTest
{
    private static final int PID = 9;
    private static final int THREADS = 4;
    private static final int SHARED_LINES = 6;
    private static final int OWN_LINES = 3;
    private static final int ROUNDS = 3000;
    private static final int LINES = SHARED_LINES + THREADS * OWN_LINES;

    private final AtomicLongArray shootdowns = new AtomicLongArray(LINES);
    private final AtomicIntegerArray using = new AtomicIntegerArray(THREADS);

    private static byte sharedPattern(final int vpn, final int i)
    {
        return (byte)(vpn * 31 + i * 7);
    }

    @Test
    void concurrentMissesNeverReadAStaleOrTornLine() throws Exception
    {
        final SyncModelBackend backend = new SyncModelBackend()
        {
            @Override
            public void backgroundFlush(final long vaddr, final byte[] line)
            {
                java.util.concurrent.locks.LockSupport.parkNanos(20_000); // a network trip, so misses overlap it
                super.backgroundFlush(vaddr, line);
            }

            @Override
            public void shootdown(final long vpn)
            {
                shootdowns.incrementAndGet((int)vpn);
                for (int t = 0; t < THREADS; t++)
                {
                    while (using.get(t) == vpn)
                    {
                        Thread.onSpinWait();
                    }
                }
            }
        };
        for (int vpn = 0; vpn < SHARED_LINES; vpn++)
        {
            final byte[] page = new byte[GuestMemory.PAGE_SIZE];
            for (int i = 0; i < page.length; i++)
            {
                page[i] = sharedPattern(vpn, i);
            }
            backend.pages.put((long)vpn << GuestMemory.PAGE_SHIFT, page);
        }
        for (int t = 0; t < THREADS; t++)
        {
            using.set(t, -1);
        }
        final ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        final CyclicBarrier start = new CyclicBarrier(THREADS);
        try (ExCache cache = new ExCache(4 * GuestMemory.PAGE_SIZE, 2, new LruPolicy(), 2))
        {
            cache.attach(PID, backend);
            final List<Future<Long>> checked = new ArrayList<>();
            for (int t = 0; t < THREADS; t++)
            {
                final int thread = t;
                checked.add(pool.submit(() ->
                {
                    start.await();
                    return run(cache, thread);
                }));
            }
            long total = 0;
            for (final Future<Long> f : checked)
            {
                total += f.get(120, TimeUnit.SECONDS);
            }
            assertTrue(total > ROUNDS, "most reads were checked, not all redone: " + total);
            assertTrue(cache.stats().victimHits() > 0 && cache.stats().flushes() > 0, "the buffer and flusher worked");
        }
        finally
        {
            pool.shutdownNow();
        }
    }

    /**
     * Misses to one line in flight together fetch it once (the MSHR merges them): every thread sees the line, the
     * owner served one P2M_PCACHE_MISS.
     */
    @Test
    void concurrentMissesToOneLineFetchItOnce() throws Exception
    {
        final CountDownLatch fetching = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final SyncModelBackend backend = new SyncModelBackend()
        {
            @Override
            public int fetch(final long vaddr, final int access, final byte[] line)
            {
                fetching.countDown();
                await(release);
                return super.fetch(vaddr, access, line);
            }
        };
        final byte[] page = new byte[GuestMemory.PAGE_SIZE];
        page[77] = 42;
        backend.pages.put(0L, page);
        final ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try (ExCache cache = new ExCache(4 * GuestMemory.PAGE_SIZE, 2, new LruPolicy(), 2))
        {
            cache.attach(PID, backend);
            final List<Future<Byte>> reads = new ArrayList<>();
            reads.add(pool.submit(() -> cache.access(PID, 0, GuestMemory.ACCESS_READ)[77]));
            assertTrue(fetching.await(30, TimeUnit.SECONDS), "the first miss is in flight");
            for (int t = 1; t < THREADS; t++)
            {
                reads.add(pool.submit(() -> cache.access(PID, 0, GuestMemory.ACCESS_READ)[77]));
            }
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (System.nanoTime() < deadline)
            {
                Thread.onSpinWait(); // give the later misses time to reach the ExCache and fetch, if they would
            }
            release.countDown();
            for (final Future<Byte> read : reads)
            {
                assertEquals((byte)42, read.get(30, TimeUnit.SECONDS));
            }
            synchronized (backend)
            {
                assertEquals(List.of(0L), backend.fetched, "one fetch for " + THREADS + " concurrent misses");
            }
        }
        finally
        {
            release.countDown();
            pool.shutdownNow();
        }
    }

    /**
     * Misses to lines of different sets are in flight together: no lock is held across the network. Each fetch
     * waits until all {@link #THREADS} are in flight (one global lock held over the round trip would never let a
     * second one start).
     */
    @Test
    void missesToDifferentLinesAreInFlightTogether() throws Exception
    {
        final CyclicBarrier together = new CyclicBarrier(THREADS);
        final SyncModelBackend backend = new SyncModelBackend()
        {
            @Override
            public int fetch(final long vaddr, final int access, final byte[] line)
            {
                try
                {
                    together.await(10, TimeUnit.SECONDS);
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException("the misses were not in flight together", ex);
                }
                return super.fetch(vaddr, access, line);
            }
        };
        final ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try (ExCache cache = new ExCache(8 * GuestMemory.PAGE_SIZE, 2, new LruPolicy(), 0))
        {
            cache.attach(PID, backend);
            final List<Future<byte[]>> misses = new ArrayList<>();
            for (int t = 0; t < THREADS; t++)
            {
                final long vaddr = (long)t << GuestMemory.PAGE_SHIFT; // lines 0..3: sets 0..3
                misses.add(pool.submit(() -> cache.access(PID, vaddr, GuestMemory.ACCESS_READ)));
            }
            for (final Future<byte[]> miss : misses)
            {
                miss.get(30, TimeUnit.SECONDS);
            }
            assertEquals(THREADS, cache.stats().misses());
        }
        finally
        {
            pool.shutdownNow();
        }
    }

    /**
     * Lost write-backs and stale reads under concurrent misses: threads write versions of their own lines, which
     * conflict in the sets of a tiny ExCache with slow transfers, so that a line is often being evicted and written
     * back by one thread while its owner misses on it again. Every re-read sees the thread's last version, and at the
     * end (every line written back, as fork(2) does) the memory side holds every line's last version.
     */
    @Test
    void noWriteBackIsLostAndNoReadIsStaleUnderConcurrentMisses() throws Exception
    {
        for (final int victims : new int[]{0, 2})
        {
            for (final boolean piggyback : new boolean[]{true, false})
            {
                writeBackRace(victims, piggyback);
            }
        }
    }

    private void writeBackRace(final int victims, final boolean piggyback) throws Exception
    {
        final int linesPerThread = 4;
        final int rounds = 400;
        final SyncModelBackend backend = new SyncModelBackend();
        backend.sameOwner = true;
        backend.transferDelayNs = 20_000;
        final ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        final CyclicBarrier start = new CyclicBarrier(THREADS);
        final String config = victims + " victims, piggyback " + piggyback;
        try (ExCache cache = new ExCache(4 * GuestMemory.PAGE_SIZE, 1, new FifoPolicy(), victims))
        {
            cache.piggyback(piggyback);
            cache.attach(PID, backend);
            final List<Future<byte[]>> last = new ArrayList<>();
            for (int t = 0; t < THREADS; t++)
            {
                final int thread = t;
                last.add(pool.submit(() ->
                {
                    start.await();
                    final byte[] version = new byte[linesPerThread];
                    final byte[] copy = new byte[GuestMemory.PAGE_SIZE];
                    int seed = 31 + thread;
                    for (int round = 0; round < rounds; round++)
                    {
                        seed = seed * 1103515245 + 12345;
                        final int own = Math.floorMod(seed >>> 8, linesPerThread);
                        final long vaddr = (long)(thread + THREADS * own) << GuestMemory.PAGE_SHIFT;
                        final byte next = (byte)(version[own] + 1);
                        Arrays.fill(copy, next);
                        cache.copyIn(PID, vaddr, copy, 0, copy.length);
                        version[own] = next;
                        final int other = Math.floorMod(seed >>> 16, linesPerThread);
                        final long otherVaddr = (long)(thread + THREADS * other) << GuestMemory.PAGE_SHIFT;
                        cache.copyOut(PID, otherVaddr, copy, 0, copy.length);
                        for (int i = 0; i < copy.length; i += 512)
                        {
                            assertEquals(version[other], copy[i], "stale read of line 0x" +
                                Long.toHexString(otherVaddr) + " byte " + i + " with " + config);
                        }
                    }
                    return version;
                }));
            }
            final byte[][] versions = new byte[THREADS][];
            for (int t = 0; t < THREADS; t++)
            {
                versions[t] = last.get(t).get(120, TimeUnit.SECONDS);
            }
            cache.invalidate(PID, 0, (long)THREADS * linesPerThread << GuestMemory.PAGE_SHIFT, true);
            for (int t = 0; t < THREADS; t++)
            {
                for (int own = 0; own < linesPerThread; own++)
                {
                    final long vaddr = (long)(t + THREADS * own) << GuestMemory.PAGE_SHIFT;
                    assertEquals(versions[t][own], backend.page(vaddr)[4000], "lost write-back of line 0x" +
                        Long.toHexString(vaddr) + " with " + config);
                }
            }
            assertTrue(cache.stats().evictions() > rounds, "the lines conflicted: " + cache.stats().evictions());
            assertEquals(0, cache.transfersInFlight());
        }
        finally
        {
            pool.shutdownNow();
        }
    }

    private static void await(final CountDownLatch latch)
    {
        try
        {
            latch.await(30, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** One thread's rounds: reads of shared lines, writes and re-reads of its own lines; returns checked reads. */
    private long run(final ExCache cache, final int thread)
    {
        final byte[] version = new byte[OWN_LINES];
        final byte[] copy = new byte[GuestMemory.PAGE_SIZE];
        long checked = 0;
        int seed = 17 + thread;
        for (int round = 0; round < ROUNDS; round++)
        {
            seed = seed * 1103515245 + 12345;
            final int shared = Math.floorMod(seed >>> 8, SHARED_LINES);
            if (readChecked(cache, thread, shared, copy))
            {
                for (int i = 0; i < copy.length; i++)
                {
                    assertEquals(sharedPattern(shared, i), copy[i], "shared line " + shared + " byte " + i);
                }
                checked++;
            }
            final int own = Math.floorMod(seed >>> 16, OWN_LINES);
            final int vpn = SHARED_LINES + thread * OWN_LINES + own;
            final byte next = (byte)(version[own] + 1);
            writeWholeLine(cache, thread, vpn, next);
            version[own] = next;
            if (readChecked(cache, thread, vpn, copy))
            {
                for (int i = 0; i < copy.length; i++)
                {
                    assertEquals(next, copy[i], "own line " + vpn + " byte " + i + " is stale or torn");
                }
                checked++;
            }
        }
        return checked;
    }

    /** Copies line {@code vpn}; false when it was shot down before the copy could start (then nothing is read). */
    private boolean readChecked(final ExCache cache, final int thread, final int vpn, final byte[] copy)
    {
        final byte[] line = use(cache, thread, vpn, GuestMemory.ACCESS_READ);
        if (line == null)
        {
            return false;
        }
        System.arraycopy(line, 0, copy, 0, copy.length);
        using.set(thread, -1);
        return true;
    }

    /** Fills line {@code vpn} with {@code value}, redoing the access if the line was shot down before the write. */
    private void writeWholeLine(final ExCache cache, final int thread, final int vpn, final byte value)
    {
        byte[] line;
        while ((line = use(cache, thread, vpn, GuestMemory.ACCESS_WRITE)) == null)
        {
            Thread.onSpinWait();
        }
        java.util.Arrays.fill(line, value);
        using.set(thread, -1);
    }

    /** The line's bytes, announced as in use by {@code thread}; null if it was shot down before the announcement. */
    private byte[] use(final ExCache cache, final int thread, final int vpn, final int access)
    {
        final long before = shootdowns.get(vpn);
        final byte[] line = cache.access(PID, (long)vpn << GuestMemory.PAGE_SHIFT, access);
        using.set(thread, vpn);
        if (shootdowns.get(vpn) != before)
        {
            using.set(thread, -1);
            return null;
        }
        return line;
    }
}
