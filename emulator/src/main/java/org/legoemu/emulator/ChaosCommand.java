package org.legoemu.emulator;

import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import org.HdrHistogram.Histogram;
import org.legoemu.emulator.chaos.ChaosGuest;
import org.legoemu.emulator.chaos.ChaosHarness;
import org.legoemu.emulator.chaos.ChaosOutcome;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.faults.Fault;
import org.legoemu.fabric.faults.FaultKind;
import org.legoemu.fabric.faults.FaultSchedule;
import org.legoemu.fabric.faults.InjectedEvent;
import org.legoemu.gmm.Replication;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lego chaos}: runs a guest fault-free, then under seeded fault schedules on an embedded cluster (in-JVM or
 * TCP on loopback), and reports whether each run ended correctly.
 */
@Command(
    mixinStandardHelpOptions = true,
    name = "chaos",
    sortOptions = false,
    description = {
        "Run GUEST on an embedded cluster (in-JVM, or --transport tcp) without faults, then --runs times while "
            + "injecting faults from a seeded schedule (run i uses seed --seed + i), and check each run: same stdout, "
            + "stderr and exit status as the fault-free run, or a failure explained by a crash, partition or storage "
            + "error; no acknowledged write lost (a durability probe beside the guest keeps writing pages and reads "
            + "them back after the faults); no frame left on a surviving mComponent; every component that was not "
            + "crashed ALIVE at the GMM afterwards; every crash declared DEAD (detection time measured).",
        "Prints the faults and what happened for each run (or one line per run with --runs > 1), then a summary. "
            + "Exit status 0 when every run ended correctly, 1 otherwise. The guest's stdin is empty."},
    footer = {"", "Example:", "  lego chaos --seed 7 --faults crash,drop --runs 20 --storage-root / -- "
        + "\"$PWD/emulator/guests/bin/sort\""})
public final class ChaosCommand implements Callable<Integer>
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ModelOptions model = new ModelOptions();

    @CommandLine.Mixin
    PrefetchOptions prefetch = new PrefetchOptions();

    @CommandLine.Mixin
    Lego.Verbosity verbosity;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
        description = "Seed of the first run's fault schedule (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--faults", paramLabel = "LIST", defaultValue = "all",
        description = "Comma-separated fault kinds: drop, delay, duplicate, reorder, partition, slow, crash, "
            + "storage-error (the sComponent fails writes, truncates, fsyncs, maybe reads, with EIO), or all "
            + "(default: ${DEFAULT-VALUE}).")
    String faults;

    @Option(names = "--faults-per-run", paramLabel = "N", defaultValue = "3",
        description = "Faults drawn per run (at most one crash) (default: ${DEFAULT-VALUE}).")
    int faultsPerRun;

    @Option(names = "--duration", paramLabel = "D", converter = DurationConverter.class,
        description = "Window the faults start in, e.g. 500ms or 2s (default: the fault-free run's wall time).")
    Long durationNs;

    @Option(names = "--runs", paramLabel = "R", defaultValue = "1",
        description = "Faulty runs (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--timeout", paramLabel = "D", defaultValue = "200ms", converter = DurationConverter.class,
        description = "How long a call between components waits for its reply (default: ${DEFAULT-VALUE}).")
    long timeoutNs;

    @Option(names = "--transport", paramLabel = "T", defaultValue = "inproc",
        description = "Fabric between the components: inproc, or tcp (Netty on loopback; a crash closes the crashed "
            + "component's connections, as a process crash does) (default: ${DEFAULT-VALUE}).")
    String transport;

    @Option(names = "--pcomponents", paramLabel = "N", defaultValue = "1",
        description = "Processor components (default: ${DEFAULT-VALUE}).")
    int pcomponents;

    @Option(names = "--mcomponents", paramLabel = "N", defaultValue = "2",
        description = "Memory components (default: ${DEFAULT-VALUE}).")
    int mcomponents;

    @Option(names = "--excache", paramLabel = "SIZE", defaultValue = "256KiB", converter = SizeConverter.class,
        description = "ExCache size of each pComponent; small, so the guest talks to the mComponents "
            + "(default: ${DEFAULT-VALUE}).")
    long excacheBytes;

    @CommandLine.Mixin
    FileCacheOptions fileCache = new FileCacheOptions();

    @Option(names = "--memory", paramLabel = "SIZE", defaultValue = "4GiB", converter = SizeConverter.class,
        description = "Memory of each mComponent (default: ${DEFAULT-VALUE}).")
    long memoryBytes;

    @CommandLine.Mixin
    GuestArguments target = new GuestArguments();

    @Option(names = "--replication", paramLabel = "MODE", defaultValue = "log",
        converter = ReplicationConverter.class, description = ReplicationConverter.DESCRIPTION)
    Replication replication;

    @Override
    public Integer call()
    {
        if (verbosity.verbose.length == 0)
        {
            Lego.logLevel(new boolean[0], true);
        }
        else
        {
            verbosity.apply();
        }
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final ChaosHarness harness;
        final Set<FaultKind> kinds;
        try
        {
            if (runs < 1)
            {
                throw new IllegalArgumentException("--runs must be at least 1");
            }
            kinds = FaultSchedule.parseKinds(faults);
            final GuestLocation location = target.location();
            final List<String> argv = target.argv();
            final EmbeddedCluster.Config config = new EmbeddedCluster.Config(pcomponents, mcomponents, excacheBytes,
                8, "lru", memoryBytes, location.root(), transport).withReplication(replication)
                .withModel(model.profile(), model.clock()).withPrefetch(prefetch.mode, prefetch.depth)
                .withFileCache(fileCache.fileCacheBytes);
            harness = new ChaosHarness(new ChaosHarness.Settings(config, kinds, faultsPerRun, timeoutNs),
                new ChaosGuest(location.namespacePath(), argv, List.of(), location.cwd(), new byte[0]));
        }
        catch (final GuestLocation.Problem ex)
        {
            err.println("lego: " + ex.getMessage());
            return ex.exitCode;
        }
        catch (final IllegalArgumentException ex)
        {
            err.println("lego: " + ex.getMessage());
            return ExitCodes.USAGE;
        }
        final ChaosHarness.Reference reference;
        try
        {
            reference = harness.reference();
        }
        catch (final FabricException ex)
        {
            err.println("lego: the embedded cluster did not start: " + ex.getMessage());
            return ExitCodes.CANNOT_EXECUTE;
        }
        out.printf("fault-free run: %s in %.1f ms%n", reference.fate(), reference.wallNs() / 1e6);
        if (reference.exitStatus() < 0)
        {
            err.println("lego: the guest does not run without faults: " + reference.fate());
            return ExitCodes.CANNOT_EXECUTE;
        }
        final long windowNs = durationNs != null ? durationNs : Math.max(1_000_000L, reference.wallNs());
        final Summary summary = new Summary();
        for (int i = 0; i < runs; i++)
        {
            final FaultSchedule schedule = harness.schedule(seed + i, windowNs);
            final ChaosOutcome outcome;
            try
            {
                outcome = harness.run(schedule, reference); // tries a cluster that does not start several times
            }
            catch (final FabricException ex)
            {
                // before any fault is injected: the host was too slow for the cluster to start, not a finding
                err.println("lego: seed " + schedule.seed() + ": the embedded cluster did not start: "
                    + ex.getMessage());
                summary.notStarted++;
                continue;
            }
            summary.add(outcome);
            if (runs == 1)
            {
                printDetails(out, outcome);
            }
            else
            {
                out.printf("seed %d: %s: %s; %s%n", schedule.seed(), outcome.verdict(), outcome.reason(),
                    outcome.durability().describe());
            }
            out.flush();
        }
        summary.print(out);
        out.flush();
        return summary.wrong == 0 && summary.notStarted == 0 ? 0 : 1;
    }

    private static void printDetails(final PrintWriter out, final ChaosOutcome outcome)
    {
        out.printf("seed %d, faults:%n", outcome.schedule().seed());
        for (final Fault f : outcome.schedule().faults())
        {
            out.println("  " + f.describe());
        }
        out.printf("requests hit: %s; injected timeouts %d; retried requests %d%n", hitsText(outcome.hits()),
            outcome.timedOutCalls(), outcome.retries());
        for (final InjectedEvent e : outcome.events())
        {
            out.println("  " + e);
        }
        for (final long detectionNs : outcome.detectionNs())
        {
            out.printf("crash detected by the GMM after %.1f ms%n", detectionNs / 1e6);
        }
        for (final long ns : outcome.failoverNs())
        {
            out.printf("GMM failover (DEAD declared to last promotion answered) took %.1f ms%n", ns / 1e6);
        }
        for (final long ns : outcome.durability().recoveryNs())
        {
            out.printf("probe's first acknowledged write came %.1f ms after the crash%n", ns / 1e6);
        }
        out.println(outcome.durability().describe());
        out.printf("guest ran %.1f ms: %s: %s%n", outcome.wallNs() / 1e6, outcome.verdict(), outcome.reason());
    }

    private static String hitsText(final Map<FaultKind, Long> hits)
    {
        final StringBuilder sb = new StringBuilder();
        hits.forEach((k, v) ->
        {
            if (v > 0)
            {
                sb.append(sb.length() == 0 ? "" : ", ").append(k.label()).append(' ').append(v);
            }
        });
        return sb.length() == 0 ? "none" : sb.toString();
    }

    /** Figures over all runs. */
    private static final class Summary
    {
        final Map<FaultKind, Long> scheduled = new EnumMap<>(FaultKind.class);
        final Map<FaultKind, Long> hits = new EnumMap<>(FaultKind.class);
        final Map<ChaosOutcome.Verdict, Integer> verdicts = new EnumMap<>(ChaosOutcome.Verdict.class);
        final Histogram detectionUs = new Histogram(3);
        final Histogram failoverUs = new Histogram(3);
        final Histogram recoveryUs = new Histogram(3);
        long ackedWrites;
        long pagesChecked;
        long lostWrites;
        int probesLost;
        int runs;
        int wrong;
        int notStarted;
        long retries;
        long timeouts;

        void add(final ChaosOutcome outcome)
        {
            runs++;
            wrong += outcome.correct() ? 0 : 1;
            verdicts.merge(outcome.verdict(), 1, Integer::sum);
            for (final Fault f : outcome.schedule().faults())
            {
                scheduled.merge(f.kind(), 1L, Long::sum);
            }
            outcome.hits().forEach((k, v) -> hits.merge(k, v, Long::sum));
            for (final long ns : outcome.detectionNs())
            {
                if (ns >= 0)
                {
                    detectionUs.recordValue(Math.max(1, ns / 1000));
                }
            }
            for (final long ns : outcome.failoverNs())
            {
                failoverUs.recordValue(Math.max(1, ns / 1000));
            }
            for (final long ns : outcome.durability().recoveryNs())
            {
                recoveryUs.recordValue(Math.max(1, ns / 1000));
            }
            ackedWrites += outcome.durability().ackedWrites();
            pagesChecked += outcome.durability().pagesChecked();
            lostWrites += outcome.durability().lost();
            probesLost += outcome.durability().processLost() == null ? 0 : 1;
            retries += outcome.retries();
            timeouts += outcome.timedOutCalls();
        }

        void print(final PrintWriter out)
        {
            out.printf("runs %d: correct %d (same output %d, failed as expected %d), wrong %d%n", runs, runs - wrong,
                verdicts.getOrDefault(ChaosOutcome.Verdict.SAME_OUTPUT, 0),
                verdicts.getOrDefault(ChaosOutcome.Verdict.FAILED_AS_EXPECTED, 0), wrong);
            if (notStarted > 0)
            {
                out.printf("not run: %d seeds whose cluster did not start (no fault had been injected yet)%n",
                    notStarted);
            }
            final StringBuilder sb = new StringBuilder();
            scheduled.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k.label()).append(' ')
                .append(v));
            out.println("faults scheduled: " + (sb.length() == 0 ? "none" : sb));
            out.println("requests hit: " + hitsText(hits) + "; injected timeouts " + timeouts + "; retried requests "
                + retries);
            if (detectionUs.getTotalCount() > 0)
            {
                out.printf("crash detection (%d crashes): p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                    detectionUs.getTotalCount(), detectionUs.getValueAtPercentile(50) / 1e3,
                    detectionUs.getValueAtPercentile(99) / 1e3, detectionUs.getMaxValue() / 1e3);
            }
            printTimes(out, "GMM failover, DEAD declared to last promotion answered", "failovers", failoverUs);
            printTimes(out, "recovery, crash to the probe's first acknowledged write", "outages seen", recoveryUs);
            out.printf("durability probe: %d acknowledged writes, %d pages checked after the runs, %d lost "
                + "(must be 0); probe process lost in %d runs (no replica, or its pComponent died)%n", ackedWrites,
                pagesChecked, lostWrites, probesLost);
        }

        private static void printTimes(final PrintWriter out, final String what, final String unit, final Histogram h)
        {
            if (h.getTotalCount() > 0)
            {
                out.printf("%s (%d %s): p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", what, h.getTotalCount(), unit,
                    h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getMaxValue() / 1e3);
            }
        }
    }
}
