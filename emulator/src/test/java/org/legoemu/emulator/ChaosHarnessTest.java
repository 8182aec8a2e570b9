package org.legoemu.emulator;

import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.legoemu.emulator.chaos.ChaosCluster;
import org.legoemu.emulator.chaos.ChaosClusterExtension;
import org.legoemu.emulator.chaos.ChaosGuest;
import org.legoemu.emulator.chaos.ChaosHarness;
import org.legoemu.emulator.chaos.ChaosOutcome;
import org.legoemu.emulator.chaos.ChaosSettings;
import org.legoemu.fabric.faults.Fault;
import org.legoemu.fabric.faults.FaultKind;
import org.legoemu.fabric.faults.FaultSchedule;
import org.legoemu.pcomponent.ProcessResult;
import org.legoemu.pcomponent.linux.Console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ChaosClusterExtension} and {@link ChaosHarness}: duplicated, reordered and delayed requests leave a
 * guest's output unchanged (every handler of the mComponent tolerates a duplicate delivered right after the
 * original); an mComponent crash is survived with memory replication (on by default), with the GMM's detection
 * time.
 */
@ExtendWith(ChaosClusterExtension.class)
class ChaosHarnessTest
{
    private static final List<String> SORT = List.of("./sort", "20000");

    @Test
    @ChaosSettings(seed = 5, faults = "crash,drop", count = 3, durationMs = 800)
    void extensionGivesAClusterWithTheSeededSchedule(final ChaosCluster chaos) throws Exception
    {
        assertEquals(FaultSchedule.generate(5, FaultSchedule.parseKinds("crash,drop"),
            EmbeddedCluster.componentNames(chaos.settings().config()), TimeUnit.MILLISECONDS.toNanos(800), 3),
            chaos.faults().schedule());
        Files.copy(GuestBinaries.BIN.resolve("hello"), chaos.root().resolve("hello"));
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        final ProcessResult result = chaos.cluster().run("/hello", List.of("./hello"), List.of(), "/",
            new Console(new java.io.ByteArrayInputStream(new byte[0]), out, new java.io.ByteArrayOutputStream(),
                false));
        assertEquals(0, result.exitStatus());
        assertTrue(out.size() > 0);
    }

    @Test
    void duplicatedRequestsLeaveTheOutputUnchanged(final ChaosCluster chaos) throws Exception
    {
        final ChaosOutcome outcome = runSort(chaos, List.of(
            new Fault(FaultKind.DUPLICATE, 0, Long.MAX_VALUE, "pcomponent-1", Fault.ANY, 1, 0),
            new Fault(FaultKind.DUPLICATE, 0, Long.MAX_VALUE, "mcomponent-1", Fault.ANY, 1, 0),
            new Fault(FaultKind.DUPLICATE, 0, Long.MAX_VALUE, "mcomponent-2", Fault.ANY, 1, 0)));
        assertEquals(ChaosOutcome.Verdict.SAME_OUTPUT, outcome.verdict(), outcome.reason());
        assertTrue(outcome.hits().get(FaultKind.DUPLICATE) > 100, outcome.hits().toString());
    }

    @Test
    void reorderedAndDelayedRequestsLeaveTheOutputUnchanged(final ChaosCluster chaos) throws Exception
    {
        final ChaosOutcome outcome = runSort(chaos, List.of(
            new Fault(FaultKind.REORDER, 0, Long.MAX_VALUE, "pcomponent-1", Fault.ANY, 0.3, 200_000),
            new Fault(FaultKind.DELAY, 0, Long.MAX_VALUE, "pcomponent-1", Fault.ANY, 0.1, 100_000)));
        assertEquals(ChaosOutcome.Verdict.SAME_OUTPUT, outcome.verdict(), outcome.reason());
        assertTrue(outcome.hits().get(FaultKind.REORDER) > 0, outcome.hits().toString());
    }

    @Test
    void mComponentCrashIsSurvivedWithReplicationAndIsDetected(final ChaosCluster chaos) throws Exception
    {
        final ChaosOutcome outcome = runSort(chaos, List.of(
            new Fault(FaultKind.CRASH, 0, Long.MAX_VALUE, "mcomponent-1", Fault.ANY, 1, 0)));
        assertEquals(ChaosOutcome.Verdict.SAME_OUTPUT, outcome.verdict(), outcome.reason());
        assertEquals(1, outcome.detectionNs().size());
        assertTrue(outcome.detectionNs().get(0) > 0);
    }

    private static ChaosOutcome runSort(final ChaosCluster chaos, final List<Fault> faults) throws Exception
    {
        Files.copy(GuestBinaries.BIN.resolve("sort"), chaos.root().resolve("sort"));
        final ChaosHarness harness = chaos.harness(new ChaosGuest("/sort", SORT, List.of(), "/", new byte[0]));
        final ChaosHarness.Reference reference = harness.reference();
        assertEquals(0, reference.exitStatus(), reference.fate());
        return harness.run(new FaultSchedule(0, faults), reference);
    }
}
