package org.legoemu.mcomponent;

import org.agrona.collections.IntArrayList;
import org.agrona.collections.IntHashSet;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.mcomponent.home.ProcessHomes;
import org.legoemu.mcomponent.owner.OwnedPages;
import org.legoemu.mcomponent.replica.ReplicaLogs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Frees what this mComponent still holds of processes the GMM has forgotten. A process's frames on a vRegion owner
 * are freed when its home tells the owner at exit (M2M_PROCESS_EXIT); a home that cannot reach the owner then (a
 * partition outlasting the retries) leaves them there, and nothing else would free them. So every
 * {@code intervalNs} the reconciler asks the GMM (M2G_PROCESS_CHECK) which of the pids it holds state for (its
 * {@link OwnedPages} and {@link ProcessHomes}) were placed once and are placed no more, and frees a pid's state
 * only when the GMM said so on two consecutive checks, so a check racing with an exit in progress frees nothing
 * the exit would not. A pid the GMM still places, or has not placed yet, is never listed by it, so a running
 * process (or one whose placement is in progress) is never touched. A check that fails (GMM unreachable) frees
 * nothing and starts the count of consecutive checks again.
 * <p>
 * Runs on a daemon thread of its own; takes the monitor's state lock only to list the pids and to free them, never
 * while it waits for the GMM.
 */
final class ProcessReconciler implements AutoCloseable
{
    /** Default interval between two checks: 2 s. */
    static final long DEFAULT_INTERVAL_NS = TimeUnit.SECONDS.toNanos(2);

    private static final Logger LOG = LoggerFactory.getLogger(ProcessReconciler.class);

    /** Asks the GMM which pids it has forgotten ({@link GmmProxy#processCheck}). */
    @FunctionalInterface
    interface ForgottenPids
    {
        /**
         * Puts in {@code forgotten} (cleared first) those of {@code pids} the GMM placed once and has forgotten.
         *
         * @throws FabricException when the GMM cannot be asked.
         */
        void check(IntArrayList pids, IntArrayList forgotten);
    }

    private final ReentrantLock stateLock;
    private final OwnedPages stores;
    private final ProcessHomes homes;
    private final ReplicaLogs logs;
    private final ForgottenPids gmm;
    private final long intervalNs;
    private final String name;
    private final IntArrayList held = new IntArrayList();
    private final IntArrayList chunk = new IntArrayList();
    private final IntArrayList chunkForgotten = new IntArrayList();
    private final IntArrayList forgotten = new IntArrayList();
    private final IntHashSet suspects = new IntHashSet();
    private final HeldPids heldPids;
    private final AtomicLong reconciledPids = new AtomicLong();
    private final AtomicLong reconciledFrames = new AtomicLong();
    private ScheduledExecutorService timer;

    /**
     * @param stateLock  the monitor's state lock (guards {@code stores} and {@code homes}).
     * @param gmm        asks the GMM.
     * @param intervalNs time between two checks, nanoseconds, > 0.
     * @param name       for the thread's name and log lines.
     */
    ProcessReconciler(
        final ReentrantLock stateLock, final OwnedPages stores, final ProcessHomes homes, final ForgottenPids gmm,
        final long intervalNs, final String name)
    {
        this(stateLock, stores, homes, null, gmm, intervalNs, name);
    }

    /**
     * @param stateLock  the monitor's state lock (guards {@code stores}, {@code homes} and {@code logs}).
     * @param logs       the replica logs and home checkpoints this monitor keeps as a secondary (null: none).
     * @param gmm        asks the GMM.
     * @param intervalNs time between two checks, nanoseconds, > 0.
     * @param name       for the thread's name and log lines.
     */
    ProcessReconciler(
        final ReentrantLock stateLock, final OwnedPages stores, final ProcessHomes homes, final ReplicaLogs logs,
        final ForgottenPids gmm, final long intervalNs, final String name)
    {
        if (intervalNs <= 0)
        {
            throw new IllegalArgumentException("reconcile interval " + intervalNs + " ns must be > 0");
        }
        this.stateLock = stateLock;
        this.stores = stores;
        this.homes = homes;
        this.logs = logs;
        this.heldPids = new HeldPids(stateLock, stores, homes, logs);
        this.gmm = gmm;
        this.intervalNs = intervalNs;
        this.name = name;
    }

    /** Starts the periodic checks. */
    synchronized void start()
    {
        timer = Executors.newSingleThreadScheduledExecutor((r) ->
        {
            final Thread t = new Thread(r, name + "-reconciler");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::checkSafely, intervalNs, intervalNs, TimeUnit.NANOSECONDS);
    }

    /** Stops the checks (a check in progress finishes). */
    @Override
    public synchronized void close()
    {
        if (timer != null)
        {
            timer.shutdownNow();
            timer = null;
        }
    }

    /** Pids whose state was freed so far. */
    long reconciledPids()
    {
        return reconciledPids.get();
    }

    /** Frames freed so far by reconciliation. */
    long reconciledFrames()
    {
        return reconciledFrames.get();
    }

    private void checkSafely()
    {
        try
        {
            check();
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("{}: reconciliation check failed: {}", name, ex.toString());
        }
    }

    /**
     * One check: lists the pids held, asks the GMM, frees those it called forgotten this time and the time before.
     *
     * @return the number of pids freed.
     */
    int check()
    {
        heldPids.list(held);
        forgotten.clear();
        try
        {
            for (int from = 0; from < held.size(); from += GmmProxy.MAX_PIDS_PER_CHECK)
            {
                chunk.clear();
                for (int i = from; i < Math.min(held.size(), from + GmmProxy.MAX_PIDS_PER_CHECK); i++)
                {
                    chunk.addInt(held.getInt(i));
                }
                gmm.check(chunk, chunkForgotten);
                forgotten.addAll(chunkForgotten);
            }
        }
        catch (final FabricException ex)
        {
            LOG.debug("{}: cannot ask the GMM which processes are gone: {}", name, ex.getMessage());
            suspects.clear();
            return 0;
        }
        int freed = 0;
        stateLock.lock();
        try
        {
            for (int i = 0; i < forgotten.size(); i++)
            {
                final int pid = forgotten.getInt(i);
                if (suspects.contains(pid))
                {
                    final int frames = stores.release(pid);
                    final boolean wasHome = homes.forget(pid);
                    if (logs != null)
                    {
                        logs.release(pid);
                    }
                    reconciledPids.incrementAndGet();
                    reconciledFrames.addAndGet(frames);
                    freed++;
                    LOG.info("{}: pid {} is gone at the GMM: reconciled, {} frames freed{}", name, pid, frames,
                        wasHome ? " and its address space dropped" : "");
                }
            }
        }
        finally
        {
            stateLock.unlock();
        }
        suspects.clear();
        for (int i = 0; i < forgotten.size(); i++)
        {
            suspects.add(forgotten.getInt(i));
        }
        return freed;
    }
}
