package org.legoemu.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.legoemu.pcomponent.linux.Console;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code lego run} as a user drives it: exit statuses, one-line errors for bad input, the summary and JSON. */
class RunCommandTest
{
    @TempDir
    static Path root;

    private final ByteArrayOutputStream guestOut = new ByteArrayOutputStream();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void copyGuests() throws Exception
    {
        for (final String guest : List.of("hello", "segv", "illegal", "sort", "eatmem"))
        {
            Files.copy(GuestBinaries.BIN.resolve(guest), root.resolve(guest));
        }
        Files.writeString(root.resolve("notes.txt"), "just text, not a program\n");
        Files.setPosixFilePermissions(root.resolve("notes.txt"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.copy(GuestBinaries.BIN.resolve("hello"), root.resolve("hello-0644"));
        Files.setPosixFilePermissions(root.resolve("hello-0644"), PosixFilePermissions.fromString("rw-r--r--"));
    }

    private int lego(final String... args)
    {
        final CommandLine cli = new CommandLine(new Lego(new Console(
            new ByteArrayInputStream(new byte[0]), guestOut, guestOut, false)));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private String errorLine()
    {
        final String text = err.toString().trim();
        assertFalse(text.contains("\tat "), "no stack trace for the user: " + text);
        return text;
    }

    @Test
    void runsAGuestAndPrintsSummaryAndJson() throws Exception
    {
        final Path json = root.resolve("stats.json");
        final int status = lego("run", "--excache", "512KiB", "--storage-root", root.toString(),
            "--stats-json", json.toString(), "--", root.resolve("hello").toString(), "x");
        assertEquals(0, status, err.toString());
        assertTrue(guestOut.toString(StandardCharsets.UTF_8).contains("x"), guestOut.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString().contains("instructions") && err.toString().contains("ExCache hits"), err.toString());
        final JsonNode stats = new ObjectMapper().readTree(json.toFile());
        assertTrue(stats.get("instructions").asLong() > 10_000);
        assertTrue(stats.get("wallSeconds").asDouble() > 0);
        assertTrue(stats.at("/excache/misses").asLong() > 0);
        assertTrue(stats.at("/excache/hits").isNumber());
        assertTrue(stats.at("/excache/evictions").isNumber());
        assertTrue(stats.at("/excache/flushes").isNumber());
        assertTrue(stats.at("/excache/missLatencyNs/p50").asLong() > 0);
        assertTrue(stats.at("/excache/missLatencyNs/p99").asLong() >= stats.at("/excache/missLatencyNs/p50").asLong());
        assertEquals(4096 * (stats.at("/excache/misses").asLong() - stats.at("/excache/victimHits").asLong()
            - stats.at("/excache/zeroFills").asLong()), stats.get("bytesFetched").asLong(),
            "every miss neither the victim buffer nor a zero-fill served fetched one line");
        assertTrue(stats.get("bytesFlushed").isNumber());
        assertEquals(8, stats.at("/excache/victimBufferLines").asInt());
        for (final String key : RunReport.COUNTER_KEYS)
        {
            assertTrue(stats.at("/excache/" + key).isNumber(), key);
            assertTrue(stats.at("/excache/process/" + key).asLong() <= stats.at("/excache/" + key).asLong(), key);
        }
        assertTrue(stats.at("/excache/process/misses").asLong() > 0, "the process's own counters");
        assertTrue(stats.at("/excache/process/missLatencyNs/p999").isNumber());
        assertEquals("inproc", stats.get("transport").asText(), "lego run's default fabric is the in-JVM one");
    }

    @Test
    void transportTcpRunsTheSameGuestOverNettyWithTheSameOutput() throws Exception
    {
        final Path json = root.resolve("tcp.json");
        assertEquals(0, lego("run", "--excache", "64KiB", "--storage-root", root.toString(), "--", root.resolve("sort")
            .toString(), "5000", "4"), err.toString());
        final String inproc = guestOut.toString(StandardCharsets.UTF_8);
        guestOut.reset();
        assertEquals(0, lego("run", "--transport", "tcp", "--excache", "64KiB", "--storage-root", root.toString(),
            "--stats-json", json.toString(), "--", root.resolve("sort").toString(), "5000", "4"), err.toString());
        assertEquals(inproc, guestOut.toString(StandardCharsets.UTF_8));
        assertEquals("tcp", new ObjectMapper().readTree(json.toFile()).get("transport").asText());
        assertEquals(ExitCodes.USAGE, lego("run", "--transport", "rdma", "--storage-root", root.toString(), "--",
            root.resolve("hello").toString()));
        assertTrue(err.toString().contains("--transport must be inproc or tcp, not 'rdma'"), err.toString());
    }

    @Test
    void smallExCacheWithoutVictimBufferPiggybacksWriteBacks() throws Exception
    {
        final Path json = root.resolve("stats.json");
        final int status = lego("run", "--excache", "32KiB", "--excache-victims", "0", "--mcomponents", "1",
            "--storage-root", root.toString(), "--stats-json", json.toString(), "--", root.resolve("sort").toString(),
            "3000", "2");
        assertEquals(0, status, err.toString());
        final JsonNode stats = new ObjectMapper().readTree(json.toFile());
        assertEquals(0, stats.at("/excache/victimHits").asLong());
        assertTrue(stats.at("/excache/piggybackedFlushes").asLong() > 0, stats.toString());
        assertTrue(stats.at("/excache/flushes").asLong() >= stats.at("/excache/piggybackedFlushes").asLong());

        assertEquals(0, lego("run", "--excache", "32KiB", "--excache-victims", "0", "--mcomponents", "1",
            "--no-excache-piggyback", "--storage-root", root.toString(), "--stats-json", json.toString(), "--",
            root.resolve("sort").toString(), "3000", "2"), err.toString());
        final JsonNode plain = new ObjectMapper().readTree(json.toFile());
        assertEquals(0, plain.at("/excache/piggybackedFlushes").asLong());
        assertTrue(plain.at("/excache/flushes").asLong() > 0, plain.toString());
    }

    @Test
    void freshHeapPagesAreZeroFilledWithoutAFetchAndTheOutputIsTheSame() throws Exception
    {
        final Path json = root.resolve("zero-fill.json");
        assertEquals(0, lego("run", "--excache", "64KiB", "--mcomponents", "1", "--storage-root", root.toString(),
            "--stats-json", json.toString(), "--", root.resolve("sort").toString(), "20000", "3"), err.toString());
        final String withZeroFill = guestOut.toString(StandardCharsets.UTF_8);
        final JsonNode on = new ObjectMapper().readTree(json.toFile());
        final long zeroFills = on.at("/excache/zeroFills").asLong();
        assertTrue(zeroFills > 0, on.toString());
        assertEquals(on.at("/excache/misses").asLong() - on.at("/excache/victimHits").asLong() - zeroFills,
            on.at("/excache/bytesFetched").asLong() / 4096, "every other miss was a fetch: " + on);
        assertEquals(0, on.at("/mcomponents/0/framesInUseAfterExit").asLong());

        guestOut.reset();
        assertEquals(0, lego("run", "--excache", "64KiB", "--mcomponents", "1", "--no-excache-zero-fill",
            "--storage-root", root.toString(), "--stats-json", json.toString(), "--", root.resolve("sort").toString(),
            "20000", "3"), err.toString());
        final JsonNode off = new ObjectMapper().readTree(json.toFile());
        assertEquals(0, off.at("/excache/zeroFills").asLong());
        assertEquals(withZeroFill, guestOut.toString(StandardCharsets.UTF_8));
        assertTrue(off.at("/excache/bytesFetched").asLong() > on.at("/excache/bytesFetched").asLong(),
            "zero-fill saved fetches: " + on.at("/excache/bytesFetched") + " vs " + off.at("/excache/bytesFetched"));
    }

    @Test
    void missingGuestIsAOneLineError()
    {
        assertEquals(ExitCodes.NOT_FOUND, lego("run", "--storage-root", root.toString(), "--", root.resolve("nope").toString()));
        assertTrue(errorLine().contains("no such file"), err.toString());
    }

    @Test
    void textFileIsNotAnElf()
    {
        assertEquals(ExitCodes.CANNOT_EXECUTE,
            lego("run", "--storage-root", root.toString(), "--", root.resolve("notes.txt").toString()));
        assertTrue(errorLine().contains("not an ELF"), err.toString());
    }

    /**
     * Issue 14: a guest that allocates past the cluster's memory used to die at write-back time (SIGBUS with a Java
     * exception class, later SIGKILL as by the OOM killer). With commit accounting at the home, as Linux with
     * vm.overcommit_memory=2, the mmap that would pass the limit fails with ENOMEM, so malloc returns NULL and eatmem
     * exits 0. qemu-riscv64 has no such limit (it would allocate until the host runs out), so the number is derived
     * instead: the limit is the cluster's 32 MiB; the 8 MiB stack, eatmem's data, bss and initial heap (under 1 MiB)
     * are committed before the first chunk; each 4 MiB malloc is a 4 MiB + 4 KiB mmap. So 5 chunks fit (5 x 4.004 =
     * 20.02 MiB of the 23-24 MiB left) and a sixth does not.
     */
    @Test
    void mallocPastTheClusterMemoryReturnsNull()
    {
        assertEquals(0, lego("run", "--memory", "32MiB", "--mcomponents", "1", "--excache", "1MiB",
            "--storage-root", root.toString(), "--", root.resolve("eatmem").toString(), "4"), err.toString());
        assertEquals("malloc failed after 5 chunks\n", guestOut.toString());
        final String text = err.toString();
        assertFalse(text.contains("Out of memory"), text);
        assertFalse(text.contains("WARN"), text);
    }

    /** execve(2) gives EACCES for a file with no execute bit, and a shell exits 126: so does {@code lego run}. */
    @Test
    void elfWithoutAnExecuteBitDoesNotRun()
    {
        assertEquals(ExitCodes.CANNOT_EXECUTE,
            lego("run", "--storage-root", root.toString(), "--", root.resolve("hello-0644").toString()));
        assertTrue(errorLine().contains("permission denied"), err.toString());
        assertEquals("", guestOut.toString(), "the guest must not have run");
    }

    @Test
    void hostElfOfAnotherMachineIsRejected() throws Exception
    {
        final Path hostBinary = Path.of("/bin/true").toRealPath();
        Assumptions.assumeTrue(Files.isRegularFile(hostBinary));
        Files.copy(hostBinary, root.resolve("host-true"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals(ExitCodes.CANNOT_EXECUTE,
            lego("run", "--storage-root", root.toString(), "--", root.resolve("host-true").toString()));
        assertTrue(errorLine().contains("expected RISC-V"), err.toString());
    }

    @Test
    void segfaultReportsAddressAndPc()
    {
        assertEquals(139, lego("run", "--storage-root", root.toString(), "--", root.resolve("segv").toString()));
        assertTrue(errorLine().contains("SIGSEGV: address 0x10 pc 0x"), err.toString());
    }

    @Test
    void illegalInstructionReportsPcAndBits()
    {
        assertEquals(132, lego("run", "--storage-root", root.toString(), "--", root.resolve("illegal").toString()));
        assertTrue(errorLine().contains("SIGILL: illegal instruction 0xffffffff at pc 0x"), err.toString());
    }

    @Test
    void guestOutsideTheStorageRootIsRefused() throws Exception
    {
        final Path inner = Files.createDirectories(root.resolve("inner"));
        assertEquals(ExitCodes.USAGE,
            lego("run", "--storage-root", inner.toString(), "--", root.resolve("hello").toString()));
        assertTrue(errorLine().contains("outside the storage root"), err.toString());
    }

    @Test
    void badSizeIsAUsageError()
    {
        assertEquals(ExitCodes.USAGE, lego("run", "--excache", "lots", "--", root.resolve("hello").toString()));
        assertTrue(err.toString().contains("not a size"), err.toString());
    }
}
