package org.legoemu.gmm;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;

/**
 * The GMM's timer duty: every {@code checkIntervalNs} of the injected clock, runs
 * {@link Membership#checkLiveness(long)} under the GMM's state lock.
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
        lastCheckNs = nowNs;
        synchronized (lock)
        {
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
