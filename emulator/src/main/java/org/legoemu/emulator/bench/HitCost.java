package org.legoemu.emulator.bench;

import org.legoemu.abi.GuestMemory;
import org.legoemu.pcomponent.excache.ExCache;
import org.legoemu.pcomponent.excache.LineBackend;
import org.legoemu.pcomponent.excache.LruPolicy;

/**
 * The cost of an ExCache hit (the path a hart takes when its TLB misses but the line is cached: lock, set lookup,
 * policy update, permission check) next to a plain Java array load, over the same pseudo-random addresses in a
 * working set that fits the cache. A simple timed loop after warm-up rounds (not JMH): figures are indicative.
 */
final class HitCost
{
    /** ns per access of each kind. */
    record Result(double excacheHitNs, double arrayLoadNs)
    {
    }

    private static final int PID = 1;
    private static final int PAGES = 128;
    private static final int ADDRESSES = 1 << 20;

    private HitCost()
    {
    }

    /** Runs {@code rounds} passes over 2^20 addresses per kind, measuring the last. */
    static Result measure(final int rounds)
    {
        final int[] addresses = new int[ADDRESSES];
        long x = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < addresses.length; i++)
        {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            addresses[i] = (int)Long.remainderUnsigned(x, (long)PAGES * GuestMemory.PAGE_SIZE);
        }
        final byte[] flat = new byte[PAGES * GuestMemory.PAGE_SIZE];
        try (ExCache cache = new ExCache(2L * PAGES * GuestMemory.PAGE_SIZE, 8, new LruPolicy(), 0))
        {
            cache.attach(PID, new LineBackend()
            {
                @Override
                public int fetch(final long vaddr, final int access, final byte[] line)
                {
                    return GuestMemory.ACCESS_READ | GuestMemory.ACCESS_WRITE;
                }

                @Override
                public void flush(final long vaddr, final byte[] line)
                {
                }

                @Override
                public void shootdown(final long vpn)
                {
                }
            });
            long sink = 0;
            double cacheNs = 0;
            double arrayNs = 0;
            for (int round = 0; round < rounds; round++)
            {
                long start = System.nanoTime();
                for (final int a : addresses)
                {
                    sink += cache.access(PID, a, GuestMemory.ACCESS_READ)[a & 0xfff];
                }
                cacheNs = (System.nanoTime() - start) / (double)ADDRESSES;
                start = System.nanoTime();
                for (final int a : addresses)
                {
                    sink += flat[a];
                }
                arrayNs = (System.nanoTime() - start) / (double)ADDRESSES;
            }
            if (sink == 42)
            {
                System.err.print("");
            }
            return new Result(cacheNs, arrayNs);
        }
    }
}
