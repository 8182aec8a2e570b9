package org.legoemu.pcomponent.excache;

import org.HdrHistogram.Histogram;

/**
 * Counters of one ExCache. Updated under the cache's lock; read at any time (values may be a few events
 * stale while guests run).
 *
 * <p>{@code hits} counts ExCache lookups that found their line. Loads and stores served by a hart's software
 * TLB never reach the ExCache and are not counted: they are hits by construction.
 */
public final class ExCacheStats
{
    long hits;
    long misses;
    long evictions;
    long cleanDrops;
    long flushes;
    long bytesFetched;
    long bytesFlushed;
    /** Miss latency, request sent to line filled, in ns; 1 ns to 60 s, 3 significant digits. */
    final Histogram missLatencyNs = new Histogram(60_000_000_000L, 3);

    public long hits()
    {
        return hits;
    }

    public long misses()
    {
        return misses;
    }

    /** Lines removed to make room for another line (dirty or clean). */
    public long evictions()
    {
        return evictions;
    }

    /** Evictions of clean lines, which cost no network trip. */
    public long cleanDrops()
    {
        return cleanDrops;
    }

    /** Dirty lines written back to their owner (P2M_PCACHE_FLUSH). */
    public long flushes()
    {
        return flushes;
    }

    public long bytesFetched()
    {
        return bytesFetched;
    }

    public long bytesFlushed()
    {
        return bytesFlushed;
    }

    /** A copy of the miss latency histogram (ns). */
    public synchronized Histogram missLatencyNs()
    {
        return missLatencyNs.copy();
    }
}
