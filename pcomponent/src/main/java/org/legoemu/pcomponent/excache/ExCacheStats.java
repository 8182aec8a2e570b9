package org.legoemu.pcomponent.excache;

import org.HdrHistogram.Histogram;

/**
 * Counters of one process's use of an ExCache, or of the whole ExCache of a pComponent (the process counters
 * add into it as they count). Updated under the cache's lock; read at any time (values may be a few events stale
 * while guests run).
 *
 * <p>{@code hits} counts ExCache lookups that found their line. Loads and stores served by a hart's software
 * TLB never reach the ExCache and are not counted: they are hits by construction. A {@code miss} is a lookup
 * that did not find its line in the ExCache proper; {@code victimHits} of them were served by the victim buffer
 * and {@code zeroFills} were fresh pages created zeroed on the pComponent; the rest went to the owner mComponent
 * (P2M_PCACHE_MISS), whose latency the histogram records.
 */
public final class ExCacheStats
{
    private final ExCacheStats total;
    private long hits;
    private long misses;
    private long victimHits;
    private long zeroFills;
    private long evictions;
    private long cleanDrops;
    private long flushes;
    private long piggybackedFlushes;
    private long bytesFetched;
    private long bytesFlushed;
    /** Latency of misses served by an mComponent, request sent to line filled, in ns; 1 ns to 60 s, 3 digits. */
    private final Histogram missLatencyNs = new Histogram(60_000_000_000L, 3);

    /** Counters of a whole ExCache. */
    public ExCacheStats()
    {
        this(null);
    }

    /** Counters of one process that also add into {@code total} (null for none). */
    public ExCacheStats(final ExCacheStats total)
    {
        this.total = total;
    }

    void countHit()
    {
        hits++;
        if (total != null)
        {
            total.countHit();
        }
    }

    void countVictimHit()
    {
        misses++;
        victimHits++;
        if (total != null)
        {
            total.countVictimHit();
        }
    }

    void countZeroFill()
    {
        misses++;
        zeroFills++;
        if (total != null)
        {
            total.countZeroFill();
        }
    }

    void countFetch(final long latencyNs)
    {
        misses++;
        bytesFetched += ExCache.LINE_SIZE;
        synchronized (this)
        {
            missLatencyNs.recordValue(Math.max(1, Math.min(latencyNs, missLatencyNs.getHighestTrackableValue())));
        }
        if (total != null)
        {
            total.countFetch(latencyNs);
        }
    }

    void countEviction(final boolean clean)
    {
        evictions++;
        if (clean)
        {
            cleanDrops++;
        }
        if (total != null)
        {
            total.countEviction(clean);
        }
    }

    void countFlush(final boolean piggybacked)
    {
        flushes++;
        bytesFlushed += ExCache.LINE_SIZE;
        if (piggybacked)
        {
            piggybackedFlushes++;
        }
        if (total != null)
        {
            total.countFlush(piggybacked);
        }
    }

    public long hits()
    {
        return hits;
    }

    /** Lookups that missed the ExCache proper (including those the victim buffer served and zero-fills). */
    public long misses()
    {
        return misses;
    }

    /** Misses served by the victim buffer, without a network trip. */
    public long victimHits()
    {
        return victimHits;
    }

    /** Misses on fresh pages, created zeroed on the pComponent without a network trip ("p-local" zero-fill). */
    public long zeroFills()
    {
        return zeroFills;
    }

    /** Lines removed from the ExCache proper to make room for another line (dirty or clean). */
    public long evictions()
    {
        return evictions;
    }

    /** Evictions of clean lines, which never cost a write-back. */
    public long cleanDrops()
    {
        return cleanDrops;
    }

    /** Dirty lines written back to their owner: by the flusher, by a miss, by mprotect, or piggybacked. */
    public long flushes()
    {
        return flushes;
    }

    /** Write-backs that rode on a P2M_PCACHE_MISS request instead of a P2M_PCACHE_FLUSH of their own. */
    public long piggybackedFlushes()
    {
        return piggybackedFlushes;
    }

    /** Bytes of lines fetched from mComponents. */
    public long bytesFetched()
    {
        return bytesFetched;
    }

    /** Bytes of lines written back to mComponents. */
    public long bytesFlushed()
    {
        return bytesFlushed;
    }

    /** A copy of the miss latency histogram (ns) of misses served by an mComponent. */
    public synchronized Histogram missLatencyNs()
    {
        return missLatencyNs.copy();
    }
}
