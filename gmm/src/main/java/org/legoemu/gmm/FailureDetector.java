package org.legoemu.gmm;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;

/**
 * The GMM's timer duty: every {@code checkIntervalNs} of the injected clock, runs
 * {@link Membership#checkLiveness(long)} under the GMM's state lock. When the detector itself ran late by more than
 * one interval (the GMM's JVM was paused or starved), the members are excused that time first
 * ({@link Membership#excuse}), so a stall of the GMM does not declare every component dead at once.
 */
final class FailureDetector implements Agent
{
    private final Object lock;
    private final Membership membership;
    private final NanoClock clock;
    private final long checkIntervalNs;
    private final String roleName;
    private long lastCheckNs;

    FailureDetector(
        final Object lock,
        final Membership membership,
        final NanoClock clock,
        final long checkIntervalNs,
        final String roleName)
    {
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
        synchronized (lock)
        {
            if (lateNs > checkIntervalNs)
            {
                // The GMM itself did not run (a GC pause, an overloaded host): heartbeats sent meanwhile may still
                // be queued. Silence the detector could not observe is not evidence against the members.
                membership.excuse(lateNs);
            }
            membership.checkLiveness(nowNs);
        }
        return 1;
    }

    @Override
    public String roleName()
    {
        return roleName;
    }
}
