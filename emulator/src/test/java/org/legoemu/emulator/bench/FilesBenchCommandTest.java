package org.legoemu.emulator.bench;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.legoemu.emulator.LegoCli;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code lego bench files} runs the four file guests as lego run processes and under qemu, and compares them. */
class FilesBenchCommandTest
{
    @TempDir
    Path dir;

    private final LegoCli cli = new LegoCli();

    @Test
    void measuresTheFileGuestsAgainstQemuWithIdenticalOutput() throws Exception
    {
        Assumptions.assumeTrue(QemuReference.available(), "qemu-riscv64 is not installed");
        final Path json = dir.resolve("files.json");
        final int status = cli.run("bench", "files", "--size", "300KiB", "--preads", "500", "--pread-file", "256KiB",
            "--repeat", "1", "--threads", "2", "--json", json.toString());
        assertEquals(0, status, () -> cli.out() + System.lineSeparator() + cli.err());
        for (final String guest : new String[] {"fileread 4KiB", "mmapscan", "histogram x2", "preadrand"})
        {
            assertTrue(cli.out().matches("(?s).*\\n" + guest + " +[0-9.]+ +[0-9.]+ +[0-9.]+x +[0-9.]+ +[0-9.]+x  "
                + "identical\\n.*"), cli::out);
        }
        assertTrue(cli.out().contains("preadrand throughput (4 KiB preads/s): host "), cli::out);
        assertTrue(cli.out().contains("| load "), cli::out);
        final String figures = Files.readString(json);
        assertTrue(figures.contains("\"outputIdentical\" : true"), figures);
        assertTrue(figures.contains("\"hostPreadsPerSecond\""), figures);
    }

    @Test
    void rejectsNonsenseCounts()
    {
        assertEquals(2, cli.run("bench", "files", "--repeat", "0"));
        assertTrue(cli.err().contains("--repeat and --threads must be at least 1"), cli::err);
    }

    @Test
    void theGeneratedTextIsDeterministicAndOfTheSizeAsked() throws Exception
    {
        final Path a = dir.resolve("a.txt");
        final Path b = dir.resolve("b.txt");
        FilesBenchCommand.writeText(a, 100_003);
        FilesBenchCommand.writeText(b, 100_003);
        assertEquals(100_003, Files.size(a));
        assertEquals(-1, Files.mismatch(a, b));
    }
}
