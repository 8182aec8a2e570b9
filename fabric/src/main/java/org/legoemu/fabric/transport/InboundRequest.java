package org.legoemu.fabric.transport;

import java.util.Queue;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One request on its way to a server's dispatch thread: the message bytes, the correlation id and where the answer
 * goes. Two kinds:
 * <ul>
 *     <li>{@linkplain #reusable() reusable}: owns a growable buffer the caller copies its request into (the in-JVM
 *     transport keeps one per calling thread, so a call allocates nothing); it is {@linkplain #isQueued() queued}
 *     from {@link DispatchLoop#enqueue(InboundRequest)} until the dispatch thread has finished with it, and must not
 *     be refilled meanwhile; a pooled one (the TCP server keeps a pool per connection) goes back to its pool when
 *     the dispatch thread lets go of it;</li>
 *     <li>{@linkplain #wrapping one-shot}: wraps a byte array the network thread copied the frame into.</li>
 * </ul>
 */
public final class InboundRequest
{
    private static final byte[] NO_BYTES = new byte[0];

    private final ExpandableArrayBuffer storage;
    private final UnsafeBuffer wrapped;
    private final Queue<InboundRequest> pool;
    private ReplySink replySink;
    private long correlationId;
    private int lengthBytes;
    private volatile boolean queued;

    private InboundRequest(
        final ExpandableArrayBuffer storage, final UnsafeBuffer wrapped, final Queue<InboundRequest> pool)
    {
        this.storage = storage;
        this.wrapped = wrapped;
        this.pool = pool;
    }

    /** A request holder with its own buffer of {@code initialCapacityBytes}, grown as needed; see {@link #fill}. */
    public static InboundRequest reusable(final int initialCapacityBytes)
    {
        return new InboundRequest(new ExpandableArrayBuffer(initialCapacityBytes), null, null);
    }

    /**
     * A reusable request holder that offers itself back to {@code pool} (thread-safe for several producers) once the
     * dispatch thread has finished with it; dropped if the pool is full.
     */
    public static InboundRequest pooled(final int initialCapacityBytes, final Queue<InboundRequest> pool)
    {
        return new InboundRequest(new ExpandableArrayBuffer(initialCapacityBytes), null, pool);
    }

    /**
     * A one-shot request over {@code message} (not copied; the caller gives it up).
     *
     * @param message     holds the request (messageHeader then body) in {@code [0, lengthBytes)}.
     * @param lengthBytes of the message.
     */
    public static InboundRequest wrapping(
        final ReplySink replySink, final long correlationId, final byte[] message, final int lengthBytes)
    {
        final InboundRequest request = new InboundRequest(null, new UnsafeBuffer(message, 0, lengthBytes), null);
        request.replySink = replySink;
        request.correlationId = correlationId;
        request.lengthBytes = lengthBytes;
        return request;
    }

    /**
     * Copies a request into this reusable holder: the one copy of the request's bytes on the way to the server.
     *
     * @param src    holds the request at {@code [offset, offset+lengthBytes)}.
     * @throws IllegalStateException if this holder is one-shot or still queued.
     */
    public InboundRequest fill(
        final ReplySink replySink, final long correlationId, final DirectBuffer src, final int offset,
        final int lengthBytes)
    {
        if (storage == null || queued)
        {
            throw new IllegalStateException(storage == null ? "one-shot request cannot be refilled" :
                "request " + this.correlationId + " is still queued");
        }
        storage.putBytes(0, src, offset, lengthBytes);
        this.replySink = replySink;
        this.correlationId = correlationId;
        this.lengthBytes = lengthBytes;
        return this;
    }

    /**
     * Makes this reusable holder ready for {@code lengthBytes} of request written straight into the returned array
     * at index 0 (by a network thread copying out of its receive buffer): the one copy on the way to the server.
     *
     * @throws IllegalStateException as {@link #fill}.
     */
    public byte[] claim(final ReplySink replySink, final long correlationId, final int lengthBytes)
    {
        if (storage == null || queued)
        {
            throw new IllegalStateException(storage == null ? "one-shot request cannot be refilled" :
                "request " + this.correlationId + " is still queued");
        }
        storage.checkLimit(lengthBytes);
        this.replySink = replySink;
        this.correlationId = correlationId;
        this.lengthBytes = lengthBytes;
        return storage.byteArray();
    }

    /** True from {@link DispatchLoop#enqueue(InboundRequest)} until the dispatch thread is done with the bytes. */
    public boolean isQueued()
    {
        return queued;
    }

    ReplySink replySink()
    {
        return replySink;
    }

    long correlationId()
    {
        return correlationId;
    }

    int lengthBytes()
    {
        return lengthBytes;
    }

    DirectBuffer message()
    {
        return storage != null ? storage : wrapped;
    }

    void markQueued()
    {
        queued = true;
    }

    /** The dispatch thread is done with this request: a reusable holder may be refilled, a one-shot one is dropped. */
    void release()
    {
        replySink = null;
        if (wrapped != null)
        {
            wrapped.wrap(NO_BYTES);
        }
        queued = false;
        if (pool != null)
        {
            pool.offer(this);
        }
    }
}
