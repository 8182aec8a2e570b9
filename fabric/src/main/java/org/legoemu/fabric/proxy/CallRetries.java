package org.legoemu.fabric.proxy;

import java.util.concurrent.atomic.AtomicLong;

import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.RemoteErrorException;

/**
 * The retry rule for idempotent requests (P2M_PCACHE_MISS, P2M_PCACHE_FLUSH: a miss only reads, a flush stores the
 * whole line, so applying either twice leaves the same state as once, as long as the same thread does not send a
 * newer flush of the line in between, which it cannot while it waits): a call that timed out is sent again, up to
 * {@link #MAX_RETRIES} times, so one lost request or reply does not kill a guest. Refused or lost connections and
 * error replies are not retried. Counts the retries JVM-wide, for the chaos harness.
 */
public final class CallRetries
{
    /** Extra attempts after a timeout. */
    public static final int MAX_RETRIES = 2;

    private static final AtomicLong RETRIES = new AtomicLong();

    private CallRetries()
    {
    }

    /** Retries sent in this JVM so far. */
    public static long total()
    {
        return RETRIES.get();
    }

    /**
     * Whether attempt {@code attempt} (0 = the first) that failed with {@code ex} is sent again; counts it if so.
     */
    static boolean retry(final FabricException ex, final int attempt)
    {
        if (ex instanceof RemoteErrorException || ex.errno() != Errnos.ETIMEDOUT || attempt >= MAX_RETRIES)
        {
            return false;
        }
        RETRIES.incrementAndGet();
        return true;
    }
}
