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
}
