package org.legoemu.emulator.bench;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * CPU time of this JVM's threads over a series of runs, summed by kind of thread (its name with every number
 * dropped: {@code mcomponent-2-replicator} and {@code mcomponent-1-replicator} are one kind), from
 * {@link ThreadMXBean#getThreadCpuTime}. A thread that ended during a run is not counted (a guest's hart threads:
 * their CPU is added from the run's result instead); neither are the JVM's own threads (GC, JIT). For {@code lego
 * bench replication --cpu}: where the extra work of a replicated run goes.
 */
final class ThreadCpu
{
    private static final String HARTS = "(guest hart threads)";
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> startNs = new HashMap<>();
    private final Map<Long, String> names = new HashMap<>();
    private final Map<String, Long> totalNs = new TreeMap<>();

    /** Notes every live thread's CPU time: a run starts. */
    void start()
    {
        startNs.clear();
        for (final ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds()))
        {
            if (info != null)
            {
                startNs.put(info.getThreadId(), Math.max(0, threads.getThreadCpuTime(info.getThreadId())));
                names.put(info.getThreadId(), kind(info.getThreadName()));
            }
        }
    }

    /** Adds what each thread alive now used since {@link #start}, and the run's hart threads' {@code hartCpuNs}. */
    void stop(final long hartCpuNs)
    {
        for (final ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds()))
        {
            if (info == null)
            {
                continue;
            }
            final long now = threads.getThreadCpuTime(info.getThreadId());
            if (now < 0)
            {
                continue;
            }
            final long used = now - startNs.getOrDefault(info.getThreadId(), 0L);
            totalNs.merge(names.getOrDefault(info.getThreadId(), kind(info.getThreadName())), used, Long::sum);
        }
        totalNs.merge(HARTS, hartCpuNs, Long::sum);
    }

    /** A thread's kind: its name without numbers. */
    static String kind(final String threadName)
    {
        return threadName.replaceAll("-?\\d+", "");
    }

    /**
     * Prints, for each kind of thread that used at least 0.1 ms per run in either series, its CPU per run in ms
     * under {@code off} and {@code log} and the difference, then the totals.
     */
    static void print(final PrintWriter out, final ThreadCpu off, final ThreadCpu log, final int runs)
    {
        final TreeSet<String> kinds = new TreeSet<>(off.totalNs.keySet());
        kinds.addAll(log.totalNs.keySet());
        out.printf(Locale.ROOT, "  %-34s %10s %10s %10s%n", "CPU per run, ms", "off", "log", "log - off");
        double offTotal = 0;
        double logTotal = 0;
        for (final String kind : kinds)
        {
            final double offMs = off.totalNs.getOrDefault(kind, 0L) / 1e6 / runs;
            final double logMs = log.totalNs.getOrDefault(kind, 0L) / 1e6 / runs;
            offTotal += offMs;
            logTotal += logMs;
            if (offMs >= 0.1 || logMs >= 0.1)
            {
                out.printf(Locale.ROOT, "  %-34s %10.2f %10.2f %+10.2f%n", kind, offMs, logMs, logMs - offMs);
            }
        }
        out.printf(Locale.ROOT, "  %-34s %10.2f %10.2f %+10.2f%n", "all of the above", offTotal, logTotal,
            logTotal - offTotal);
    }
}
