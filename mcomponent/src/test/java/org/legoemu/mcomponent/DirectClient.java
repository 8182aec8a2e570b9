package org.legoemu.mcomponent;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Messages;
import org.legoemu.fabric.Reply;
import org.legoemu.fabric.RequestHandler;
import org.legoemu.fabric.Responder;
import org.legoemu.fabric.transport.HandlerInvoker;

/**
 * A Client that hands each request to a RequestHandler on the calling thread, through the {@link HandlerInvoker}
 * every transport runs handlers with (so the request header is validated once, there), with no transport between.
 * A handler that answers a request more than once fails the call with an AssertionError; one that does not answer
 * gets ErrorReply EIO from the invoker.
 */
final class DirectClient implements Client
{
    private final HandlerInvoker invoker;
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(8192);
    private int replyLength;
    private int answers;

    DirectClient(final RequestHandler handler)
    {
        this.invoker = new HandlerInvoker("direct", (buffer, offset, length, responder) ->
            handler.onRequest(buffer, offset, length, counting(responder)));
    }

    private Responder counting(final Responder delegate)
    {
        return new Responder()
        {
            public MutableDirectBuffer buffer()
            {
                return delegate.buffer();
            }

            public void reply(final int length)
            {
                answers++;
                delegate.reply(length);
            }

            public void error(final int errno, final String text)
            {
                answers++;
                delegate.error(errno, text);
            }
        };
    }

    @Override
    public void call(
        final DirectBuffer request, final int offset, final int length, final Reply reply, final long timeoutNs)
    {
        answers = 0;
        replyLength = -1;
        invoker.invoke((correlationId, message, at, lengthBytes) ->
        {
            message.getBytes(at, out, 0, lengthBytes);
            replyLength = lengthBytes;
        }, 1, request, offset, length);
        if (replyLength < 0)
        {
            throw new AssertionError("no answer");
        }
        if (answers > 1)
        {
            throw new AssertionError("handler answered " + answers + " times");
        }
        if (Messages.isError(out, 0, replyLength))
        {
            throw Messages.decodeError(out, 0, replyLength);
        }
        reply.set(out, 0, replyLength);
    }

    @Override
    public Endpoint peer()
    {
        return new Endpoint("direct", 0);
    }

    @Override
    public void close()
    {
    }
}
