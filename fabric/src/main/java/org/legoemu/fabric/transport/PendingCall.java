package org.legoemu.fabric.transport;

import java.util.concurrent.locks.LockSupport;

import org.legoemu.fabric.Reply;

/**
 * One outstanding call of one calling thread: the thread waits on it (as {@link Backoff} says: spin, yield, then
 * park) while a network or in-JVM thread completes it by copying the reply into the caller's {@link Reply} or by
 * failing it; a completer unparks the caller only if it parked. Pooled: each thread reuses its own instance
 * ({@link #forCurrentThread}), since a thread has at most one call outstanding, and with it a reusable
 * {@link InboundRequest} for transports that hand the request to the server inside the JVM.
 */
public final class PendingCall
{
    /** Waiting for the reply. */
    public static final int WAITING = 0;
    /** The reply was copied into the holder. */
    public static final int REPLIED = 1;
    /** The call failed with {@link #failureErrno()}. */
    public static final int FAILED = 2;

    private static final int INITIAL_REQUEST_CAPACITY = 8192;
    private static final ThreadLocal<PendingCall> PER_THREAD = ThreadLocal.withInitial(PendingCall::new);

    private volatile int state;
    private volatile boolean parked;
    private InboundRequest request = InboundRequest.reusable(INITIAL_REQUEST_CAPACITY);
    private InboundRequest spareRequest = InboundRequest.reusable(INITIAL_REQUEST_CAPACITY);
    private Thread waiter;
    private boolean active;
    private PendingCall nested;
    private Reply reply;
    private long correlationId;
    private int failureErrno;
    private String failureText;

    private PendingCall()
    {
    }

    /**
     * The calling thread's reusable instance not in use by a call of this thread: the first, unless the thread makes a
     * call while its own call is still outstanding (over the in-JVM fabric a handler run on the caller's thread may
     * call another server: an mComponent sending its replication, see
     * {@link org.legoemu.fabric.Responder#onCallerThread()}); then one instance per nesting level, made once.
     */
    public static PendingCall forCurrentThread()
    {
        PendingCall call = PER_THREAD.get();
        while (call.active)
        {
            if (call.nested == null)
            {
                call.nested = new PendingCall();
            }
            call = call.nested;
        }
        return call;
    }

    /**
     * Arms this call for the current thread before it is registered and sent; it is in use until {@link #finish}.
     */
    public PendingCall prepare(final long correlationId, final Reply reply)
    {
        this.active = true;
        this.waiter = Thread.currentThread();
        this.reply = reply;
        this.correlationId = correlationId;
        this.failureErrno = 0;
        this.failureText = null;
        this.state = WAITING;
        return this;
    }

    /**
     * This thread's request holder, free to {@linkplain InboundRequest#fill fill}. The thread has two and alternates
     * between them, since a handler answers before it returns and the caller, woken by the answer, usually calls again
     * before the server's dispatch thread has let go of the previous request. If both are still queued at a server (a
     * call timed out, or a handler kept running after it answered), the busy one is left to that server and a new one
     * replaces it: only that rare case allocates.
     */
    public InboundRequest request()
    {
        final InboundRequest previous = request;
        request = spareRequest;
        spareRequest = previous;
        if (request.isQueued())
        {
            request = InboundRequest.reusable(INITIAL_REQUEST_CAPACITY);
        }
        return request;
    }

    /**
     * The call is over (answered, failed or timed out, and no completer holds it any more): the thread may reuse this
     * instance. Call in a finally block after {@link #prepare}.
     */
    public void finish()
    {
        active = false;
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
        wake();
    }

    /** Fails the call with a positive errno and wakes the caller. */
    public void signalFailed(final int errno, final String text)
    {
        failureErrno = errno;
        failureText = text;
        state = FAILED;
        wake();
    }

    private void wake()
    {
        if (parked)
        {
            LockSupport.unpark(waiter);
        }
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
        final long startNs = System.nanoTime();
        int s;
        while ((s = state) == WAITING)
        {
            final long nowNs = System.nanoTime();
            final long remainingNs = deadlineNs - nowNs;
            if (remainingNs <= 0)
            {
                break;
            }
            if (!Backoff.pause(nowNs - startNs))
            {
                parked = true;
                if (state == WAITING)
                {
                    LockSupport.parkNanos(this, remainingNs);
                }
                parked = false;
            }
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
