package org.legoemu.emulator;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.legoemu.abi.Signal;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.faults.FaultInjector;
import org.legoemu.fabric.faults.FaultSchedule;
import org.legoemu.fabric.proxy.MemoryProxy;
import org.legoemu.fabric.sbe.ComponentState;
import org.legoemu.mcomponent.MemoryMonitor;
import org.legoemu.pcomponent.ProcessResult;
import org.legoemu.pcomponent.linux.Console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How the cluster fails where memory replication cannot help (see {@link ReplicationFailoverTest} for where it
 * does): calls to a crashed or partitioned component time out
 * with FabricException; the GMM declares crashed components DEAD; a guest whose memory was on a crashed
 * mComponent that had no replica (a single mComponent) is killed (SIGBUS, "memory component unreachable"); a pComponent crash kills its process and the
 * GMM frees its memory; an unreachable sComponent fails the guest's file operation (EIO, see StorageProxyEioTest)
 * instead of hanging. In-JVM transport, faults injected through {@link FaultInjector}.
 */
class ClusterFailureTest
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(1);

    @TempDir
    Path root;

    @Test
    void crashedMComponentTimesOutAndIsDeclaredDead()
    {
        final FaultInjector faults = new FaultInjector(FaultSchedule.none());
        try (EmbeddedCluster cluster = EmbeddedCluster.start(config(1, 2), faults, TIMEOUT_NS))
        {
            final MemoryMonitor victim = cluster.memories().get(0);
            faults.crashNow(EmbeddedCluster.memoryName(0));
            try (Client client = faults.transportFor(EmbeddedCluster.CLIENT, cluster.transport())
                .connect(victim.endpoint()))
            {
                final FabricException ex = assertThrows(FabricException.class,
                    () -> new MemoryProxy(client, TIMEOUT_NS).processExit(4242));
                assertEquals(Errnos.ETIMEDOUT, ex.errno());
                assertTrue(ex.getMessage().contains("within the timeout"), ex.getMessage());
            }
            FailureFixtures.await(
                () -> cluster.gmm().component(victim.componentId()).state() == ComponentState.DEAD,
                "the GMM never declared the crashed mComponent DEAD");
            final long detectionNs = cluster.gmm().declaredDeadAtNs(victim.componentId())
                - faults.crashClockNs(EmbeddedCluster.memoryName(0));
            assertTrue(detectionNs > 0, "declared DEAD before it crashed: " + detectionNs);
            assertEquals(ComponentState.ALIVE, cluster.gmm().component(cluster.memories().get(1).componentId())
                .state(), "the other mComponent stays ALIVE");
        }
    }

    @Test
    void guestWhoseMemoryWasOnACrashedMComponentIsKilled() throws Exception
    {
        final FaultInjector faults = new FaultInjector(FaultSchedule.none());
        try (EmbeddedCluster cluster = EmbeddedCluster.start(config(1, 1), faults, TIMEOUT_NS))
        {
            final GatedStdin stdin = new GatedStdin(FailureFixtures.text());
            final Thread crasher = FailureFixtures.crashWhenBlocked(stdin, faults, EmbeddedCluster.memoryName(0));
            final ProcessResult result = runWordcount(cluster, stdin);
            FailureFixtures.joinCrasher(crasher, result);
            assertEquals(Signal.SIGBUS, result.signal(), String.valueOf(result.description()));
            // the first request to fail may be a miss or a write-back of a dirty line (zero-filled pages need no
            // fetch, so a write-back can come first): either way the description says the memory could not be reached
            final String why = result.description();
            assertTrue(why.contains("memory component unreachable") ||
                why.startsWith("write-back of pid") && why.contains("injected crash"), why);
        }
    }

    @Test
    void pComponentCrashKillsItsProcessAndTheGmmFreesItsMemory() throws Exception
    {
        final FaultInjector faults = new FaultInjector(FaultSchedule.none());
        try (EmbeddedCluster cluster = EmbeddedCluster.start(config(1, 2), faults, TIMEOUT_NS))
        {
            final GatedStdin stdin = new GatedStdin(FailureFixtures.text());
            final Thread crasher = FailureFixtures.crashWhenBlocked(stdin, faults, EmbeddedCluster.processorName(0));
            final ProcessResult result = runWordcount(cluster, stdin);
            FailureFixtures.joinCrasher(crasher, result);
            assertNotNull(result.signal(), "a process of a crashed pComponent cannot exit normally");
            FailureFixtures.await(() -> cluster.gmm().reapedProcesses() == 1,
                "the GMM never reaped the dead pComponent's process");
            for (final MemoryMonitor memory : cluster.memories())
            {
                assertEquals(0, memory.framesInUse(), "mComponent " + memory.componentId() + " kept frames");
            }
            assertTrue(cluster.memories().stream().anyMatch((m) -> m.peakFramesInUse() > 0));
        }
    }

    @Test
    void unreachableSComponentFailsTheGuestsFileOperation() throws Exception
    {
        Files.copy(GuestBinaries.BIN.resolve("wordcount"), root.resolve("wordcount"));
        Files.write(root.resolve("input.txt"), FailureFixtures.text());
        final FaultInjector faults = new FaultInjector(FaultSchedule.none());
        try (EmbeddedCluster cluster = EmbeddedCluster.start(config(1, 1), faults, TIMEOUT_NS))
        {
            faults.partitionNow(EmbeddedCluster.processorName(0), EmbeddedCluster.SCOMPONENT);
            final ByteArrayOutputStream err = new ByteArrayOutputStream();
            final ProcessResult result = cluster.run("/wordcount", List.of("./wordcount", "/input.txt"), List.of(),
                "/", new Console(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(), err, false));
            assertEquals(null, result.signal(), result.description());
            assertEquals(1, result.exitStatus());
            assertEquals("wordcount: cannot open '/input.txt'\n", err.toString(StandardCharsets.UTF_8));
        }
    }

    private EmbeddedCluster.Config config(final int pcomponents, final int mcomponents)
    {
        return new EmbeddedCluster.Config(pcomponents, mcomponents, 16 * 1024, 4, "fifo", 1L << 30, root, "inproc");
    }

    private ProcessResult runWordcount(final EmbeddedCluster cluster, final InputStream stdin) throws IOException
    {
        Files.copy(GuestBinaries.BIN.resolve("wordcount"), root.resolve("wordcount"));
        return cluster.run("/wordcount", List.of("./wordcount"), List.of(), "/",
            new Console(stdin, new ByteArrayOutputStream(), new ByteArrayOutputStream(), false));
    }
}
