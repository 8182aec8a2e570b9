package org.legoemu.emulator;

import org.legoemu.pcomponent.ProcessResult;
import org.legoemu.pcomponent.ProcessorMonitor;
import org.legoemu.pcomponent.files.FileCacheStats;
import org.legoemu.pcomponent.linux.Console;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pComponents' file cache (docs/architecture.md, "The file cache") on an in-JVM cluster of two pComponents:
 * read-ahead turns sequential 4 KiB reads into a few large sComponent reads, random preads read only their pages,
 * a file mapping is filled from large reads, and the close-to-open rule holds between processes on two pComponents.
 * Guest output is checked against qemu-riscv64 running the same binary.
 */
class FileCacheClusterTest
{
    private static final int FILE_BYTES = 4 << 20;

    @TempDir
    static Path root;

    private static EmbeddedCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception
    {
        Assumptions.assumeTrue(GuestBinaries.qemuAvailable(), "qemu-riscv64 is not installed");
        for (final String guest : List.of("fileread", "mmapscan", "preadrand", "filepoke", "wordcount"))
        {
            Files.copy(GuestBinaries.BIN.resolve(guest), root.resolve(guest), StandardCopyOption.REPLACE_EXISTING);
        }
        cluster = EmbeddedCluster.start(new EmbeddedCluster.Config(
            2, 1, 64L << 20, 8, "lru", 1L << 30, root, "inproc"));
    }

    @AfterAll
    static void stopCluster()
    {
        if (cluster != null)
        {
            cluster.close();
        }
    }

    private static Path file(final String name, final long seed) throws Exception
    {
        final byte[] bytes = new byte[FILE_BYTES];
        new Random(seed).nextBytes(bytes);
        final Path path = root.resolve(name);
        Files.write(path, bytes);
        return path;
    }

    /** Requests, bytes, hits and misses summed over both pComponents' caches. */
    private static long[] totals()
    {
        final long[] sum = new long[4];
        for (final ProcessorMonitor p : cluster.processors())
        {
            final FileCacheStats s = p.fileCache().stats();
            sum[0] += s.requests();
            sum[1] += s.bytes();
            sum[2] += s.hits();
            sum[3] += s.misses();
        }
        return sum;
    }

    @Test
    void sequentialReadsAreReadAheadInGrowingWindows() throws Exception
    {
        file("seq.bin", 1);
        final long[] before = totals();
        DifferentialCheck.assertSameAsQemu(cluster, root, "fileread", List.of("seq.bin"), new byte[0]);
        final long[] after = totals();
        final long requests = after[0] - before[0];
        final long bytes = after[1] - before[1];
        // windows of 4, 16, 32, 64, 128, 256, 256, 256, 256 pages (mm/readahead.c) and one read finding the end
        assertTrue(requests <= 12, "1,024 sequential 4 KiB reads took " + requests + " sComponent reads");
        assertEquals(FILE_BYTES, bytes, "every byte read from the sComponent once");
        assertTrue(after[2] - before[2] >= 1000, "the pages read ahead were hits: " + (after[2] - before[2]));
    }

    @Test
    void randomPreadsReadOnlyTheirPages() throws Exception
    {
        file("random.bin", 2);
        final long[] before = totals();
        DifferentialCheck.assertSameAsQemu(cluster, root, "preadrand", List.of("random.bin", "200", "3"),
            new byte[0]);
        final long[] after = totals();
        final long misses = after[3] - before[3];
        assertTrue(misses > 0 && misses <= 200, "misses " + misses);
        assertEquals(misses * 4096, after[1] - before[1], "a random miss reads its page and no read-ahead");
    }

    @Test
    void aFileMappingIsFilledFromLargeReads() throws Exception
    {
        file("mapped.bin", 3);
        final long[] before = totals();
        final long fileFillsBefore = fileFills();
        DifferentialCheck.assertSameAsQemu(cluster, root, "mmapscan", List.of("mapped.bin"), new byte[0]);
        final long requests = totals()[0] - before[0];
        assertTrue(requests <= 6, "a 4 MiB mapping took " + requests + " sComponent reads (1 MiB each expected)");
        assertEquals(FILE_BYTES / 4096, fileFills() - fileFillsBefore, "every page filled from the file cache");
    }

    private static long fileFills()
    {
        long sum = 0;
        for (final ProcessorMonitor p : cluster.processors())
        {
            sum += p.excache().stats().fileFills();
        }
        return sum;
    }

    /**
     * Close-to-open across pComponents: a reader on one pComponent caches the file; a writer on the other
     * overwrites part of it (same size); a reader started afterwards on the first pComponent must see the new bytes.
     * The GMM places a process on the pComponent running the fewest, so processes blocked on stdin steer placement.
     */
    @Test
    void aProcessOpeningAfterAnotherPComponentWroteSeesTheNewData() throws Exception
    {
        final Path shared = file("shared.bin", 4);
        final Blocker first = Blocker.start();               // pComponent X
        final Outcome cached = run("fileread", "shared.bin"); // pComponent Y: caches the file
        final Blocker second = Blocker.start();              // Y
        first.release();                                      // X free
        Thread.sleep(20);                                     // past the host file system's mtime granularity
        final Outcome wrote = run("filepoke", "shared.bin", "100000", "written on the other pComponent");
        final Blocker third = Blocker.start();               // X
        second.release();                                     // Y free
        final Outcome reread = run("fileread", "shared.bin"); // Y again
        third.release();

        assertNotEquals(cached.pcomponent, wrote.pcomponent, "the writer ran on the other pComponent");
        assertEquals(cached.pcomponent, reread.pcomponent, "the second reader ran where the first one cached");
        final GuestBinaries.Outcome expected = GuestBinaries.qemu(root, "./fileread", List.of("shared.bin"),
            new byte[0]);
        assertNotEquals(cached.stdout, reread.stdout, "the file changed");
        assertEquals(new String(expected.stdout(), StandardCharsets.UTF_8), reread.stdout,
            "the reader that opened after the write sees it");
        assertTrue(Files.readString(shared, StandardCharsets.ISO_8859_1).contains("written on the other"),
            "the write reached the file");
    }

    private record Outcome(String stdout, int pcomponent)
    {
    }

    private static Outcome run(final String guest, final String... args)
    {
        final List<String> argv = new ArrayList<>();
        argv.add("./" + guest);
        argv.addAll(List.of(args));
        final long[] before = perPComponentStarts();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ProcessResult result = cluster.run("/" + guest, argv, List.of("LANG=C"), "/",
            new Console(new ByteArrayInputStream(new byte[0]), out, new ByteArrayOutputStream(), false));
        assertEquals(0, result.exitStatus(), guest + " " + List.of(args));
        return new Outcome(out.toString(StandardCharsets.UTF_8), ranOn(before));
    }

    /** ExCache misses per pComponent: the one whose count grew ran the process. */
    private static long[] perPComponentStarts()
    {
        final long[] misses = new long[cluster.processors().size()];
        for (int i = 0; i < misses.length; i++)
        {
            misses[i] = cluster.processors().get(i).excache().stats().misses();
        }
        return misses;
    }

    private static int ranOn(final long[] before)
    {
        final long[] after = perPComponentStarts();
        int ran = -1;
        for (int i = 0; i < after.length; i++)
        {
            if (after[i] != before[i])
            {
                assertEquals(-1, ran, "only one pComponent ran a process meanwhile");
                ran = i;
            }
        }
        return ran;
    }

    /** A wordcount blocked reading its stdin: holds a place on a pComponent until released. */
    private static final class Blocker
    {
        private final GatedStdin stdin = new GatedStdin(new byte[0]);
        private final CompletableFuture<ProcessResult> done = new CompletableFuture<>();

        static Blocker start() throws Exception
        {
            final Blocker b = new Blocker();
            final Thread t = new Thread(() ->
            {
                try
                {
                    b.done.complete(cluster.run("/wordcount", List.of("./wordcount"), List.of("LANG=C"), "/",
                        new Console(b.stdin, new ByteArrayOutputStream(), new ByteArrayOutputStream(), false)));
                }
                catch (final RuntimeException ex)
                {
                    b.done.completeExceptionally(ex);
                }
            }, "blocker");
            t.start();
            assertTrue(b.stdin.reading.await(30, TimeUnit.SECONDS), "the blocker reads its stdin");
            return b;
        }

        void release() throws Exception
        {
            stdin.gate.countDown();
            assertEquals(0, done.get(30, TimeUnit.SECONDS).exitStatus());
        }
    }

}
