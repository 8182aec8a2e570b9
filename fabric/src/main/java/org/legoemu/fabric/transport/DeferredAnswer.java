package org.legoemu.fabric.transport;

import java.util.concurrent.atomic.AtomicBoolean;

import org.agrona.DirectBuffer;
import org.legoemu.fabric.DeferredReply;

/** A {@link DeferredReply} that sends through the request's {@link ReplySink}; the first answer wins. */
final class DeferredAnswer implements DeferredReply
{
    private final ReplySink sink;
    private final long correlationId;
    private final AtomicBoolean answered = new AtomicBoolean();

    DeferredAnswer(final ReplySink sink, final long correlationId)
    {
        this.sink = sink;
        this.correlationId = correlationId;
    }

    @Override
    public boolean reply(final DirectBuffer message, final int offset, final int length)
    {
        if (!answered.compareAndSet(false, true))
        {
            return false;
        }
        sink.sendReply(correlationId, message, offset, length);
        return true;
    }

    @Override
    public boolean error(final int errno, final String text)
    {
        if (!answered.compareAndSet(false, true))
        {
            return false;
        }
        sink.sendError(correlationId, errno, text);
        return true;
    }
}
