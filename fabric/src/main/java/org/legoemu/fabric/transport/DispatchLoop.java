package org.legoemu.fabric.transport;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.RequestHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single dispatch thread of one server: network or in-JVM threads {@link #enqueue} requests into one
 * many-to-one queue, and this thread runs the handler on them one at a time in arrival order (FIFO), through a
 * {@link HandlerInvoker}. When idle the thread waits as {@link Backoff} says (spin, then yield, then park until the
 * next enqueue wakes it). Requests are {@link InboundRequest}s: the in-JVM transport queues each calling thread's
 * reusable one, so a call allocates nothing here.
 * <p>
 * A full queue answers ErrorReply EAGAIN at once; after {@link #close} begins, queued and new requests are answered
 * ErrorReply ESHUTDOWN.
 */
public final class DispatchLoop implements RequestQueue, AutoCloseable
{
    /** Default capacity of the request queue, in requests. */
    public static final int DEFAULT_QUEUE_CAPACITY = 64 * 1024;
    /** How long {@link #close} waits for a running handler before interrupting it. */
    public static final long CLOSE_GRACE_MS = 200;

    private static final Logger LOG = LoggerFactory.getLogger(DispatchLoop.class);
    private static final long PARK_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private final String name;
    private final HandlerInvoker invoker;
    private final ManyToOneConcurrentArrayQueue<InboundRequest> queue;
    private final Thread thread;
    private volatile boolean closing;
    private volatile boolean parked;

    /**
     * Creates and starts the dispatch thread, named {@code fabric-dispatch-NAME}.
     *
     * @param name          of the server.
     * @param handler       the application's handler.
     * @param queueCapacity of the request queue, in requests (rounded up to a power of two).
     */
    public DispatchLoop(final String name, final RequestHandler handler, final int queueCapacity)
    {
        this.name = name;
        this.invoker = new HandlerInvoker(name, handler);
        this.queue = new ManyToOneConcurrentArrayQueue<>(queueCapacity);
        this.thread = new Thread(this::run, "fabric-dispatch-" + name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * {@inheritDoc} A full queue answers ErrorReply EAGAIN, a closing loop ESHUTDOWN, both at once.
     */
    @Override
    public void enqueue(final InboundRequest request)
    {
        request.markQueued();
        if (closing)
        {
            refuse(request, Errnos.ESHUTDOWN, " is shutting down");
            return;
        }
        if (!queue.offer(request))
        {
            refuse(request, Errnos.EAGAIN, " request queue is full");
            return;
        }
        if (parked)
        {
            LockSupport.unpark(thread);
        }
    }

    /** Protocol errors (invalid headers) answered so far. */
    public long protocolErrorCount()
    {
        return invoker.protocolErrorCount();
    }

    /**
     * Stops dispatching: requests still queued (and any arriving now) are answered ErrorReply ESHUTDOWN; a handler
     * still running after {@link #CLOSE_GRACE_MS} is interrupted and waited for up to as long again.
     */
    @Override
    public void close()
    {
        closing = true;
        LockSupport.unpark(thread);
        if (Thread.currentThread() == thread)
        {
            return;
        }
        try
        {
            thread.join(CLOSE_GRACE_MS);
            if (thread.isAlive())
            {
                LOG.warn("{}: handler still running at close; interrupting it", name);
                thread.interrupt();
                thread.join(CLOSE_GRACE_MS);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void refuse(final InboundRequest request, final int errno, final String why)
    {
        final ReplySink sink = request.replySink();
        final long correlationId = request.correlationId();
        request.release();
        sink.sendError(correlationId, errno, name + why);
    }

    private void run()
    {
        long idleSinceNs = 0;
        while (true)
        {
            final InboundRequest request = queue.poll();
            if (request != null)
            {
                idleSinceNs = 0;
                if (closing)
                {
                    refuse(request, Errnos.ESHUTDOWN, " is shutting down");
                }
                else
                {
                    dispatch(request);
                }
            }
            else if (closing)
            {
                break;
            }
            else
            {
                final long nowNs = System.nanoTime();
                if (idleSinceNs == 0)
                {
                    idleSinceNs = nowNs;
                }
                if (!Backoff.pause(nowNs - idleSinceNs))
                {
                    parked = true;
                    if (queue.isEmpty() && !closing)
                    {
                        LockSupport.parkNanos(this, PARK_NS);
                    }
                    parked = false;
                }
            }
        }
    }

    private void dispatch(final InboundRequest request)
    {
        try
        {
            invoker.invoke(request);
        }
        catch (final RuntimeException ex)
        {
            LOG.error("{}: reply could not be sent", name, ex);
        }
        finally
        {
            Thread.interrupted();
        }
    }
}
