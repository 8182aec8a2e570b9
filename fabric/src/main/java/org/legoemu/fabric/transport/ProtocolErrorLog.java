package org.legoemu.fabric.transport;

import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;

/**
 * Rate-limited warning log for bad input from peers: the first {@link #LOG_FIRST} occurrences are logged, then one
 * in every {@link #LOG_EVERY}, each line carrying the running count. Thread-safe.
 */
public final class ProtocolErrorLog
{
    /** Occurrences always logged. */
    public static final long LOG_FIRST = 10;
    /** After the first ones, one occurrence in this many is logged. */
    public static final long LOG_EVERY = 1000;

    private final Logger logger;
    private final String name;
    private final String what;
    private final AtomicLong count = new AtomicLong();

    /**
     * @param logger where lines go.
     * @param name   of the server or client, prefixed to each line.
     */
    public ProtocolErrorLog(final Logger logger, final String name)
    {
        this(logger, name, "protocol error");
    }

    /**
     * @param logger where lines go.
     * @param name   of the server or client, prefixed to each line.
     * @param what   what an occurrence is, e.g. "protocol error" or "authentication failure".
     */
    public ProtocolErrorLog(final Logger logger, final String name, final String what)
    {
        this.logger = logger;
        this.name = name;
        this.what = what;
    }

    /** Records one occurrence and logs it if within the rate. */
    public void record(final String what)
    {
        final long n = count.incrementAndGet();
        if (n <= LOG_FIRST || n % LOG_EVERY == 0)
        {
            logger.warn("{}: {} #{}{}: {}", name, this.what, n,
                n == LOG_FIRST ? " (from now on one in " + LOG_EVERY + " is logged)" : "", what);
        }
    }

    /** Occurrences recorded so far. */
    public long count()
    {
        return count.get();
    }
}
