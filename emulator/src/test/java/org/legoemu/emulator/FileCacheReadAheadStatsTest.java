package org.legoemu.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.legoemu.pcomponent.linux.Console;
import picocli.CommandLine;

/**
 * Issue 17: the file cache's background read-ahead appears in {@code lego run --stats-json} next to its hits, misses
 * and bytes ({@code file.cache.readAheads}, {@code file.cache.readAheadBytes}): a sequential read of 8 MiB in 4 KiB
 * read(2) calls is served mostly by read-ahead windows, whose bytes are part of the bytes read from the sComponent.
 */
class FileCacheReadAheadStatsTest
{
    private static final int FILE_BYTES = 8 << 20;

    @TempDir
    Path root;

    @Test
    void statsJsonCountsTheBackgroundReadAhead() throws Exception
    {
        Files.copy(GuestBinaries.BIN.resolve("fileread"), root.resolve("fileread"));
        final byte[] data = new byte[FILE_BYTES];
        new Random(17).nextBytes(data);
        Files.write(root.resolve("input"), data);
        final Path json = root.resolve("stats.json");
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new Lego(new Console(new ByteArrayInputStream(new byte[0]),
            new ByteArrayOutputStream(), new ByteArrayOutputStream(), false)));
        cli.setErr(new PrintWriter(err, true));
        assertEquals(0, cli.execute(List.of("run", "--storage-root", root.toString(), "--stats-json", json.toString(),
            "--", root.resolve("fileread").toString(), "/input").toArray(new String[0])), err.toString());
        final JsonNode cache = new ObjectMapper().readTree(json.toFile()).at("/file/cache");
        final long readAheads = cache.at("/readAheads").asLong(-1);
        final long readAheadBytes = cache.at("/readAheadBytes").asLong(-1);
        final long bytes = cache.at("/bytes").asLong();
        assertTrue(readAheads > 0, cache.toString());
        assertTrue(readAheads <= cache.at("/requests").asLong(), cache.toString());
        assertTrue(readAheadBytes > FILE_BYTES / 2 && readAheadBytes <= bytes, cache.toString());
        assertTrue(bytes >= FILE_BYTES, cache.toString());
    }
}
