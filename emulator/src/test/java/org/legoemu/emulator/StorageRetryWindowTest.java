package org.legoemu.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.legoemu.fabric.Server;
import org.legoemu.fabric.faults.Fault;
import org.legoemu.fabric.faults.FaultInjector;
import org.legoemu.fabric.faults.FaultKind;
import org.legoemu.fabric.faults.FaultSchedule;
import org.legoemu.fabric.inproc.InJvmTransport;
import org.legoemu.fabric.proxy.StorageProxy;
import org.legoemu.gmm.GmmContext;
import org.legoemu.scomponent.BackupArea;
import org.legoemu.scomponent.FileOperations;
import org.legoemu.scomponent.RootedPathResolver;
import org.legoemu.scomponent.StorageAdapter;

/**
 * Chaos seed 29041 over TCP, under load: a guest's read returned EIO after its pComponent was cut off from everyone
 * for longer than the storage retry window of the embedded cluster (then ten call timeouts: 2 s with the chaos timeout)
 * and shorter than the pComponent's lease (3 s), which the guest's memory survives. The window is now at least the
 * lease plus one timeout ({@link EmbeddedCluster#retryWindowNs}): a storage request sent as a 2.5 s partition starts is
 * answered once it heals.
 */
class StorageRetryWindowTest
{
    private static final long TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long PARTITION_NS = TimeUnit.MILLISECONDS.toNanos(2500);

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

    @Test
    void aRequestWaitsOutAPartitionShorterThanThePComponentsLease() throws Exception
    {
        assertTrue(EmbeddedCluster.retryWindowNs(TIMEOUT_NS) >= GmmContext.DEFAULT_PCOMPONENT_LEASE_NS + TIMEOUT_NS,
            "the window covers the lease");
        Files.writeString(root.resolve("a.txt"), "disaggregated");
        final BackupArea backups = new BackupArea(root.resolve(BackupArea.DEFAULT_DIRECTORY_NAME));
        faults = new FaultInjector(new FaultSchedule(1, List.of(new Fault(FaultKind.PARTITION, 0, PARTITION_NS,
            "pcomponent-1", Fault.ANY, 1, 0))));
        final Server server = faults.transportFor("scomponent", transport).serve(new Endpoint(InJvmTransport.HOST, 0),
            "scomponent", new StorageAdapter(new FileOperations(new RootedPathResolver(root, backups.directory())),
                backups));
        final StorageProxy storage = new StorageProxy(
            () -> faults.transportFor("pcomponent-1", transport).connect(server.endpoint()), TIMEOUT_NS,
            EmbeddedCluster.retryWindowNs(TIMEOUT_NS), SystemNanoClock.INSTANCE);
        final byte[] dst = new byte[32];
        final long startNs = System.nanoTime();
        faults.start(); // the partition starts now, and the read at once
        assertEquals(13, storage.read("/a.txt", 0, dst, 0, dst.length), "answered after the partition");
        assertTrue(System.nanoTime() - startNs >= PARTITION_NS - TimeUnit.MILLISECONDS.toNanos(50),
            "it did wait the partition out");
        assertTrue(faults.events().size() >= 10, "the partition cut its attempts: " + faults.events().size());
        storage.close();
    }
}
