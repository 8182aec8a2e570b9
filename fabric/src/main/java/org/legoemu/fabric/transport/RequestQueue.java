package org.legoemu.fabric.transport;

/** Hands received requests to a server's dispatch thread. Safe to call from any thread. */
@FunctionalInterface
public interface RequestQueue
{
    /**
     * Queues one request for dispatch; the holder stays {@linkplain InboundRequest#isQueued() queued} until the
     * dispatch thread is done with its bytes (or it was answered at once).
     */
    void enqueue(InboundRequest request);

    /**
     * Queues one request for dispatch. The caller gives up {@code message}; it is never copied again.
     *
     * @param replySink     where the reply (or ErrorReply) goes.
     * @param correlationId the caller's id for the call, echoed in the reply.
     * @param message       the request message (messageHeader then body) in {@code [0, lengthBytes)}.
     * @param lengthBytes   of the message.
     */
    default void enqueue(ReplySink replySink, long correlationId, byte[] message, int lengthBytes)
    {
        enqueue(InboundRequest.wrapping(replySink, correlationId, message, lengthBytes));
    }
}
