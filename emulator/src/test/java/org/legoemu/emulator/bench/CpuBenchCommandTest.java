package org.legoemu.emulator.bench;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.legoemu.emulator.Lego;
import org.legoemu.pcomponent.linux.Console;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code lego bench cpu} runs the bundled guest under both engines and reports comparable figures. */
class CpuBenchCommandTest
{
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int lego(final String... args)
    {
        final CommandLine cli = new CommandLine(new Lego(new Console(
            new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(), new ByteArrayOutputStream(), false)));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void measuresTheBundledGuestAgainstQemu() throws Exception
    {
        Assumptions.assumeTrue(QemuReference.available(), "qemu-riscv64 is not installed");
        final Path json = dir.resolve("cpu.json");
        final int status = lego("bench", "cpu", "--rounds", "1", "--repeat", "1", "--excache", "8MiB",
            "--json", json.toString());
        assertEquals(0, status, () -> out + "\n" + err);
        assertTrue(out.toString().contains("output             identical to qemu-riscv64"), out::toString);
        assertTrue(out.toString().contains("LegoEmu / qemu"), out::toString);
        final String figures = Files.readString(json);
        assertTrue(figures.contains("\"outputIdentical\" : true"), figures);
        assertTrue(figures.contains("\"wallRatioToQemu\""), figures);
    }

    @Test
    void rejectsNonsenseCounts()
    {
        assertEquals(2, lego("bench", "cpu", "--repeat", "0"));
        assertTrue(err.toString().contains("--repeat and --rounds must be at least 1"), err::toString);
    }

    @Test
    void aMissingGuestIsNamed()
    {
        Assumptions.assumeTrue(QemuReference.available(), "qemu-riscv64 is not installed");
        assertEquals(127, lego("bench", "cpu", "--guest", dir.resolve("nope").toString()));
        assertTrue(err.toString().contains("nope: no such file"), err::toString);
    }
}
