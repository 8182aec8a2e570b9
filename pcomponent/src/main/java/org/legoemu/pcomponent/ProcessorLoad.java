package org.legoemu.pcomponent;

import org.legoemu.abi.Signal;
import org.legoemu.fabric.proxy.HeartbeatLoad;
import org.legoemu.pcomponent.excache.ExCache;
import org.legoemu.pcomponent.linux.GuestThreads;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pComponent's heartbeat figures (X2G_HEARTBEAT, shown by {@code lego status}): running processes, their live
 * guest threads, and the ExCache's valid lines. Processes are added when their first thread is about to run and
 * removed when they end; the figures are sampled on the heartbeat thread. Thread-safe.
 */
final class ProcessorLoad implements HeartbeatLoad
{
    private final Set<GuestThreads> running = ConcurrentHashMap.newKeySet();
    private final ExCache cache;

    /**
     * @param cache the ExCache whose occupancy is reported.
     */
    ProcessorLoad(final ExCache cache)
    {
        this.cache = cache;
    }

    /** A process starts running: its threads count from now on. */
    void started(final GuestThreads threads)
    {
        running.add(threads);
    }

    /** A process ended. */
    void ended(final GuestThreads threads)
    {
        running.remove(threads);
    }

    /**
     * Kills every running process (each stops at its harts' next safepoint), e.g. when this pComponent's lease with
     * the GMM ran out and the GMM is about to free their memory.
     */
    void killAll(final Signal signal, final String description)
    {
        for (final GuestThreads process : running)
        {
            process.kill(signal, description);
        }
    }

    /** Running processes. */
    @Override
    public long load()
    {
        return running.size();
    }

    @Override
    public long threads()
    {
        long threads = 0;
        for (final GuestThreads process : running)
        {
            threads += process.liveThreads();
        }
        return threads;
    }

    @Override
    public long excacheLinesUsed()
    {
        return cache.validLinesNow();
    }
}
