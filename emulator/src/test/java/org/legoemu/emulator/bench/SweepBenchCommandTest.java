package org.legoemu.emulator.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.legoemu.emulator.LegoCli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code lego bench sweep}: modeled slowdown over ExCache sizes x profiles, a table and a PNG. */
class SweepBenchCommandTest
{
    @TempDir
    Path dir;

    private final LegoCli cli = new LegoCli();

    private static Path guest(final String name)
    {
        Path d = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(d.resolve("emulator/guests/bin")))
        {
            d = d.getParent();
        }
        return d.resolve("emulator/guests/bin").resolve(name);
    }

    @Test
    void sweepsSizesAndProfilesAndPlots() throws Exception
    {
        final Path png = dir.resolve("sweep.png");
        final int status = cli.run("bench", "sweep", "--sizes", "30%,100%", "--profiles", "legoos-ib40,local",
            "--plot", png.toString(), "--", guest("wordcount").toString(), guest("hello").toString());
        assertEquals(0, status, () -> cli.out() + cli.err());
        final List<Double> slowdowns = new ArrayList<>();
        for (final String line : cli.out().split("\n"))
        {
            if (line.contains("legoos-ib40 ") || line.contains("local "))
            {
                final String[] cells = line.trim().split("\\s+");
                slowdowns.add(Double.parseDouble(cells[4].replace("x", "")));
            }
        }
        assertEquals(4, slowdowns.size(), cli.out());
        assertTrue(slowdowns.get(0) > slowdowns.get(2), "a smaller ExCache is slower on legoos-ib40: " + cli.out());
        assertTrue(slowdowns.get(0) > slowdowns.get(1), "legoos-ib40 is slower than local: " + cli.out());
        assertEquals(1.0, slowdowns.get(3), 0.05, "local at 100 % is about 1x: " + cli.out());
        assertTrue(Files.size(png) > 10_000, "a PNG was written");
    }

    @Test
    void rejectsAnUnknownProfileOrSizeWithOneLine()
    {
        assertEquals(2, cli.run("bench", "sweep", "--profiles", "warp", "--", guest("hello").toString()));
        assertEquals(2, cli.run("bench", "sweep", "--sizes", "x%", "--", guest("hello").toString()));
        assertTrue(cli.err().contains("unknown fabric model 'warp'") && !cli.err().contains("\tat "), cli.err());
    }
}
