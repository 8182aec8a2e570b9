package org.legoemu.pcomponent.excache;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/**
 * A background thread of the ExCache that waits on its own condition of the MSHR table's lock: the flusher and the
 * prefetch worker. The subclass starts it once constructed ({@link #start}); {@link #close} marks it closed under the
 * lock, wakes it and waits for it to end (at most 30 s; not when called on the thread itself).
 */
abstract class TableThread implements AutoCloseable
{
    /** How long {@link #close} waits for the thread to end, ms. */
    private static final long JOIN_MS = TimeUnit.SECONDS.toMillis(30);

    protected final MshrTable table;
    /** Signalled when there is work, and at close. */
    protected final Condition work;
    /** Set under the table's lock by {@link #close}; volatile so that it may also be read without the lock. */
    protected volatile boolean closed;
    private final Thread thread;

    /** @param name the thread's name. */
    TableThread(final MshrTable table, final String name)
    {
        this.table = table;
        this.work = table.lock.newCondition();
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
    }

    /** Starts the thread: call last in the subclass's constructor. */
    protected final void start()
    {
        thread.start();
    }

    /** The thread's loop; it returns once {@link #closed} and its work allows. */
    protected abstract void run();

    @Override
    public void close()
    {
        table.lock.lock();
        try
        {
            closed = true;
            work.signalAll();
        }
        finally
        {
            table.lock.unlock();
        }
        if (thread != Thread.currentThread())
        {
            try
            {
                thread.join(JOIN_MS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
