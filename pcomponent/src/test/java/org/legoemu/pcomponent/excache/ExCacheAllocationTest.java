package org.legoemu.pcomponent.excache;

import org.junit.jupiter.api.Test;
import org.legoemu.abi.GuestMemory;
import org.legoemu.pcomponent.memory.FreshRanges;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ExCache's hit and miss paths allocate nothing once warm (the project's hot-path rule): lookups that hit,
 * misses served by the owner with clean and dirty victims (write-backs, piggybacked or not), victim-buffer take-backs
 * and zero-fill claims of fresh pages, measured with the JVM's per-thread allocation counter
 * ({@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}) on the missing thread. The backend allocates
 * nothing itself.
 */
class ExCacheAllocationTest
{
    private static final int PID = 3;
    private static final int PAGES = 64;
    private static final int ROUNDS = 20_000;

    /** A memory side that allocates nothing: lines read as a fixed pattern, write-backs dropped. */
    private static final class QuietBackend implements LineBackend
    {
        final FreshRanges fresh = new FreshRanges();

        @Override
        public int fetch(final long vaddr, final int access, final byte[] line)
        {
            line[0] = (byte)(vaddr >>> GuestMemory.PAGE_SHIFT);
            return GuestMemory.ACCESS_READ | GuestMemory.ACCESS_WRITE;
        }

        @Override
        public void flush(final long vaddr, final byte[] line)
        {
        }

        @Override
        public boolean sharesOwner(final long vaddr, final long flushVaddr)
        {
            return (vaddr & GuestMemory.PAGE_SIZE) == 0;
        }

        @Override
        public int claimFresh(final long vaddr, final int access)
        {
            return fresh.claim(vaddr, access);
        }

        @Override
        public void shootdown(final long vpn)
        {
        }
    }

    @Test
    void hitsMissesWriteBacksAndZeroFillsAllocateNothingOnceWarm()
    {
        for (final int victims : new int[]{0, 4})
        {
            measure(victims, PrefetchMode.NONE);
        }
    }

    /** The same with the prefetcher on: triggers, stride detection and issuing prefetches on the hart's thread. */
    @Test
    void issuingPrefetchesAllocatesNothingOnceWarm()
    {
        for (final PrefetchMode mode : new PrefetchMode[]{PrefetchMode.SEQUENTIAL, PrefetchMode.STRIDE})
        {
            measure(4, mode);
        }
    }

    private static void measure(final int victims, final PrefetchMode mode)
    {
        final QuietBackend backend = new QuietBackend();
        try (ExCache cache = new ExCache(8 * GuestMemory.PAGE_SIZE, 2, new LruPolicy(), victims))
        {
            cache.prefetch(mode, 2);
            cache.attach(PID, backend);
            run(cache, backend, ROUNDS);  // warm-up: every way gets its array, JIT compiles the paths
            final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
            final long thread = Thread.currentThread().getId();
            final long before = threads.getThreadAllocatedBytes(thread);
            final long misses = cache.stats().misses() + cache.stats().prefetchHits();
            run(cache, backend, ROUNDS);
            final long allocated = threads.getThreadAllocatedBytes(thread) - before;
            final long measuredMisses = cache.stats().misses() + cache.stats().prefetchHits() - misses;
            assertTrue(measuredMisses > ROUNDS / 2, "the loop missed: " + measuredMisses);
            assertTrue(allocated < 4096, allocated + " bytes allocated over " + measuredMisses + " misses and " +
                (2L * ROUNDS - measuredMisses) + " hits with " + victims + " victim lines, prefetch " + mode.label()
                + " (" + cache.stats().prefetchIssued() + " issued)");
        }
    }

    /** Loads and stores over more pages than the ExCache holds; every 64 rounds some pages become fresh again. */
    private static void run(final ExCache cache, final QuietBackend backend, final int rounds)
    {
        for (int i = 0; i < rounds; i++)
        {
            if ((i & 63) == 0)
            {
                backend.fresh.add(8L * GuestMemory.PAGE_SIZE, 24L * GuestMemory.PAGE_SIZE,
                    GuestMemory.ACCESS_READ | GuestMemory.ACCESS_WRITE);
            }
            final long vaddr = (long)((i * 7) % PAGES) << GuestMemory.PAGE_SHIFT;
            cache.access(PID, vaddr, (i & 1) == 0 ? GuestMemory.ACCESS_WRITE : GuestMemory.ACCESS_READ)[5] = 1;
            cache.access(PID, vaddr, GuestMemory.ACCESS_READ);
        }
    }
}
