package org.legoemu.pcomponent.excache;

import java.util.function.IntConsumer;

/**
 * The thread that completes the ExCache's prefetches ({@code excache-prefetch}), so that a prefetch never stalls the
 * hart whose miss triggered it. The hart issues a prefetch under the set and MSHR table locks (it takes an MSHR entry,
 * names the line in its way and shoots the way's old line down) and queues it here by its MSHR entry number; this
 * thread moves the old line out and fetches the new one, one prefetch at a time, oldest first.
 *
 * <p>Threads and locks: the queue is guarded by the {@link MshrTable}'s lock; the thread holds no lock while it
 * completes a prefetch. Fixed capacity (one slot per MSHR entry, so a queued prefetch always has room), preallocated:
 * queuing allocates nothing.
 */
final class PrefetchWorker extends TableThread
{
    /** Most prefetches queued or in progress at once, so that demand misses always find an MSHR entry. */
    static final int MAX_IN_FLIGHT = MshrTable.DEFAULT_ENTRIES / 2;
    /** How long the idle thread yields before it parks, ns. */
    private static final long IDLE_YIELD_NS = 50_000;

    /** The queued prefetch of each MSHR entry, set by the issuing hart before {@link #enqueue}. */
    final int[] slot;
    final Tenant[] tenant;
    final long[] vpn;
    /** The line the prefetch evicted from its way (shot down already), -1 for none. */
    final long[] oldVpn;
    final int[] oldPid;
    final byte[] oldProt;
    final boolean[] oldDirty;

    private final IntConsumer complete;
    private final int[] queue;
    private int head;
    private volatile int size;
    private volatile int inProgress;
    private volatile int reserved;

    /**
     * Starts the thread.
     *
     * @param table    whose lock guards the queue, sized for its entries.
     * @param entries  MSHR entries of {@code table}.
     * @param complete completes the prefetch of an MSHR entry (called with no lock held).
     */
    PrefetchWorker(final MshrTable table, final int entries, final IntConsumer complete)
    {
        super(table, "excache-prefetch");
        this.complete = complete;
        this.queue = new int[entries];
        this.slot = new int[entries];
        this.tenant = new Tenant[entries];
        this.vpn = new long[entries];
        this.oldVpn = new long[entries];
        this.oldPid = new int[entries];
        this.oldProt = new byte[entries];
        this.oldDirty = new boolean[entries];
        start();
    }

    /**
     * Makes room for one more prefetch, to be {@link #enqueue queued} or {@link #unreserve given back}. Call with the
     * table's lock held.
     *
     * @return false when {@link #MAX_IN_FLIGHT} prefetches are reserved, queued or in progress (wait on the table's
     * {@code changed} condition, which this thread signals after each), or the worker is closed.
     */
    boolean reserve()
    {
        if (closed || reserved + size + inProgress >= MAX_IN_FLIGHT)
        {
            return false;
        }
        reserved++;
        return true;
    }

    /** Whether no prefetch can be reserved now (read without the lock: a hint). */
    boolean full()
    {
        return !closed && reserved + size + inProgress >= MAX_IN_FLIGHT;
    }

    /** Gives back a {@link #reserve reserved} room. Call with the table's lock held. */
    void unreserve()
    {
        reserved--;
    }

    /** Queues the prefetch registered under MSHR {@code entry} in a reserved room. Call with the table's lock held. */
    void enqueue(final int entry)
    {
        reserved--;
        queue[(head + size) % queue.length] = entry;
        size++;
        work.signal();
    }

    @Override
    protected void run()
    {
        table.lock.lock();
        try
        {
            while (!closed || size > 0)
            {
                if (size == 0)
                {
                    idle();
                    continue;
                }
                final int entry = queue[head];
                head = (head + 1) % queue.length;
                size--;
                inProgress++;
                table.lock.unlock();
                try
                {
                    complete.accept(entry);
                }
                finally
                {
                    table.lock.lock();
                    inProgress--;
                    table.signalChanged();
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        finally
        {
            table.lock.unlock();
        }
    }

    /**
     * Waits for work (lock held on entry and return): yields its core for up to {@value #IDLE_YIELD_NS} ns, checking
     * the queue without the lock, before it parks on the condition, so a prefetch queued right after the previous one
     * (the common case: a trigger issues several) does not pay a thread wake-up; as the fabric's waits
     * (docs/architecture.md, "Waiting on the fabric").
     */
    private void idle() throws InterruptedException
    {
        table.lock.unlock();
        try
        {
            final long deadline = System.nanoTime() + IDLE_YIELD_NS;
            while (size == 0 && !closed && System.nanoTime() - deadline < 0)
            {
                Thread.yield();
            }
        }
        finally
        {
            table.lock.lock();
        }
        if (size == 0 && !closed)
        {
            work.await();
        }
    }
}
