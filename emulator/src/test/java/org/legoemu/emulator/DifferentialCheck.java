package org.legoemu.emulator;

import org.legoemu.pcomponent.ProcessResult;
import org.legoemu.pcomponent.linux.Console;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The differential check of the fidelity suite: a guest run on an {@link EmbeddedCluster} must print exactly
 * what qemu-riscv64 prints for the same binary, arguments and stdin, and end with the same status (128+N for a
 * death by signal N, as a shell shows it). stderr is compared too unless the guest died of a signal (qemu adds
 * its own "uncaught target signal" line there).
 */
final class DifferentialCheck
{
    private DifferentialCheck()
    {
    }

    /**
     * Runs {@code guest} (a path relative to {@code root}, which is both the cluster's storage root and qemu's
     * working directory) under qemu-riscv64 and on {@code cluster}, with cwd "/" (= root), and asserts equality.
     *
     * @return the LegoEmu run's result, for further assertions.
     */
    static ProcessResult assertSameAsQemu(
        final EmbeddedCluster cluster, final Path root, final String guest, final List<String> args,
        final byte[] stdin) throws IOException, InterruptedException
    {
        final GuestBinaries.Outcome expected = GuestBinaries.qemu(root, "./" + guest, args, stdin);

        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final List<String> argv = new ArrayList<>();
        argv.add("./" + guest);
        argv.addAll(args);
        final ProcessResult result = cluster.run(
            "/" + guest, argv, List.of("LANG=C"), "/", new Console(new ByteArrayInputStream(stdin), out, err, false));

        final String what = guest + " " + args;
        assertEquals(new String(expected.stdout(), StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8),
            "stdout of " + what);
        assertArrayEquals(expected.stdout(), out.toByteArray(), "stdout bytes of " + what);
        assertEquals(expected.status(), result.exitStatus(), "exit status of " + what);
        if (result.signal() == null)
        {
            assertEquals(new String(expected.stderr(), StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                "stderr of " + what);
        }
        assertTrue(result.instructions() > 1000, "instructions retired by " + what);
        for (final var memory : cluster.memories())
        {
            assertEquals(0, memory.framesInUse(), "frames left on mComponent " + memory.componentId() + " after " +
                what);
        }
        return result;
    }
}
