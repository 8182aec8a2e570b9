package org.legoemu.pcomponent.excache;

import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Takes a {@link ReentrantLock} without ever queueing on it: {@link ReentrantLock#lock()} allocates the JDK's queue
 * node each time it finds the lock held long enough to park (JDK 17 {@code AbstractQueuedSynchronizer.acquire}), and
 * the miss path must allocate nothing (the project's hot-path rule; ExCacheAllocationTest found 5 to 16 KB per
 * 20,000 misses on a loaded machine, from the hart meeting the flusher on the MSHR table's lock).
 *
 * <p>Every lock the ExCache takes is held for a bounded, short time (never across a network round trip or a
 * shootdown, {@link MshrTable}), so a taker first spins with {@link Thread#onSpinWait()}, then yields its core, then
 * parks {@value #PARK_NS} ns at a time; it barges as {@code tryLock} does (the locks are not fair anyway).
 */
final class PolledLock
{
    /** How long a taker spins before it yields, ns. */
    private static final long SPIN_NS = 2_000;
    /** How long it yields before it parks, ns. */
    private static final long YIELD_NS = 50_000;
    /** How long it parks between two tries, ns. */
    private static final long PARK_NS = 20_000;

    private PolledLock()
    {
    }

    /** Takes {@code lock}, as {@link ReentrantLock#lock()} but allocating nothing; not interruptible. */
    static void lock(final ReentrantLock lock)
    {
        if (lock.tryLock())
        {
            return;
        }
        final long start = System.nanoTime();
        while (!lock.tryLock())
        {
            final long waited = System.nanoTime() - start;
            if (waited < SPIN_NS)
            {
                Thread.onSpinWait();
            }
            else if (waited < YIELD_NS)
            {
                Thread.yield();
            }
            else
            {
                LockSupport.parkNanos(PARK_NS);
            }
        }
    }
}
