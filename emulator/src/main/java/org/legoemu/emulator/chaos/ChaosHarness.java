package org.legoemu.emulator.chaos;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.legoemu.emulator.EmbeddedCluster;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.faults.FaultInjector;
import org.legoemu.fabric.faults.FaultKind;
import org.legoemu.fabric.faults.FaultSchedule;
import org.legoemu.fabric.faults.InjectedEvent;
import org.legoemu.fabric.Transport;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.fabric.proxy.Placement;
import org.legoemu.pcomponent.ProcessorMonitor;
import org.legoemu.fabric.proxy.CallRetries;
import org.legoemu.fabric.sbe.ComponentState;
import org.legoemu.gmm.ComponentInfo;
import org.legoemu.mcomponent.MemoryMonitor;
import org.legoemu.pcomponent.LaunchException;
import org.legoemu.pcomponent.ProcessResult;
import org.legoemu.pcomponent.linux.Console;

/**
 * Runs one guest on an embedded cluster (in-JVM, or TCP on loopback), first without faults, then under seeded fault
 * schedules, and checks each faulty run: same stdout, stderr and exit status as the fault-free run, or a failure
 * explained by a fatal fault (a crash, a partition that cut requests, or an injected storage error the guest saw as
 * EIO; an mComponent crash is survived with memory replication, and kills the guests whose memory lived there
 * without it); no acknowledged write lost (a {@link DurabilityProbe} runs beside the guest in every run); no frame
 * left on a surviving mComponent; every component that was not crashed ALIVE at the GMM once the faults end; every
 * crash declared DEAD by the GMM (detection time measured).
 */
public final class ChaosHarness
{
    /** How long the checks after a run wait for the cluster to settle (DEAD declared, frames freed), ms. */
    static final long SETTLE_MS = 10_000;
    private static final int EVENTS_KEPT = 50;
    private static final int START_ATTEMPTS = 3;

    /**
     * @param config       the cluster ({@code inproc} or {@code tcp} on loopback).
     * @param kinds        the faults to draw.
     * @param faultsPerRun faults drawn per run.
     * @param timeoutNs    how long every call between monitors waits for its reply, nanoseconds.
     */
    public record Settings(EmbeddedCluster.Config config, Set<FaultKind> kinds, int faultsPerRun, long timeoutNs)
    {
        /** Validates; throws IllegalArgumentException naming the bad setting. */
        public Settings
        {
            if (faultsPerRun < 1)
            {
                throw new IllegalArgumentException("--faults-per-run must be at least 1");
            }
            if (timeoutNs <= 0)
            {
                throw new IllegalArgumentException("--timeout must be > 0");
            }
        }
    }

    /**
     * How the fault-free run ended.
     *
     * @param fate       one line: exit status or the launch failure.
     * @param exitStatus its exit status (-1 if it could not start).
     * @param wallNs     its wall time, nanoseconds.
     */
    public record Reference(byte[] stdout, byte[] stderr, int exitStatus, String fate, long wallNs)
    {
    }

    private final Settings settings;
    private final ChaosGuest guest;

    public ChaosHarness(final Settings settings, final ChaosGuest guest)
    {
        this.settings = settings;
        this.guest = guest;
    }

    /**
     * Runs the guest twice without faults (the injector is present but has no fault); the first run warms the
     * JIT up, the second is the reference, so its wall time is that of a warm run.
     */
    public Reference reference()
    {
        Execution run = null;
        for (int i = 0; i < 2; i++)
        {
            final FaultInjector none = new FaultInjector(FaultSchedule.none());
            try (EmbeddedCluster cluster = startCluster(none, referenceTimeoutNs()))
            {
                run = execute(cluster);
            }
        }
        return new Reference(run.stdout, run.stderr, run.exitStatus(), run.fate(), run.wallNs());
    }

    /**
     * The call timeout of the fault-free runs: at least 10 s. Nothing is lost there, so a short chaos timeout could
     * only make a slow call on a loaded host look like a failure of the reference itself.
     */
    private long referenceTimeoutNs()
    {
        return Math.max(settings.timeoutNs(), java.util.concurrent.TimeUnit.SECONDS.toNanos(10));
    }

    /** The schedule of run {@code seed} over {@code durationNs}. */
    public FaultSchedule schedule(final long seed, final long durationNs)
    {
        return FaultSchedule.generate(seed, settings.kinds(), EmbeddedCluster.componentNames(settings.config()),
            durationNs, settings.faultsPerRun());
    }

    /** Runs the guest under {@code schedule} and checks the run against {@code reference}. */
    public ChaosOutcome run(final FaultSchedule schedule, final Reference reference)
    {
        final FaultInjector faults = new FaultInjector(schedule);
        final long retriesBefore = CallRetries.total();
        try (EmbeddedCluster cluster = startCluster(faults, settings.timeoutNs());
            DurabilityProbe probe = startProbe(cluster, faults);
            StorageSupervisor supervisor = new StorageSupervisor(cluster, faults, schedule.seed()))
        {
            faults.start();
            supervisor.start();
            probe.start();
            final Execution run = execute(cluster);
            probe.stop();
            faults.endRun();
            final List<String> crashed = new ArrayList<>();
            final List<Long> memoryCrashClocksNs = new ArrayList<>();
            for (final String name : schedule.crashed())
            {
                if (faults.isCrashed(name))
                {
                    crashed.add(name);
                    if (name.startsWith("mcomponent"))
                    {
                        memoryCrashClocksNs.add(faults.crashClockNs(name));
                    }
                }
            }
            final List<String> problems = new ArrayList<>();
            final List<Long> detections = detectionTimes(cluster, faults, crashed, problems);
            final DurabilityProbe.Report durability = probe.verify(memoryCrashClocksNs);
            probe.close();
            if (durability.lost() > 0)
            {
                problems.add(durability.lost() + " acknowledged writes lost (of " + durability.pagesChecked()
                    + " pages checked)");
            }
            checkSurvivorsAlive(cluster, faults, crashed, problems);
            checkNoFrameLeaked(cluster, crashed, problems);
            final Map<FaultKind, Long> hits = faults.hitsByKind();
            final String unsurvivable = unsurvivable(crashed, hits.get(FaultKind.STORAGE_ERROR) > 0);
            final boolean same = run.exitStatus() == reference.exitStatus() && run.fate().equals(reference.fate())
                && Arrays.equals(run.stdout, reference.stdout()) && Arrays.equals(run.stderr, reference.stderr());
            final ChaosOutcome.Verdict verdict;
            final String reason;
            if (!problems.isEmpty())
            {
                verdict = ChaosOutcome.Verdict.WRONG;
                reason = String.join("; ", problems);
            }
            else if (same)
            {
                verdict = ChaosOutcome.Verdict.SAME_OUTPUT;
                reason = "same output, " + run.fate();
            }
            else if (unsurvivable != null)
            {
                verdict = ChaosOutcome.Verdict.FAILED_AS_EXPECTED;
                reason = run.fate() + differences(run, reference) + " after " + unsurvivable;
            }
            else
            {
                verdict = ChaosOutcome.Verdict.WRONG;
                reason = run.fate() + differences(run, reference) + " without a fault no design could survive" +
                    (crashed.isEmpty() ? "" : " (crashed: " + String.join(", ", crashed) + ")");
            }
            final List<InjectedEvent> events = faults.events();
            return new ChaosOutcome(schedule, verdict, reason, hits, faults.timedOutCalls(),
                CallRetries.total() - retriesBefore, detections,
                List.copyOf(events.subList(0, Math.min(EVENTS_KEPT, events.size()))), run.wallNs(), durability,
                List.copyOf(cluster.gmm().failoverTimesNs()));
        }
    }

    /**
     * Starts a cluster talking through {@code faults} (not started yet, so no fault is in force). A monitor
     * registers within one call timeout; over TCP the first connections of a cold JVM (class loading, the
     * authentication handshake) can take longer than a chaos timeout of a few hundred ms, so a start that fails
     * is tried again, up to {@value #START_ATTEMPTS} times.
     *
     * @throws FabricException from the last attempt.
     */
    private EmbeddedCluster startCluster(final FaultInjector faults, final long timeoutNs)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return EmbeddedCluster.start(settings.config(), faults, timeoutNs);
            }
            catch (final FabricException ex)
            {
                if (attempt >= START_ATTEMPTS)
                {
                    throw ex;
                }
            }
        }
    }

    /**
     * Places the durability probe's process (through the client's view, as {@code lego exec} does) and sets it up
     * through the view of the pComponent it was placed on; its image is the guest's own executable.
     *
     * @throws FabricException if the cluster cannot place or set it up.
     */
    private DurabilityProbe startProbe(final EmbeddedCluster cluster, final FaultInjector faults)
    {
        final GmmProxy placer = new GmmProxy(
            faults.transportFor(EmbeddedCluster.CLIENT, cluster.transport()).connect(cluster.gmm().endpoint()),
            settings.timeoutNs());
        final Placement placement;
        try
        {
            placement = placer.placeProcess();
        }
        finally
        {
            placer.client().close();
        }
        final List<ProcessorMonitor> processors = cluster.processors();
        String name = EmbeddedCluster.processorName(0);
        for (int i = 0; i < processors.size(); i++)
        {
            if (processors.get(i).componentId() == placement.pcomponentId())
            {
                name = EmbeddedCluster.processorName(i);
            }
        }
        final Transport view = faults.transportFor(name, cluster.transport());
        final DurabilityProbe probe = new DurabilityProbe(view,
            new GmmProxy(view.connect(cluster.gmm().endpoint()), settings.timeoutNs()), settings.timeoutNs(),
            guest.path());
        try
        {
            probe.setUp(placement);
        }
        catch (final RuntimeException ex)
        {
            probe.close();
            throw ex;
        }
        return probe;
    }

    private Execution execute(final EmbeddedCluster cluster)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final Console console = new Console(new ByteArrayInputStream(guest.stdin()), out, err, false);
        final long startNs = System.nanoTime();
        try
        {
            final ProcessResult result = cluster.run(guest.path(), guest.argv(), guest.envp(), guest.cwd(), console);
            final String fate = result.signal() == null ? "exit status " + result.exitStatus()
                : "killed by " + result.description();
            return new Execution(out.toByteArray(), err.toByteArray(), result.exitStatus(), fate,
                System.nanoTime() - startNs);
        }
        catch (final LaunchException | FabricException ex)
        {
            return new Execution(out.toByteArray(), err.toByteArray(), -1, "could not start: " + ex.getMessage(),
                System.nanoTime() - startNs);
        }
    }

    /**
     * The fault that explains a failed run, named, when no design could have survived it; null when the run had to
     * give the reference's output. Unsurvivable: the crash of the pComponent the guest ran on (with one
     * pComponent, every pComponent crash), storage errors injected into the sComponent's file operations (they are
     * the guest's own: replica backups do not go through them), an mComponent crash without a replica (replication
     * off or a single mComponent). Everything else (an mComponent crash with replication, an sComponent crash, which
     * {@link StorageSupervisor} restarts, partitions, drops, delays, duplicates, reorders, slow nodes) must be
     * survived.
     */
    private String unsurvivable(final List<String> crashed, final boolean storageErrors)
    {
        final EmbeddedCluster.Config config = settings.config();
        for (final String name : crashed)
        {
            if (name.startsWith("pcomponent") && config.pcomponents() == 1)
            {
                return "the crash of " + name + ", the guest's own pComponent";
            }
            if (name.startsWith("mcomponent") &&
                (config.replication() == org.legoemu.gmm.Replication.OFF || config.mcomponents() == 1))
            {
                return "the crash of " + name + ", which held memory with no replica (replication " +
                    config.replication() + ", " + config.mcomponents() + " mComponent(s))";
            }
        }
        return storageErrors ? "storage errors injected into the guest's file operations (EIO)" : null;
    }

    private static String differences(final Execution run, final Reference reference)
    {
        final StringBuilder sb = new StringBuilder();
        if (!Arrays.equals(run.stdout, reference.stdout()))
        {
            sb.append(", stdout differs").append(firstDifference(run.stdout, reference.stdout()));
        }
        if (!Arrays.equals(run.stderr, reference.stderr()))
        {
            sb.append(", stderr differs").append(firstDifference(run.stderr, reference.stderr()));
        }
        if (run.exitStatus() != reference.exitStatus())
        {
            sb.append(" (fault-free: ").append(reference.fate()).append(')');
        }
        return sb.toString();
    }

    /** Where two outputs first differ: the line number and both lines (each cut at 120 characters), quoted. */
    static String firstDifference(final byte[] actual, final byte[] expected)
    {
        final String[] a = new String(actual, java.nio.charset.StandardCharsets.UTF_8).split("\n", -1);
        final String[] e = new String(expected, java.nio.charset.StandardCharsets.UTF_8).split("\n", -1);
        int line = 0;
        while (line < a.length && line < e.length && a[line].equals(e[line]))
        {
            line++;
        }
        return " at line " + (line + 1) + ": got " + quoted(a, line) + ", fault-free " + quoted(e, line);
    }

    private static String quoted(final String[] lines, final int index)
    {
        if (index >= lines.length)
        {
            return "(end)";
        }
        final String line = lines[index];
        return '"' + (line.length() > 120 ? line.substring(0, 120) + "..." : line) + '"';
    }

    private static List<Long> detectionTimes(
        final EmbeddedCluster cluster, final FaultInjector faults, final List<String> crashed,
        final List<String> problems)
    {
        final List<Long> detections = new ArrayList<>();
        for (final String name : crashed)
        {
            final int id = componentId(cluster, faults, name);
            final boolean declared = id > 0 && await(() -> cluster.gmm().declaredDeadAtNs(id) >= 0);
            if (!declared)
            {
                problems.add("the GMM never declared crashed " + name + " DEAD");
                detections.add(-1L);
                continue;
            }
            detections.add(cluster.gmm().declaredDeadAtNs(id) - faults.crashClockNs(name));
        }
        return detections;
    }

    private static void checkSurvivorsAlive(
        final EmbeddedCluster cluster, final FaultInjector faults, final List<String> crashed,
        final List<String> problems)
    {
        final BooleanSupplier allAlive = () ->
        {
            for (final ComponentInfo c : cluster.gmm().components())
            {
                if (!crashed.contains(faults.nameOf(c.address())) && c.state() != ComponentState.ALIVE)
                {
                    return false;
                }
            }
            return true;
        };
        if (!await(allAlive))
        {
            for (final ComponentInfo c : cluster.gmm().components())
            {
                final String name = faults.nameOf(c.address());
                if (!crashed.contains(name) && c.state() != ComponentState.ALIVE)
                {
                    problems.add(name + " is " + c.state() + " but was not crashed");
                }
            }
        }
    }

    private static void checkNoFrameLeaked(
        final EmbeddedCluster cluster, final List<String> crashed, final List<String> problems)
    {
        final List<MemoryMonitor> memories = cluster.memories();
        for (int i = 0; i < memories.size(); i++)
        {
            final MemoryMonitor memory = memories.get(i);
            final String name = EmbeddedCluster.memoryName(i);
            if (!crashed.contains(name) && !await(() -> memory.framesInUse() == 0))
            {
                problems.add(name + " still holds " + memory.framesInUse() + " frames after the run");
            }
        }
    }

    private static int componentId(final EmbeddedCluster cluster, final FaultInjector faults, final String name)
    {
        for (final ComponentInfo c : cluster.gmm().components())
        {
            if (faults.nameOf(c.address()).equals(name))
            {
                return c.componentId();
            }
        }
        return -1;
    }

    /** Polls {@code condition} every 10 ms for up to {@link #SETTLE_MS}; true once it holds. */
    static boolean await(final BooleanSupplier condition)
    {
        final long untilNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MS);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - untilNs > 0)
            {
                return false;
            }
            try
            {
                Thread.sleep(10);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private record Execution(byte[] stdout, byte[] stderr, int exitStatus, String fate, long wallNs)
    {
    }
}
