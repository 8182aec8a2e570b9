package org.legoemu.emulator.bench;

import org.legoemu.emulator.EmbeddedCluster;
import org.legoemu.emulator.ExitCodes;
import org.legoemu.emulator.PrefetchOptions;
import org.legoemu.pcomponent.excache.PrefetchMode;
import org.legoemu.emulator.Sizes;
import org.legoemu.gmm.Replication;
import org.legoemu.gmm.VRegionPlacement;
import org.legoemu.pcomponent.ProcessResult;
import org.legoemu.pcomponent.excache.ExCache;
import org.legoemu.pcomponent.linux.Console;
import org.legoemu.pcomponent.model.FabricProfile;
import org.legoemu.pcomponent.model.GuestClock;
import org.legoemu.pcomponent.model.ModelFigures;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code lego bench sweep}: runs one guest over ExCache sizes x fabric profiles and prints the <em>modeled</em>
 * slowdown (modeled time over the same run's local time, docs/modeled-time.md), the misses the model sent to an
 * mComponent and their MPKI; {@code --plot} draws modeled slowdown against ExCache size, one curve per profile (the
 * shape of LegoOS's Figures 11-12). Sizes are bytes or percentages of the guest's working set, measured first as the
 * misses of a run whose ExCache holds everything. Wall-clock figures stay in {@code lego bench memory}.
 */
@CommandLine.Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Run GUEST over ExCache sizes x fabric profiles; print modeled slowdown, misses and MPKI per run.",
        "GUEST is an absolute path (the storage root is /). Progress goes to stderr, the table to stdout."},
    footer = {"", "Example:", "  lego bench sweep --sizes 15%,30%,60%,100% --plot sweep.png -- "
        + "\"$PWD/emulator/guests/bin/wordcount\" /usr/share/common-licenses/GPL-3"})
public final class SweepBenchCommand implements Callable<Integer>
{
    /** ExCache of the working-set run: large enough for the guests shipped, bytes. */
    private static final long WORKING_SET_EXCACHE_BYTES = 256L << 20;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--sizes", paramLabel = "LIST", defaultValue = "15%,30%,60%,100%", split = ",",
        description = "ExCache sizes: bytes (e.g. 1MiB) or percent of the working set (default: ${DEFAULT-VALUE}).")
    List<String> sizes;

    @CommandLine.Option(names = "--profiles", paramLabel = "LIST", split = ",",
        defaultValue = "legoos-ib40,ib-edr,roce-100g,cxl,tcp-10g,local",
        description = "Fabric profiles (default: ${DEFAULT-VALUE}).")
    List<String> profiles;

    @CommandLine.Option(names = "--excache-ways", paramLabel = "N", defaultValue = "8",
        description = "ExCache associativity (default: ${DEFAULT-VALUE}).")
    int ways;

    @CommandLine.Mixin
    PrefetchOptions prefetch = new PrefetchOptions();

    @CommandLine.Option(names = "--mcomponents", paramLabel = "N", defaultValue = "2",
        description = "Memory components (default: ${DEFAULT-VALUE}).")
    int mcomponents;

    @CommandLine.Option(names = "--transport", paramLabel = "T", defaultValue = "inproc",
        description = "tcp or inproc (default: ${DEFAULT-VALUE}; modeled figures do not depend on it).")
    String transport;

    @CommandLine.Option(names = "--plot", paramLabel = "FILE", description = "Also draw the sweep as a PNG.")
    Path plot;

    @CommandLine.Parameters(index = "0", paramLabel = "GUEST", description = "Absolute path of the guest.")
    Path guest;

    @CommandLine.Parameters(index = "1..*", paramLabel = "ARGS", description = "Arguments of the guest.")
    List<String> args = new ArrayList<>();

    /** One run's modeled figures. */
    private record Point(long excacheBytes, String profile, ModelFigures model, long instructions)
    {
        double mpki()
        {
            return instructions == 0 ? 0 : 1000.0 * model.fetches() / instructions;
        }
    }

    @Override
    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final List<FabricProfile> chosen = new ArrayList<>();
        try
        {
            for (final String name : profiles)
            {
                chosen.add(FabricProfile.named(name.trim()));
            }
            for (final String size : sizes)
            {
                if (!size.trim().endsWith("%"))
                {
                    Sizes.parse(size.trim());
                }
                else
                {
                    percent(size);
                }
            }
            if (ways < 1)
            {
                throw new IllegalArgumentException("--excache-ways must be at least 1");
            }
        }
        catch (final IllegalArgumentException ex)
        {
            err.println("lego: " + ex.getMessage());
            return ExitCodes.USAGE;
        }
        if (!guest.isAbsolute() || !Files.isRegularFile(guest))
        {
            err.println("lego: " + guest + " is not an absolute path of a file");
            return ExitCodes.USAGE;
        }
        err.println("lego bench sweep: measuring the working set...");
        err.flush();
        final ProcessResult full = run(WORKING_SET_EXCACHE_BYTES, FabricProfile.LEGOOS_IB40, PrefetchMode.NONE);
        final long workingSetLines = full.excache().misses();
        out.printf(Locale.ROOT, "# lego bench sweep: %s, working set %,d lines (%s), %d ways, prefetch %s, modeled "
            + "figures%n", guest.getFileName(), workingSetLines, Sizes.format(workingSetLines * ExCache.LINE_SIZE), ways,
            prefetch.describe());
        out.printf(Locale.ROOT, "%-12s %-7s %-12s %10s %12s %10s %8s%n", "excache", "% ws", "profile", "slowdown",
            "modeled ms", "fetches", "MPKI");
        final List<Point> points = new ArrayList<>();
        for (final String size : sizes)
        {
            final long bytes = bytes(size.trim(), workingSetLines);
            for (final FabricProfile profile : chosen)
            {
                err.printf(Locale.ROOT, "lego bench sweep: %s on %s...%n", Sizes.format(bytes), profile.name());
                err.flush();
                final ProcessResult result = run(bytes, profile, prefetch.mode);
                final Point p = new Point(bytes, profile.name(), result.model(), result.instructions());
                points.add(p);
                out.printf(Locale.ROOT, "%-12s %-7.0f %-12s %9.3fx %12.3f %,10d %8.3f%n", Sizes.format(bytes),
                    100.0 * bytes / ExCache.LINE_SIZE / Math.max(1, workingSetLines), profile.name(),
                    p.model().slowdown(), p.model().modeledNs() / 1e6, p.model().fetches(), p.mpki());
                out.flush();
            }
        }
        if (plot != null)
        {
            try
            {
                SweepPlot.write(List.of(new SweepPlot.Row(guest.getFileName() + " (modeled)", series(points, chosen,
                    workingSetLines))), plot, "modeled / local");
                out.println("# plot written to " + plot);
            }
            catch (final IOException ex)
            {
                err.println("lego: cannot write " + plot + ": " + ex.getMessage());
                return ExitCodes.INTERNAL_ERROR;
            }
        }
        return 0;
    }

    private static double percent(final String size)
    {
        final String number = size.trim().substring(0, size.trim().length() - 1);
        final double value;
        try
        {
            value = Double.parseDouble(number);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("--sizes: '" + size + "' is not a percentage");
        }
        if (!(value > 0))
        {
            throw new IllegalArgumentException("--sizes: '" + size + "' must be above 0 %");
        }
        return value;
    }

    /** The ExCache size for {@code size}, rounded up to whole sets of {@link #ways} lines, bytes. */
    private long bytes(final String size, final long workingSetLines)
    {
        final long lines = size.endsWith("%") ?
            (long)Math.ceil(percent(size) / 100.0 * workingSetLines) : Sizes.parse(size) / ExCache.LINE_SIZE;
        final long sets = Math.max(1, (lines + ways - 1) / ways);
        return sets * ways * ExCache.LINE_SIZE;
    }

    /** One run; the working set is measured without a prefetcher (its hits would hide lines from the count). */
    private ProcessResult run(final long excacheBytes, final FabricProfile profile, final PrefetchMode mode)
    {
        final EmbeddedCluster.Config config = new EmbeddedCluster.Config(1, mcomponents, excacheBytes, ways, "lru",
            ExCache.DEFAULT_VICTIMS, true, 4L << 30, Path.of("/"), transport, VRegionPlacement.DEFAULT, true,
            Replication.DEFAULT).withModel(profile, GuestClock.HOST).withPrefetch(mode, prefetch.depth);
        try (EmbeddedCluster cluster = EmbeddedCluster.start(config))
        {
            final List<String> argv = new ArrayList<>();
            argv.add(guest.toString());
            argv.addAll(args);
            final Console console = new Console(new ByteArrayInputStream(new byte[0]), OutputStream.nullOutputStream(),
                OutputStream.nullOutputStream(), false);
            final ProcessResult result = cluster.run(guest.toString(), argv, List.of(), "/", console);
            if (result.exitStatus() != 0 || result.model() == null)
            {
                throw new IllegalStateException(guest + " exited with status " + result.exitStatus());
            }
            return result;
        }
    }

    private static List<SweepPlot.Series> series(
        final List<Point> points, final List<FabricProfile> profiles, final long workingSetLines)
    {
        final List<SweepPlot.Series> series = new ArrayList<>();
        for (final FabricProfile profile : profiles)
        {
            final List<Point> mine = points.stream().filter(p -> p.profile().equals(profile.name())).toList();
            final double[] percent = new double[mine.size()];
            final double[] slowdown = new double[mine.size()];
            final double[] mpki = new double[mine.size()];
            for (int i = 0; i < mine.size(); i++)
            {
                percent[i] = 100.0 * mine.get(i).excacheBytes() / ExCache.LINE_SIZE / Math.max(1, workingSetLines);
                slowdown[i] = mine.get(i).model().slowdown();
                mpki[i] = mine.get(i).mpki();
            }
            series.add(new SweepPlot.Series(profile.name(), percent, slowdown, mpki));
        }
        return series;
    }
}
