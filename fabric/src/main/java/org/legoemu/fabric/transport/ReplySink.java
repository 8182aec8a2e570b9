package org.legoemu.fabric.transport;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.legoemu.fabric.Messages;

/**
 * Where a server sends the reply to one request: a TCP channel or an in-JVM connection. Implementations copy the
 * bytes before returning and are safe to call from any thread.
 */
public interface ReplySink
{
    /**
     * Sends one reply message (messageHeader then body) for the request with {@code correlationId}.
     *
     * @param message     buffer holding the reply at {@code [offset, offset+lengthBytes)}; copied before return.
     * @param offset      of the reply in {@code message}, bytes.
     * @param lengthBytes of the reply.
     */
    void sendReply(long correlationId, DirectBuffer message, int offset, int lengthBytes);

    /** Encodes and sends ErrorReply (positive Linux errno, short text) for the request with {@code correlationId}. */
    default void sendError(final long correlationId, final int errno, final String text)
    {
        final ExpandableArrayBuffer scratch = ErrorScratch.BUFFER.get();
        final int length = Messages.encodeError(scratch, errno, text);
        sendReply(correlationId, scratch, 0, length);
    }

    /** Per-thread scratch buffer for error replies sent outside a handler. */
    final class ErrorScratch
    {
        static final ThreadLocal<ExpandableArrayBuffer> BUFFER =
            ThreadLocal.withInitial(() -> new ExpandableArrayBuffer(256));

        private ErrorScratch()
        {
        }
    }
}
