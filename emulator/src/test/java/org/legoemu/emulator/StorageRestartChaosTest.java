package org.legoemu.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.legoemu.emulator.chaos.ChaosCluster;
import org.legoemu.emulator.chaos.ChaosClusterExtension;
import org.legoemu.emulator.chaos.ChaosGuest;
import org.legoemu.emulator.chaos.ChaosHarness;
import org.legoemu.emulator.chaos.ChaosOutcome;
import org.legoemu.fabric.faults.Fault;
import org.legoemu.fabric.faults.FaultKind;
import org.legoemu.fabric.faults.FaultSchedule;

/**
 * Issue 14: an sComponent crash must be survived. The chaos harness restarts a crashed sComponent after a seeded
 * pause, as a supervisor would, and the guest's file operations (and its execve, which the home reads from the
 * sComponent) wait the restart out within the storage retry window, looking the sComponent up again after each failed
 * attempt. fileio (opens, writes, renames, unlinks, directory listings) gives the fault-free output whether the
 * crash comes before it starts or while it works.
 */
@ExtendWith(ChaosClusterExtension.class)
class StorageRestartChaosTest
{
    @Test
    void anSComponentCrashIsSurvivedOnceTheHarnessRestartsIt(final ChaosCluster chaos) throws Exception
    {
        Files.copy(GuestBinaries.BIN.resolve("fileio"), chaos.root().resolve("fileio"));
        final ChaosHarness harness =
            chaos.harness(new ChaosGuest("/fileio", List.of("./fileio"), List.of(), "/", new byte[0]));
        final ChaosHarness.Reference reference = harness.reference();
        assertEquals(0, reference.exitStatus(), reference.fate());
        for (final long crashAtNs : new long[] {0, reference.wallNs() / 3})
        {
            final ChaosOutcome outcome = harness.run(new FaultSchedule(crashAtNs, List.of(
                new Fault(FaultKind.CRASH, crashAtNs, Long.MAX_VALUE, EmbeddedCluster.SCOMPONENT, Fault.ANY, 1, 0))),
                reference);
            assertEquals(ChaosOutcome.Verdict.SAME_OUTPUT, outcome.verdict(),
                "crash at " + crashAtNs / 1_000_000 + " ms: " + outcome.reason());
            assertEquals(1, outcome.detectionNs().size(), "the crashed sComponent declared DEAD");
            assertTrue(outcome.hits().get(FaultKind.CRASH) > 0, outcome.hits().toString());
        }
    }
}
