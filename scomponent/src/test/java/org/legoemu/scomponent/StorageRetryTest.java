package org.legoemu.scomponent;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.Server;
import org.legoemu.fabric.faults.Fault;
import org.legoemu.fabric.faults.FaultInjector;
import org.legoemu.fabric.faults.FaultKind;
import org.legoemu.fabric.faults.FaultSchedule;
import org.legoemu.fabric.inproc.InJvmTransport;
import org.legoemu.fabric.proxy.StorageProxy;

/**
 * Issue 14: one lost storage request or reply used to become EIO in the guest (a word count then printed short
 * counts and exited 0). Now the pComponent's {@link StorageProxy} retries every request after a transport failure,
 * and the sComponent answers a non-idempotent request it has already applied with its first outcome
 * ({@link RequestDedup}). Over a link that drops half the requests or replies, or duplicates every request, a
 * sequence of appends, an exclusive create, mkdir, rename and unlink gives exactly what it gives without faults.
 */
class StorageRetryTest
{
    private static final long TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long WINDOW_NS = TimeUnit.SECONDS.toNanos(20);
    private static final int LINES = 150;

    @TempDir
    Path root;

    private final InJvmTransport transport = new InJvmTransport();
    private FaultInjector faults;

    @AfterEach
    void tearDown()
    {
        if (faults != null)
        {
            faults.endRun();
        }
        transport.close();
    }

    private StorageProxy proxyOver(final FaultKind kind, final double probability)
    {
        faults = new FaultInjector(new FaultSchedule(7, List.of(new Fault(kind, 0, Long.MAX_VALUE,
            "pcomponent-1", FaultSchedule.SCOMPONENT, probability, 0)))).start();
        final BackupArea backups = new BackupArea(root.resolve(BackupArea.DEFAULT_DIRECTORY_NAME));
        final Server server = faults.transportFor(FaultSchedule.SCOMPONENT, transport).serve(
            new Endpoint(InJvmTransport.HOST, 0), "scomponent", new StorageAdapter(
                new FileOperations(new RootedPathResolver(root, backups.directory())), backups));
        final Endpoint endpoint = server.endpoint();
        return new StorageProxy(() -> faults.transportFor("pcomponent-1", transport).connect(endpoint),
            TIMEOUT_NS, WINDOW_NS, SystemNanoClock.INSTANCE);
    }

    private void runTheScript(final StorageProxy storage) throws Exception
    {
        storage.open("/log.txt", 0xC1, 0644); // O_WRONLY | O_CREAT | O_EXCL: EEXIST if applied twice
        final StringBuilder expected = new StringBuilder();
        for (int i = 0; i < LINES; i++)
        {
            final byte[] line = ("line " + i + "\n").getBytes(UTF_8);
            storage.write("/log.txt", -1, line, 0, line.length); // an append: written twice if applied twice
            expected.append("line ").append(i).append('\n');
        }
        storage.mkdir("/dir", 0755); // EEXIST if applied twice
        storage.rename("/log.txt", "/dir/log.txt", 0); // ENOENT if applied twice
        storage.open("/gone", 0x41, 0644);
        storage.unlink("/gone", false); // ENOENT if applied twice
        final byte[] read = new byte[expected.length() + 100];
        assertEquals(expected.length(), storage.read("/dir/log.txt", 0, read, 0, read.length));

        assertEquals(expected.toString(), Files.readString(root.resolve("dir/log.txt")));
        assertFalse(Files.exists(root.resolve("log.txt")));
        assertFalse(Files.exists(root.resolve("gone")));
        storage.close(); // whatever connection the retries left (none after a lost one)
    }

    @Test
    void droppedRequestsAndRepliesChangeNothing() throws Exception
    {
        runTheScript(proxyOver(FaultKind.DROP, 0.3));
        assertTrue(faults.events().size() > 20, "the link really dropped: " + faults.events().size());
    }

    @Test
    void duplicatedRequestsAreAppliedOnce() throws Exception
    {
        runTheScript(proxyOver(FaultKind.DUPLICATE, 1.0));
    }

    @Test
    void anSComponentGoneForGoodIsEioAfterTheWindow()
    {
        final Endpoint nowhere = new Endpoint(InJvmTransport.HOST, 4242);
        final StorageProxy storage = new StorageProxy(() -> transport.connect(nowhere), TIMEOUT_NS,
            TimeUnit.MILLISECONDS.toNanos(200), SystemNanoClock.INSTANCE);
        final long startNs = System.nanoTime();
        final FabricException ex = assertThrows(FabricException.class, () -> storage.stat("/x", true));
        assertEquals(Errnos.EIO, ex.errno());
        assertTrue(System.nanoTime() - startNs >= TimeUnit.MILLISECONDS.toNanos(200), "retried for the window");
    }
}
