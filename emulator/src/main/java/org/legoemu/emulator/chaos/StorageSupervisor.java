package org.legoemu.emulator.chaos;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.legoemu.emulator.EmbeddedCluster;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.faults.FaultInjector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a process supervisor (systemd, Kubernetes) does for the stateless sComponent during a chaos run: once the
 * injector has crashed it, waits a pause drawn from the run's seed ({@value #MIN_PAUSE_MS}-{@value #MAX_PAUSE_MS}
 * ms, a guess at a supervisor's restart delay) and starts a new one on the same root and backup area
 * ({@link EmbeddedCluster#restartStorage}), named {@value #RESTARTED_NAME} for the injector. The guest's file
 * operations wait it out: their storage proxies retry for the retry window ({@link EmbeddedCluster#retryWindowNs}:
 * 3.2 s with the 200 ms chaos timeout) and look the sComponent up again after every failed attempt. Runs on a daemon
 * thread of its own from {@link #start()} to {@link #close()}.
 */
final class StorageSupervisor implements AutoCloseable
{
    /** Shortest pause before the restart, ms. */
    static final long MIN_PAUSE_MS = 50;
    /** Longest pause before the restart, ms: well inside the 2 s retry window with the chaos timeout. */
    static final long MAX_PAUSE_MS = 500;
    /** The injector name of the restarted sComponent. */
    static final String RESTARTED_NAME = "scomponent-2";

    private static final Logger LOG = LoggerFactory.getLogger(StorageSupervisor.class);
    private static final long POLL_MS = 5;

    private final EmbeddedCluster cluster;
    private final FaultInjector faults;
    private final long pauseMs;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean restarted;
    private volatile boolean restarting;

    /**
     * @param seed the run's seed, from which the pause is drawn.
     */
    StorageSupervisor(final EmbeddedCluster cluster, final FaultInjector faults, final long seed)
    {
        this.cluster = cluster;
        this.faults = faults;
        this.pauseMs = new SplittableRandom(seed ^ 0x5C0_0000_0000_0001L).nextLong(MIN_PAUSE_MS, MAX_PAUSE_MS + 1);
        this.thread = new Thread(this::watch, "chaos-storage-supervisor");
        this.thread.setDaemon(true);
    }

    /** Starts watching. */
    StorageSupervisor start()
    {
        thread.start();
        return this;
    }

    /** True once the crashed sComponent was restarted. */
    boolean restarted()
    {
        return restarted;
    }

    private void watch()
    {
        try
        {
            while (running && !faults.isCrashed(EmbeddedCluster.SCOMPONENT))
            {
                TimeUnit.MILLISECONDS.sleep(POLL_MS);
            }
            if (!running)
            {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(pauseMs);
            if (!running)
            {
                return;
            }
            restarting = true;
            if (!running)
            {
                return;
            }
            cluster.restartStorage(RESTARTED_NAME);
            restarted = true;
            LOG.info("the sComponent crashed; restarted {} ms later", pauseMs);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final FabricException ex)
        {
            LOG.warn("the crashed sComponent could not be restarted: {}", ex.getMessage());
        }
    }

    /** Stops watching (a restart under way is waited for). */
    @Override
    public void close()
    {
        running = false;
        if (!restarting)
        {
            thread.interrupt();
        }
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
