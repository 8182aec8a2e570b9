package org.legoemu.fabric.inproc;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void callsAllocateNothingOnceWarm()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final Server server = transport.serve(anyEndpoint(), "echo",
            (final DirectBuffer buffer, final int offset, final int length, final Responder responder) ->
                responder.reply(Messages.encodeAck(responder.buffer(), buffer.getLong(offset +
                    MessageHeaderEncoder.ENCODED_LENGTH + X2G_HEARTBEATEncoder.loadEncodingOffset()))));
        try (Client client = transport.connect(server.endpoint()))
        {
            final ExpandableArrayBuffer request = new ExpandableArrayBuffer(64);
            final Reply reply = new Reply();
            final X2G_HEARTBEATEncoder heartbeat = new X2G_HEARTBEATEncoder();
            heartbeat.wrapAndApplyHeader(request, 0, new MessageHeaderEncoder()).componentId(TestMessages.ECHO);
            final int length = MessageHeaderEncoder.ENCODED_LENGTH + heartbeat.encodedLength();
            final int calls = 20_000;
            long sum = 0;
            for (int i = 0; i < calls; i++)
            {
                heartbeat.load(i);
                client.call(request, 0, length, reply, 1_000_000_000L);
                sum += Messages.ackValue(reply);
            }
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < calls; i++)
            {
                heartbeat.load(i);
                client.call(request, 0, length, reply, 1_000_000_000L);
                sum += Messages.ackValue(reply);
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertEquals(2L * calls * (calls - 1) / 2, sum);
            assertTrue(allocated < calls, "the calling thread allocated " + allocated + " bytes in " + calls +
                " calls");
        }
    }

    @Test
    void aHandlerStillReadingItsRequestAfterAnsweringSeesItsOwnBytes() throws Exception
    {
        final CountDownLatch answered = new CountDownLatch(1);
        final CountDownLatch reread = new CountDownLatch(1);
        final AtomicLong seenAfterAnswer = new AtomicLong(-1);
        final Server slow = transport.serve(anyEndpoint(), "slow",
            (final DirectBuffer buffer, final int offset, final int length, final Responder responder) ->
            {
                final int at = offset + MessageHeaderEncoder.ENCODED_LENGTH + X2G_HEARTBEATEncoder.loadEncodingOffset();
                responder.reply(Messages.encodeAck(responder.buffer(), buffer.getLong(at)));
                answered.countDown();
                try
                {
                    reread.await(10, TimeUnit.SECONDS);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
                seenAfterAnswer.set(buffer.getLong(at));
            });
        final Server echo = transport.serve(anyEndpoint(), "echo",
            (final DirectBuffer buffer, final int offset, final int length, final Responder responder) ->
                responder.reply(Messages.encodeAck(responder.buffer(), 0)));
        try (Client toSlow = transport.connect(slow.endpoint()); Client toEcho = transport.connect(echo.endpoint()))
        {
            final ExpandableArrayBuffer request = new ExpandableArrayBuffer(64);
            final Reply reply = new Reply();
            toSlow.call(request, 0, TestMessages.request(request, TestMessages.ECHO, 4242), reply, 1_000_000_000L);
            assertEquals(4242, Messages.ackValue(reply));
            assertTrue(answered.await(10, TimeUnit.SECONDS));
            for (long i = 0; i < 4; i++)
            {
                toEcho.call(request, 0, TestMessages.request(request, TestMessages.ECHO, i), reply, 1_000_000_000L);
            }
            reread.countDown();
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (seenAfterAnswer.get() < 0 && System.nanoTime() < deadlineNs)
            {
                Thread.sleep(1);
            }
            assertEquals(4242, seenAfterAnswer.get());
        }
    }
}
