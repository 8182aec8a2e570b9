package org.legoemu.emulator.bench;

import org.HdrHistogram.Histogram;
import org.legoemu.emulator.EmbeddedCluster;
import org.legoemu.emulator.ExitCodes;
import org.legoemu.emulator.ModelOptions;
import org.legoemu.emulator.PrefetchOptions;
import org.legoemu.pcomponent.excache.PrefetchMode;
import org.legoemu.emulator.SizeConverter;
import org.legoemu.emulator.Sizes;
import org.legoemu.fabric.Endpoint;
import org.legoemu.pcomponent.LaunchException;
import org.legoemu.pcomponent.ProcessResult;
import org.legoemu.pcomponent.excache.ExCache;
import org.legoemu.pcomponent.excache.ExCacheStats;
import org.legoemu.pcomponent.linux.Console;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
 * {@code lego bench memory}: the memory-system figures, measured in one run over the chosen transport (in-JVM by
 * default, as {@code lego run}; or loopback TCP): ExCache miss latency next to a raw fabric round trip of the same
 * shape and a 4 KiB {@code System.arraycopy}, ExCache hit cost next to a Java array load, concurrent misses on both
 * transports, and a sweep of ExCache size over the working set of the shipped guests (the shape of LegoOS's Figures
 * 11 and 12) with the host cost per remote miss.
 */
@Command(
    name = "memory",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {"Measure the ExCache and the fabric (in-JVM, or --transport tcp) and print the figures (stdout); "
        + "progress on stderr. Takes a minute or two.",
        "The working set of a guest is the number of distinct lines it fetches with an ExCache large enough never to "
            + "evict; the sweep then runs it with an ExCache of each given fraction of that."})
public final class MemoryBenchCommand implements Callable<Integer>
{
    private static final double[] PERCENTILES = {50, 99, 99.9};
    private static final long WORKING_SET_EXCACHE_BYTES = 256L << 20;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ModelOptions model = new ModelOptions();

    @Option(names = "--transport", paramLabel = "T", defaultValue = "inproc",
        description = "Fabric of the latency and sweep sections: inproc (the default of lego run) or tcp (Netty on "
            + "loopback); the concurrent section measures both (default: ${DEFAULT-VALUE}).")
    String transport;

    @Option(names = "--guests", paramLabel = "DIR", defaultValue = "emulator/guests/bin",
        description = "Directory of the shipped guests (default: ${DEFAULT-VALUE}).")
    Path guests;

    @Option(names = "--wordcount-input", paramLabel = "FILE", split = ",",
        defaultValue = "/usr/share/common-licenses/GPL-3,/usr/share/common-licenses/GPL-2,"
            + "/usr/share/common-licenses/LGPL-2.1,/usr/share/common-licenses/GFDL-1.3,"
            + "/usr/share/common-licenses/Apache-2.0,/usr/share/common-licenses/MPL-2.0",
        description = "Input files of wordcount, comma-separated (default: six licences from "
            + "/usr/share/common-licenses).")
    List<Path> wordcountInput;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "3",
        description = "Runs per sweep point; the median runtime is printed (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--sort-keys", paramLabel = "N", defaultValue = "100000",
        description = "Keys sorted by sort (default: ${DEFAULT-VALUE}).")
    int sortKeys;

    @Option(names = "--latency-excache", paramLabel = "SIZE", defaultValue = "64KiB", converter = SizeConverter.class,
        description = "ExCache size of the miss-latency run of sort (default: ${DEFAULT-VALUE}).")
    long latencyExcacheBytes;

    @Option(names = "--round-trips", paramLabel = "N", defaultValue = "20000",
        description = "Raw fabric round trips measured (default: ${DEFAULT-VALUE}).")
    int roundTrips;

    @Option(names = "--excache-ways", paramLabel = "N", defaultValue = "8",
        description = "ExCache associativity of every run (default: ${DEFAULT-VALUE}).")
    int ways;

    @Option(names = "--excache-policy", paramLabel = "P", defaultValue = "lru",
        description = "ExCache eviction policy of every run: fifo, lru or random (default: ${DEFAULT-VALUE}).")
    String policy;

    @Option(names = "--excache-victims", paramLabel = "N", defaultValue = "8",
        description = "ExCache victim buffer lines of every run; 0 disables it (default: ${DEFAULT-VALUE}).")
    int victims;

    @Option(names = "--fractions", paramLabel = "PCT", split = ",", defaultValue = "12.5,25,50,100",
        description = "ExCache sizes of the sweep, percent of the working set (default: ${DEFAULT-VALUE}).")
    List<Double> fractions;

    @Option(names = "--sections", paramLabel = "S", split = ",", defaultValue = "latency,hit,concurrent,sweep",
        description = "Sections to measure, comma-separated: latency, hit, concurrent, sweep, prefetch (the "
            + "prefetcher's modes side by side on scan guests and wordcount) (default: ${DEFAULT-VALUE}).")
    List<String> sections;

    @CommandLine.Mixin
    PrefetchOptions prefetch = new PrefetchOptions();

    @Option(names = "--prefetch-excache", paramLabel = "SIZE", defaultValue = "128KiB", converter = SizeConverter.class,
        description = "ExCache size of the prefetch section (default: ${DEFAULT-VALUE}).")
    long prefetchExcacheBytes;

    @Option(names = "--scan-mib", paramLabel = "N", defaultValue = "8",
        description = "MiB the scan guests of the prefetch section scan, 3 passes each (default: ${DEFAULT-VALUE}).")
    int scanMib;

    @Option(names = "--miss-threads", paramLabel = "N", defaultValue = "4",
        description = "Threads missing at once in the concurrent-miss section, against 1 (default: ${DEFAULT-VALUE}).")
    int missThreads;

    @Option(names = "--concurrent-misses", paramLabel = "N", defaultValue = "40000",
        description = "Misses per run of the concurrent-miss section (default: ${DEFAULT-VALUE}).")
    long concurrentMisses;

    @Option(names = "--chase-steps", paramLabel = "N", defaultValue = "20000",
        description = "Steps of the pointer chase (chase, 16 MiB) of the sweep (default: ${DEFAULT-VALUE}).")
    int chaseSteps;

    @Option(names = "--compare",
        description = "Also sweep each eviction policy with the victim buffer, and LRU without it, with and without "
            + "piggybacking (one run per point; several minutes).")
    boolean compare;

    @Option(names = "--plot", paramLabel = "FILE",
        description = "Also draw the sweeps into FILE as a PNG: slowdown and misses per 1000 instructions vs ExCache "
            + "size, one line per guest; with --compare one more row per guest, one line per variant. Needs 100 in "
            + "--fractions.")
    Path plot;

    private PrintWriter out;
    private PrintWriter err;

    /** One guest and its arguments, by absolute host path (the storage root is /). */
    private record Guest(String name, List<String> argv)
    {
    }

    /** An ExCache configuration of the sweep or the comparison. */
    private record Variant(String policy, int victims, boolean piggyback, PrefetchMode prefetch)
    {
        /** Without a prefetcher (the comparison's variants). */
        Variant(final String policy, final int victims, final boolean piggyback)
        {
            this(policy, victims, piggyback, PrefetchMode.NONE);
        }

        String label()
        {
            return policy + ", " + (victims == 0 ? "no victim buffer" : victims + " victims")
                + (piggyback ? "" : ", no piggyback") + (prefetch == PrefetchMode.NONE ? "" : ", prefetch "
                + prefetch.label());
        }
    }

    /** One point of a sweep: the ExCache size and the (median) run. */
    private record Point(double percent, long lines, Run run)
    {
    }

    /** The figures of one guest run. */
    private record Run(ProcessResult result, ExCacheStats stats)
    {
        double missRate()
        {
            final long lookups = stats.hits() + stats.misses();
            return lookups == 0 ? 0 : (double)stats.misses() / lookups;
        }

        double mpki()
        {
            return result.instructions() == 0 ? 0 : stats.misses() * 1000.0 / result.instructions();
        }
    }

    @Override
    public Integer call()
    {
        out = spec.commandLine().getOut();
        err = spec.commandLine().getErr();
        final Path dir = guests.toAbsolutePath().normalize();
        for (final String section : sections)
        {
            if (!List.of("latency", "hit", "concurrent", "sweep", "prefetch").contains(section))
            {
                err.println("lego: unknown section '" + section + "' (expected latency, hit, concurrent, sweep or "
                    + "prefetch)");
                return ExitCodes.USAGE;
            }
        }
        if (model.problem() != null)
        {
            err.println("lego: " + model.problem());
            return ExitCodes.USAGE;
        }
        if (!transport.equals("inproc") && !transport.equals("tcp"))
        {
            err.println("lego: --transport must be inproc or tcp, not '" + transport + "'");
            return ExitCodes.USAGE;
        }
        if (missThreads < 2 || concurrentMisses < missThreads || chaseSteps < 1)
        {
            err.println("lego: --miss-threads must be at least 2, --concurrent-misses at least that, --chase-steps "
                + "positive");
            return ExitCodes.USAGE;
        }
        for (final String name : List.of("wordcount", "sort", "chase", "hello", "scan"))
        {
            if (!Files.isRegularFile(dir.resolve(name)))
            {
                err.println("lego: no guest " + name + " in " + dir + " (choose the directory with --guests)");
                return ExitCodes.USAGE;
            }
        }
        for (final Path input : wordcountInput)
        {
            if (!Files.isReadable(input))
            {
                err.println("lego: cannot read " + input + " (choose wordcount's input with --wordcount-input)");
                return ExitCodes.USAGE;
            }
        }
        if (repeat < 1 || sortKeys < 1 || roundTrips < 1)
        {
            err.println("lego: --repeat, --sort-keys and --round-trips must be positive");
            return ExitCodes.USAGE;
        }
        for (final double f : fractions)
        {
            if (!(f > 0 && f <= 100))
            {
                err.println("lego: --fractions takes percentages in (0, 100], not " + f);
                return ExitCodes.USAGE;
            }
        }
        if (plot != null && !fractions.contains(100.0))
        {
            err.println("lego: --plot needs 100 in --fractions (slowdowns are relative to it)");
            return ExitCodes.USAGE;
        }
        final Path plotDir = plot == null ? null : plot.toAbsolutePath().getParent();
        if (plotDir != null && !Files.isDirectory(plotDir))
        {
            err.println("lego: --plot " + plot + ": no directory " + plotDir);
            return ExitCodes.USAGE;
        }
        final List<String> wordcountArgv = new ArrayList<>(List.of(dir.resolve("wordcount").toString()));
        for (final Path input : wordcountInput)
        {
            wordcountArgv.add(input.toAbsolutePath().toString());
        }
        final Guest wordcount = new Guest("wordcount", wordcountArgv);
        final Guest sort = new Guest("sort", List.of(dir.resolve("sort").toString(), Integer.toString(sortKeys)));
        final Guest chase = new Guest("chase", List.of(dir.resolve("chase").toString(), "16",
            Integer.toString(chaseSteps)));
        try
        {
            out.printf(Locale.ROOT, "# lego bench memory: %s unless stated, %d cores, Java %s; ExCache %d ways, %s, "
                + "%d victim lines%n", transportLabel(), Runtime.getRuntime().availableProcessors(), Runtime.version(),
                ways, policy, victims);
            if (sections.contains("latency"))
            {
                latency(sort);
            }
            if (sections.contains("hit"))
            {
                hitCost();
            }
            if (sections.contains("concurrent"))
            {
                concurrentMisses(dir.resolve("hello").toString());
            }
            if (sections.contains("prefetch"))
            {
                prefetchSection(dir, wordcount);
            }
            final Variant chosen = new Variant(policy, victims, true, prefetch.mode);
            final List<SweepPlot.Series> guestSeries = new ArrayList<>();
            final List<SweepPlot.Row> compareRows = new ArrayList<>();
            for (final Guest guest : sections.contains("sweep") ? List.of(wordcount, sort, chase) : List.<Guest>of())
            {
                final long workingSetLines = workingSet(guest);
                final List<Point> points = sweep(guest, workingSetLines, chosen, fractions, repeat);
                printSweep(guest, workingSetLines, points);
                final double fullNs = fullNs(points);
                guestSeries.add(series(guest.name(), points, fullNs));
                if (compare)
                {
                    final List<SweepPlot.Series> lines = compare(guest, workingSetLines, fullNs);
                    if (!lines.isEmpty())
                    {
                        compareRows.add(new SweepPlot.Row(guest.name() + " by variant", lines));
                    }
                }
            }
            out.flush();
            if (plot != null)
            {
                final List<SweepPlot.Row> rows = new ArrayList<>();
                rows.add(new SweepPlot.Row("ExCache " + chosen.label(), guestSeries));
                rows.addAll(compareRows);
                SweepPlot.write(rows, plot);
                err.println("bench: plot written to " + plot);
            }
            return 0;
        }
        catch (final LaunchException | IllegalArgumentException | IllegalStateException ex)
        {
            err.println("lego: " + ex.getMessage());
            return ExitCodes.USAGE;
        }
        catch (final IOException ex)
        {
            err.println("lego: cannot write the plot " + plot + ": " + ex.getMessage());
            return ExitCodes.USAGE;
        }
    }

    /**
     * The prefetch section: a sequential scan, a strided scan (stride 3 pages) and wordcount at a small ExCache
     * ({@link #prefetchExcacheBytes}), each run with every {@link PrefetchMode} at {@code --excache-prefetch-depth},
     * modes interleaved within each of {@link #repeat} rounds (a fresh cluster per run); prints the medians of wall
     * time, remote misses (demand misses fetched from an mComponent), prefetches issued, hits and unused, and the
     * modeled time (deterministic for these single-threaded guests), with wall and modeled time against none.
     */
    private void prefetchSection(final Path dir, final Guest wordcount)
    {
        final String scan = dir.resolve("scan").toString();
        final String mib = Integer.toString(scanMib);
        final List<Guest> guests = List.of(new Guest("scan seq", List.of(scan, mib, "1", "3")),
            new Guest("scan stride 3", List.of(scan, mib, "3", "3")), wordcount);
        final PrefetchMode[] modes = PrefetchMode.values();
        final List<List<List<Run>>> runs = new ArrayList<>();
        for (int g = 0; g < guests.size(); g++)
        {
            final List<List<Run>> byMode = new ArrayList<>();
            for (int m = 0; m < modes.length; m++)
            {
                byMode.add(new ArrayList<>());
            }
            runs.add(byMode);
        }
        for (int r = 0; r < repeat; r++)
        {
            for (int g = 0; g < guests.size(); g++)
            {
                for (int m = 0; m < modes.length; m++)
                {
                    err.printf(Locale.ROOT, "bench: prefetch: %s, %s, round %d of %d%n", guests.get(g).name(),
                        modes[m].label(), r + 1, repeat);
                    err.flush();
                    try (EmbeddedCluster cluster = cluster(prefetchExcacheBytes,
                        new Variant(policy, victims, true, modes[m])))
                    {
                        runs.get(g).get(m).add(run(cluster, guests.get(g)));
                    }
                }
            }
        }
        out.println();
        out.printf(Locale.ROOT, "## Prefetcher (ExCache %s %d-way, %s, depth %d lines; medians of %d rounds, modes "
            + "interleaved)%n", Sizes.format(prefetchExcacheBytes), ways, transportLabel(), prefetch.depth, repeat);
        out.printf(Locale.ROOT, "%-14s %-10s %8s %8s %9s %9s %9s %8s %11s %8s%n", "guest", "prefetch", "wall s",
            "vs none", "remote", "issued", "pf hits", "unused", "modeled ms", "vs none");
        for (int g = 0; g < guests.size(); g++)
        {
            final Run base = medianWall(runs.get(g).get(0));
            for (int m = 0; m < modes.length; m++)
            {
                final Run r = medianWall(runs.get(g).get(m));
                final ExCacheStats s = r.stats();
                final long modeledNs = r.result().model() == null ? 0 : r.result().model().modeledNs();
                final long baseNs = base.result().model() == null ? 0 : base.result().model().modeledNs();
                out.printf(Locale.ROOT, "%-14s %-10s %8.2f %7.2fx %,9d %,9d %,9d %,8d %11.2f %7.2fx%n",
                    guests.get(g).name(), modes[m].label(), r.result().wallNs() / 1e9,
                    (double)r.result().wallNs() / Math.max(1, base.result().wallNs()),
                    s.misses() - s.victimHits() - s.zeroFills(), s.prefetchIssued(), s.prefetchHits(),
                    s.prefetchUnused(), modeledNs / 1e6, (double)modeledNs / Math.max(1, baseNs));
            }
        }
        out.flush();
    }

    /** The run of median wall time. */
    private static Run medianWall(final List<Run> runs)
    {
        final List<Run> sorted = new ArrayList<>(runs);
        sorted.sort((a, b) -> Long.compare(a.result().wallNs(), b.result().wallNs()));
        return sorted.get(sorted.size() / 2);
    }

    /** The plotted line of a sweep; slowdowns are against {@code fullNs}, the runtime at 100 %. */
    private static SweepPlot.Series series(final String name, final List<Point> points, final double fullNs)
    {
        final double[] percent = new double[points.size()];
        final double[] slowdown = new double[points.size()];
        final double[] mpki = new double[points.size()];
        for (int i = 0; i < points.size(); i++)
        {
            final Point p = points.get(i);
            percent[i] = p.percent();
            slowdown[i] = fullNs == 0 ? 0 : p.run().result().wallNs() / fullNs;
            mpki[i] = p.run().mpki();
        }
        return new SweepPlot.Series(name, percent, slowdown, mpki);
    }

    private EmbeddedCluster cluster(final long excacheBytes)
    {
        return cluster(excacheBytes, new Variant(policy, victims, true, prefetch.mode));
    }

    private EmbeddedCluster cluster(final long excacheBytes, final Variant variant)
    {
        return EmbeddedCluster.start(new EmbeddedCluster.Config(1, 2, excacheBytes, ways, variant.policy(),
            variant.victims(), variant.piggyback(), 4L << 30, Path.of("/"), transport)
            .withModel(model.profile(), model.clock()).withPrefetch(variant.prefetch(), prefetch.depth));
    }

    private String transportLabel()
    {
        return transport.equals("tcp") ? "loopback TCP" : "in-JVM fabric";
    }

    private Run run(final EmbeddedCluster cluster, final Guest guest)
    {
        final Console console = new Console(
            new ByteArrayInputStream(new byte[0]), OutputStream.nullOutputStream(), OutputStream.nullOutputStream(),
            false);
        final ProcessResult result = cluster.run(guest.argv().get(0), guest.argv(), List.of(), "/", console);
        if (result.exitStatus() != 0)
        {
            throw new IllegalStateException(guest.name() + " exited with status " + result.exitStatus()
                + (result.description() == null ? "" : ": " + result.description()));
        }
        return new Run(result, result.excache());
    }

    private void latency(final Guest sort)
    {
        err.printf(Locale.ROOT, "bench: miss latency: sort %d with a %s ExCache (a warm-up run, then the measured "
            + "one), with %,d raw round trips before and after it%n", sortKeys, Sizes.format(latencyExcacheBytes),
            roundTrips);
        err.flush();
        final Histogram miss;
        final Histogram raw;
        final Histogram copy = FabricRoundTrip.lineCopy(roundTrips / 10, roundTrips);
        try (EmbeddedCluster cluster = cluster(latencyExcacheBytes))
        {
            final Endpoint loopback =
                transport.equals("tcp") ? new Endpoint("127.0.0.1", 0) : new Endpoint("inproc", 0);
            run(cluster, sort);
            raw = FabricRoundTrip.measure(cluster.transport(), loopback, roundTrips / 10, roundTrips / 2);
            final Run r = run(cluster, sort);
            miss = r.stats().missLatencyNs();
            raw.add(FabricRoundTrip.measure(
                cluster.transport(), loopback, roundTrips / 10, roundTrips - roundTrips / 2));
        }
        out.println();
        out.println("## ExCache miss latency vs raw fabric round trip (us)");
        out.printf(Locale.ROOT, "%-44s %9s %9s %9s %10s%n", "", "p50", "p99", "p99.9", "count");
        row("ExCache miss (sort, P2M_PCACHE_MISS served)", miss);
        row((transport.equals("tcp") ? "raw Netty" : "raw in-JVM") + " request + 4 KiB reply (same run)", raw);
        row("4 KiB System.arraycopy (same run)", copy);
        out.printf(Locale.ROOT, "%-44s %8.2fx %8.2fx %8.2fx%n", "ratio miss / raw",
            ratio(miss, raw, 50), ratio(miss, raw, 99), ratio(miss, raw, 99.9));
    }

    private void row(final String label, final Histogram h)
    {
        out.printf(Locale.ROOT, "%-44s", label);
        for (final double p : PERCENTILES)
        {
            out.printf(Locale.ROOT, " %9.1f", h.getValueAtPercentile(p) / 1e3);
        }
        out.printf(Locale.ROOT, " %,10d%n", h.getTotalCount());
    }

    private static double ratio(final Histogram a, final Histogram b, final double percentile)
    {
        return (double)a.getValueAtPercentile(percentile) / Math.max(1, b.getValueAtPercentile(percentile));
    }

    private void hitCost()
    {
        err.println("bench: ExCache hit cost");
        err.flush();
        final HitCost.Result r = HitCost.measure(5);
        out.println();
        out.println("## Hit cost (ns per access, 2^20 random addresses over 512 KiB)");
        out.printf(Locale.ROOT, "ExCache.access hit (a hart's TLB miss that hits the ExCache) %8.1f ns%n",
            r.excacheHitNs());
        out.printf(Locale.ROOT, "plain Java byte[] load                                       %8.1f ns%n",
            r.arrayLoadNs());
        out.printf(Locale.ROOT, "ratio                                                        %8.1fx%n",
            r.excacheHitNs() / r.arrayLoadNs());
    }

    /**
     * Miss throughput of one pComponent with {@link #missThreads} threads missing at once against 1 thread, on the
     * in-JVM fabric and on loopback TCP; see {@link ConcurrentMisses}. ExCache 256 KiB (64 lines), each thread
     * sweeping its own 1 MiB; median of {@link #repeat} runs after one warm-up run of each.
     */
    private void concurrentMisses(final String image)
    {
        out.println();
        out.printf(Locale.ROOT, "## Concurrent misses on one pComponent: %d threads vs 1 (ExCache 256 KiB %d-way; each "
            + "thread sweeps its own 1 MiB; %,d misses per run, median of %d)%n", missThreads, ways, concurrentMisses,
            repeat);
        out.printf(Locale.ROOT, "%-10s %8s %12s %10s %12s %10s%n", "transport", "threads", "misses/s", "us/miss",
            "remote", "vs 1");
        for (final String fabric : List.of("inproc", "tcp"))
        {
            err.printf(Locale.ROOT, "bench: concurrent misses, %s: 1 and %d threads%n", fabric, missThreads);
            err.flush();
            try (EmbeddedCluster cluster = EmbeddedCluster.start(new EmbeddedCluster.Config(1, 2, 256L << 10, ways,
                policy, victims, true, 4L << 30, Path.of("/"), fabric)))
            {
                ConcurrentMisses.measure(cluster, image, 1, 256, concurrentMisses / 4);
                ConcurrentMisses.measure(cluster, image, missThreads, 256, concurrentMisses / 4);
                final List<ConcurrentMisses.Result> one = new ArrayList<>();
                final List<ConcurrentMisses.Result> many = new ArrayList<>();
                for (int i = 0; i < repeat; i++)
                {
                    one.add(ConcurrentMisses.measure(cluster, image, 1, 256, concurrentMisses));
                    many.add(ConcurrentMisses.measure(cluster, image, missThreads, 256, concurrentMisses));
                }
                final ConcurrentMisses.Result base = median(one);
                final ConcurrentMisses.Result concurrent = median(many);
                for (final ConcurrentMisses.Result r : List.of(base, concurrent))
                {
                    out.printf(Locale.ROOT, "%-10s %8d %,12.0f %10.2f %,12d %9.2fx%n", fabric, r.threads(),
                        r.missesPerSecond(), 1e6 / r.missesPerSecond(), r.remoteMisses(),
                        r.missesPerSecond() / base.missesPerSecond());
                }
                out.flush();
            }
        }
    }

    private static ConcurrentMisses.Result median(final List<ConcurrentMisses.Result> results)
    {
        final List<ConcurrentMisses.Result> sorted = new ArrayList<>(results);
        sorted.sort(java.util.Comparator.comparingDouble(ConcurrentMisses.Result::missesPerSecond));
        return sorted.get(sorted.size() / 2);
    }

    /** Lines a guest fetches with an ExCache that never evicts. */
    private long workingSet(final Guest guest)
    {
        err.printf(Locale.ROOT, "bench: %s: working set (ExCache %s)%n", guest.name(),
            Sizes.format(WORKING_SET_EXCACHE_BYTES));
        err.flush();
        try (EmbeddedCluster cluster = cluster(WORKING_SET_EXCACHE_BYTES, new Variant(policy, victims, true)))
        {
            return run(cluster, guest).stats().misses();
        }
    }

    /** Runs {@code guest} at every fraction of its working set, {@code runs} times each, keeping the median. */
    private List<Point> sweep(
        final Guest guest, final long workingSetLines, final Variant variant, final List<Double> percents,
        final int runs)
    {
        final List<Point> points = new ArrayList<>();
        for (final double pct : percents)
        {
            final long lines = Math.max(ways, (long)Math.ceil(workingSetLines * pct / 100 / ways) * ways);
            err.printf(Locale.ROOT, "bench: %s: ExCache %.1f%% of the working set (%d lines), %s%n", guest.name(),
                pct, lines, variant.label());
            err.flush();
            try (EmbeddedCluster cluster = cluster(lines * ExCache.LINE_SIZE, variant))
            {
                final List<Run> repeats = new ArrayList<>();
                for (int i = 0; i < runs; i++)
                {
                    repeats.add(run(cluster, guest));
                }
                repeats.sort(java.util.Comparator.comparingLong((Run r) -> r.result().wallNs()));
                points.add(new Point(pct, lines, repeats.get(repeats.size() / 2)));
            }
        }
        return points;
    }

    /** Runtime of the 100 % point, ns, or 0 if the sweep has none. */
    private static double fullNs(final List<Point> points)
    {
        for (final Point p : points)
        {
            if (p.percent() == 100)
            {
                return p.run().result().wallNs();
            }
        }
        return 0;
    }

    private static String slowdown(final Point p, final double fullNs)
    {
        return fullNs == 0 ? "n/a" : String.format(Locale.ROOT, "%.2fx", p.run().result().wallNs() / fullNs);
    }

    private void printSweep(final Guest guest, final long workingSetLines, final List<Point> points)
    {
        final double fullNs = fullNs(points);
        out.println();
        out.printf(Locale.ROOT, "## Sweep: %s (%d arguments), working set %,d lines (%s), median of %d runs%n",
            guest.name(), guest.argv().size() - 1, workingSetLines, Sizes.format(workingSetLines * ExCache.LINE_SIZE),
            repeat);
        out.printf(Locale.ROOT, "%8s %8s %10s %10s %9s %9s %10s %10s %9s %9s%n", "ExCache", "lines", "runtime s",
            "misses", "victimHit", "missRate", "MPKI", "flushes", "slowdown", "us/remote");
        final Point full = fullPoint(points);
        for (final Point p : points)
        {
            final Run r = p.run();
            out.printf(Locale.ROOT, "%7.1f%% %8d %10.3f %,10d %9.3f %9.3f %10.2f %,10d %8s %9s%n", p.percent(),
                p.lines(), r.result().wallNs() / 1e9, r.stats().misses(),
                r.stats().misses() == 0 ? 0 : (double)r.stats().victimHits() / r.stats().misses(), r.missRate(),
                r.mpki(), r.stats().flushes(), slowdown(p, fullNs), hostCostPerRemoteMiss(p, full));
        }
    }

    /** The 100 % point, or null. */
    private static Point fullPoint(final List<Point> points)
    {
        for (final Point p : points)
        {
            if (p.percent() == 100)
            {
                return p;
            }
        }
        return null;
    }

    private static long remoteMisses(final ExCacheStats s)
    {
        return s.misses() - s.victimHits() - s.zeroFills();
    }

    /**
     * All-in host cost of one remote miss, us: (runtime at this size - runtime at 100 %) / (remote misses at this
     * size - remote misses at 100 %), the definition; "-" at 100 % or without a 100 % point.
     */
    private static String hostCostPerRemoteMiss(final Point p, final Point full)
    {
        if (full == null || p == full)
        {
            return "-";
        }
        final long extraMisses = remoteMisses(p.run().stats()) - remoteMisses(full.run().stats());
        if (extraMisses <= 0)
        {
            return "-";
        }
        return String.format(Locale.ROOT, "%.1f",
            (p.run().result().wallNs() - full.run().result().wallNs()) / 1e3 / extraMisses);
    }

    /**
     * The sweep of every variant below 100 %, one run per point. Slowdowns are against {@code fullNs}, the median
     * runtime at 100 % of the main sweep: with the whole working set cached nothing is evicted, so every variant
     * behaves alike there.
     *
     * @return one plotted line per variant
     */
    private List<SweepPlot.Series> compare(final Guest guest, final long workingSetLines, final double fullNs)
    {
        final List<Variant> variants = List.of(new Variant("fifo", victims, true), new Variant("lru", victims, true),
            new Variant("random", victims, true), new Variant("lru", 0, true), new Variant("lru", 0, false));
        final List<Double> below = new ArrayList<>();
        for (final double pct : fractions)
        {
            if (pct < 100)
            {
                below.add(pct);
            }
        }
        out.println();
        out.printf(Locale.ROOT, "## Comparison: %s, slowdown vs the sweep's 100%% / network misses / piggybacked "
            + "write-backs, one run each%n", guest.name());
        out.printf(Locale.ROOT, "%-36s", "ExCache");
        for (final double pct : below)
        {
            out.printf(Locale.ROOT, " %26s", String.format(Locale.ROOT, "%.1f%%", pct));
        }
        out.println();
        final List<SweepPlot.Series> lines = new ArrayList<>();
        for (final Variant v : variants)
        {
            final List<Point> points = sweep(guest, workingSetLines, v, below, 1);
            if (!points.isEmpty())
            {
                lines.add(series(v.label(), points, fullNs));
            }
            out.printf(Locale.ROOT, "%-36s", v.label());
            for (final Point p : points)
            {
                final ExCacheStats s = p.run().stats();
                out.printf(Locale.ROOT, " %26s", slowdown(p, fullNs) + " / " + (s.misses() - s.victimHits()) + " / "
                    + s.piggybackedFlushes());
            }
            out.println();
            out.flush();
        }
        return lines;
    }
}
