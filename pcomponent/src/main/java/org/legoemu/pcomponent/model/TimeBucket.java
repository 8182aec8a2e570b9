package org.legoemu.pcomponent.model;

/** Where a hart's modeled time goes: the parts of {@code model.breakdownNs} (docs/usage.md). */
public enum TimeBucket
{
    /** ExCache lookups served locally: hits of the ExCache proper, victim-buffer hits, zero-filled lines. */
    HITS("hits"),
    /** Misses served by an mComponent, with queueing, including write-backs piggybacked on them. */
    MISSES("misses"),
    /** Synchronous write-backs (P2M_PCACHE_FLUSH sent by a miss or an invalidation), and waits for the flusher. */
    WRITE_BACKS("writeBacks"),
    /** System calls: the trap, and round trips to the home mComponent and the sComponent. */
    SYSCALLS("syscalls"),
    /** Blocked: futex waits, joins and pipe reads until the waker's modeled time, sleeps, timeouts. */
    BLOCKED("blocked");

    /** Every bucket, in {@code ordinal()} order. */
    static final TimeBucket[] ALL = values();

    private final String key;

    TimeBucket(final String key)
    {
        this.key = key;
    }

    /** The JSON key under {@code model.breakdownNs}. */
    public String key()
    {
        return key;
    }
}
