package org.legoemu.fabric.inproc;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.DeferredReply;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.Messages;
import org.legoemu.fabric.Reply;
import org.legoemu.fabric.RequestHandler;
import org.legoemu.fabric.Responder;
import org.legoemu.fabric.Server;
import org.legoemu.fabric.TestMessages;
import org.legoemu.fabric.sbe.MessageHeaderEncoder;
import org.legoemu.fabric.sbe.X2G_HEARTBEATEncoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link CallerRuns}: the in-JVM transport runs a handler that allows it on the calling thread. */
class CallerRunsTest
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    private static final int VALUE_AT = MessageHeaderEncoder.ENCODED_LENGTH + X2G_HEARTBEATEncoder.loadEncodingOffset();

    private final InJvmTransport transport = new InJvmTransport();
    private final ExpandableArrayBuffer request = new ExpandableArrayBuffer(64);
    private final Reply reply = new Reply();
    private final X2G_HEARTBEATEncoder encoder = new X2G_HEARTBEATEncoder();
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();

    @AfterEach
    void close()
    {
        transport.close();
    }

    /** A handler answering Ack with the request's value; {@code body} runs first, with the request's buffer. */
    private static RequestHandler echo(final boolean callerRuns, final java.util.function.Consumer<DirectBuffer> body)
    {
        return new RequestHandler()
        {
            @Override
            public void onRequest(
                final DirectBuffer buffer, final int offset, final int length, final Responder responder)
            {
                body.accept(buffer);
                responder.reply(Messages.encodeAck(responder.buffer(), buffer.getLong(offset + VALUE_AT)));
            }

            @Override
            public boolean runsOnCallerThread()
            {
                return callerRuns;
            }
        };
    }

    private long call(final Client client, final long value)
    {
        encoder.wrapAndApplyHeader(request, 0, header).componentId(TestMessages.ECHO).load(value);
        client.call(request, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), reply, TIMEOUT_NS);
        return Messages.ackValue(reply);
    }

    @Test
    void aHandlerThatAllowsItRunsOnTheCallersThreadOverTheCallersBytes()
    {
        final AtomicReference<Thread> ranOn = new AtomicReference<>();
        final AtomicReference<DirectBuffer> saw = new AtomicReference<>();
        final Server inline = transport.serve(new Endpoint(InJvmTransport.HOST, 0), "inline", echo(true, b ->
        {
            ranOn.set(Thread.currentThread());
            saw.set(b);
        }));
        try (Client client = transport.connect(inline.endpoint()))
        {
            assertEquals(7, call(client, 7));
            assertSame(Thread.currentThread(), ranOn.get());
            assertSame(request, saw.get(), "the request is read where the caller encoded it");
        }
    }

    @Test
    void aDefaultHandlerStillRunsOnTheDispatchThreadOverACopy()
    {
        final AtomicReference<Thread> ranOn = new AtomicReference<>();
        final AtomicReference<DirectBuffer> saw = new AtomicReference<>();
        final Server queued = transport.serve(new Endpoint(InJvmTransport.HOST, 0), "queued", echo(false, b ->
        {
            ranOn.set(Thread.currentThread());
            saw.set(b);
        }));
        try (Client client = transport.connect(queued.endpoint()))
        {
            assertEquals(8, call(client, 8));
            assertEquals("fabric-dispatch-queued", ranOn.get().getName());
            assertNotSame(request, saw.get());
        }
    }

    @Test
    void aDeferredAnswerFromAnotherThreadReachesTheCaller()
    {
        final Server server = transport.serve(new Endpoint(InJvmTransport.HOST, 0), "deferring", new RequestHandler()
        {
            @Override
            public void onRequest(
                final DirectBuffer buffer, final int offset, final int length, final Responder responder)
            {
                final long value = buffer.getLong(offset + VALUE_AT);
                final DeferredReply later = responder.defer();
                new Thread(() ->
                {
                    final ExpandableArrayBuffer out = new ExpandableArrayBuffer(64);
                    later.reply(out, 0, Messages.encodeAck(out, value + 1));
                }).start();
            }

            @Override
            public boolean runsOnCallerThread()
            {
                return true;
            }
        });
        try (Client client = transport.connect(server.endpoint()))
        {
            assertEquals(42, call(client, 41));
        }
    }

    @Test
    void aHandlerMayCallAnotherServerOnTheCallersThreadWhileTheOuterCallIsOutstanding()
    {
        final Server inner = transport.serve(new Endpoint(InJvmTransport.HOST, 0), "inner", echo(true, b -> { }));
        final Client toInner = transport.connect(inner.endpoint());
        final ExpandableArrayBuffer innerRequest = new ExpandableArrayBuffer(64);
        final Reply innerReply = new Reply();
        final AtomicReference<Long> innerAnswer = new AtomicReference<>();
        final Server outer = transport.serve(new Endpoint(InJvmTransport.HOST, 0), "outer", new RequestHandler()
        {
            @Override
            public void onRequest(
                final DirectBuffer buffer, final int offset, final int length, final Responder responder)
            {
                final long value = buffer.getLong(offset + VALUE_AT);
                final DeferredReply later = responder.defer();
                toInner.call(innerRequest, 0, TestMessages.request(innerRequest, TestMessages.ECHO, value * 10),
                    innerReply, TIMEOUT_NS);
                innerAnswer.set(Messages.ackValue(innerReply));
                final ExpandableArrayBuffer out = new ExpandableArrayBuffer(64);
                later.reply(out, 0, Messages.encodeAck(out, value + 1));
            }

            @Override
            public boolean runsOnCallerThread()
            {
                return true;
            }
        });
        try (Client client = transport.connect(outer.endpoint()))
        {
            for (long i = 1; i <= 3; i++)
            {
                assertEquals(i + 1, call(client, i), "the outer call's own answer");
                assertEquals(i * 10, innerAnswer.get(), "the nested call's own answer");
            }
        }
        toInner.close();
    }

    @Test
    void callerRunCallsAllocateNothingOnceWarm()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final Server server = transport.serve(new Endpoint(InJvmTransport.HOST, 0), "inline", echo(true, b -> { }));
        try (Client client = transport.connect(server.endpoint()))
        {
            final int calls = 20_000;
            long sum = 0;
            for (int i = 0; i < calls; i++)
            {
                sum += call(client, i);
            }
            final long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < calls; i++)
            {
                sum += call(client, i);
            }
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertEquals(2L * calls * (calls - 1) / 2, sum);
            assertTrue(allocated < calls, "the calling thread allocated " + allocated + " bytes in " + calls +
                " calls");
        }
    }

    @Test
    void closeWaitsForCallsStillInsideTheHandler() throws Exception
    {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final Server server = transport.serve(new Endpoint(InJvmTransport.HOST, 0), "inline", echo(true, b ->
        {
            entered.countDown();
            try
            {
                release.await(10, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }));
        final Client client = transport.connect(server.endpoint());
        final Thread caller = new Thread(() ->
        {
            try
            {
                final ExpandableArrayBuffer own = new ExpandableArrayBuffer(64);
                client.call(own, 0, TestMessages.request(own, TestMessages.ECHO, 1), new Reply(), TIMEOUT_NS);
            }
            catch (final FabricException expected)
            {
                // EIO: the server closed while the call was inside its handler
            }
        });
        caller.start();
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        final Thread closer = new Thread(server::close);
        closer.start();
        closer.join(100);
        assertTrue(closer.isAlive(), "close returned while a call was still inside the handler");
        release.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(10));
        assertTrue(!closer.isAlive());
        caller.join(TimeUnit.SECONDS.toMillis(10));
        client.close();
    }
}
