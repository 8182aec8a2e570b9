package org.legoemu.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.legoemu.gmm.GlobalManager;
import org.legoemu.gmm.ProcessPlacement;
import org.legoemu.pcomponent.excache.ExCache;

/**
 * The commit limit is the cluster's (as Linux's {@code vm.overcommit_memory=2}, over every home): two processes with
 * different homes cannot together commit more than the cluster's memory. Two mComponents of 48 MiB (a limit of
 * 96 MiB); the first {@code commitwait 40} takes and touches 40 MiB (about 49 MiB committed with its stack and image)
 * and waits; the second, on the other home, asks for as much again, which the cluster does not have: its malloc must
 * fail with ENOMEM (printing what the same binary prints under qemu-riscv64 when its malloc fails), and the first must
 * finish with qemu's output. When each home counted only its own processes, the second got its 40 MiB too (and,
 * when both heaps' vRegions had the same owner, a guest was killed as by the OOM killer at write-back).
 */
final class ClusterCommitLimitTest
{
    /** More than the guest's address space: malloc fails under qemu-riscv64 whatever the host. */
    private static final String TOO_MUCH_MIB = "1000000000";

    @TempDir
    Path root;

    @Test
    void twoProcessesOnTwoHomesCannotTogetherCommitMoreThanTheCluster() throws Exception
    {
        Assumptions.assumeTrue(GuestBinaries.qemuAvailable(), "qemu-riscv64 is not installed");
        Files.copy(GuestBinaries.BIN.resolve("commitwait"), root.resolve("commitwait"));
        final byte[] text = FailureFixtures.text();
        final List<String> args = List.of("40");
        final GuestBinaries.Outcome allocated = GuestBinaries.qemu(root, "./commitwait", args, text);
        final GuestBinaries.Outcome refused =
            GuestBinaries.qemu(root, "./commitwait", List.of(TOO_MUCH_MIB), text);
        try (EmbeddedCluster cluster = EmbeddedCluster.start(new EmbeddedCluster.Config(
            1, 2, 1L << 20, 8, "fifo", ExCache.DEFAULT_VICTIMS, true, 48L << 20, root, "inproc"),
            null, TimeUnit.SECONDS.toNanos(1)))
        {
            final GatedRun first = new GatedRun(cluster, "commitwait", args, text);
            first.awaitReading();
            final GatedRun second = new GatedRun(cluster, "commitwait", args, text);
            second.awaitReading();

            final GlobalManager gmm = cluster.gmm();
            final List<ProcessPlacement.ProcessRecord> processes = gmm.processes();
            assertEquals(2, processes.size(), "placed: " + processes);
            final int firstHome = processes.get(0).homeMComponentId();
            final int secondHome = processes.get(1).homeMComponentId();
            assertNotEquals(firstHome, secondHome, "the two processes must have different homes");
            second.stdin.gate.countDown();
            second.assertSameAs(refused, "the second process (its malloc past the cluster's memory)");
            first.stdin.gate.countDown();
            first.assertSameAs(allocated, "the first process");
            final long granted = gmm.committedBytes(firstHome) + gmm.committedBytes(secondHome);
            assertTrue(granted <= 96L << 20, "the GMM granted " + granted + " bytes of a 96 MiB cluster");
        }
    }
}
