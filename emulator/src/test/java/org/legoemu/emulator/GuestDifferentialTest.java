package org.legoemu.emulator;

import org.legoemu.pcomponent.ProcessResult;
import org.legoemu.pcomponent.excache.ExCacheStats;
import org.legoemu.pcomponent.linux.Console;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every shipped guest, run on an embedded cluster (Netty TCP on loopback, 2 mComponents) with an ExCache small
 * enough to force evictions and write-backs, must print exactly what qemu-riscv64 prints for the same binary and
 * input, and end with the same status.
 */
class GuestDifferentialTest
{
    /** 256 KiB, 4-way: 64 lines, far below every guest's working set. */
    private static final long SMALL_EXCACHE_BYTES = 256 << 10;

    @TempDir
    static Path root;

    private static EmbeddedCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception
    {
        Assumptions.assumeTrue(GuestBinaries.qemuAvailable(), "qemu-riscv64 is not installed");
        try (Stream<Path> guests = Files.list(GuestBinaries.BIN))
        {
            for (final Path guest : (Iterable<Path>)guests::iterator)
            {
                Files.copy(guest, root.resolve(guest.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < 400; i++)
        {
            text.append("Line ").append(i).append(": the quick brown fox jumps over the lazy dog ")
                .append(i % 7 == 0 ? "again and again\n" : "once\n");
        }
        Files.writeString(root.resolve("input.txt"), text.toString());
        // 600 KB: more pages than the ExCache has lines, so file-filled lines are evicted and written back
        Files.writeString(root.resolve("mapped.txt"), text.toString().repeat(25));
        cluster = EmbeddedCluster.start(new EmbeddedCluster.Config(
            1, 2, SMALL_EXCACHE_BYTES, 4, "lru", 1L << 30, root, "tcp"));
    }

    @AfterAll
    static void stopCluster()
    {
        if (cluster != null)
        {
            cluster.close();
        }
    }

    static Stream<Arguments> guests()
    {
        return Stream.of(
            Arguments.of("hello", List.of("one", "two words"), ""),
            Arguments.of("wordcount", List.of("input.txt"), ""),
            Arguments.of("wordcount", List.of(), "words from stdin\nmore words from stdin\n"),
            Arguments.of("wordcount", List.of("no-such-file"), ""),
            Arguments.of("sort", List.of("20000", "7"), ""),
            Arguments.of("sort", List.of("-f", "input.txt"), ""),
            Arguments.of("matmul", List.of("48"), ""),
            Arguments.of("chase", List.of("2", "3000"), ""),
            Arguments.of("exitcode", List.of("42"), ""),
            Arguments.of("segv", List.of(), ""),
            Arguments.of("illegal", List.of(), ""),
            Arguments.of("cpubench", List.of("1"), ""),
            Arguments.of("coremix", List.of("20"), ""),
            Arguments.of("interp", List.of("1"), ""),
            Arguments.of("hashtab", List.of("1"), ""),
            Arguments.of("fpkernel", List.of("300"), ""),
            Arguments.of("threads", List.of("4", "20000"), ""),
            Arguments.of("threads", List.of("8", "3000"), ""),
            Arguments.of("mapreduce", List.of("input.txt", "4"), ""),
            Arguments.of("mapreduce", List.of("input.txt", "1"), ""),
            Arguments.of("mapreduce", List.of("no-such-file"), ""),
            Arguments.of("fileread", List.of("input.txt"), ""),
            Arguments.of("fileread", List.of("input.txt", "1000"), ""),
            Arguments.of("fileread", List.of("no-such-file"), ""),
            Arguments.of("mmapscan", List.of("input.txt"), ""),
            Arguments.of("mmapscan", List.of("input.txt", "shared"), ""),
            Arguments.of("mmapscan", List.of("mapped.txt"), ""),
            Arguments.of("mmapscan", List.of("mapped.txt", "fork"), ""),
            Arguments.of("histogram", List.of("mapped.txt", "4"), ""),
            Arguments.of("histogram", List.of("input.txt", "1"), ""),
            Arguments.of("preadrand", List.of("input.txt", "300", "5"), ""),
            Arguments.of("smc", List.of(), ""),
            Arguments.of("remap", List.of(), ""));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("guests")
    void behavesAsUnderQemu(final String guest, final List<String> args, final String stdin) throws Exception
    {
        DifferentialCheck.assertSameAsQemu(cluster, root, guest, args, stdin.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void smallExCacheMissesEvictsAndFlushesWithIdenticalOutput() throws Exception
    {
        final List<String> args = List.of("30000", "3");
        final GuestBinaries.Outcome expected = GuestBinaries.qemu(root, "./sort", args, new byte[0]);
        final ExCacheStats stats = cluster.processors().get(0).excache().stats();
        final long misses = stats.misses();
        final long evictions = stats.evictions();
        final long flushes = stats.flushes();

        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final List<String> argv = new ArrayList<>(List.of("./sort"));
        argv.addAll(args);
        final ProcessResult result = cluster.run("/sort", argv, List.of(), "/",
            new Console(new ByteArrayInputStream(new byte[0]), out, new ByteArrayOutputStream(), false));

        assertArrayEquals(expected.stdout(), out.toByteArray());
        assertEquals(0, result.exitStatus());
        assertTrue(stats.misses() > misses, "misses");
        assertTrue(stats.evictions() > evictions, "evictions");
        assertTrue(stats.flushes() > flushes, "flushes (dirty write-backs)");
    }
}
