package org.legoemu.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.legoemu.fabric.faults.FaultInjector;
import org.legoemu.fabric.faults.FaultSchedule;
import org.legoemu.fabric.sbe.ComponentState;
import org.legoemu.gmm.ComponentInfo;
import org.legoemu.gmm.GlobalManager;
import org.legoemu.gmm.ProcessPlacement;
import org.legoemu.gmm.VRegionDirectory;
import org.legoemu.gmm.VRegionPlacement;
import org.legoemu.mcomponent.MemoryMonitor;
import org.legoemu.pcomponent.excache.ExCache;

/**
 * Issue 14: a GMM restarted after a crash has no state. It used to hand out pid 1000 and component ids from 1 again,
 * so a process exec'd after the restart got the pid of one still running, and both died (SIGBUS in the old one,
 * SIGSEGV at entry in the new one). Now the members register again with their ids and the pids they hold, and the
 * pComponent's running processes are placed again: a process running through the restart and one exec'd after it
 * both print what qemu-riscv64 prints, under different pids, and every member keeps its id.
 */
final class GmmRestartTest
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(1);

    @TempDir
    Path root;

    @Test
    void aProcessRunningThroughAGmmRestartAndOneExecutedAfterItBothFinishUnderDifferentPids() throws Exception
    {
        Assumptions.assumeTrue(GuestBinaries.qemuAvailable(), "qemu-riscv64 is not installed");
        Files.copy(GuestBinaries.BIN.resolve("wordcount"), root.resolve("wordcount"));
        final byte[] text = FailureFixtures.text();
        final GuestBinaries.Outcome expected = GuestBinaries.qemu(root, "./wordcount", List.of(), text);
        try (EmbeddedCluster cluster = EmbeddedCluster.start(
            new EmbeddedCluster.Config(1, 2, 256 * 1024, 4, "fifo", 1L << 30, root, "inproc"), null, TIMEOUT_NS))
        {
            final List<Integer> idsBefore = ids(cluster.gmm());

            final GatedRun first = new GatedRun(cluster, text);
            first.awaitReading();
            final List<Integer> pidsBefore = pids(cluster.gmm());
            assertEquals(1, pidsBefore.size(), "placed before the restart: " + pidsBefore);

            final GlobalManager gmm = cluster.restartGmm(TimeUnit.MILLISECONDS.toNanos(300));
            FailureFixtures.await(() -> gmm.components().size() == idsBefore.size() &&
                gmm.components().stream().allMatch((c) -> c.state() == ComponentState.ALIVE),
                "the members did not register again: " + gmm.components());
            assertEquals(idsBefore, ids(gmm), "component ids after the GMM restart");

            final GatedRun second = new GatedRun(cluster, text);
            second.awaitReading();
            final List<Integer> pidsAfter = pids(gmm);
            assertEquals(2, pidsAfter.size(), "placed after the restart (the old pid must be placed again, the new " +
                "one must differ): " + pidsAfter);
            assertEquals(pidsBefore.get(0), pidsAfter.get(0), "the running process keeps its pid");
            assertNotEquals(pidsAfter.get(0), pidsAfter.get(1));

            second.stdin.gate.countDown();
            second.assertSameAs(expected, "the process exec'd after the restart");
            first.stdin.gate.countDown();
            first.assertSameAs(expected, "the process running through the restart");
            assertEquals(List.of(), pids(gmm), "processes left placed at the GMM");
            for (final MemoryMonitor memory : cluster.memories())
            {
                FailureFixtures.await(() -> memory.framesInUse() == 0,
                    "mComponent " + memory.componentId() + " kept frames");
            }
        }
    }

    /**
     * A restarted GMM rebuilds its vRegion directory from the mComponents (each reports, when it registers again, the
     * vRegions it owns and replicates and the homes and home standbys it holds): spanwait's memory lies in six
     * vRegions spread round-robin over three mComponents, with a 64 KiB ExCache so most of it is written back. The
     * GMM is restarted while the guest waits for its stdin, then an mComponent that owns some of those vRegions (not
     * the home) is crashed; the GMM must promote their secondaries, and the guest, reading every word back, must
     * print what qemu-riscv64 prints. Without the rebuild the GMM knows no vRegion of the process after the restart:
     * it promotes nothing, and the guest is killed by SIGBUS at its first miss to the dead owner.
     */
    @Test
    void aGuestSurvivesAnMComponentCrashAfterAGmmRestart() throws Exception
    {
        Assumptions.assumeTrue(GuestBinaries.qemuAvailable(), "qemu-riscv64 is not installed");
        Files.copy(GuestBinaries.BIN.resolve("spanwait"), root.resolve("spanwait"));
        final byte[] text = FailureFixtures.text();
        final List<String> args = List.of("2", "4");
        final GuestBinaries.Outcome expected = GuestBinaries.qemu(root, "./spanwait", args, text);
        final FaultInjector faults = new FaultInjector(FaultSchedule.none());
        try (EmbeddedCluster cluster = EmbeddedCluster.start(new EmbeddedCluster.Config(
            1, 3, 64 * 1024, 4, "fifo", ExCache.DEFAULT_VICTIMS, true, 1L << 30, root, "inproc",
            VRegionPlacement.ROUNDROBIN), faults, TIMEOUT_NS))
        {
            final GatedRun run = new GatedRun(cluster, "spanwait", args, text);
            run.awaitReading();
            final ProcessPlacement.ProcessRecord process = cluster.gmm().processes().get(0);
            final int pid = process.pid();
            final Map<Integer, Integer> ownersBefore = owners(cluster.gmm(), pid);
            final Map<Integer, Integer> secondariesBefore = secondaries(cluster.gmm(), pid);
            assertTrue(ownersBefore.size() >= 6, "vRegions with an owner: " + ownersBefore);
            int victim = -1;
            for (int i = 0; i < cluster.memories().size() && victim < 0; i++)
            {
                final int id = cluster.memories().get(i).componentId();
                if (id != process.homeMComponentId() && ownersBefore.containsValue(id))
                {
                    victim = i;
                }
            }
            assertTrue(victim >= 0, "no mComponent but the home owns a vRegion: " + ownersBefore);

            final GlobalManager gmm = cluster.restartGmm(TimeUnit.MILLISECONDS.toNanos(300));
            FailureFixtures.await(() -> gmm.components().size() == 5 &&
                gmm.components().stream().allMatch((c) -> c.state() == ComponentState.ALIVE),
                "the members did not register again: " + gmm.components());
            // Not asserted here: without the rebuild this wait runs out, and the guest shows what it costs.
            awaitQuietly(() -> owners(gmm, pid).equals(ownersBefore) &&
                secondaries(gmm, pid).equals(secondariesBefore));

            faults.crashNow(EmbeddedCluster.memoryName(victim));
            awaitQuietly(() -> !gmm.failoverTimesNs().isEmpty());
            run.stdin.gate.countDown();
            run.assertSameAs(expected, "spanwait through a GMM restart and an mComponent crash");
            assertTrue(gmm.promotedVRegions() > 0, "the restarted GMM promoted no vRegion");
            assertEquals(0, gmm.lostVRegions(), "vRegions lost");
        }
    }

    /** Owners of every vRegion of {@code pid} that has one, by vRegion. */
    private static Map<Integer, Integer> owners(final GlobalManager gmm, final int pid)
    {
        final Map<Integer, Integer> owners = new TreeMap<>();
        for (int vregion = 0; vregion < VRegionDirectory.VREGION_COUNT; vregion++)
        {
            final int owner = gmm.vregionOwner(pid, vregion);
            if (owner >= 0)
            {
                owners.put(vregion, owner);
            }
        }
        return owners;
    }

    /** Secondaries of every vRegion of {@code pid} that has one, by vRegion. */
    private static Map<Integer, Integer> secondaries(final GlobalManager gmm, final int pid)
    {
        final Map<Integer, Integer> secondaries = new TreeMap<>();
        for (int vregion = 0; vregion < VRegionDirectory.VREGION_COUNT; vregion++)
        {
            final int secondary = gmm.vregionSecondary(pid, vregion);
            if (secondary >= 0)
            {
                secondaries.put(vregion, secondary);
            }
        }
        return secondaries;
    }

    /** Waits up to 5 s for {@code condition}, without failing. */
    private static void awaitQuietly(final BooleanSupplier condition) throws InterruptedException
    {
        final long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean() && System.nanoTime() - until < 0)
        {
            Thread.sleep(10);
        }
    }

    private static List<Integer> ids(final GlobalManager gmm)
    {
        return gmm.components().stream().map(ComponentInfo::componentId).sorted().collect(Collectors.toList());
    }

    private static List<Integer> pids(final GlobalManager gmm)
    {
        final List<Integer> pids = new ArrayList<>();
        for (final ProcessPlacement.ProcessRecord record : gmm.processes())
        {
            pids.add(record.pid());
        }
        return pids;
    }
}
