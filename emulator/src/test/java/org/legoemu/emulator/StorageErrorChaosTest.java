package org.legoemu.emulator;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
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
import org.legoemu.pcomponent.ProcessResult;
import org.legoemu.pcomponent.linux.Console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code storage-error} fault: while it is in force the sComponent fails writes, truncates and fsyncs with
 * EIO, which the fileio guest sees as write(2), ftruncate(2) and fsync(2) returning -1 with errno EIO (it goes on
 * and exits, it is not killed and does not hang); the chaos harness judges the changed output an expected failure.
 */
@ExtendWith(ChaosClusterExtension.class)
class StorageErrorChaosTest
{
    private static final Fault EVERY_WRITE =
        new Fault(FaultKind.STORAGE_ERROR, 0, Long.MAX_VALUE, EmbeddedCluster.SCOMPONENT, Fault.WRITES, 1, 0);

    @Test
    void guestSeesEioFromWriteTruncateAndFsync(final ChaosCluster chaos) throws Exception
    {
        Files.copy(GuestBinaries.BIN.resolve("fileio"), chaos.root().resolve("fileio"));
        chaos.faults().inject(EVERY_WRITE);
        chaos.faults().start();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ProcessResult result = chaos.cluster().run("/fileio", List.of("./fileio"), List.of(), "/",
            new Console(new ByteArrayInputStream(new byte[0]), out, new ByteArrayOutputStream(), false));
        final String text = out.toString(StandardCharsets.UTF_8);
        assertNull(result.signal(), text);
        assertTrue(lineOf(text, "write ").contains("= -1 errno Input/output error"), text);
        assertTrue(lineOf(text, "fsync ").contains("= -1 errno Input/output error"), text);
        assertTrue(lineOf(text, "ftruncate").contains("= -1 errno Input/output error"), text);
        assertTrue(chaos.faults().hitsByKind().get(FaultKind.STORAGE_ERROR) >= 3);
    }

    @Test
    void harnessJudgesAStorageErrorRunAnExpectedFailure(final ChaosCluster chaos) throws Exception
    {
        Files.copy(GuestBinaries.BIN.resolve("fileio"), chaos.root().resolve("fileio"));
        final ChaosHarness harness = chaos.harness(
            new ChaosGuest("/fileio", List.of("./fileio"), List.of(), "/", new byte[0]));
        final ChaosHarness.Reference reference = harness.reference();
        assertEquals(0, reference.exitStatus(), reference.fate());
        final ChaosOutcome outcome = harness.run(new FaultSchedule(0, List.of(EVERY_WRITE)), reference);
        assertEquals(ChaosOutcome.Verdict.FAILED_AS_EXPECTED, outcome.verdict(), outcome.reason());
        assertTrue(outcome.reason().contains("storage errors"), outcome.reason());
    }

    private static String lineOf(final String text, final String prefix)
    {
        for (final String line : text.split("\n"))
        {
            if (line.startsWith(prefix))
            {
                return line;
            }
        }
        return "";
    }
}
