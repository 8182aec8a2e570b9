package org.legoemu.pcomponent.memory;

import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.legoemu.fabric.proxy.CallRetries;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How a pComponent survives a failed home or owner mComponent (docs/reliability.md, "Failover timings"): after a call
 * failed in transport it asks the GMM for the replacement for up to {@code deadlineNs}, pausing {@code pauseNs}
 * between questions ({@link HomeFailover}, {@link OwnerDirectory#failover}, {@link RemoteLines}), on {@code clock}; an
 * idempotent call that timed out is first sent again {@code callRetries} times ({@link CallRetries}). Set in the
 * {@code ProcessorContext} and passed down by constructor. The defaults are guesses sized against the GMM's failure
 * detection (8 missed heartbeats 100 ms apart: 0.8 s), not measured optima.
 *
 * @param clock       times the deadline (the pauses themselves park the thread on the host).
 * @param deadlineNs  how long the calls to a failed peer are failed over before the failure stands, ns; positive.
 * @param pauseNs     pause between two questions to the GMM, ns; positive.
 * @param callRetries extra attempts of an idempotent call after a timeout; not negative.
 */
public record FailoverTimings(NanoClock clock, long deadlineNs, long pauseNs, int callRetries)
{
    /** Default {@code deadlineNs}: 5 s, well past the GMM's failure detection (0.8 s). */
    public static final long DEFAULT_DEADLINE_NS = TimeUnit.SECONDS.toNanos(5);
    /** Default {@code pauseNs}: 50 ms. */
    public static final long DEFAULT_PAUSE_NS = TimeUnit.MILLISECONDS.toNanos(50);

    /** @throws IllegalArgumentException naming the first value out of range. */
    public FailoverTimings
    {
        if (clock == null)
        {
            throw new IllegalArgumentException("failover timings: no clock");
        }
        if (deadlineNs <= 0 || pauseNs <= 0)
        {
            throw new IllegalArgumentException(
                "failover deadline " + deadlineNs + " ns and pause " + pauseNs + " ns must be positive");
        }
        if (callRetries < 0)
        {
            throw new IllegalArgumentException("call retries " + callRetries + " must not be negative");
        }
    }

    /** The defaults on the host's clock (tools and tests that run without a {@code ProcessorContext}). */
    public static FailoverTimings defaults()
    {
        return new FailoverTimings(SystemNanoClock.INSTANCE, DEFAULT_DEADLINE_NS, DEFAULT_PAUSE_NS,
            CallRetries.DEFAULT_MAX_RETRIES);
    }

    /** The {@link #clock} time at which a failover starting now gives up, ns. */
    public long deadlineFromNow()
    {
        return clock.nanoTime() + deadlineNs;
    }

    /** Whether {@code deadline} ({@link #deadlineFromNow()}) has passed. */
    public boolean passed(final long deadline)
    {
        return clock.nanoTime() - deadline > 0;
    }

    /** Parks the calling thread for {@link #pauseNs} on the host; returns early when it is interrupted. */
    public void pause()
    {
        LockSupport.parkNanos(pauseNs);
    }
}
