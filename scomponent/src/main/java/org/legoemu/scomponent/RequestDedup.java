package org.legoemu.scomponent;

import org.agrona.collections.Long2ObjectHashMap;

/**
 * The outcomes of the sComponent's recent non-idempotent requests (P2S_OPEN, P2S_WRITE, P2S_MKDIR, P2S_UNLINK,
 * P2S_RENAME), by the request id their sender gave them, so that a request sent again (a client's retry after a lost
 * reply, or a duplicate on the network) is answered with its first outcome instead of being applied twice: an append
 * written once, a mkdir answered 0 and not EEXIST, an unlink 0 and not ENOENT. This is soft state, the way NFS
 * servers keep a duplicate request cache (RFC 1813 §4.4 and Juszczak, "Improving the Performance and Correctness of
 * an NFS Server", USENIX Winter 1989): it is lost when the sComponent restarts, and it remembers the last
 * {@link #DEFAULT_CAPACITY} outcomes, far more than the requests one client can have in flight (one per proxy).
 * <p>
 * An outcome is a {@code Long} (an Ack's value), a {@link org.legoemu.fabric.proxy.StatInfo} (an open's reply) or a
 * {@link StorageException} (its errno and text). Not thread-safe: used by the sComponent's single dispatch thread.
 */
public final class RequestDedup
{
    /** Outcomes remembered, the oldest dropped first. */
    public static final int DEFAULT_CAPACITY = 16384;

    private final Long2ObjectHashMap<Object> outcomes = new Long2ObjectHashMap<>();
    private final long[] order;
    private int next;
    private long replays;

    /** With {@link #DEFAULT_CAPACITY} entries. */
    public RequestDedup()
    {
        this(DEFAULT_CAPACITY);
    }

    /**
     * @param capacity outcomes remembered, at least 1.
     * @throws IllegalArgumentException if {@code capacity} is below 1.
     */
    public RequestDedup(final int capacity)
    {
        if (capacity < 1)
        {
            throw new IllegalArgumentException("capacity " + capacity + " < 1");
        }
        order = new long[capacity];
    }

    /**
     * The first outcome of request {@code requestId}, or null if it is new (or 0: no id, never remembered).
     * Counts a replay when it is known.
     */
    public Object outcome(final long requestId)
    {
        if (requestId == 0)
        {
            return null;
        }
        final Object outcome = outcomes.get(requestId);
        if (outcome != null)
        {
            replays++;
        }
        return outcome;
    }

    /** Remembers the outcome of request {@code requestId} (ignored for 0), dropping the oldest when full. */
    public void remember(final long requestId, final Object outcome)
    {
        if (requestId == 0 || outcomes.containsKey(requestId))
        {
            return;
        }
        final long evicted = order[next];
        if (evicted != 0)
        {
            outcomes.remove(evicted);
        }
        order[next] = requestId;
        next = (next + 1) % order.length;
        outcomes.put(requestId, outcome);
    }

    /** Requests answered from an earlier outcome since start. */
    public long replays()
    {
        return replays;
    }
}
