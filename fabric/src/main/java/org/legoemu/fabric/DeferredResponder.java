package org.legoemu.fabric;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A {@link Responder} over a {@link DeferredReply}, with a buffer of its own: lets a {@link RequestHandler} written
 * for the dispatch thread run on another thread after its request was deferred. Single use; not thread-safe.
 */
public final class DeferredResponder implements Responder
{
    private final DeferredReply deferred;
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(4096);
    private boolean answered;

    /**
     * @param deferred where the answer goes.
     */
    public DeferredResponder(final DeferredReply deferred)
    {
        this.deferred = deferred;
    }

    @Override
    public MutableDirectBuffer buffer()
    {
        return buffer;
    }

    @Override
    public void reply(final int length)
    {
        answered = true;
        deferred.reply(buffer, 0, length);
    }

    @Override
    public void error(final int errno, final String text)
    {
        answered = true;
        deferred.error(errno, text);
    }

    /** Whether the handler answered through this responder. */
    public boolean answered()
    {
        return answered;
    }
}
