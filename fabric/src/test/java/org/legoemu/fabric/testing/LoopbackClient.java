package org.legoemu.fabric.testing;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.Reply;
import org.legoemu.fabric.RequestHandler;
import org.legoemu.fabric.Responder;

/**
 * A Client that hands each request straight to a RequestHandler on the calling thread; for unit tests. Shared with
 * other modules through fabric's test-jar.
 */
public final class LoopbackClient implements Client
{
    private final RequestHandler handler;
    private final CapturingResponder responder = new CapturingResponder();

    public LoopbackClient(final RequestHandler handler)
    {
        this.handler = handler;
    }

    @Override
    public void call(
        final DirectBuffer request, final int offset, final int length, final Reply reply, final long timeoutNs)
    {
        responder.reset();
        handler.onRequest(request, offset, length, responder);
        if (responder.answers != 1)
        {
            throw new FabricException(5, "handler answered " + responder.answers + " times");
        }
        if (responder.errno != 0)
        {
            throw new RemoteErrorException(responder.errno, responder.text);
        }
        reply.set(responder.buffer, 0, responder.length);
    }

    @Override
    public Endpoint peer()
    {
        return new Endpoint("loopback", 1);
    }

    @Override
    public void close()
    {
    }

    /** Records one answer: reply bytes, or errno and text. */
    public static final class CapturingResponder implements Responder
    {
        public final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
        public int length;
        public int errno;
        public String text;
        public int answers;

        public void reset()
        {
            length = 0;
            errno = 0;
            text = null;
            answers = 0;
        }

        @Override
        public MutableDirectBuffer buffer()
        {
            return buffer;
        }

        @Override
        public void reply(final int length)
        {
            this.length = length;
            answers++;
        }

        @Override
        public void error(final int errno, final String text)
        {
            this.errno = errno;
            this.text = text;
            answers++;
        }
    }
}
