package org.legoemu.emulator.bench;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.legoemu.emulator.LegoCli;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code lego bench cpu} runs the bundled guest under both engines and reports comparable figures. */
class CpuBenchCommandTest
{
    @TempDir
    Path dir;

    private final LegoCli cli = new LegoCli();

    private int lego(final String... args)
    {
        return cli.run(args);
    }

    @Test
    void measuresTheBundledGuestAgainstQemu() throws Exception
    {
        Assumptions.assumeTrue(QemuReference.available(), "qemu-riscv64 is not installed");
        final Path json = dir.resolve("cpu.json");
        final int status = lego("bench", "cpu", "--rounds", "1", "--repeat", "1", "--excache", "8MiB",
            "--json", json.toString());
        assertEquals(0, status, () -> cli.out() + System.lineSeparator() + cli.err());
        assertTrue(cli.out().contains("output             identical to qemu-riscv64"), cli::out);
        assertTrue(cli.out().contains("LegoEmu / qemu"), cli::out);
        final String figures = Files.readString(json);
        assertTrue(figures.contains("\"outputIdentical\" : true"), figures);
        assertTrue(figures.contains("\"wallRatioToQemu\""), figures);
    }

    @Test
    void measuresTheSuiteInBothLengthsAgainstQemu() throws Exception
    {
        Assumptions.assumeTrue(QemuReference.available(), "qemu-riscv64 is not installed");
        final Path json = dir.resolve("suite.json");
        final int status = lego("bench", "cpu", "--suite", "--scale", "0.002", "--repeat", "1", "--excache", "8MiB",
            "--json", json.toString());
        assertEquals(0, status, () -> cli.out() + System.lineSeparator() + cli.err());
        for (final String guest : new String[] {"coremix", "interp", "hashtab", "fpkernel"})
        {
            assertTrue(cli.out().matches("(?s).*\\n" + guest + " +steady .*identical\\n.*"), cli::out);
            assertTrue(cli.out().matches("(?s).*\\n" + guest + " +short .*identical\\n.*"), cli::out);
        }
        assertTrue(cli.out().contains("geometric mean, steady"), cli::out);
        assertTrue(cli.out().contains("geometric mean, short"), cli::out);
        final String figures = Files.readString(json);
        assertTrue(figures.contains("\"outputIdentical\" : true"), figures);
        assertTrue(figures.contains("\"shortGeometricMeanRatio\""), figures);
    }

    @Test
    void rejectsAnUnknownSuiteLength()
    {
        assertEquals(2, lego("bench", "cpu", "--suite", "--length", "medium"));
        assertTrue(cli.err().contains("--length must be steady, short or both"), cli::err);
    }

    @Test
    void rejectsNonsenseCounts()
    {
        assertEquals(2, lego("bench", "cpu", "--repeat", "0"));
        assertTrue(cli.err().contains("--repeat and --rounds must be at least 1"), cli::err);
    }

    @Test
    void aMissingGuestIsNamed()
    {
        Assumptions.assumeTrue(QemuReference.available(), "qemu-riscv64 is not installed");
        assertEquals(127, lego("bench", "cpu", "--guest", dir.resolve("nope").toString()));
        assertTrue(cli.err().contains("nope: no such file"), cli::err);
    }
}
