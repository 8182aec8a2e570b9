package org.legoemu.gmm;

import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;

/**
 * The GMM's timer duty: every {@code checkIntervalNs} of the injected clock, runs
 * {@link Membership#checkLiveness(long, IntArrayList)} under the GMM's state lock and tells its listener of each
 * component declared DEAD, then runs its {@link Sweep} (the GlobalManager's: restored vRegions whose owner never
 * reported, {@link VRegionDirectory#takeOwnerless}). When the detector itself ran late by more than one interval (the GMM's JVM was paused or
 * starved), the members are excused that time first ({@link Membership#excuse}), so a stall of the GMM does not
 * declare every component dead at once.
 */
final class FailureDetector implements Agent
{
    private final Object lock;
    private final Membership membership;
    private final NanoClock clock;
    private final long checkIntervalNs;
    private final String roleName;
    private final DeadListener listener;
    private final IntArrayList deadIds = new IntArrayList();
    private final Sweep sweep;
    private long lastCheckNs;

    /** Told, under the GMM lock, of each component the check declared DEAD. */
    @FunctionalInterface
    interface DeadListener
    {
        void declaredDead(int componentId, long nowNs);
    }

    /** Run, under the GMM lock, after each check's liveness pass, with the same clock reading. */
    @FunctionalInterface
    interface Sweep
    {
        void sweep(long nowNs);
    }

    FailureDetector(
        final Object lock,
        final Membership membership,
        final NanoClock clock,
        final long checkIntervalNs,
        final String roleName,
        final DeadListener listener,
        final Sweep sweep)
    {
        this.listener = listener;
        this.sweep = sweep;
        this.lock = lock;
        this.membership = membership;
        this.clock = clock;
        this.checkIntervalNs = checkIntervalNs;
        this.roleName = roleName;
        this.lastCheckNs = clock.nanoTime();
    }

    @Override
    public int doWork()
    {
        final long nowNs = clock.nanoTime();
        if (nowNs - lastCheckNs < checkIntervalNs)
        {
            return 0;
        }
        final long lateNs = nowNs - lastCheckNs - checkIntervalNs;
        lastCheckNs = nowNs;
        if (lateNs > checkIntervalNs)
        {
            // The GMM itself did not run (a GC pause, an overloaded host): heartbeats sent meanwhile may still be
            // queued. Silence the detector could not observe is not evidence against the members.
            synchronized (lock)
            {
                membership.excuse(lateNs);
            }
        }
        check(nowNs);
        return 1;
    }

    /** One check at {@code nowNs}; returns the number of components declared DEAD. */
    int check(final long nowNs)
    {
        synchronized (lock)
        {
            deadIds.clear();
            final int dead = membership.checkLiveness(nowNs, deadIds);
            for (int i = 0; i < deadIds.size(); i++)
            {
                listener.declaredDead(deadIds.getInt(i), nowNs);
            }
            sweep.sweep(nowNs);
            return dead;
        }
    }

    @Override
    public String roleName()
    {
        return roleName;
    }
}
