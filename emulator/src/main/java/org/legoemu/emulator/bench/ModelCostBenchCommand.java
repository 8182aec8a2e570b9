package org.legoemu.emulator.bench;

import org.legoemu.emulator.EmbeddedCluster;
import org.legoemu.emulator.ExitCodes;
import org.legoemu.emulator.Lego;
import org.legoemu.gmm.Replication;
import org.legoemu.gmm.VRegionPlacement;
import org.legoemu.pcomponent.ProcessResult;
import org.legoemu.pcomponent.excache.ExCache;
import org.legoemu.pcomponent.linux.Console;
import org.legoemu.pcomponent.model.FabricProfile;
import org.legoemu.pcomponent.model.GuestClock;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code lego bench model}: what the timing model (docs/modeled-time.md) costs the guest. Each guest runs in two
 * embedded clusters that differ only in the model: one with {@code legoos-ib40}, one with {@link FabricProfile#OFF}
 * (the ExCache not observed, harts not paced). Runs alternate between the two so that load from elsewhere hits both
 * alike; the median of each is kept. The figure is guest instructions per second of hart CPU time (the harts'
 * threads' CPU time, so the host's other load moves it less than wall time), and the wall time beside it, which
 * for a multi-threaded guest includes the pacing's waits. Issue 11's goal: the model costs at most 5 % of guest
 * MIPS. Guests: the CPU suite's four (ExCache holding them: a TLB miss is rare) and three memory-bound ones with a
 * 256 KiB ExCache (a TLB miss, and so a model event, every few hundred instructions): wordcount over a generated
 * text, a one-thread pointer chase and the 4-thread mapreduce. Outputs must be the same with and without the model.
 */
@CommandLine.Command(
    name = "model",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Measure the timing model's cost: each guest with the model (legoos-ib40) and without it, alternating, in "
            + "the same run; prints guest MIPS per hart CPU second and wall time, medians, and their ratios.",
        "Progress goes to stderr, the table to stdout. Exit status 0, or 1 if an output differs."})
public final class ModelCostBenchCommand implements Callable<Integer>
{
    /** ExCache of the memory-bound guests: far below their working sets, bytes. */
    private static final long SMALL_EXCACHE_BYTES = 256L << 10;
    /** ExCache of the CPU-bound guests: holds them, bytes. */
    private static final long LARGE_EXCACHE_BYTES = 64L << 20;

    /** A guest and its arguments; {@code small}: run with the small ExCache. */
    private record Guest(String name, List<String> args, boolean small)
    {
    }

    /** The medians of one guest's runs with and without the model. */
    private record Result(Guest guest, long instructions, double cpuMipsOn, double cpuMipsOff, double wallOnS,
        double wallOffS, boolean identical)
    {
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    Lego.Verbosity verbosity;

    @CommandLine.Option(names = "--repeat", paramLabel = "K", defaultValue = "5",
        description = "Runs of each guest with and without the model; medians are reported (default ${DEFAULT-VALUE}).")
    int repeat;

    @CommandLine.Option(names = "--scale", paramLabel = "F", defaultValue = "1",
        description = "Multiply every guest's work by F (default ${DEFAULT-VALUE}: about 0.3 G instructions for each "
            + "CPU guest, 1-2 s of run each).")
    double scale;

    @CommandLine.Option(names = "--guests", paramLabel = "NAME", split = ",",
        description = "Run only these guests (comma-separated; default: all of coremix, interp, hashtab, fpkernel, "
            + "wordcount, pchase, mapreduce).")
    List<String> only;

    @CommandLine.Option(names = "--transport", paramLabel = "T", defaultValue = "inproc",
        description = "Fabric between the embedded components: inproc (default) or tcp.")
    String transport;

    @Override
    public Integer call() throws Exception
    {
        verbosity.apply();
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        if (repeat < 1 || !(scale > 0) || !(transport.equals("inproc") || transport.equals("tcp")))
        {
            err.println("lego bench model: --repeat must be at least 1, --scale above 0, --transport inproc or tcp");
            return ExitCodes.USAGE;
        }
        final Path dir = Files.createTempDirectory("lego-bench-model");
        try
        {
            final List<Guest> guests = guests(dir);
            if (only != null)
            {
                final List<String> known = guests.stream().map(Guest::name).toList();
                if (!known.containsAll(only))
                {
                    err.println("lego bench model: unknown guest in --guests " + String.join(",", only) + " (known: "
                        + String.join(", ", known) + ")");
                    return ExitCodes.USAGE;
                }
                guests.removeIf(g -> !only.contains(g.name()));
            }
            out.printf(Locale.ROOT, "lego bench model | legoos-ib40 vs no model, alternating, median of %d | %s "
                + "fabric | ExCache %s (CPU guests) or 256 KiB 8-way (memory guests)%n", repeat, transport, "64 MiB");
            out.printf(Locale.ROOT, "%-10s %14s %12s %12s %8s %10s %10s %8s  %s%n", "guest", "instructions",
                "MIPS model", "MIPS none", "ratio", "wall s", "wall none", "ratio", "output");
            out.flush();
            final List<Result> results = new ArrayList<>();
            boolean identical = true;
            for (final boolean small : new boolean[] {false, true})
            {
                if (guests.stream().noneMatch(g -> g.small() == small))
                {
                    continue;
                }
                try (EmbeddedCluster on = cluster(dir, small, FabricProfile.LEGOOS_IB40);
                     EmbeddedCluster off = cluster(dir, small, FabricProfile.OFF))
                {
                    for (final Guest guest : guests)
                    {
                        if (guest.small() == small)
                        {
                            final Result r = measure(on, off, guest, err);
                            identical &= r.identical();
                            results.add(r);
                            print(out, r);
                        }
                    }
                }
            }
            out.printf(Locale.ROOT, "geometric mean of MIPS with / without the model: %.3f (cost %.1f %%); of wall "
                + "time: %.3f%n", mean(results, true), 100 * (1 - mean(results, true)), mean(results, false));
            out.printf("output                  %s%n",
                identical ? "the same with and without the model" : "DIFFERENT with and without the model");
            return identical ? 0 : 1;
        }
        finally
        {
            try (var files = Files.list(dir))
            {
                files.forEach(f -> f.toFile().delete());
            }
            Files.deleteIfExists(dir);
        }
    }

    private List<Guest> guests(final Path dir) throws IOException
    {
        final List<Guest> guests = new ArrayList<>();
        for (final CpuSuite.Guest g : CpuSuite.GUESTS)
        {
            LegoProcess.extractGuest(dir, g.name());
            guests.add(new Guest(g.name(), List.of(Long.toString(g.count(false, scale))), false));
        }
        for (final String name : List.of("wordcount", "pchase", "mapreduce"))
        {
            LegoProcess.extractGuest(dir, name);
        }
        final StringBuilder text = new StringBuilder();
        final long words = Math.max(1_000, Math.round(300_000 * scale));
        for (long i = 0; i < words; i++)
        {
            text.append("w").append((i * 7_919) % 20_011).append(i % 13 == 0 ? '\n' : ' ');
        }
        Files.writeString(dir.resolve("words.txt"), text, StandardCharsets.US_ASCII);
        guests.add(new Guest("wordcount", List.of("/words.txt"), true));
        guests.add(new Guest("pchase", List.of("2048", Long.toString(Math.max(100, Math.round(150_000 * scale))), "1"),
            true));
        guests.add(new Guest("mapreduce", List.of("/words.txt", "4"), true));
        return guests;
    }

    private EmbeddedCluster cluster(final Path dir, final boolean small, final FabricProfile profile)
        throws Exception
    {
        return EmbeddedCluster.start(new EmbeddedCluster.Config(1, 1, small ? SMALL_EXCACHE_BYTES :
            LARGE_EXCACHE_BYTES, 8, "lru", ExCache.DEFAULT_VICTIMS, true, 4L << 30, dir, transport,
            VRegionPlacement.DEFAULT, true, Replication.DEFAULT).withModel(profile, GuestClock.HOST));
    }

    private Result measure(final EmbeddedCluster on, final EmbeddedCluster off, final Guest guest,
        final PrintWriter err)
    {
        final double[] cpuOn = new double[repeat];
        final double[] cpuOff = new double[repeat];
        final double[] wallOn = new double[repeat];
        final double[] wallOff = new double[repeat];
        long instructions = 0;
        boolean identical = true;
        byte[] reference = null;
        for (int i = 0; i < repeat; i++)
        {
            err.printf(Locale.ROOT, "bench: %s %s, run %d of %d%n", guest.name(), String.join(" ", guest.args()),
                i + 1, repeat);
            err.flush();
            for (final boolean model : i % 2 == 0 ? new boolean[] {true, false} : new boolean[] {false, true})
            {
                final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
                final ProcessResult r = run(model ? on : off, guest, stdout);
                identical &= r.exitStatus() == 0;
                if (reference == null)
                {
                    reference = stdout.toByteArray();
                }
                identical &= Arrays.equals(reference, stdout.toByteArray());
                instructions = r.instructions();
                final double cpuMips = r.hartCpuNs() <= 0 ? 0 : r.instructions() * 1e3 / r.hartCpuNs();
                (model ? cpuOn : cpuOff)[i] = cpuMips;
                (model ? wallOn : wallOff)[i] = r.wallNs() / 1e9;
            }
        }
        return new Result(guest, instructions, median(cpuOn), median(cpuOff), median(wallOn), median(wallOff),
            identical);
    }

    private static ProcessResult run(final EmbeddedCluster cluster, final Guest guest, final OutputStream stdout)
    {
        final List<String> argv = new ArrayList<>();
        argv.add("./" + guest.name());
        argv.addAll(guest.args());
        return cluster.run("/" + guest.name(), argv, List.of(), "/", new Console(
            new ByteArrayInputStream(new byte[0]), stdout, OutputStream.nullOutputStream(), false));
    }

    private static void print(final PrintWriter out, final Result r)
    {
        out.printf(Locale.ROOT, "%-10s %,14d %12.1f %12.1f %7.3fx %10.3f %10.3f %7.3fx  %s%n", r.guest().name(),
            r.instructions(), r.cpuMipsOn(), r.cpuMipsOff(), r.cpuMipsOn() / r.cpuMipsOff(), r.wallOnS(),
            r.wallOffS(), r.wallOnS() / r.wallOffS(), r.identical() ? "same" : "DIFFERENT");
        out.flush();
    }

    private static double median(final double[] values)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        final int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Geometric mean over the guests of MIPS with / without the model ({@code mips}) or of wall time with / without. */
    private static double mean(final List<Result> results, final boolean mips)
    {
        double logSum = 0;
        for (final Result r : results)
        {
            logSum += Math.log(mips ? r.cpuMipsOn() / r.cpuMipsOff() : r.wallOnS() / r.wallOffS());
        }
        return Math.exp(logSum / Math.max(1, results.size()));
    }
}
