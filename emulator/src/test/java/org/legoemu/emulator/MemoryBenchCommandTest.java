package org.legoemu.emulator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code lego bench memory} with tiny workloads: every section is printed, bad input is a one-line error. */
class MemoryBenchCommandTest
{
    /** The eight bytes every PNG file starts with (PNG specification, section 5.2). */
    private static final byte[] PNG_SIGNATURE = {(byte)0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path dir;

    private final LegoCli cli = new LegoCli();

    private int lego(final String... args)
    {
        return cli.run(args);
    }

    /** A small input file for wordcount. */
    private Path words() throws Exception
    {
        final Path input = dir.resolve("words.txt");
        Files.writeString(input, "the quick brown fox jumps over the lazy dog\n".repeat(200));
        return input;
    }

    @Test
    void printsLatencyHitCostBothSweepsAndTheComparisonAndPlotsThem() throws Exception
    {
        final Path png = dir.resolve("sweep.png");
        final Path input = words();
        final int status = lego("bench", "memory", "--guests", GuestBinaries.BIN.toString(),
            "--wordcount-input", input.toString(), "--sort-keys", "2000", "--round-trips", "200", "--repeat", "1",
            "--fractions", "50,100", "--latency-excache", "32KiB", "--compare", "--plot", png.toString(),
            "--concurrent-misses", "2000");
        assertEquals(0, status, cli.err());
        final String text = cli.out();
        assertTrue(text.contains("ratio miss / raw"), text);
        assertTrue(text.contains("# lego bench memory: in-JVM fabric"), text);
        assertTrue(text.contains("raw in-JVM request + 4 KiB reply") && text.contains("4 KiB System.arraycopy"), text);
        assertTrue(text.contains("plain Java byte[] load"), text);
        assertTrue(text.contains("## Sweep: wordcount") && text.contains("## Sweep: sort"), text);
        // wordcount, sort and chase; the 100 % point has no host cost per remote miss ("-")
        assertEquals(3, text.lines().filter((l) -> l.trim().startsWith("100.0%") && l.trim().matches(".* 1\\.00x +-"))
            .count(), text);
        assertTrue(text.contains("## Concurrent misses on one pComponent: 4 threads vs 1"), text);
        assertEquals(4, text.lines().filter((l) -> l.matches("(inproc|tcp) +[14] .*x")).count(), text);
        assertTrue(cli.err().contains("bench: sort: ExCache 50.0% of the working set"), cli.err());
        assertTrue(text.contains("## Comparison: wordcount") && text.contains("## Comparison: sort"), text);
        assertTrue(text.contains("lru, no victim buffer, no piggyback"), text);
        final byte[] bytes = Files.readAllBytes(png);
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(bytes, PNG_SIGNATURE.length));
        assertTrue(bytes.length > 10_000, () -> "a " + bytes.length + "-byte PNG cannot hold eight charts");
        final BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image, "ImageIO cannot decode " + png);
        // the guests' row and one row per guest's comparison (wordcount, sort, chase), two charts each
        assertEquals(2 * 600, image.getWidth());
        assertEquals(4 * 380, image.getHeight());
    }

    /** The prefetch section: each guest with each mode; nothing prefetched with none, the scans prefetched. */
    @Test
    void printsThePrefetcherSectionWithEveryModeSideBySide() throws Exception
    {
        final int status = lego("bench", "memory", "--guests", GuestBinaries.BIN.toString(),
            "--wordcount-input", words().toString(), "--sections", "prefetch", "--repeat", "1", "--scan-mib", "1",
            "--excache-prefetch-depth", "2");
        assertEquals(0, status, cli.err());
        final String text = cli.out();
        assertTrue(text.contains("## Prefetcher (ExCache 128.0 KiB 8-way, in-JVM fabric, depth 2 lines"), text);
        for (final String guest : new String[]{"scan seq", "scan stride 3", "wordcount"})
        {
            for (final String mode : new String[]{"none", "sequential", "stride"})
            {
                final String row = text.lines().filter((l) -> l.startsWith(String.format("%-14s %-10s ", guest, mode)))
                    .findFirst().orElseThrow(() -> new AssertionError(guest + " " + mode + " in " + text));
                final String[] cells = row.substring(26).trim().split(" +");
                final long issued = Long.parseLong(cells[3].replace(",", ""));
                if (mode.equals("none"))
                {
                    assertEquals(0, issued, row);
                    assertTrue(row.endsWith("1.00x"), row);
                }
                else if (guest.startsWith("scan"))
                {
                    assertTrue(issued > 0, row);
                }
            }
        }
        assertTrue(!text.contains("## Sweep"), "only the prefetch section: " + text);
    }

    @Test
    void plotWithoutTheFullSizePointIsAOneLineUsageError() throws Exception
    {
        assertEquals(ExitCodes.USAGE, lego("bench", "memory", "--guests", GuestBinaries.BIN.toString(),
            "--wordcount-input", words().toString(), "--fractions", "25,50",
            "--plot", dir.resolve("p.png").toString()));
        assertEquals(1, cli.err().trim().lines().count(), cli.err());
        assertTrue(cli.err().contains("--plot needs 100 in --fractions"), cli.err());
        assertFalse(Files.exists(dir.resolve("p.png")));
    }

    @Test
    void plotIntoAMissingDirectoryIsRefusedBeforeMeasuring() throws Exception
    {
        assertEquals(ExitCodes.USAGE, lego("bench", "memory", "--guests", GuestBinaries.BIN.toString(),
            "--wordcount-input", words().toString(), "--plot", dir.resolve("nope/p.png").toString()));
        assertEquals(1, cli.err().trim().lines().count(), cli.err());
        assertTrue(cli.err().contains("no directory"), cli.err());
        assertFalse(cli.err().contains("bench: "), "nothing measured: " + cli.err());
    }

    @Test
    void badFractionIsAOneLineUsageError()
    {
        assertEquals(ExitCodes.USAGE, lego("bench", "memory", "--guests", GuestBinaries.BIN.toString(),
            "--fractions", "0"));
        assertEquals(1, cli.err().trim().lines().count(), cli.err());
        assertTrue(cli.err().contains("--fractions"), cli.err());
        assertFalse(cli.err().contains("\tat "));
    }

    @Test
    void unknownTransportIsAOneLineUsageError()
    {
        assertEquals(ExitCodes.USAGE, lego("bench", "memory", "--guests", GuestBinaries.BIN.toString(),
            "--transport", "rdma"));
        assertEquals(1, cli.err().trim().lines().count(), cli.err());
        assertTrue(cli.err().contains("--transport must be inproc or tcp, not 'rdma'"), cli.err());
    }

    @Test
    void unknownSectionIsAOneLineUsageError()
    {
        assertEquals(ExitCodes.USAGE, lego("bench", "memory", "--guests", GuestBinaries.BIN.toString(),
            "--sections", "latency,misses"));
        assertEquals(1, cli.err().trim().lines().count(), cli.err());
        assertTrue(cli.err().contains("unknown section 'misses'"), cli.err());
    }

    @Test
    void missingGuestsDirectoryIsAOneLineUsageError()
    {
        assertEquals(ExitCodes.USAGE, lego("bench", "memory", "--guests", dir.resolve("nope").toString()));
        assertTrue(cli.err().contains("no guest wordcount"), cli.err());
    }
}
