package org.legoemu.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.legoemu.pcomponent.linux.Console;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The timing model end to end through {@code lego run}: a single-threaded guest's modeled time is the same on every
 * run and over either transport; a guest reading {@code --guest-clock modeled} sees the modeled time; the
 * pointer-chase guest's modeled miss is LegoOS's 6.3 us alone and queues to about 9.0 us with two threads.
 */
class ModeledTimeTest
{
    @TempDir
    static Path root;

    @BeforeAll
    static void copyGuests() throws Exception
    {
        for (final String guest : List.of("wordcount", "pchase", "joinlate"))
        {
            Files.copy(GuestBinaries.BIN.resolve(guest), root.resolve(guest));
        }
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < 4_000; i++)
        {
            text.append("word").append(i % 701).append(i % 3 == 0 ? " lego\n" : " emu ");
        }
        Files.writeString(root.resolve("input.txt"), text);
    }

    /** Runs {@code lego run} with {@code args}, returns its stats JSON; the guest's stdout goes to {@code out}. */
    private static JsonNode run(final ByteArrayOutputStream out, final String... args) throws Exception
    {
        final Path json = Files.createTempFile(root, "stats", ".json");
        final List<String> all = new ArrayList<>(List.of("run", "--storage-root", root.toString(), "--stats-json",
            json.toString()));
        all.addAll(List.of(args));
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new Lego(new Console(new ByteArrayInputStream(new byte[0]), out,
            new ByteArrayOutputStream(), false)));
        cli.setErr(new PrintWriter(err, true));
        assertEquals(0, cli.execute(all.toArray(new String[0])), err.toString());
        assertTrue(err.toString().contains("| modeled "), err.toString());
        return new ObjectMapper().readTree(json.toFile());
    }

    @Test
    void aSingleThreadedGuestsModeledTimeIsTheSameOnEveryRunAndTransport() throws Exception
    {
        final String[] guest = {"--excache", "64KiB", "--", root.resolve("wordcount").toString(),
            "/input.txt"};
        final List<Long> modeled = new ArrayList<>();
        final List<Long> flushes = new ArrayList<>();
        for (final String transport : List.of("inproc", "inproc", "inproc", "tcp"))
        {
            final List<String> args = new ArrayList<>(List.of("--transport", transport));
            args.addAll(List.of(guest));
            final JsonNode stats = run(new ByteArrayOutputStream(), args.toArray(new String[0]));
            modeled.add(stats.at("/model/nanoseconds").asLong());
            flushes.add(stats.at("/excache/flushes").asLong());
            assertEquals("legoos-ib40", stats.at("/model/profile").asText());
            assertTrue(stats.at("/model/seconds").asDouble() > 0);
            assertTrue(stats.at("/model/slowdown").asDouble() > 1, stats.toString());
            assertTrue(stats.at("/model/fetches").asLong() > 0, "the ExCache is smaller than the working set");
            long parts = 0;
            for (final String key : List.of("instructions", "hits", "misses", "writeBacks", "syscalls", "blocked"))
            {
                parts += stats.at("/model/breakdownNs/" + key).asLong();
            }
            assertEquals(stats.at("/model/nanoseconds").asLong(), parts, "one hart: the parts add up");
        }
        assertEquals(List.of(modeled.get(0), modeled.get(0), modeled.get(0), modeled.get(0)), modeled,
            "modeled ns of runs 1-3 (inproc) and 4 (tcp); the real flusher wrote back " + flushes);
    }

    private static long number(final String text, final String regex)
    {
        final Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), regex + " in " + text);
        return (long)Double.parseDouble(m.group(1));
    }

    @Test
    void aGuestReadingTheModeledClockMeasuresTheModeledMiss() throws Exception
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final int steps = 3_000;
        final JsonNode stats = run(out, "--transport", "inproc", "--excache", "256KiB", "--guest-clock", "modeled",
            "--", root.resolve("pchase").toString(), "1024", Integer.toString(steps), "1", "-t");
        final String printed = out.toString(StandardCharsets.UTF_8);
        final long elapsedNs = number(printed, "elapsed_ns (\\d+)");
        final long perStepNs = number(printed, "thread 0 ns_per_step ([0-9.]+)");
        final long modeledNs = stats.at("/model/nanoseconds").asLong();
        assertTrue(elapsedNs <= modeledNs, "the guest's timed part " + elapsedNs + " ns within the run " + modeledNs);
        assertTrue(elapsedNs >= (long)steps * perStepNs, printed);
        assertEquals(6_300, perStepNs, 630, "a pointer-chase step is one LegoOS 4 KiB miss (6.3 us) +-10 %");
        assertEquals(6_307, stats.at("/model/missLatencyNs/p50").asLong(), 10, stats.toString());
    }

    @Test
    void twoHartsChasingAtOnceQueueAtTheMComponent() throws Exception
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        run(out, "--transport", "inproc", "--mcomponents", "1", "--excache", "256KiB", "--guest-clock", "modeled",
            "--", root.resolve("pchase").toString(), "1024", "3000", "2", "-t");
        final String printed = out.toString(StandardCharsets.UTF_8);
        for (int thread = 0; thread < 2; thread++)
        {
            final long perStepNs = number(printed, "thread " + thread + " ns_per_step ([0-9.]+)");
            assertEquals(9_000, perStepNs, 900, "LegoOS: 9.0 us per 4 KiB miss with 2 threads; " + printed);
        }
    }

    /**
     * A join that finds the thread already gone (glibc reads the cleared tid word and makes no system call) still
     * ends no earlier than that thread in modeled time. The chaser ends first in host time, since the reader's stdin
     * opens only 300 ms after "chaser done" is out, and last in modeled time; qemu-riscv64 on the same binary is the
     * reference. Fails without {@code ProcessorModel#threadExited} (main's clock stays at the reader's end: "NO").
     */
    @Test
    void aJoinOfAThreadAlreadyGoneWaitsForItsModeledEnd() throws Exception
    {
        final byte[] input = "the reader's input\n".repeat(100).getBytes(StandardCharsets.UTF_8);
        final List<String> args = List.of("1024", "4000");
        final GuestBinaries.Outcome qemu = GuestBinaries.qemu(root, "./joinlate", args, input);
        final GatedStdin stdin = new GatedStdin(input);
        final ByteArrayOutputStream out = new ByteArrayOutputStream()
        {
            private boolean gateOpening;

            @Override
            public synchronized void write(final byte[] b, final int off, final int len)
            {
                super.write(b, off, len);
                if (toString(StandardCharsets.UTF_8).contains("chaser done") && !gateOpening)
                {
                    gateOpening = true; // once the chaser has surely exited too
                    CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS).execute(stdin.gate::countDown);
                }
            }
        };
        final Path json = Files.createTempFile(root, "stats", ".json");
        final List<String> all = new ArrayList<>(List.of("run", "--storage-root", root.toString(), "--stats-json",
            json.toString(), "--transport", "inproc", "--excache", "256KiB", "--guest-clock", "modeled", "--",
            root.resolve("joinlate").toString()));
        all.addAll(args);
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new Lego(new Console(stdin, out, new ByteArrayOutputStream(), false)));
        cli.setErr(new PrintWriter(err, true));
        assertEquals(0, cli.execute(all.toArray(new String[0])), err.toString());
        assertEquals(new String(qemu.stdout(), StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8));
    }
}
