package org.legoemu.emulator.bench;

import org.legoemu.emulator.ModelOptions;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.legoemu.emulator.EmbeddedCluster;
import org.legoemu.emulator.ExitCodes;
import org.legoemu.emulator.SizeConverter;
import org.legoemu.emulator.Sizes;
import org.legoemu.fabric.FabricException;
import org.legoemu.gmm.Replication;
import org.legoemu.pcomponent.LaunchException;
import org.legoemu.pcomponent.ProcessResult;
import org.legoemu.pcomponent.linux.Console;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lego bench replication}: the cost of memory replication (LegoOS §4.7, which reported a 2-23% slowdown):
 * the shipped guests (sort, wordcount, matmul) on two clusters of one pComponent and two mComponents started side by
 * side in this JVM, one with {@code --replication off} and one with {@code log}, runs alternating between them, and
 * the median and fastest runtime of each with the slowdown ratios.
 */
@Command(
    name = "replication",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {"Measure the slowdown of memory replication: run sort, wordcount and matmul on a cluster with "
        + "--replication off and one with log (1 pComponent, 2 mComponents each, started side by side), alternating, "
        + "--repeat times each after --warmup runs, and print the median and fastest runtimes and their ratios, and "
        + "the median of the ratios of each log run to the off run just before it (stdout); progress on stderr. "
        + "Runtimes are wall times: run it on an otherwise idle machine."})
public final class ReplicationBenchCommand implements Callable<Integer>
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ModelOptions model = new ModelOptions();

    @Option(names = "--guests", paramLabel = "DIR", defaultValue = "emulator/guests/bin",
        description = "Directory of the shipped guests (default: ${DEFAULT-VALUE}).")
    Path guests;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "5",
        description = "Measured runs of each guest in each mode; the median is printed (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "2",
        description = "Unmeasured runs of each guest in each mode first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--excache", paramLabel = "SIZE", defaultValue = "256KiB", converter = SizeConverter.class,
        description = "ExCache size of the pComponent; small, so the guests write back to the mComponents "
            + "(default: ${DEFAULT-VALUE}).")
    long excacheBytes;

    @Option(names = "--transport", paramLabel = "T", defaultValue = "inproc",
        description = "Fabric between the components: inproc (the default of lego run) or tcp (Netty on loopback) "
            + "(default: ${DEFAULT-VALUE}).")
    String transport;

    @Option(names = "--sort-keys", paramLabel = "N", defaultValue = "100000",
        description = "Keys sorted by sort (default: ${DEFAULT-VALUE}).")
    int sortKeys;

    @Option(names = "--matmul-n", paramLabel = "N", defaultValue = "128",
        description = "Matrix size of matmul (default: ${DEFAULT-VALUE}).")
    int matmulN;

    @Option(names = "--cpu", description = "Also print, per guest, the CPU time per run of each kind of thread of "
        + "the JVM (its name without numbers) under off and log, and the guest's hart threads (ThreadMXBean): where "
        + "replication's extra work goes.")
    boolean cpu;

    @Option(names = "--wordcount-input", paramLabel = "FILE", defaultValue = "/usr/share/common-licenses/GPL-3",
        description = "Input file of wordcount (default: ${DEFAULT-VALUE}).")
    Path wordcountInput;

    /** One guest and its arguments, by absolute host path (the storage root is /). */
    private record Guest(String name, List<String> argv)
    {
    }

    @Override
    public Integer call()
    {
        if (model.problem() != null)
        {
            spec.commandLine().getErr().println("lego: " + model.problem());
            return org.legoemu.emulator.ExitCodes.USAGE;
        }
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final Path dir = guests.toAbsolutePath().normalize();
        for (final String name : List.of("sort", "wordcount", "matmul"))
        {
            if (!Files.isRegularFile(dir.resolve(name)))
            {
                err.println("lego: no guest " + name + " in " + dir + " (choose the directory with --guests)");
                return ExitCodes.USAGE;
            }
        }
        if (!Files.isReadable(wordcountInput))
        {
            err.println("lego: cannot read " + wordcountInput + " (choose wordcount's input with --wordcount-input)");
            return ExitCodes.USAGE;
        }
        if (repeat < 1 || warmup < 0 || sortKeys < 1 || matmulN < 1)
        {
            err.println("lego: --repeat, --sort-keys and --matmul-n must be positive, --warmup not negative");
            return ExitCodes.USAGE;
        }
        final List<Guest> list = List.of(
            new Guest("sort", List.of(dir.resolve("sort").toString(), Integer.toString(sortKeys))),
            new Guest("wordcount", List.of(dir.resolve("wordcount").toString(),
                wordcountInput.toAbsolutePath().toString())),
            new Guest("matmul", List.of(dir.resolve("matmul").toString(), Integer.toString(matmulN))));
        try (EmbeddedCluster off = cluster(Replication.OFF); EmbeddedCluster log = cluster(Replication.LOG))
        {
            out.printf(Locale.ROOT, "# lego bench replication: %s, %d cores, Java %s; 1 pComponent (ExCache %s), "
                + "2 mComponents; %d runs per mode after %d warm-up runs, alternating; slowdown of the medians, of "
                + "the fastest runs, and median slowdown of each log run against the off run before it%n", transport, Runtime.getRuntime().availableProcessors(), Runtime.version(),
                Sizes.format(excacheBytes), repeat, warmup);
            out.printf(Locale.ROOT, "%-10s %12s %12s %10s %12s %12s %10s %10s%n", "guest", "off median",
                "log median", "slowdown", "off min", "log min", "slowdown", "paired");
            for (final Guest guest : list)
            {
                err.printf(Locale.ROOT, "bench: %s (%d runs per mode, alternating)%n", guest.name(), repeat + warmup);
                err.flush();
                final long[] offNs = new long[repeat];
                final long[] logNs = new long[repeat];
                for (int i = 0; i < warmup; i++)
                {
                    run(off, guest, null);
                    run(log, guest, null);
                }
                final ThreadCpu offCpu = cpu ? new ThreadCpu() : null;
                final ThreadCpu logCpu = cpu ? new ThreadCpu() : null;
                for (int i = 0; i < repeat; i++)
                {
                    offNs[i] = run(off, guest, offCpu);
                    logNs[i] = run(log, guest, logCpu);
                }
                final double offMs = median(offNs) / 1e6;
                final double logMs = median(logNs) / 1e6;
                final double offMinMs = Arrays.stream(offNs).min().getAsLong() / 1e6;
                final double logMinMs = Arrays.stream(logNs).min().getAsLong() / 1e6;
                out.printf(Locale.ROOT, "%-10s %9.1f ms %9.1f ms %9.1f%% %9.1f ms %9.1f ms %9.1f%% %9.1f%%%n",
                    guest.name(), offMs, logMs, (logMs / offMs - 1) * 100, offMinMs, logMinMs,
                    (logMinMs / offMinMs - 1) * 100, (pairedRatio(offNs, logNs) - 1) * 100);
                if (cpu)
                {
                    ThreadCpu.print(out, offCpu, logCpu, repeat);
                }
                out.flush();
            }
            return 0;
        }
        catch (final LaunchException | IllegalArgumentException | IllegalStateException | FabricException ex)
        {
            err.println("lego: " + ex.getMessage());
            return ExitCodes.CANNOT_EXECUTE;
        }
    }

    private EmbeddedCluster cluster(final Replication mode)
    {
        return EmbeddedCluster.start(new EmbeddedCluster.Config(1, 2, excacheBytes, 8, "lru", 1L << 30, Path.of("/"),
            transport).withReplication(mode).withModel(model.profile(), model.clock()));
    }

    /** Runs {@code guest} once, adding the CPU its run took to {@code cpu} if not null; its wall time, ns. */
    private static long run(final EmbeddedCluster cluster, final Guest guest, final ThreadCpu cpu)
    {
        if (cpu != null)
        {
            cpu.start();
        }
        final Console console = new Console(
            new ByteArrayInputStream(new byte[0]), OutputStream.nullOutputStream(), OutputStream.nullOutputStream(),
            false);
        final ProcessResult result = cluster.run(guest.argv().get(0), guest.argv(), List.of(), "/", console);
        if (result.exitStatus() != 0)
        {
            throw new IllegalStateException(guest.name() + " exited with status " + result.exitStatus()
                + (result.description() == null ? "" : ": " + result.description()));
        }
        if (cpu != null)
        {
            cpu.stop(result.hartCpuNs());
        }
        return result.wallNs();
    }

    /**
     * The median over runs {@code i} of {@code logNs[i] / offNs[i]}: each log run is paired with the off run just
     * before it, so a change of the machine's load between runs cancels out of the ratio (on 2 cores shared with
     * other jobs the medians of the two series apart swung by ±40 % from one bench to the next, docs/performance.md).
     */
    static double pairedRatio(final long[] offNs, final long[] logNs)
    {
        final double[] ratios = new double[offNs.length];
        for (int i = 0; i < ratios.length; i++)
        {
            ratios[i] = (double)logNs[i] / offNs[i];
        }
        Arrays.sort(ratios);
        final int n = ratios.length;
        return n % 2 == 1 ? ratios[n / 2] : (ratios[n / 2 - 1] + ratios[n / 2]) / 2.0;
    }

    private static double median(final long[] values)
    {
        final long[] sorted = values.clone();
        Arrays.sort(sorted);
        final int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }
}
