package org.legoemu.fabric.transport;

import java.util.concurrent.locks.LockSupport;

import org.legoemu.fabric.Reply;

/**
 * One outstanding call of one calling thread: the thread waits on it (spin briefly, then park) while a network or
 * in-JVM thread completes it by copying the reply into the caller's {@link Reply} or by failing it. Pooled: each
 * thread reuses its own instance ({@link #forCurrentThread}), since a thread has at most one call outstanding.
 */
public final class PendingCall
{
    /** Waiting for the reply. */
    public static final int WAITING = 0;
    /** The reply was copied into the holder. */
    public static final int REPLIED = 1;
    /** The call failed with {@link #failureErrno()}. */
    public static final int FAILED = 2;

    private static final int SPIN_LIMIT = 200;
    private static final ThreadLocal<PendingCall> PER_THREAD = ThreadLocal.withInitial(PendingCall::new);

    private volatile int state;
    private Thread waiter;
    private Reply reply;
    private long correlationId;
    private int failureErrno;
    private String failureText;

    private PendingCall()
    {
    }

    /** The calling thread's reusable instance. */
    public static PendingCall forCurrentThread()
    {
        return PER_THREAD.get();
    }

    /** Arms this call for the current thread before it is registered and sent. */
    public PendingCall prepare(final long correlationId, final Reply reply)
    {
        this.waiter = Thread.currentThread();
        this.reply = reply;
        this.correlationId = correlationId;
        this.failureErrno = 0;
        this.failureText = null;
        this.state = WAITING;
        return this;
    }

    /** The id that matches the reply to this call. */
    public long correlationId()
    {
        return correlationId;
    }

    /** The holder the completing thread copies the reply into (only after removing this call from its table). */
    public Reply reply()
    {
        return reply;
    }

    /** Publishes the reply already copied into {@link #reply()} and wakes the caller. */
    public void signalReplied()
    {
        state = REPLIED;
        LockSupport.unpark(waiter);
    }

    /** Fails the call with a positive errno and wakes the caller. */
    public void signalFailed(final int errno, final String text)
    {
        failureErrno = errno;
        failureText = text;
        state = FAILED;
        LockSupport.unpark(waiter);
    }

    /** {@link #WAITING}, {@link #REPLIED} or {@link #FAILED}. */
    public int state()
    {
        return state;
    }

    /** Errno of a failed call. */
    public int failureErrno()
    {
        return failureErrno;
    }

    /** Text of a failed call. */
    public String failureText()
    {
        return failureText;
    }

    /**
     * Waits until the call completes or {@code deadlineNs} (System.nanoTime) passes.
     *
     * @return the state when the wait ended: {@link #WAITING} means timed out.
     */
    public int awaitUntil(final long deadlineNs)
    {
        int spins = 0;
        int s;
        while ((s = state) == WAITING)
        {
            if (spins < SPIN_LIMIT)
            {
                spins++;
                Thread.onSpinWait();
                continue;
            }
            final long remainingNs = deadlineNs - System.nanoTime();
            if (remainingNs <= 0)
            {
                break;
            }
            LockSupport.parkNanos(this, remainingNs);
        }
        return s;
    }

    /** Waits, without a deadline, for a completion that is known to be under way. */
    public int awaitCompletionInProgress()
    {
        int s;
        while ((s = state) == WAITING)
        {
            Thread.onSpinWait();
        }
        return s;
    }
}
