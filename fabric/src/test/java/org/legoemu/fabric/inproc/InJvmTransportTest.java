package org.legoemu.fabric.inproc;

import java.util.ArrayList;
import java.util.List;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.Messages;
import org.legoemu.fabric.Reply;
import org.legoemu.fabric.Responder;
import org.legoemu.fabric.Server;
import org.legoemu.fabric.TestMessages;
import org.legoemu.fabric.Transport;
import org.legoemu.fabric.sbe.MessageHeaderEncoder;
import org.legoemu.fabric.sbe.X2G_HEARTBEATEncoder;
import org.legoemu.fabric.transport.AbstractTransportTest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link InJvmTransport}. */
class InJvmTransportTest extends AbstractTransportTest
{
    @Override
    protected Transport newTransport()
    {
        return new InJvmTransport();
    }

    @Override
    protected Endpoint anyEndpoint()
    {
        return new Endpoint(InJvmTransport.HOST, 0);
    }

    @Override
    protected Endpoint unservedEndpoint()
    {
        return new Endpoint(InJvmTransport.HOST, 4242);
    }

    @Test
    void portsAreAssignedInOrderFromOne()
    {
        final Server first = transport.serve(anyEndpoint(), "a", TestMessages.handler(() -> {}));
        final Server second = transport.serve(anyEndpoint(), "b", TestMessages.handler(() -> {}));
        assertEquals(new Endpoint("inproc", 1), first.endpoint());
        assertEquals(new Endpoint("inproc", 2), second.endpoint());
        assertEquals("inproc:2", second.endpoint().toString());
    }

    @Test
    void nonInprocHostIsRejected()
    {
        assertEquals(Errnos.EINVAL, assertThrows(FabricException.class,
            () -> transport.serve(new Endpoint("localhost", 0), "x", TestMessages.handler(() -> {}))).errno());
    }

    @Test
    void requestsAreCopiedAndHandledInFifoOrder()
    {
        final List<Long> seen = new ArrayList<>();
        final List<DirectBuffer> buffers = new ArrayList<>();
        final Server server = transport.serve(anyEndpoint(), "fifo",
            (final DirectBuffer buffer, final int offset, final int length, final Responder responder) ->
            {
                buffers.add(buffer);
                final long value = buffer.getLong(offset + MessageHeaderEncoder.ENCODED_LENGTH +
                    X2G_HEARTBEATEncoder.loadEncodingOffset());
                seen.add(value);
                responder.reply(Messages.encodeAck(responder.buffer(), value));
            });
        try (Client client = transport.connect(server.endpoint()))
        {
            final ExpandableArrayBuffer request = new ExpandableArrayBuffer(64);
            final Reply reply = new Reply();
            for (long i = 0; i < 100; i++)
            {
                final int length = TestMessages.request(request, TestMessages.ECHO, i);
                client.call(request, 0, length, reply, 1_000_000_000L);
                assertEquals(i, Messages.ackValue(reply));
                assertNotSame(request, buffers.get(buffers.size() - 1));
            }
        }
        for (int i = 0; i < seen.size(); i++)
        {
            assertEquals(i, (long)seen.get(i));
        }
    }
}
