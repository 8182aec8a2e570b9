package org.legoemu.emulator;

import org.legoemu.gmm.VRegionPlacement;
import org.legoemu.mcomponent.MemoryMonitor;
import org.legoemu.pcomponent.ProcessResult;
import org.legoemu.pcomponent.excache.ExCache;
import org.legoemu.pcomponent.linux.Console;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A guest whose heap spans more than one 1 GiB vRegion ends up with pages on both mComponents (the GMM assigns
 * vRegions round-robin when so configured), gives qemu-riscv64's output, and leaves no frame behind. Runs over the
 * in-JVM transport.
 */
class VRegionSpreadTest
{
    @TempDir
    Path root;

    @Test
    void heapAcrossVRegionsLandsOnBothMComponents() throws Exception
    {
        Assumptions.assumeTrue(GuestBinaries.qemuAvailable(), "qemu-riscv64 is not installed");
        Files.copy(GuestBinaries.BIN.resolve("bigheap"), root.resolve("bigheap"));
        final List<String> args = List.of("1536", "1024");
        final GuestBinaries.Outcome expected = GuestBinaries.qemu(root, "./bigheap", args, new byte[0]);

        try (EmbeddedCluster cluster = EmbeddedCluster.start(new EmbeddedCluster.Config(
            1, 2, 1L << 20, 8, "fifo", ExCache.DEFAULT_VICTIMS, true, 4L << 30, root, "inproc",
            VRegionPlacement.ROUNDROBIN)))
        {
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            final ProcessResult result = cluster.run("/bigheap", List.of("./bigheap", "1536", "1024"), List.of(), "/",
                new Console(new ByteArrayInputStream(new byte[0]), out, new ByteArrayOutputStream(), false));

            assertArrayEquals(expected.stdout(), out.toByteArray(), out.toString());
            assertEquals(expected.status(), result.exitStatus());
            // 1536 pages touched 1 MiB apart over 1.5 GiB: at least a third of them lie in each of two vRegions.
            for (final MemoryMonitor memory : cluster.memories())
            {
                assertTrue(memory.peakFramesInUse() >= 400,
                    "mComponent " + memory.componentId() + " held only " + memory.peakFramesInUse() + " frames");
                assertEquals(0, memory.framesInUse(), "frames left after exit");
            }
        }
    }
}
