package org.legoemu.pcomponent.excache;

import org.legoemu.abi.GuestMemory;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
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
