package org.legoemu.fabric.proxy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.Server;
import org.legoemu.fabric.faults.FaultInjector;
import org.legoemu.fabric.faults.FaultSchedule;
import org.legoemu.fabric.inproc.InJvmTransport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link StorageProxy} turns an unreachable sComponent into EIO and passes the sComponent's own errnos. */
class StorageProxyEioTest
{
    private static final long TIMEOUT_NS = 20_000_000L;

    private final InJvmTransport transport = new InJvmTransport();

    @AfterEach
    void close()
    {
        transport.close();
    }

    @Test
    void nothingServingIsEio()
    {
        try (Client client = transport.connect(new Endpoint(InJvmTransport.HOST, 77)))
        {
            final FabricException ex = assertThrows(FabricException.class,
                () -> new StorageProxy(client, TIMEOUT_NS).stat("/a", true));
            assertEquals(Errnos.EIO, ex.errno());
            assertTrue(ex.getMessage().startsWith("sComponent unreachable: "), ex.getMessage());
        }
    }

    @Test
    void crashedSComponentIsEioAfterTheTimeout()
    {
        final FaultInjector faults = new FaultInjector(FaultSchedule.none());
        final Server server = faults.transportFor("scomponent", transport).serve(
            new Endpoint(InJvmTransport.HOST, 0), "scomponent",
            (buffer, offset, length, responder) -> responder.error(Errnos.ENOENT, "no such file"));
        try (Client client = faults.transportFor("pcomponent-1", transport).connect(server.endpoint()))
        {
            final StorageProxy patient = new StorageProxy(client, 10_000 * TIMEOUT_NS);
            assertEquals(Errnos.ENOENT, assertThrows(RemoteErrorException.class, () -> patient.stat("/a", true))
                .errno());
            final StorageProxy storage = new StorageProxy(client, TIMEOUT_NS);
            faults.crashNow("scomponent");
            final FabricException ex = assertThrows(FabricException.class, () -> storage.read("/a", 0, new byte[8],
                0, 8));
            assertEquals(Errnos.EIO, ex.errno());
        }
    }

    /**
     * Chaos seed 25084: while the GMM held the sComponent DEAD (a partition longer than its failure detection), its
     * lookup answered ENOENT, and the proxy gave that to the guest's mkdir. A failed lookup is retried within the
     * window like any transport failure; only the sComponent's own answer passes unchanged.
     */
    @Test
    void aFailedLookupIsRetriedAndNotTheRequestsAnswer()
    {
        final Server server = transport.serve(new Endpoint(InJvmTransport.HOST, 0), "scomponent",
            (buffer, offset, length, responder) -> responder.error(Errnos.EEXIST, "its own answer"));
        final int[] lookups = {0};
        final StorageProxy storage = new StorageProxy(() ->
        {
            if (++lookups[0] <= 3)
            {
                throw new RemoteErrorException(Errnos.ENOENT, "no live scomponent");
            }
            return transport.connect(server.endpoint());
        }, TIMEOUT_NS, 100 * TIMEOUT_NS, org.agrona.concurrent.SystemNanoClock.INSTANCE);
        assertEquals(Errnos.EEXIST, assertThrows(RemoteErrorException.class, () -> storage.mkdir("/d", 0755))
            .errno(), "the sComponent's answer, not the GMM's");
        assertTrue(lookups[0] >= 4, "looked up again after each failed lookup: " + lookups[0]);
        storage.close();

        final StorageProxy never = new StorageProxy(() ->
        {
            throw new RemoteErrorException(Errnos.ENOENT, "no live scomponent");
        }, TIMEOUT_NS, 5 * TIMEOUT_NS, org.agrona.concurrent.SystemNanoClock.INSTANCE);
        final FabricException ex = assertThrows(FabricException.class, () -> never.mkdir("/d", 0755));
        assertEquals(Errnos.EIO, ex.errno(), "past the window: EIO, " + ex.getMessage());
    }
}
