package org.legoemu.emulator;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.legoemu.fabric.faults.FaultInjector;
import org.legoemu.fabric.faults.FaultSchedule;
import org.legoemu.gmm.VRegionPlacement;
import org.legoemu.mcomponent.MemoryMonitor;
import org.legoemu.pcomponent.ProcessResult;
import org.legoemu.pcomponent.excache.ExCache;
import org.legoemu.pcomponent.linux.Console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * mComponents reconcile with the GMM: memory a process left on mComponents its exit could not reach (partitioned
 * from its pComponent at exit) is freed once the partition heals and the GMM has said twice the pid is gone; the
 * memory of a running process is never touched, however many checks pass.
 */
class ReconciliationTest
{
    private static final long TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long RECONCILE_NS = TimeUnit.MILLISECONDS.toNanos(100);

    @TempDir
    Path root;

    @Test
    void memoryLeftByAnExitThatCouldNotReachItsMComponentsIsFreedAfterTheHeal() throws Exception
    {
        final FaultInjector faults = new FaultInjector(FaultSchedule.none());
        try (EmbeddedCluster cluster = start(faults))
        {
            final GatedStdin stdin = new GatedStdin(FailureFixtures.text());
            final AtomicReference<ProcessResult> result = new AtomicReference<>();
            final Thread guest = runWordcount(cluster, stdin, new ByteArrayOutputStream(), result);
            stdin.reading.await();
            assertTrue(cluster.memories().stream().allMatch((m) -> m.framesInUse() > 0),
                "the guest should have memory on both mComponents");
            faults.partitionNow(EmbeddedCluster.processorName(0), EmbeddedCluster.memoryName(0));
            faults.partitionNow(EmbeddedCluster.processorName(0), EmbeddedCluster.memoryName(1));
            stdin.gate.countDown();
            guest.join();
            final int pcomponentId = cluster.processors().get(0).componentId();
            FailureFixtures.await(() -> cluster.gmm().processCount(pcomponentId) == 0,
                "the GMM never forgot the process");
            assertTrue(cluster.memories().stream().anyMatch((m) -> m.framesInUse() > 0),
                "the partition should have left frames behind");
            faults.heal();
            for (final MemoryMonitor memory : cluster.memories())
            {
                FailureFixtures.await(() -> memory.framesInUse() == 0,
                    "mComponent " + memory.componentId() + " still holds " + memory.framesInUse() + " frames");
            }
            assertTrue(cluster.memories().stream().mapToLong(MemoryMonitor::reconciledPids).sum() >= 1);
        }
    }

    @Test
    void aRunningProcessIsNeverReconciled() throws Exception
    {
        try (EmbeddedCluster cluster = start(new FaultInjector(FaultSchedule.none())))
        {
            final GatedStdin stdin = new GatedStdin(FailureFixtures.text());
            final AtomicReference<ProcessResult> result = new AtomicReference<>();
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            final Thread guest = runWordcount(cluster, stdin, out, result);
            stdin.reading.await();
            final int[] frames = cluster.memories().stream().mapToInt(MemoryMonitor::framesInUse).toArray();
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(RECONCILE_NS) * 10);
            for (int i = 0; i < frames.length; i++)
            {
                assertEquals(0, cluster.memories().get(i).reconciledPids());
                assertTrue(cluster.memories().get(i).framesInUse() >= frames[i]);
            }
            stdin.gate.countDown();
            guest.join();
            assertEquals(0, result.get().exitStatus(), String.valueOf(result.get().description()));
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("20000"), out.toString(StandardCharsets.UTF_8));
        }
    }

    private EmbeddedCluster start(final FaultInjector faults) throws Exception
    {
        Files.copy(GuestBinaries.BIN.resolve("wordcount"), root.resolve("wordcount"));
        return EmbeddedCluster.start(new EmbeddedCluster.Config(1, 2, 16 * 1024, 4, "fifo", ExCache.DEFAULT_VICTIMS,
            true, 1L << 30, root, "inproc", VRegionPlacement.ROUNDROBIN), faults, TIMEOUT_NS, RECONCILE_NS);
    }

    private static Thread runWordcount(
        final EmbeddedCluster cluster, final GatedStdin stdin, final ByteArrayOutputStream out,
        final AtomicReference<ProcessResult> result)
    {
        final Thread thread = new Thread(() -> result.set(cluster.run("/wordcount", List.of("./wordcount"),
            List.of(), "/", new Console(stdin, out, new ByteArrayOutputStream(), false))), "guest");
        thread.start();
        return thread;
    }
}
