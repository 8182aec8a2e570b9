package org.legoemu.mcomponent;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.Reply;
import org.legoemu.fabric.RequestHandler;
import org.legoemu.fabric.Responder;

/** A Client that hands each request straight to a RequestHandler on the calling thread (no transport). */
final class DirectClient implements Client
{
    private final RequestHandler handler;
    private final ExpandableArrayBuffer out = new ExpandableArrayBuffer(8192);
    private int replyLength;
    private int errno;
    private String errorText;
    private int answers;

    DirectClient(final RequestHandler handler)
    {
        this.handler = handler;
    }

    @Override
    public void call(
        final DirectBuffer request, final int offset, final int length, final Reply reply, final long timeoutNs)
    {
        answers = 0;
        errno = 0;
        handler.onRequest(request, offset, length, new Responder()
        {
            public MutableDirectBuffer buffer()
            {
                return out;
            }

            public void reply(final int len)
            {
                answers++;
                replyLength = len;
            }

            public void error(final int e, final String text)
            {
                answers++;
                errno = e;
                errorText = text;
            }
        });
        if (answers != 1)
        {
            throw new AssertionError("handler answered " + answers + " times");
        }
        if (errno != 0)
        {
            throw new RemoteErrorException(errno, errorText);
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
