package org.legoemu.emulator.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.legoemu.emulator.EmbeddedCluster;
import org.legoemu.emulator.LegoCli;
import org.legoemu.gmm.Replication;
import org.legoemu.gmm.VRegionPlacement;
import org.legoemu.pcomponent.ProcessResult;
import org.legoemu.pcomponent.excache.ExCache;
import org.legoemu.pcomponent.linux.Console;
import org.legoemu.pcomponent.model.FabricProfile;
import org.legoemu.pcomponent.model.GuestClock;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code lego bench model} measures every guest with and without the timing model; without it (the
 * {@link FabricProfile#OFF} profile) the pComponent really models nothing, so the comparison is against no model.
 */
class ModelCostBenchCommandTest
{
    @TempDir
    Path dir;

    private final LegoCli cli = new LegoCli();

    @Test
    void printsEveryGuestWithAndWithoutTheModel()
    {
        assertEquals(0, cli.run("bench", "model", "--repeat", "1", "--scale", "0.01"), cli::err);
        for (final String guest : List.of("coremix", "interp", "hashtab", "fpkernel", "wordcount", "pchase",
            "mapreduce"))
        {
            assertTrue(cli.out().matches("(?s).*\\n" + guest + " +[0-9,]+ +[0-9.]+ +[0-9.]+ +[0-9.]+x .* same\\n.*"),
                cli::out);
        }
        assertTrue(cli.out().contains("geometric mean of MIPS with / without the model"), cli::out);
        assertTrue(cli.out().contains("the same with and without the model"), cli::out);
    }

    @Test
    void rejectsNonsense()
    {
        assertEquals(2, cli.run("bench", "model", "--repeat", "0"));
        assertTrue(cli.err().contains("--repeat must be at least 1"), cli::err);
    }

    @Test
    void withoutTheModelNothingIsModeled() throws Exception
    {
        LegoProcess.extractGuest(dir, "pchase");
        for (final FabricProfile profile : List.of(FabricProfile.LEGOOS_IB40, FabricProfile.OFF))
        {
            try (EmbeddedCluster cluster = EmbeddedCluster.start(new EmbeddedCluster.Config(1, 1, 256L << 10, 8, "lru",
                ExCache.DEFAULT_VICTIMS, true, 1L << 30, dir, "inproc", VRegionPlacement.DEFAULT, true,
                Replication.DEFAULT).withModel(profile, GuestClock.HOST)))
            {
                final ProcessResult r = cluster.run("/pchase", List.of("./pchase", "1024", "500", "2"), List.of(), "/",
                    new Console(new ByteArrayInputStream(new byte[0]), OutputStream.nullOutputStream(),
                        OutputStream.nullOutputStream(), false));
                assertEquals(0, r.exitStatus());
                if (profile.off())
                {
                    assertEquals(0, r.model().fetches(), "no miss is modeled without the model");
                    assertEquals(0L, r.model().breakdownNs().get("misses"), "no miss is modeled without the model");
                }
                else
                {
                    assertTrue(r.model().fetches() > 1_000, "the model sees the misses: " + r.model());
                }
            }
        }
        assertTrue(Files.exists(dir.resolve("pchase")));
    }
}
