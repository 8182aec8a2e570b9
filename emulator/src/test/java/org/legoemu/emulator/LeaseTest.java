package org.legoemu.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.legoemu.abi.Signal;
import org.legoemu.fabric.faults.FaultInjector;
import org.legoemu.fabric.faults.FaultSchedule;
import org.legoemu.fabric.sbe.ComponentState;
import org.legoemu.gmm.GmmContext;
import org.legoemu.mcomponent.MemoryMonitor;
import org.legoemu.pcomponent.ProcessResult;
import org.legoemu.pcomponent.linux.Console;

/**
 * Issue 14, false death: a pComponent cut off from the GMM for 0.8 s used to be declared DEAD and its process's memory
 * freed under the running guest, which then died of a misleading SIGSEGV. With leases, a partition shorter than the
 * pComponent's lease (3 s) changes nothing, and one longer than the lease stops the guest with SIGKILL and a clear
 * reason before the GMM frees its memory.
 */
final class LeaseTest
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(1);

    @TempDir
    Path root;

    private ProcessResult wordcountCutOffFromTheGmm(
        final long partitionMs, final ByteArrayOutputStream out, final FaultInjector faults,
        final EmbeddedCluster cluster) throws Exception
    {
        Files.copy(GuestBinaries.BIN.resolve("wordcount"), root.resolve("wordcount"));
        final GatedStdin stdin = new GatedStdin(FailureFixtures.text());
        final Thread cutter = new Thread(() ->
        {
            try
            {
                stdin.reading.await();
                faults.partitionNow(EmbeddedCluster.processorName(0), EmbeddedCluster.GMM);
                Thread.sleep(partitionMs);
                faults.heal();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            finally
            {
                stdin.gate.countDown();
            }
        });
        cutter.start();
        final ProcessResult result = cluster.run("/wordcount", List.of("./wordcount"), List.of(), "/",
            new Console(stdin, out, new ByteArrayOutputStream(), false));
        cutter.join();
        return result;
    }

    @Test
    void aPartitionShorterThanTheLeaseChangesNothing() throws Exception
    {
        Assumptions.assumeTrue(GuestBinaries.qemuAvailable(), "qemu-riscv64 is not installed");
        final FaultInjector faults = new FaultInjector(FaultSchedule.none());
        try (EmbeddedCluster cluster = EmbeddedCluster.start(config(), faults, TIMEOUT_NS))
        {
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            final ProcessResult result = wordcountCutOffFromTheGmm(1500, out, faults, cluster);

            final GuestBinaries.Outcome expected =
                GuestBinaries.qemu(root, "./wordcount", List.of(), FailureFixtures.text());
            assertEquals(null, result.signal(), String.valueOf(result.description()));
            assertEquals(expected.status(), result.exitStatus());
            assertEquals(new String(expected.stdout(), StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8));
            assertEquals(ComponentState.ALIVE,
                cluster.gmm().component(cluster.processors().get(0).componentId()).state());
            assertEquals(0, cluster.gmm().reapedProcesses(), "the GMM reaped a live process");
        }
    }

    @Test
    void aPartitionLongerThanTheLeaseStopsTheGuestBeforeItsMemoryIsFreed() throws Exception
    {
        final FaultInjector faults = new FaultInjector(FaultSchedule.none());
        try (EmbeddedCluster cluster = EmbeddedCluster.start(config(), faults, TIMEOUT_NS))
        {
            final long leaseMs = TimeUnit.NANOSECONDS.toMillis(GmmContext.DEFAULT_PCOMPONENT_LEASE_NS);
            final ProcessResult result =
                wordcountCutOffFromTheGmm(leaseMs + 1500, new ByteArrayOutputStream(), faults, cluster);

            assertEquals(Signal.SIGKILL, result.signal(), String.valueOf(result.description()));
            assertTrue(result.description().contains("lease ran out"), result.description());
            FailureFixtures.await(() -> cluster.gmm().reapedProcesses() == 1, "the GMM never reaped the process");
            for (final MemoryMonitor memory : cluster.memories())
            {
                FailureFixtures.await(() -> memory.framesInUse() == 0,
                    "mComponent " + memory.componentId() + " kept frames");
            }
        }
    }

    private EmbeddedCluster.Config config()
    {
        return new EmbeddedCluster.Config(1, 2, 16 * 1024, 4, "fifo", 1L << 30, root, "inproc");
    }
}
