package org.legoemu.emulator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.legoemu.gmm.Replication;
import org.legoemu.gmm.VRegionPlacement;
import org.legoemu.pcomponent.ProcessResult;
import org.legoemu.pcomponent.excache.ExCache;
import org.legoemu.pcomponent.linux.Console;
import org.legoemu.pcomponent.model.FabricProfile;
import org.legoemu.pcomponent.model.GuestClock;
import org.legoemu.pcomponent.model.ModelFigures;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Processes that run one after another on one cluster (a daemon pComponent's execs, a benchmark's repeated runs) do
 * not meet in modeled time: each starts after everything the cluster's model has booked so far, so the second run of
 * a single-threaded guest models exactly what the first did (as the determinism of ModeledTimeTest, across runs). Before, every process started at modeled time 0 and
 * queued behind the earlier process's bookings at the mComponent and on the links.
 */
class SequentialProcessesModelTest
{
    @TempDir
    Path root;

    @Test
    void aGuestRunTwiceOnOneClusterModelsTheSameTimeBothTimes() throws Exception
    {
        Files.copy(GuestBinaries.BIN.resolve("wordcount"), root.resolve("wordcount"));
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < 6_000; i++)
        {
            text.append("word").append(i * 7 % 1_009).append(i % 5 == 0 ? '\n' : ' ');
        }
        Files.writeString(root.resolve("input.txt"), text);
        try (EmbeddedCluster cluster = EmbeddedCluster.start(new EmbeddedCluster.Config(1, 1, 64L << 10, 8, "lru",
            ExCache.DEFAULT_VICTIMS, true, 1L << 30, root, "inproc", VRegionPlacement.DEFAULT, true,
            Replication.DEFAULT).withModel(FabricProfile.LEGOOS_IB40, GuestClock.HOST)))
        {
            final List<ModelFigures> runs = new ArrayList<>();
            for (int run = 0; run < 3; run++)
            {
                final ByteArrayOutputStream out = new ByteArrayOutputStream();
                final ProcessResult r = cluster.run("/wordcount", List.of("wordcount", "/input.txt"), List.of(), "/",
                    new Console(new ByteArrayInputStream(new byte[0]), out, OutputStream.nullOutputStream(), false));
                assertEquals(0, r.exitStatus(), out.toString());
                runs.add(r.model());
            }
            assertEquals(runs.get(1), runs.get(2), "the second and third runs model the same, part by part");
            // the first run read its input from the sComponent; the later ones find it in the pComponent's file cache
            final Map<String, Long> first = new HashMap<>(runs.get(0).breakdownNs());
            final Map<String, Long> second = new HashMap<>(runs.get(1).breakdownNs());
            final long syscallsSaved = first.remove("syscalls") - second.remove("syscalls");
            assertEquals(first, second, "apart from the file reads, the first run models what the later ones do");
            assertEquals(runs.get(0).modeledNs() - syscallsSaved, runs.get(1).modeledNs());
            assertEquals(runs.get(0).fetches(), runs.get(1).fetches());
        }
    }
}
