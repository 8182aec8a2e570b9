package org.legoemu.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.legoemu.pcomponent.linux.Console;
import picocli.CommandLine;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 17: a {@code lego run} stopped from outside (SIGTERM, SIGINT, {@code --time-limit}) still prints its summary,
 * marked as interrupted, writes its {@code --stats-json} with {@code "interrupted": true} and the figures so far, and
 * exits as a shell reports the signal (143, 130) or as timeout(1) (124). The SIGTERM case is a real lego process
 * whose guest is blocked reading stdin (a read the JVM cannot interrupt on its own: fails without
 * {@code InterruptibleInput}, the process does not end).
 */
class InterruptedRunTest
{
    @TempDir
    Path dir;

    @Test
    void sigtermStopsAGuestBlockedOnStdinAndReportsTheFiguresSoFar() throws Exception
    {
        final Path json = dir.resolve("stats.json");
        final List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
            .toString(), "-Xmx384m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
            Lego.class.getName(), "run", "--storage-root", "/", "--stats-json", json.toString(), "--",
            GuestBinaries.BIN.resolve("joinlate").toAbsolutePath().toString(), "16", "10"));
        final Process lego = new ProcessBuilder(command).redirectError(dir.resolve("stderr.txt").toFile()).start();
        try
        {
            final BufferedReader out = new BufferedReader(new InputStreamReader(lego.getInputStream(),
                StandardCharsets.UTF_8));
            assertEquals("chaser done", out.readLine(), "the guest runs, its reader thread blocked on stdin");
            lego.toHandle().destroy(); // SIGTERM; stdin stays open (Process.destroy would close it)
            assertTrue(lego.waitFor(30, TimeUnit.SECONDS), "lego ends on SIGTERM");
            final String stderr = Files.readString(dir.resolve("stderr.txt"));
            assertEquals(143, lego.exitValue(), stderr);
            assertTrue(stderr.contains("lego: interrupted by SIGTERM, figures so far\nlego: exit 143 | "), stderr);
            final JsonNode stats = new ObjectMapper().readTree(json.toFile());
            assertTrue(stats.get("interrupted").asBoolean(), stats.toString());
            assertEquals("SIGTERM", stats.get("interruptedBy").asText());
            assertEquals(143, stats.get("exitStatus").asInt());
            assertTrue(stats.get("instructions").asLong() > 1_000, stats.toString());
            assertTrue(stats.at("/model/seconds").asDouble() > 0, stats.toString());
        }
        finally
        {
            lego.destroyForcibly();
        }
    }

    @Test
    void theTimeLimitStopsTheGuestWith124() throws Exception
    {
        final Path json = dir.resolve("limit.json");
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new Lego(new Console(new ByteArrayInputStream(new byte[0]),
            new ByteArrayOutputStream(), new ByteArrayOutputStream(), false)));
        cli.setErr(new PrintWriter(err, true));
        final long started = System.nanoTime();
        final int status = cli.execute("run", "--storage-root", "/", "--time-limit", "500ms", "--stats-json",
            json.toString(), "--", GuestBinaries.BIN.resolve("cpubench").toAbsolutePath().toString(), "100000");
        assertEquals(124, status, err.toString());
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(60), "stopped long before its end");
        assertTrue(err.toString().contains("lego: interrupted by time limit 500ms, figures so far"), err.toString());
        final JsonNode stats = new ObjectMapper().readTree(json.toFile());
        assertTrue(stats.get("interrupted").asBoolean(), stats.toString());
        assertEquals("time limit 500ms", stats.get("interruptedBy").asText());
        assertTrue(stats.get("instructions").asLong() > 0, stats.toString());
    }

    @Test
    void aBadTimeLimitIsAUsageError()
    {
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new Lego(new Console(new ByteArrayInputStream(new byte[0]),
            new ByteArrayOutputStream(), new ByteArrayOutputStream(), false)));
        cli.setErr(new PrintWriter(err, true));
        assertEquals(2, cli.execute("run", "--time-limit", "0s", "--", "/bin/true"));
        assertTrue(err.toString().contains("--time-limit"), err.toString());
    }
}
