package org.legoemu.emulator;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.legoemu.fabric.faults.FaultInjector;
import org.legoemu.fabric.faults.FaultSchedule;
import org.legoemu.gmm.Replication;
import org.legoemu.mcomponent.MemoryMonitor;
import org.legoemu.pcomponent.ProcessResult;
import org.legoemu.pcomponent.linux.Console;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Memory replication (issue 6, LegoOS §4.7) keeps a guest alive through the crash of an mComponent: wordcount reads
 * its input from a stdin that holds it blocked in read(2) while an mComponent is crashed (its pages and the dirty
 * lines of a 16 KiB ExCache are spread over the mComponents), then runs to the end. Its output must equal
 * qemu-riscv64's on the same input, the GMM must have promoted the dead mComponent's vRegions (and its home, when
 * it was the home) without losing any, and the survivors must hold no frame once the guest has exited.
 */
class ReplicationFailoverTest
{
    private static final long TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(300);

    @TempDir
    Path root;

    @ParameterizedTest(name = "crash of mComponent {0} of 2")
    @ValueSource(ints = {0, 1})
    void guestSurvivesTheCrashOfEitherOfTwoMComponents(final int victim) throws Exception
    {
        survives(2, victim);
    }

    @Test
    void guestSurvivesACrashAmongThree() throws Exception
    {
        survives(3, 1);
    }

    /**
     * Two crashes one after the other among three mComponents: after the first failover every vRegion and the home
     * have new replicas seeded from the survivors, so the second crash loses nothing either. Crashing mComponent 0
     * first takes the home (id order: the home is the first mComponent, its standby the next), crashing 1 first takes
     * the home's standby, whose replacement must get a checkpoint before the home dies.
     */
    @ParameterizedTest(name = "crash mComponent {0}, then {1}")
    @CsvSource({"0, 1", "1, 0"})
    void newReplicasAreSeededSoASecondCrashLosesNothing(final int first, final int second) throws Exception
    {
        final GuestBinaries.Outcome expected = qemuWordcount();
        final FaultInjector faults = new FaultInjector(FaultSchedule.none());
        try (EmbeddedCluster cluster = EmbeddedCluster.start(config(3), faults, TIMEOUT_NS))
        {
            final GatedStdin stdin = new GatedStdin(FailureFixtures.text());
            final Thread crasher = new Thread(() ->
            {
                try
                {
                    stdin.reading.await();
                    faults.crashNow(EmbeddedCluster.memoryName(first));
                    FailureFixtures.await(() -> cluster.gmm().failoverTimesNs().size() == 1, "no first failover");
                    faults.crashNow(EmbeddedCluster.memoryName(second));
                    FailureFixtures.await(() -> cluster.gmm().failoverTimesNs().size() == 2, "no second failover");
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
                finally
                {
                    stdin.gate.countDown();
                }
            }, "crasher");
            crasher.start();
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            final ByteArrayOutputStream err = new ByteArrayOutputStream();
            final ProcessResult result = run(cluster, stdin, out, err);
            FailureFixtures.joinCrasher(crasher, result);
            assertSameAs(expected, result, out, err);
            assertEquals(0, cluster.gmm().lostVRegions(), "a vRegion was lost");
            final MemoryMonitor last = cluster.memories().get(2);
            FailureFixtures.await(() -> last.framesInUse() == 0, "the last mComponent kept frames");
        }
    }

    @Test
    void withReplicationOffTheSameCrashKillsTheGuest() throws Exception
    {
        Files.copy(GuestBinaries.BIN.resolve("wordcount"), root.resolve("wordcount"));
        final FaultInjector faults = new FaultInjector(FaultSchedule.none());
        try (EmbeddedCluster cluster = EmbeddedCluster.start(config(2).withReplication(Replication.OFF), faults,
            TIMEOUT_NS))
        {
            final GatedStdin stdin = new GatedStdin(FailureFixtures.text());
            final Thread crasher = FailureFixtures.crashWhenBlocked(stdin, faults, EmbeddedCluster.memoryName(0));
            final ProcessResult result = run(cluster, stdin, new ByteArrayOutputStream(), new ByteArrayOutputStream());
            FailureFixtures.joinCrasher(crasher, result);
            assertTrue(result.signal() != null || result.exitStatus() != 0,
                "without a replica the guest cannot finish normally (killed by SIGBUS, or failing a brk or mmap its "
                    + "unreachable home cannot answer): " + result);
            assertEquals(0, cluster.gmm().promotedVRegions());
        }
    }

    /**
     * A forked child's home crashes while the child waits for its first line of input: the child's later brk and mmap
     * calls must reach the promoted home, as a launched process's do (its home proxy fails over through the GMM).
     * Without that the child dies and the parent reports it killed.
     */
    @Test
    void aForkedChildSurvivesTheCrashOfItsHome() throws Exception
    {
        Assumptions.assumeTrue(GuestBinaries.qemuAvailable(), "qemu-riscv64 is not installed");
        Files.copy(GuestBinaries.BIN.resolve("forkwc"), root.resolve("forkwc"));
        final GuestBinaries.Outcome expected = GuestBinaries.qemu(root, root.resolve("forkwc").toString(), List.of(),
            FailureFixtures.text());
        final FaultInjector faults = new FaultInjector(FaultSchedule.none());
        try (EmbeddedCluster cluster = EmbeddedCluster.start(config(2), faults, TIMEOUT_NS))
        {
            final GatedStdin stdin = new GatedStdin(FailureFixtures.text());
            final Thread crasher = FailureFixtures.crashWhenBlocked(stdin, faults, EmbeddedCluster.memoryName(0));
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            final ByteArrayOutputStream err = new ByteArrayOutputStream();
            final ProcessResult result = cluster.run("/forkwc", List.of("./forkwc"), List.of(), "/",
                new Console(stdin, out, err, false));
            FailureFixtures.joinCrasher(crasher, result);
            assertSameAs(expected, result, out, err);
            assertTrue(cluster.gmm().promotedHomes() > 0, "the crash did not take the home");
            assertEquals(0, cluster.gmm().lostVRegions(), "a vRegion was lost");
        }
    }

    private void survives(final int mcomponents, final int victim) throws Exception
    {
        final GuestBinaries.Outcome expected = qemuWordcount();
        final FaultInjector faults = new FaultInjector(FaultSchedule.none());
        try (EmbeddedCluster cluster = EmbeddedCluster.start(config(mcomponents), faults, TIMEOUT_NS))
        {
            final GatedStdin stdin = new GatedStdin(FailureFixtures.text());
            final Thread crasher = FailureFixtures.crashWhenBlocked(stdin, faults,
                EmbeddedCluster.memoryName(victim));
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            final ByteArrayOutputStream err = new ByteArrayOutputStream();
            final ProcessResult result = run(cluster, stdin, out, err);
            FailureFixtures.joinCrasher(crasher, result);
            assertSameAs(expected, result, out, err);
            final int deadId = cluster.memories().get(victim).componentId();
            FailureFixtures.await(() -> !cluster.gmm().failoverTimesNs().isEmpty(),
                "the GMM never failed over mComponent " + deadId);
            assertTrue(cluster.gmm().promotedVRegions() + cluster.gmm().promotedHomes() > 0,
                "nothing was promoted: the crash hit no memory");
            assertEquals(0, cluster.gmm().lostVRegions(), "a vRegion was lost");
            for (int i = 0; i < mcomponents; i++)
            {
                final MemoryMonitor survivor = cluster.memories().get(i);
                if (i != victim)
                {
                    FailureFixtures.await(() -> survivor.framesInUse() == 0,
                        "mComponent " + survivor.componentId() + " kept " + survivor.framesInUse() + " frames");
                }
            }
        }
    }

    /** wordcount of the fixture text under qemu-riscv64 (skips the test without qemu), copied into the root. */
    private GuestBinaries.Outcome qemuWordcount() throws Exception
    {
        Assumptions.assumeTrue(GuestBinaries.qemuAvailable(), "qemu-riscv64 is not installed");
        Files.copy(GuestBinaries.BIN.resolve("wordcount"), root.resolve("wordcount"));
        return GuestBinaries.qemu(root, root.resolve("wordcount").toString(), List.of(), FailureFixtures.text());
    }

    private static void assertSameAs(
        final GuestBinaries.Outcome expected, final ProcessResult result, final ByteArrayOutputStream out,
        final ByteArrayOutputStream err)
    {
        assertNull(result.signal(), String.valueOf(result.description()));
        assertEquals(expected.status(), result.exitStatus(), () -> "stderr: " + err);
        assertArrayEquals(expected.stdout(), out.toByteArray(), () -> "stdout differs from qemu-riscv64's: " + out
            + "; stderr: " + err);
    }

    private EmbeddedCluster.Config config(final int mcomponents)
    {
        return new EmbeddedCluster.Config(1, mcomponents, 16 * 1024, 4, "fifo", 1L << 30, root, "inproc");
    }

    private static ProcessResult run(
        final EmbeddedCluster cluster, final GatedStdin stdin, final ByteArrayOutputStream out,
        final ByteArrayOutputStream err)
    {
        return cluster.run("/wordcount", List.of("./wordcount"), List.of(), "/", new Console(stdin, out, err, false));
    }
}
