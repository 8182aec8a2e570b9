package org.legoemu.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/**
 * Issue 14, chaos seed 25084 over TCP: fileio's first mkdir failed with ENOENT while the sComponent was cut off from
 * everyone. The partition outlasted the GMM's failure detection (0.8 s), so the GMM declared the sComponent DEAD and
 * answered the pComponent's lookup of the sComponent, made again after the lost request, "no live scomponent"
 * (ENOENT); the storage proxy took that GMM answer for the sComponent's answer to the mkdir. A partition of the
 * sComponent shorter than the storage retry window (3.2 s with the chaos timeout of 200 ms) must not change the output,
 * and once it heals the sComponent is ALIVE again.
 */
@ExtendWith(ChaosClusterExtension.class)
class StoragePartitionChaosTest
{
    private static final long PARTITION_NS = TimeUnit.MILLISECONDS.toNanos(1500);

    private static void partitionOfTheSComponentIsSurvived(final ChaosCluster chaos) throws Exception
    {
        Files.copy(GuestBinaries.BIN.resolve("fileio"), chaos.root().resolve("fileio"));
        final ChaosHarness harness =
            chaos.harness(new ChaosGuest("/fileio", List.of("./fileio"), List.of(), "/", new byte[0]));
        final ChaosHarness.Reference reference = harness.reference();
        assertEquals(0, reference.exitStatus(), reference.fate());
        for (final long startNs : new long[] {0, reference.wallNs() / 3})
        {
            final ChaosOutcome outcome = harness.run(new FaultSchedule(startNs, List.of(new Fault(
                FaultKind.PARTITION, startNs, PARTITION_NS, EmbeddedCluster.SCOMPONENT, Fault.ANY, 1, 0))),
                reference);
            assertEquals(ChaosOutcome.Verdict.SAME_OUTPUT, outcome.verdict(),
                "partition from " + startNs / 1_000_000 + " ms: " + outcome.reason());
            assertTrue(outcome.hits().get(FaultKind.PARTITION) > 0, outcome.hits().toString());
        }
    }

    @Test
    @ChaosSettings(transport = "tcp", timeoutMs = 200)
    void overTcp(final ChaosCluster chaos) throws Exception
    {
        partitionOfTheSComponentIsSurvived(chaos);
    }

    @Test
    @ChaosSettings(timeoutMs = 200)
    void inJvm(final ChaosCluster chaos) throws Exception
    {
        partitionOfTheSComponentIsSurvived(chaos);
    }
}
