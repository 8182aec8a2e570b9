package org.legoemu.fabric.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.Messages;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.Reply;
import org.legoemu.fabric.Server;
import org.legoemu.fabric.TestMessages;
import org.legoemu.fabric.Transport;
import org.legoemu.fabric.sbe.MessageHeaderDecoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Behaviour every {@link Transport} shares; subclasses supply the transport and endpoints. */
@Timeout(60)
public abstract class AbstractTransportTest
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    protected Transport transport;
    private final CountDownLatch sleepStarted = new CountDownLatch(1);

    /** A new transport under test. */
    protected abstract Transport newTransport();

    /** An endpoint to serve on with an automatically chosen port. */
    protected abstract Endpoint anyEndpoint();

    /** An endpoint nothing serves. */
    protected abstract Endpoint unservedEndpoint();

    @BeforeEach
    void createTransport()
    {
        transport = newTransport();
    }

    @AfterEach
    void closeTransport()
    {
        transport.close();
    }

    @Test
    void servesOnAChosenPortAndAnswers()
    {
        final Server server = serve();
        assertNotEquals(0, server.endpoint().port());
        try (Client client = transport.connect(server.endpoint()))
        {
            assertEquals(server.endpoint(), client.peer());
            assertEquals(77, call(client, TestMessages.ECHO, 77, TIMEOUT_NS));
        }
    }

    @Test
    void concurrentCallsFromEightThreadsGetTheirOwnReplies() throws Exception
    {
        final Server server = serve();
        final Client client = transport.connect(server.endpoint());
        final int threads = 8;
        final int callsPerThread = 300;
        final ExecutorService executor = Executors.newFixedThreadPool(threads);
        try
        {
            final List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final long base = (long)t << 32;
                futures.add(executor.submit(() ->
                {
                    final Reply reply = new Reply();
                    final ExpandableArrayBuffer request = new ExpandableArrayBuffer(64);
                    for (int i = 0; i < callsPerThread; i++)
                    {
                        final int length = TestMessages.request(request, TestMessages.ECHO, base + i);
                        client.call(request, 0, length, reply, TIMEOUT_NS);
                        assertEquals(base + i, Messages.ackValue(reply));
                    }
                    return null;
                }));
            }
            for (final Future<?> future : futures)
            {
                future.get(50, TimeUnit.SECONDS);
            }
        }
        finally
        {
            executor.shutdownNow();
        }
    }

    @Test
    void errorReplyBecomesRemoteErrorExceptionWithTheErrno()
    {
        final Server server = serve();
        try (Client client = transport.connect(server.endpoint()))
        {
            final RemoteErrorException ex = assertThrows(RemoteErrorException.class,
                () -> call(client, TestMessages.FAIL, 2, TIMEOUT_NS));
            assertEquals(2, ex.errno());
            assertEquals("requested error", ex.getMessage());
        }
    }

    @Test
    void throwingOrSilentHandlerGivesErrorReplyEio()
    {
        final Server server = serve();
        try (Client client = transport.connect(server.endpoint()))
        {
            assertEquals(Errnos.EIO, assertThrows(RemoteErrorException.class,
                () -> call(client, TestMessages.THROW, 0, TIMEOUT_NS)).errno());
            assertEquals(Errnos.EIO, assertThrows(RemoteErrorException.class,
                () -> call(client, TestMessages.SILENT, 0, TIMEOUT_NS)).errno());
            assertEquals(5, call(client, TestMessages.ECHO, 5, TIMEOUT_NS));
        }
    }

    @Test
    void malformedRequestGetsErrorReplyEproto()
    {
        final Server server = serve();
        try (Client client = transport.connect(server.endpoint()))
        {
            final int[] length = new int[1];
            final ExpandableArrayBuffer request = TestMessages.request(TestMessages.ECHO, 1, length);
            request.putShort(MessageHeaderDecoder.schemaIdEncodingOffset(), (short)999, MessageHeaderDecoder.BYTE_ORDER);
            final Reply reply = new Reply();
            assertEquals(Errnos.EPROTO, assertThrows(RemoteErrorException.class,
                () -> client.call(request, 0, length[0], reply, TIMEOUT_NS)).errno());
            assertEquals(Errnos.EPROTO, assertThrows(RemoteErrorException.class,
                () -> client.call(request, 0, 3, reply, TIMEOUT_NS)).errno());
            assertEquals(6, call(client, TestMessages.ECHO, 6, TIMEOUT_NS));
        }
    }

    @Test
    void slowHandlerTimesOutWithEtimedoutAndTheLateReplyIsDropped()
    {
        final Server server = serve();
        try (Client client = transport.connect(server.endpoint()))
        {
            final long startNs = System.nanoTime();
            final FabricException ex = assertThrows(FabricException.class,
                () -> call(client, TestMessages.SLEEP, 2000, TimeUnit.MILLISECONDS.toNanos(100)));
            assertEquals(Errnos.ETIMEDOUT, ex.errno());
            assertTrue(System.nanoTime() - startNs < TimeUnit.MILLISECONDS.toNanos(1500));
            assertEquals(8, call(client, TestMessages.ECHO, 8, TIMEOUT_NS));
        }
    }

    @Test
    void connectingToAnUnservedEndpointIsRefused()
    {
        try (Client client = transport.connect(unservedEndpoint()))
        {
            assertEquals(Errnos.ECONNREFUSED, assertThrows(FabricException.class,
                () -> call(client, TestMessages.ECHO, 1, TIMEOUT_NS)).errno());
        }
    }

    @Test
    void serverClosedMidCallFailsThePendingCallWithEioThenRefuses() throws Exception
    {
        final Server server = serve();
        final Client client = transport.connect(server.endpoint());
        final ExecutorService executor = Executors.newFixedThreadPool(2);
        try
        {
            final Future<Integer> inHandler = executor.submit(() -> errnoOf(client, TestMessages.SLEEP, 5000));
            assertTrue(sleepStarted.await(10, TimeUnit.SECONDS));
            final Future<Integer> queued = executor.submit(() -> errnoOf(client, TestMessages.ECHO, 1));
            Thread.sleep(50);
            final long startNs = System.nanoTime();
            server.close();
            assertEquals(Errnos.EIO, (int)inHandler.get(10, TimeUnit.SECONDS));
            final int queuedErrno = queued.get(10, TimeUnit.SECONDS);
            assertTrue(queuedErrno == Errnos.ESHUTDOWN || queuedErrno == Errnos.EIO, "errno " + queuedErrno);
            assertTrue(System.nanoTime() - startNs < TimeUnit.SECONDS.toNanos(3));

            final int firstErrno = errnoOf(client, TestMessages.ECHO, 1);
            assertTrue(firstErrno == Errnos.ECONNREFUSED || firstErrno == Errnos.EIO, "errno " + firstErrno);
            assertEquals(Errnos.ECONNREFUSED, errnoOf(client, TestMessages.ECHO, 1));
        }
        finally
        {
            executor.shutdownNow();
            client.close();
        }
    }

    @Test
    void clientReconnectsToANewServerOnTheSameEndpoint()
    {
        final Server first = serve();
        final Endpoint endpoint = first.endpoint();
        try (Client client = transport.connect(endpoint))
        {
            assertEquals(1, call(client, TestMessages.ECHO, 1, TIMEOUT_NS));
            first.close();
            assertThrows(FabricException.class, () -> call(client, TestMessages.ECHO, 2, TIMEOUT_NS));
            final Server second = transport.serve(endpoint, "second", TestMessages.handler(() -> {}));
            assertEquals(endpoint, second.endpoint());
            assertEquals(3, call(client, TestMessages.ECHO, 3, TIMEOUT_NS));
        }
    }

    @Test
    void closedClientRefusesCallsWithEshutdown()
    {
        final Server server = serve();
        final Client client = transport.connect(server.endpoint());
        assertEquals(1, call(client, TestMessages.ECHO, 1, TIMEOUT_NS));
        client.close();
        assertEquals(Errnos.ESHUTDOWN, assertThrows(FabricException.class,
            () -> call(client, TestMessages.ECHO, 1, TIMEOUT_NS)).errno());
    }

    @Test
    void servingTwiceOnTheSameEndpointFails()
    {
        final Server server = serve();
        assertThrows(FabricException.class,
            () -> transport.serve(server.endpoint(), "twice", TestMessages.handler(() -> {})));
    }

    private Server serve()
    {
        return transport.serve(anyEndpoint(), "test-server", TestMessages.handler(sleepStarted::countDown));
    }

    private int errnoOf(final Client client, final int behaviour, final long argument)
    {
        try
        {
            call(client, behaviour, argument, TIMEOUT_NS);
            return 0;
        }
        catch (final FabricException ex)
        {
            return ex.errno();
        }
    }

    @Test
    void aDeferredAnswerComesFromAnotherThreadWhileTheDispatchThreadServesOthers() throws Exception
    {
        final java.util.concurrent.BlockingQueue<org.legoemu.fabric.DeferredReply> deferred =
            new java.util.concurrent.LinkedBlockingQueue<>();
        final org.legoemu.fabric.RequestHandler echo = TestMessages.handler(() -> {});
        final Server server = transport.serve(anyEndpoint(), "deferring", (buffer, offset, length, responder) ->
        {
            final org.legoemu.fabric.sbe.X2G_HEARTBEATDecoder d = new org.legoemu.fabric.sbe.X2G_HEARTBEATDecoder();
            d.wrapAndApplyHeader(buffer, offset, new MessageHeaderDecoder().wrap(buffer, offset));
            if (d.load() == 0)
            {
                deferred.add(responder.defer());
            }
            else
            {
                echo.onRequest(buffer, offset, length, responder);
            }
        });
        final Client client = transport.connect(server.endpoint());
        final ExecutorService pool = Executors.newSingleThreadExecutor();
        try
        {
            final Future<Long> waiting = pool.submit(() -> call(client, TestMessages.ECHO, 0, TIMEOUT_NS));
            final org.legoemu.fabric.DeferredReply answer = deferred.poll(10, TimeUnit.SECONDS);
            assertTrue(answer != null, "the request reached the handler");
            assertEquals(5, call(client, TestMessages.ECHO, 5, TIMEOUT_NS), "the dispatch thread is free");
            final ExpandableArrayBuffer ack = new ExpandableArrayBuffer(64);
            final int length = Messages.encodeAck(ack, 42);
            assertTrue(answer.reply(ack, 0, length));
            assertEquals(42, waiting.get(10, TimeUnit.SECONDS));
            assertTrue(!answer.error(Errnos.EIO, "too late"), "a second answer is refused");
        }
        finally
        {
            pool.shutdownNow();
            client.close();
        }
    }

    private static long call(final Client client, final int behaviour, final long argument, final long timeoutNs)
    {
        final int[] length = new int[1];
        final ExpandableArrayBuffer request = TestMessages.request(behaviour, argument, length);
        final Reply reply = new Reply();
        client.call(request, 0, length[0], reply, timeoutNs);
        return Messages.ackValue(reply);
    }
}
