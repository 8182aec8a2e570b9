package org.legoemu.emulator;

import org.legoemu.abi.Signal;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What stops a {@code lego run} from outside its guest: SIGINT or SIGTERM sent to lego, or its {@code --time-limit}.
 * Either kills the guest (SIGKILL, at its harts' next safepoint), so that the run returns with its figures so far and
 * {@code lego run} prints them marked as interrupted and exits as a shell would report the signal (130, 143), or 124
 * for the time limit (as timeout(1)). A second SIGINT or SIGTERM ends lego at once ({@link SignalTraps}). The traps
 * are set before the cluster starts ({@link #attach} names it once it has), and the kill is repeated every
 * {@link #REPEAT_MS} ms until the run returns, so a signal that comes while the guest is being launched stops it too.
 */
final class RunInterruption implements AutoCloseable
{
    /** Exit status of a run stopped at its time limit, as timeout(1) reports it. */
    static final int TIME_LIMIT_STATUS = 124;

    /** How often the kill is repeated after an interruption, ms. */
    static final long REPEAT_MS = 100;

    private final SignalTraps traps;
    private final ScheduledExecutorService timer;
    private final long timeLimitNs;
    private final String timeLimit;
    private volatile EmbeddedCluster cluster;
    private volatile String by;
    private volatile int exitStatus;

    /**
     * @param timeLimitNs stop the guest after this many ns of wall time from {@link #attach}; 0 for no limit.
     * @param timeLimit   the limit as the user wrote it, for the report.
     */
    RunInterruption(final long timeLimitNs, final String timeLimit)
    {
        timer = Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread t = new Thread(r, "lego-interruption");
            t.setDaemon(true);
            return t;
        });
        this.timeLimitNs = timeLimitNs;
        this.timeLimit = timeLimit;
        this.traps = SignalTraps.install(2, signo -> stop(signo == 2 ? "SIGINT" : "SIGTERM", 128 + signo),
            "INT", "TERM");
    }

    /** The cluster whose guests an interruption stops, once it has started; the time limit counts from here. */
    void attach(final EmbeddedCluster started)
    {
        this.cluster = started;
        if (timeLimitNs > 0)
        {
            timer.schedule(() -> stop("time limit " + timeLimit, TIME_LIMIT_STATUS), timeLimitNs,
                TimeUnit.NANOSECONDS);
        }
    }

    private synchronized void stop(final String reason, final int status)
    {
        if (by != null)
        {
            return;
        }
        by = reason;
        exitStatus = status;
        timer.scheduleAtFixedRate(() ->
        {
            final EmbeddedCluster c = cluster;
            if (c != null)
            {
                c.killAll(Signal.SIGKILL, "lego run interrupted by " + reason);
            }
        }, 0, REPEAT_MS, TimeUnit.MILLISECONDS);
    }

    /** What stopped the run, or null if nothing did. */
    String by()
    {
        return by;
    }

    /** The exit status lego reports for the interruption (valid when {@link #by} is not null). */
    int exitStatus()
    {
        return exitStatus;
    }

    @Override
    public void close()
    {
        timer.shutdownNow();
        traps.close();
    }
}
