package org.legoemu.pcomponent.linux;

import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.GuestMemoryAccess;
import org.legoemu.abi.linux.Errno;
import org.agrona.collections.Long2ObjectHashMap;
import org.legoemu.pcomponent.model.HartTimer;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The futex wait queues of one process (futex(2), FUTEX_WAIT(2const), FUTEX_WAKE(2const), FUTEX_WAIT_BITSET,
 * FUTEX_WAKE_BITSET, FUTEX_REQUEUE, FUTEX_CMP_REQUEUE). Queues are keyed by the futex word's guest virtual
 * address: all threads of a process share one address space, and private and shared futexes of one process are
 * therefore the same thing here. One lock orders every operation, so the check of the futex word in a wait and a
 * waker's dequeue are totally ordered, as the kernel's hash-bucket lock orders them: no wake-up is lost.
 */
public final class Futexes
{
    /** Bitset a plain FUTEX_WAIT/FUTEX_WAKE uses (FUTEX_BITSET_MATCH_ANY). */
    public static final int MATCH_ANY = 0xFFFF_FFFF;

    private final GuestMemory memory;
    private final ReentrantLock lock = new ReentrantLock();
    private final Long2ObjectHashMap<ArrayDeque<Waiter>> queues = new Long2ObjectHashMap<>();

    private final class Waiter
    {
        final Condition woken = lock.newCondition();
        final int bitset;
        long address;
        boolean wakeUp;
        /** The waker's modeled time and local-baseline time when it woke this waiter (docs/modeled-time.md). */
        long wakeNs;
        long wakeLocalNs;

        Waiter(final long address, final int bitset)
        {
            this.address = address;
            this.bitset = bitset;
        }
    }

    public Futexes(final GuestMemory memory)
    {
        this.memory = memory;
    }

    /**
     * Blocks while the 32-bit word at {@code address} holds {@code expected}, until woken, until
     * {@code deadlineNs} (a {@link System#nanoTime()} value; {@link Long#MAX_VALUE} for none), or until the thread
     * is interrupted. When woken, the calling hart's modeled clock moves on to the waker's ({@link
     * HartTimer#blockUntil}).
     *
     * @return 0 when woken, {@code -EAGAIN} if the word did not hold {@code expected}, {@code -ETIMEDOUT},
     * {@code -EINTR} when interrupted, {@code -EINVAL} for a misaligned address or a zero bitset.
     * @throws org.legoemu.abi.GuestFault SIGSEGV when the word is not readable (the caller returns EFAULT).
     */
    public int await(final long address, final int expected, final int bitset, final long deadlineNs)
    {
        if ((address & 3) != 0 || bitset == 0)
        {
            return -Errno.EINVAL;
        }
        lock.lock();
        try
        {
            if (readWord(address) != expected)
            {
                return -Errno.EAGAIN;
            }
            final Waiter waiter = new Waiter(address, bitset);
            queue(address).addLast(waiter);
            try
            {
                while (!waiter.wakeUp)
                {
                    if (deadlineNs == Long.MAX_VALUE)
                    {
                        waiter.woken.await();
                    }
                    else
                    {
                        final long leftNs = deadlineNs - System.nanoTime();
                        if (leftNs <= 0)
                        {
                            return -Errno.ETIMEDOUT;
                        }
                        waiter.woken.await(leftNs, TimeUnit.NANOSECONDS);
                    }
                }
                final HartTimer timer = HartTimer.current();
                if (timer != null)
                {
                    timer.blockUntil(waiter.wakeNs, waiter.wakeLocalNs);
                }
                return 0;
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return waiter.wakeUp ? 0 : -Errno.EINTR;
            }
            finally
            {
                if (!waiter.wakeUp)
                {
                    remove(waiter);
                }
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Wakes up to {@code count} waiters on {@code address} whose bitset intersects {@code bitset}, oldest first.
     *
     * @return the number woken, or {@code -EINVAL} for a misaligned address or a zero bitset.
     */
    public int wake(final long address, final int count, final int bitset)
    {
        if ((address & 3) != 0 || bitset == 0)
        {
            return -Errno.EINVAL;
        }
        lock.lock();
        try
        {
            return wakeLocked(address, count, bitset);
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * FUTEX_REQUEUE / FUTEX_CMP_REQUEUE: wakes up to {@code wakeCount} waiters on {@code from} and moves up to
     * {@code requeueCount} of the rest to {@code to}. With {@code compare}, fails with EAGAIN unless the word at
     * {@code from} holds {@code expected}.
     *
     * @return the number of waiters woken plus requeued, or {@code -EAGAIN} / {@code -EINVAL}.
     */
    public int requeue(
        final long from, final int wakeCount, final int requeueCount, final long to, final boolean compare,
        final int expected)
    {
        if ((from & 3) != 0 || (to & 3) != 0 || wakeCount < 0 || requeueCount < 0)
        {
            return -Errno.EINVAL;
        }
        lock.lock();
        try
        {
            if (compare && readWord(from) != expected)
            {
                return -Errno.EAGAIN;
            }
            final int woken = wakeLocked(from, wakeCount, MATCH_ANY);
            final ArrayDeque<Waiter> source = queues.get(from);
            int moved = 0;
            while (source != null && moved < requeueCount && !source.isEmpty())
            {
                final Waiter waiter = source.pollFirst();
                waiter.address = to;
                queue(to).addLast(waiter);
                moved++;
            }
            dropIfEmpty(from);
            return woken + moved;
        }
        finally
        {
            lock.unlock();
        }
    }

    /** Number of threads waiting on {@code address} (for tests and diagnostics). */
    public int waiters(final long address)
    {
        lock.lock();
        try
        {
            final ArrayDeque<Waiter> queue = queues.get(address);
            return queue == null ? 0 : queue.size();
        }
        finally
        {
            lock.unlock();
        }
    }

    private int wakeLocked(final long address, final int count, final int bitset)
    {
        final ArrayDeque<Waiter> queue = queues.get(address);
        int woken = 0;
        if (queue != null)
        {
            final HartTimer waker = HartTimer.current();
            final long wakeNs = waker == null ? 0 : waker.nowNs();
            final long wakeLocalNs = waker == null ? 0 : waker.localNowNs();
            final Iterator<Waiter> it = queue.iterator();
            while (woken < count && it.hasNext())
            {
                final Waiter waiter = it.next();
                if ((waiter.bitset & bitset) != 0)
                {
                    it.remove();
                    waiter.wakeUp = true;
                    waiter.wakeNs = wakeNs;
                    waiter.wakeLocalNs = wakeLocalNs;
                    waiter.woken.signal();
                    woken++;
                }
            }
            dropIfEmpty(address);
        }
        return woken;
    }

    private ArrayDeque<Waiter> queue(final long address)
    {
        ArrayDeque<Waiter> queue = queues.get(address);
        if (queue == null)
        {
            queue = new ArrayDeque<>();
            queues.put(address, queue);
        }
        return queue;
    }

    private void remove(final Waiter waiter)
    {
        final ArrayDeque<Waiter> queue = queues.get(waiter.address);
        if (queue != null)
        {
            queue.remove(waiter);
            dropIfEmpty(waiter.address);
        }
    }

    private void dropIfEmpty(final long address)
    {
        final ArrayDeque<Waiter> queue = queues.get(address);
        if (queue != null && queue.isEmpty())
        {
            queues.remove(address);
        }
    }

    private int readWord(final long address)
    {
        final byte[] b = new byte[4];
        GuestMemoryAccess.read(memory, address, b, 0, 4);
        return (b[0] & 0xFF) | (b[1] & 0xFF) << 8 | (b[2] & 0xFF) << 16 | (b[3] & 0xFF) << 24;
    }
}
