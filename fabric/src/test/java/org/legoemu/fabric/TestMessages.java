package org.legoemu.fabric;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.legoemu.fabric.sbe.MessageHeaderDecoder;
import org.legoemu.fabric.sbe.MessageHeaderEncoder;
import org.legoemu.fabric.sbe.X2G_HEARTBEATDecoder;
import org.legoemu.fabric.sbe.X2G_HEARTBEATEncoder;

/**
 * Requests and a handler for transport tests. The request is X2G_HEARTBEAT(componentId = behaviour, load = argument);
 * the handler acts on the behaviour.
 */
public final class TestMessages
{
    /** Answer Ack(load). */
    public static final int ECHO = 0;
    /** Answer ErrorReply(errno = load, text "requested error"). */
    public static final int FAIL = 1;
    /** Sleep load milliseconds, then answer Ack(load). */
    public static final int SLEEP = 2;
    /** Throw. */
    public static final int THROW = 3;
    /** Return without answering. */
    public static final int SILENT = 4;

    private TestMessages()
    {
    }

    /** Encodes the request at offset 0 of {@code buffer}; returns its length. */
    public static int request(final MutableDirectBuffer buffer, final int behaviour, final long argument)
    {
        final X2G_HEARTBEATEncoder encoder = new X2G_HEARTBEATEncoder();
        encoder.wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder()).componentId(behaviour).load(argument);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    /** A fresh buffer holding the request. */
    public static ExpandableArrayBuffer request(final int behaviour, final long argument, final int[] lengthOut)
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        lengthOut[0] = request(buffer, behaviour, argument);
        return buffer;
    }

    /** The handler described in the class comment. */
    public static RequestHandler handler(final Runnable onSleepStart)
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final X2G_HEARTBEATDecoder decoder = new X2G_HEARTBEATDecoder();
        return (final DirectBuffer buffer, final int offset, final int length, final Responder responder) ->
        {
            decoder.wrapAndApplyHeader(buffer, offset, header.wrap(buffer, offset));
            final long argument = decoder.load();
            switch (decoder.componentId())
            {
                case ECHO:
                    responder.reply(Messages.encodeAck(responder.buffer(), argument));
                    break;
                case FAIL:
                    responder.error((int)argument, "requested error");
                    break;
                case SLEEP:
                    onSleepStart.run();
                    try
                    {
                        Thread.sleep(argument);
                    }
                    catch (final InterruptedException ex)
                    {
                        throw new IllegalStateException("interrupted", ex);
                    }
                    responder.reply(Messages.encodeAck(responder.buffer(), argument));
                    break;
                case THROW:
                    throw new IllegalArgumentException("handler blew up");
                default:
                    break;
            }
        };
    }
}
