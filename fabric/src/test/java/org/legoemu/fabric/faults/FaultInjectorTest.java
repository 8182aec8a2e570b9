package org.legoemu.fabric.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.NanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.Messages;
import org.legoemu.fabric.Reply;
import org.legoemu.fabric.Responder;
import org.legoemu.fabric.TestMessages;
import org.legoemu.fabric.Transport;
import org.legoemu.fabric.inproc.InJvmTransport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link FaultInjector} on the in-JVM transport, with a clock the test advances. */
class FaultInjectorTest
{
    private static final long TIMEOUT_NS = 2_000_000_000L;
    private static final long SHORT_TIMEOUT_NS = 20_000_000L;
    private static final long LOSSY_TIMEOUT_NS = 100_000_000L;
    private static final Endpoint ANY = new Endpoint(InJvmTransport.HOST, 0);

    private final InJvmTransport shared = new InJvmTransport();
    private final long[] now = {0};
    private final NanoClock clock = () -> now[0];
    private final AtomicInteger handled = new AtomicInteger();
    private final ExpandableArrayBuffer request = new ExpandableArrayBuffer(64);
    private final Reply reply = new Reply();

    @AfterEach
    void closeTransport()
    {
        shared.close();
    }

    @Test
    void noFaultPassesEveryRequest()
    {
        final FaultInjector injector = new FaultInjector(FaultSchedule.none(), clock).start();
        try (Client client = clientOf(injector))
        {
            for (long i = 0; i < 10; i++)
            {
                assertEquals(i, call(client, i));
            }
        }
        assertEquals(10, handled.get());
        assertTrue(injector.events().isEmpty());
    }

    @Test
    void crashedReceiverTimesOutAndCrashedSenderIsRefused()
    {
        final FaultInjector injector = new FaultInjector(new FaultSchedule(0, List.of(
            new Fault(FaultKind.CRASH, 1000, Long.MAX_VALUE, "server", Fault.ANY, 1, 0))), clock).start();
        final Transport view = injector.transportFor("server", shared);
        final var server = view.serve(ANY, "server", echo());
        try (Client client = injector.transportFor("client", shared).connect(server.endpoint());
             Client fromServer = view.connect(server.endpoint()))
        {
            assertEquals(1, call(client, 1));
            assertEquals(-1, injector.crashClockNs("server"));
            now[0] = 1000;
            final FabricException timeout = assertThrows(FabricException.class, () -> lost(client, 2));
            assertEquals(Errnos.ETIMEDOUT, timeout.errno());
            assertTrue(timeout.getMessage().contains("injected crash"), timeout.getMessage());
            assertEquals(Errnos.ESHUTDOWN, assertThrows(FabricException.class, () -> call(fromServer, 3)).errno());
            assertEquals(1000, injector.crashClockNs("server"));
        }
        assertEquals(1, handled.get());
        assertEquals(1, injector.timedOutCalls());
        assertEquals(1, injector.failedCalls());
    }

    /** Issue 14: an ErrorReply sent by a component that crashed before it arrived still reached its caller. */
    @Test
    void anErrorReplyOfAReceiverThatCrashedMeanwhileIsLostToo()
    {
        final FaultInjector injector = new FaultInjector(FaultSchedule.none(), clock).start();
        final var server = injector.transportFor("server", shared).serve(ANY, "server",
            (final DirectBuffer buffer, final int offset, final int length, final Responder responder) ->
            {
                handled.incrementAndGet();
                injector.crashNow("server");
                responder.error(Errnos.ENOENT, "answered by a component that has crashed");
            });
        try (Client client = injector.transportFor("client", shared).connect(server.endpoint()))
        {
            final FabricException ex = assertThrows(FabricException.class, () -> lost(client, 1));
            assertFalse(ex instanceof org.legoemu.fabric.RemoteErrorException, "the dead server's ErrorReply: " + ex);
            assertEquals(Errnos.ETIMEDOUT, ex.errno());
        }
        assertEquals(1, handled.get());
    }

    @Test
    void partitionFromOnePeerLeavesTheOthers()
    {
        final FaultInjector injector = new FaultInjector(FaultSchedule.none(), clock).start();
        final var gmm = injector.transportFor("gmm", shared).serve(ANY, "gmm", echo());
        final var other = injector.transportFor("other", shared).serve(ANY, "other", echo());
        final Transport cut = injector.transportFor("cut", shared);
        try (Client toGmm = cut.connect(gmm.endpoint()); Client toOther = cut.connect(other.endpoint()))
        {
            injector.partitionNow("cut", "gmm");
            assertEquals(Errnos.ETIMEDOUT, assertThrows(FabricException.class, () -> lost(toGmm, 1)).errno());
            assertEquals(2, call(toOther, 2));
            injector.heal();
            assertEquals(3, call(toGmm, 3));
        }
    }

    @Test
    void duplicateDeliversTwiceAndTheCallerSeesOneReply()
    {
        final FaultInjector injector = new FaultInjector(new FaultSchedule(0, List.of(
            new Fault(FaultKind.DUPLICATE, 0, Long.MAX_VALUE, "client", Fault.ANY, 1, 0))), clock).start();
        try (Client client = clientOf(injector))
        {
            assertEquals(5, call(client, 5));
        }
        assertEquals(2, handled.get());
        assertEquals(1L, injector.hitsByKind().get(FaultKind.DUPLICATE));
    }

    @Test
    void droppedReplyWasAppliedButTheCallerTimesOut()
    {
        final FaultInjector injector = new FaultInjector(new FaultSchedule(0, List.of(
            new Fault(FaultKind.DROP, 0, Long.MAX_VALUE, "client", Fault.ANY, 1, 0))), clock).start();
        int requestsLost = 0;
        try (Client client = clientOf(injector))
        {
            for (int i = 0; i < 20; i++)
            {
                assertEquals(Errnos.ETIMEDOUT, assertThrows(FabricException.class, () -> lost(client, 1)).errno());
            }
            for (final InjectedEvent e : injector.events())
            {
                requestsLost += e.detail().equals("request lost") ? 1 : 0;
            }
        }
        assertEquals(20 - requestsLost, handled.get());
        assertTrue(requestsLost > 0 && requestsLost < 20, "both sides are drawn: " + requestsLost);
    }

    @Test
    void faultsEndWhenTheirDurationHasPassed()
    {
        final FaultInjector injector = new FaultInjector(new FaultSchedule(0, List.of(
            new Fault(FaultKind.PARTITION, 10, 100, "client", Fault.ANY, 1, 0))), clock).start();
        try (Client client = clientOf(injector))
        {
            assertEquals(1, call(client, 1));
            now[0] = 50;
            assertThrows(FabricException.class, () -> lost(client, 2));
            now[0] = 110;
            assertEquals(3, call(client, 3));
        }
    }

    @Test
    void storageErrorsFailWritesAndOnlyReadsWhenAskedWhileInForce()
    {
        final FaultInjector injector = new FaultInjector(new FaultSchedule(9, List.of(
            new Fault(FaultKind.STORAGE_ERROR, 100, 100, "scomponent", Fault.WRITES, 1, 0),
            new Fault(FaultKind.STORAGE_ERROR, 300, 100, "scomponent", Fault.ANY, 1, 0))), clock);
        final StorageFaults storage = injector.storageFaultsFor("scomponent");
        injector.start();
        now[0] = 50;
        assertFalse(storage.fails(StorageFaults.Operation.WRITE));
        now[0] = 150;
        assertTrue(storage.fails(StorageFaults.Operation.WRITE));
        assertTrue(storage.fails(StorageFaults.Operation.FSYNC));
        assertTrue(storage.fails(StorageFaults.Operation.TRUNCATE));
        assertFalse(storage.fails(StorageFaults.Operation.READ));
        assertFalse(injector.storageFaultsFor("mcomponent-1").fails(StorageFaults.Operation.WRITE));
        now[0] = 350;
        assertTrue(storage.fails(StorageFaults.Operation.READ));
        now[0] = 450;
        assertFalse(storage.fails(StorageFaults.Operation.WRITE));
        assertEquals(4, injector.hitsByKind().get(FaultKind.STORAGE_ERROR));
        assertEquals("+0.000ms storage-error scomponent->storage #1 write failed: EIO",
            injector.events().get(0).toString());
    }

    @Test
    void sameSeedAppliesTheSameFaultsToTheSameRequests()
    {
        final List<String> first = lossyRun(42);
        final List<String> second = lossyRun(42);
        assertEquals(first, second);
        assertFalse(first.isEmpty());
        assertTrue(!first.equals(lossyRun(43)), "another seed draws other requests");
    }

    private List<String> lossyRun(final long seed)
    {
        final List<Fault> faults = List.of(
            new Fault(FaultKind.DROP, 0, 500, "client", Fault.ANY, 0.2, 0),
            new Fault(FaultKind.DUPLICATE, 200, 500, "client", Fault.ANY, 0.3, 0),
            new Fault(FaultKind.DELAY, 100, 300, "client", Fault.ANY, 0.3, 10_000));
        final FaultInjector injector = new FaultInjector(new FaultSchedule(seed, faults), clock);
        now[0] = 0;
        final List<String> outcomes = new ArrayList<>();
        try (Client client = clientOf(injector))
        {
            for (int i = 0; i < 20; i++)
            {
                call(client, i);
            }
            injector.start();
            for (int i = 0; i < 60; i++)
            {
                now[0] = i * 10L;
                try
                {
                    outcomes.add(String.valueOf(call(client, i, LOSSY_TIMEOUT_NS)));
                }
                catch (final FabricException ex)
                {
                    outcomes.add("errno " + ex.errno());
                }
            }
        }
        for (final InjectedEvent e : injector.events())
        {
            outcomes.add(e.toString());
        }
        return outcomes;
    }

    private Client clientOf(final FaultInjector injector)
    {
        final var server = injector.transportFor("server", shared).serve(ANY, "server", echo());
        return injector.transportFor("client", shared).connect(server.endpoint());
    }

    private long call(final Client client, final long value)
    {
        return call(client, value, TIMEOUT_NS);
    }

    /** A call expected to time out (waits the short timeout only). */
    private long lost(final Client client, final long value)
    {
        return call(client, value, SHORT_TIMEOUT_NS);
    }

    private long call(final Client client, final long value, final long timeoutNs)
    {
        final int length = TestMessages.request(request, TestMessages.ECHO, value);
        client.call(request, 0, length, reply, timeoutNs);
        return Messages.ackValue(reply);
    }

    private org.legoemu.fabric.RequestHandler echo()
    {
        return (final DirectBuffer buffer, final int offset, final int length, final Responder responder) ->
        {
            handled.incrementAndGet();
            final long value = new org.legoemu.fabric.sbe.X2G_HEARTBEATDecoder()
                .wrapAndApplyHeader(buffer, offset, new org.legoemu.fabric.sbe.MessageHeaderDecoder()).load();
            responder.reply(Messages.encodeAck(responder.buffer(), value));
        };
    }
}
