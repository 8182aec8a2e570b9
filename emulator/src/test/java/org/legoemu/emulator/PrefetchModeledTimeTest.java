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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The prefetcher in modeled time (docs/modeled-time.md, "Prefetching"): at a small ExCache a sequential scan with
 * sequential prefetch takes less modeled time than without (prefetches overlap the hart's work and each other, and a
 * demand access waits only for the rest of its line's modeled arrival), the prefetcher's traffic is charged (its
 * modeled time is above a run whose misses all cost nothing), and the modeled time stays the same on every run and
 * transport.
 */
class PrefetchModeledTimeTest
{
    @TempDir
    static Path root;

    @BeforeAll
    static void copyGuest() throws Exception
    {
        Files.copy(GuestBinaries.BIN.resolve("scan"), root.resolve("scan"));
    }

    private static JsonNode run(final String... args) throws Exception
    {
        final Path json = Files.createTempFile(root, "stats", ".json");
        final List<String> all = new ArrayList<>(List.of("run", "--storage-root", root.toString(), "--stats-json",
            json.toString(), "--excache", "256KiB"));
        all.addAll(List.of(args));
        all.addAll(List.of("--", root.resolve("scan").toString(), "4", "1", "2"));
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new Lego(new Console(new ByteArrayInputStream(new byte[0]),
            new ByteArrayOutputStream(), new ByteArrayOutputStream(), false)));
        cli.setErr(new PrintWriter(err, true));
        assertEquals(0, cli.execute(all.toArray(new String[0])), err.toString());
        return new ObjectMapper().readTree(json.toFile());
    }

    @Test
    void sequentialPrefetchLowersTheModeledTimeOfASequentialScan() throws Exception
    {
        final JsonNode none = run("--excache-prefetch", "none");
        final JsonNode sequential = run("--excache-prefetch", "sequential", "--excache-prefetch-depth", "4");
        final long noneNs = none.at("/model/nanoseconds").asLong();
        final long sequentialNs = sequential.at("/model/nanoseconds").asLong();
        assertEquals("none", none.at("/excache/prefetch/mode").asText());
        assertEquals(0, none.at("/excache/prefetch/issued").asLong());
        assertEquals("sequential", sequential.at("/excache/prefetch/mode").asText());
        assertEquals(4, sequential.at("/excache/prefetch/depth").asLong());
        assertTrue(sequential.at("/excache/process/prefetch/hits").asLong() > 1000, sequential.toString());
        assertTrue(sequentialNs < noneNs * 0.85, "sequential " + sequentialNs + " ns vs none " + noneNs + " ns");
        final JsonNode local = run("--excache-prefetch", "sequential", "--fabric-model", "local");
        assertTrue(local.at("/model/nanoseconds").asLong() < sequentialNs * 0.5,
            "with free misses the run is far shorter: prefetch traffic and waits are charged");
    }

    @Test
    void modeledTimeWithPrefetchIsTheSameOnEveryRunAndTransport() throws Exception
    {
        final List<Long> modeled = new ArrayList<>();
        final List<Long> flushes = new ArrayList<>();
        for (final String transport : List.of("inproc", "inproc", "tcp"))
        {
            final JsonNode stats = run("--transport", transport, "--excache-prefetch", "stride");
            modeled.add(stats.at("/model/nanoseconds").asLong());
            flushes.add(stats.at("/excache/flushes").asLong());
            assertTrue(stats.at("/excache/prefetch/hits").asLong() > 0);
        }
        assertEquals(List.of(modeled.get(0), modeled.get(0), modeled.get(0)), modeled,
            "modeled ns of runs 1-2 (inproc) and 3 (tcp); the real flusher wrote back " + flushes);
    }
}
