package org.legoemu.emulator;

import org.legoemu.pcomponent.ProcessResult;
import org.legoemu.pcomponent.excache.PrefetchMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ExCache prefetcher changes timing, never results: a sequential page scan, a strided one (stride 3 pages) and
 * the write-heavy sort, wordcount and pointer chase print exactly what qemu-riscv64 prints for the same binary, with
 * every {@link PrefetchMode}, on a cluster (in-JVM fabric, 2 mComponents) with a 256 KiB 4-way ExCache, far below
 * their working sets; and on the scans the prefetcher did act (its lines were hit).
 */
class PrefetchDifferentialTest
{
    private static final long SMALL_EXCACHE_BYTES = 256 << 10;

    @TempDir
    static Path root;

    private static final Map<PrefetchMode, EmbeddedCluster> CLUSTERS = new EnumMap<>(PrefetchMode.class);

    @BeforeAll
    static void startClusters() throws Exception
    {
        Assumptions.assumeTrue(GuestBinaries.qemuAvailable(), "qemu-riscv64 is not installed");
        for (final String guest : List.of("scan", "sort", "wordcount", "chase"))
        {
            Files.copy(GuestBinaries.BIN.resolve(guest), root.resolve(guest));
        }
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < 3000; i++)
        {
            text.append("word").append(i % 509).append(i % 5 == 0 ? " prefetch\n" : " lego ");
        }
        Files.writeString(root.resolve("input.txt"), text);
        for (final PrefetchMode mode : PrefetchMode.values())
        {
            CLUSTERS.put(mode, EmbeddedCluster.start(new EmbeddedCluster.Config(
                1, 2, SMALL_EXCACHE_BYTES, 4, "lru", 1L << 30, root, "inproc").withPrefetch(mode, 4)));
        }
    }

    @AfterAll
    static void stopClusters()
    {
        CLUSTERS.values().forEach(EmbeddedCluster::close);
    }

    static Stream<Arguments> runs()
    {
        final List<List<String>> guests = List.of(List.of("scan", "4", "1", "2"), List.of("scan", "4", "3", "2"),
            List.of("sort", "20000", "7"), List.of("wordcount", "input.txt"), List.of("chase", "2", "3000"));
        return Stream.of(PrefetchMode.values()).flatMap(mode -> guests.stream().map(g -> Arguments.of(mode, g)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("runs")
    void behavesAsUnderQemu(final PrefetchMode mode, final List<String> command) throws Exception
    {
        final ProcessResult result = DifferentialCheck.assertSameAsQemu(CLUSTERS.get(mode), root, command.get(0),
            command.subList(1, command.size()), new byte[0]);
        assertEquals(0, result.exitStatus());
        if (command.get(0).equals("scan"))
        {
            if (mode == PrefetchMode.NONE)
            {
                assertEquals(0, result.excache().prefetchIssued());
            }
            else if (mode == PrefetchMode.STRIDE || command.get(2).equals("1"))
            {
                assertTrue(result.excache().prefetchHits() > result.excache().misses(), "prefetch hits " +
                    result.excache().prefetchHits() + " vs misses " + result.excache().misses());
            }
        }
    }
}
