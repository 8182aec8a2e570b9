package org.legoemu.fabric.inproc;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.agrona.DirectBuffer;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.RequestHandler;
import org.legoemu.fabric.transport.DispatchLoop;
import org.legoemu.fabric.transport.HandlerInvoker;
import org.legoemu.fabric.transport.ReplySink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an in-JVM server's handler on the calling client's thread, for a handler that
 * {@linkplain RequestHandler#runsOnCallerThread() allows it}: a call then crosses no thread at all (an ExCache miss
 * no longer waits for the server's dispatch thread to wake, nor for its own wake-up). The handler reads the request
 * where the caller encoded it (no copy) and answers through a {@link HandlerInvoker} of the calling thread's own, so
 * validation, EIO on a failing handler and deferral work as on the dispatch thread. Allocates nothing per call once
 * the thread has its invoker.
 * <p>
 * {@link #close} answers later calls ErrorReply ESHUTDOWN and waits for the calls running inside the handler, so a
 * monitor may release its memory once its server is closed, as it may once the dispatch thread has stopped.
 */
final class CallerRuns
{
    private static final Logger LOG = LoggerFactory.getLogger(CallerRuns.class);

    private final String name;
    private final ThreadLocal<HandlerInvoker> invokers;
    private final AtomicInteger inside = new AtomicInteger();
    private volatile boolean closing;

    /**
     * @param name    of the server, for error texts and log lines.
     * @param handler the server's handler; must allow {@linkplain RequestHandler#runsOnCallerThread() caller runs}.
     */
    CallerRuns(final String name, final RequestHandler handler)
    {
        this.name = name;
        this.invokers = ThreadLocal.withInitial(() -> new HandlerInvoker(name, handler, true));
    }

    /**
     * Runs the handler on one request on the calling thread; exactly one reply or ErrorReply goes to {@code sink}
     * (at once, or later from another thread if the handler deferred it).
     *
     * @param request holds the request at {@code [offset, offset+lengthBytes)}; read in place.
     */
    void invoke(
        final ReplySink sink, final long correlationId, final DirectBuffer request, final int offset,
        final int lengthBytes)
    {
        inside.incrementAndGet();
        try
        {
            if (closing)
            {
                sink.sendError(correlationId, Errnos.ESHUTDOWN, name + " is shutting down");
                return;
            }
            invokers.get().invoke(sink, correlationId, request, offset, lengthBytes);
        }
        finally
        {
            inside.decrementAndGet();
        }
    }

    /**
     * Refuses later calls and waits up to twice {@link DispatchLoop#CLOSE_GRACE_MS} for the calls inside the handler
     * to return (they do not block, so this is at most a few microseconds unless one waits for the handler's own
     * lock).
     */
    void close()
    {
        closing = true;
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2 * DispatchLoop.CLOSE_GRACE_MS);
        while (inside.get() != 0)
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                LOG.warn("{}: {} caller-run handler calls still running at close", name, inside.get());
                return;
            }
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(50));
        }
    }
}
