package org.legoemu.scomponent;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.Server;
import org.legoemu.fabric.inproc.InJvmTransport;
import org.legoemu.fabric.proxy.StorageProxy;

class StorageMonitorTest
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);
    private static final Endpoint GMM = new Endpoint(InJvmTransport.HOST, 900);

    @TempDir
    Path root;

    private final InJvmTransport transport = new InJvmTransport();
    private final FakeGmm fakeGmm = new FakeGmm();

    @AfterEach
    void tearDown()
    {
        transport.close();
    }

    private StorageContext context()
    {
        return new StorageContext()
            .transport(transport)
            .listenEndpoint(new Endpoint(InJvmTransport.HOST, 0))
            .gmmEndpoint(GMM)
            .rootDirectory(root)
            .timeoutNs(TIMEOUT_NS);
    }

    @Test
    void registersServesFilesThroughTheProxyAndDeregisters() throws IOException, InterruptedException
    {
        Files.writeString(root.resolve("motd"), "welcome");
        try (Server ignored = transport.serve(GMM, "gmm", fakeGmm))
        {
            final StorageMonitor monitor = new StorageMonitor(context()).start();
            assertEquals(7, monitor.componentId());
            assertEquals("register SCOMPONENT 0 " + monitor.endpoint(), fakeGmm.events.get(0));

            final StorageProxy storage = new StorageProxy(transport.connect(monitor.endpoint()), TIMEOUT_NS);
            assertEquals(7, storage.open("/motd", 0, 0).sizeBytes());
            final byte[] dst = new byte[16];
            assertEquals(7, storage.read("/motd", 0, dst, 0, dst.length));
            assertEquals("welcome", new String(dst, 0, 7, UTF_8));

            storage.open("/out", 0x41, 0600);
            assertEquals(5, storage.write("/out", -1, "hello".getBytes(UTF_8), 0, 5));
            storage.fsync("/out");
            assertArrayEquals("hello".getBytes(UTF_8), storage.readWhole("/out"));
            assertEquals(Errnos.ENOENT, assertThrows(RemoteErrorException.class,
                () -> storage.stat("/../../../etc/passwd", true)).errno());

            final long deadlineMs = System.currentTimeMillis() + 10_000;
            while (!fakeGmm.events.contains("heartbeat 7") && System.currentTimeMillis() < deadlineMs)
            {
                Thread.sleep(5);
            }
            assertTrue(fakeGmm.events.contains("heartbeat 7"), fakeGmm.events.toString());

            monitor.close();
            assertTrue(fakeGmm.events.contains("deregister 7"), fakeGmm.events.toString());
        }
    }

    @Test
    void registrationWaitsForTheGmmToComeUp() throws Exception
    {
        final CompletableFuture<StorageMonitor> starting =
            CompletableFuture.supplyAsync(() -> new StorageMonitor(context()).start());
        Thread.sleep(300);
        try (Server ignored = transport.serve(GMM, "gmm", fakeGmm))
        {
            final StorageMonitor monitor = starting.get(10, TimeUnit.SECONDS);
            assertEquals(7, monitor.componentId());
            monitor.close();
        }
    }

    @Test
    void registrationGivesUpAfterTheTimeout()
    {
        final StorageContext ctx = context().timeoutNs(TimeUnit.MILLISECONDS.toNanos(300));
        assertThrows(FabricException.class, () -> new StorageMonitor(ctx).start());
    }

    @Test
    void contextRequiresAnExistingRootDirectory() throws IOException
    {
        final Path file = Files.writeString(root.resolve("plain"), "x");
        assertThrows(IllegalArgumentException.class, () -> context().rootDirectory(root.resolve("missing")).conclude());
        assertThrows(IllegalArgumentException.class, () -> context().rootDirectory(file).conclude());
        assertThrows(IllegalStateException.class, () -> context().gmmEndpoint(null).conclude());
        assertThrows(IllegalStateException.class, () -> new StorageContext().conclude());
    }
}
