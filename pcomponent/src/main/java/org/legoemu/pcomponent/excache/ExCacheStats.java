package org.legoemu.pcomponent.excache;

import org.HdrHistogram.Histogram;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Counters of one process's use of an ExCache, or of the whole ExCache of a pComponent (the process counters
 * add into it as they count). Updated by atomic adds from every thread that misses (misses to different sets run in
 * parallel); read at any time (values may be a few events stale while guests run).
 *
 * <p>{@code hits} counts ExCache lookups that found their line. Loads and stores served by a hart's software
 * TLB never reach the ExCache and are not counted: they are hits by construction. A {@code miss} is a lookup
 * that did not find its line in the ExCache proper; {@code victimHits} of them were served by the victim buffer
 * and {@code zeroFills} were fresh pages created zeroed on the pComponent, {@code fileFills} untouched pages of file
 * mappings filled from the pComponent's file cache; the rest went to the owner mComponent
 * (P2M_PCACHE_MISS), whose latency the histogram records.
 */
public final class ExCacheStats
{
    private static final VarHandle HITS;
    private static final VarHandle MISSES;
    private static final VarHandle VICTIM_HITS;
    private static final VarHandle ZERO_FILLS;
    private static final VarHandle FILE_FILLS;
    private static final VarHandle EVICTIONS;
    private static final VarHandle CLEAN_DROPS;
    private static final VarHandle FLUSHES;
    private static final VarHandle PIGGYBACKED_FLUSHES;
    private static final VarHandle BYTES_FETCHED;
    private static final VarHandle BYTES_FLUSHED;
    private static final VarHandle PREFETCH_ISSUED;
    private static final VarHandle PREFETCH_HITS;
    private static final VarHandle PREFETCH_UNUSED;
    private static final VarHandle PREFETCH_DROPPED;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            HITS = lookup.findVarHandle(ExCacheStats.class, "hits", long.class);
            MISSES = lookup.findVarHandle(ExCacheStats.class, "misses", long.class);
            VICTIM_HITS = lookup.findVarHandle(ExCacheStats.class, "victimHits", long.class);
            ZERO_FILLS = lookup.findVarHandle(ExCacheStats.class, "zeroFills", long.class);
            FILE_FILLS = lookup.findVarHandle(ExCacheStats.class, "fileFills", long.class);
            EVICTIONS = lookup.findVarHandle(ExCacheStats.class, "evictions", long.class);
            CLEAN_DROPS = lookup.findVarHandle(ExCacheStats.class, "cleanDrops", long.class);
            FLUSHES = lookup.findVarHandle(ExCacheStats.class, "flushes", long.class);
            PIGGYBACKED_FLUSHES = lookup.findVarHandle(ExCacheStats.class, "piggybackedFlushes", long.class);
            BYTES_FETCHED = lookup.findVarHandle(ExCacheStats.class, "bytesFetched", long.class);
            BYTES_FLUSHED = lookup.findVarHandle(ExCacheStats.class, "bytesFlushed", long.class);
            PREFETCH_ISSUED = lookup.findVarHandle(ExCacheStats.class, "prefetchIssued", long.class);
            PREFETCH_HITS = lookup.findVarHandle(ExCacheStats.class, "prefetchHits", long.class);
            PREFETCH_UNUSED = lookup.findVarHandle(ExCacheStats.class, "prefetchUnused", long.class);
            PREFETCH_DROPPED = lookup.findVarHandle(ExCacheStats.class, "prefetchDropped", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final ExCacheStats total;
    private volatile long hits;
    private volatile long misses;
    private volatile long victimHits;
    private volatile long zeroFills;
    private volatile long fileFills;
    private volatile long evictions;
    private volatile long cleanDrops;
    private volatile long flushes;
    private volatile long piggybackedFlushes;
    private volatile long bytesFetched;
    private volatile long bytesFlushed;
    private volatile long prefetchIssued;
    private volatile long prefetchHits;
    private volatile long prefetchUnused;
    private volatile long prefetchDropped;
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
        HITS.getAndAdd(this, 1L);
        if (total != null)
        {
            total.countHit();
        }
    }

    void countVictimHit()
    {
        MISSES.getAndAdd(this, 1L);
        VICTIM_HITS.getAndAdd(this, 1L);
        if (total != null)
        {
            total.countVictimHit();
        }
    }

    void countZeroFill()
    {
        MISSES.getAndAdd(this, 1L);
        ZERO_FILLS.getAndAdd(this, 1L);
        if (total != null)
        {
            total.countZeroFill();
        }
    }

    void countFileFill()
    {
        MISSES.getAndAdd(this, 1L);
        FILE_FILLS.getAndAdd(this, 1L);
        if (total != null)
        {
            total.countFileFill();
        }
    }

    void countFetch(final long latencyNs)
    {
        MISSES.getAndAdd(this, 1L);
        BYTES_FETCHED.getAndAdd(this, (long)ExCache.LINE_SIZE);
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
        EVICTIONS.getAndAdd(this, 1L);
        if (clean)
        {
            CLEAN_DROPS.getAndAdd(this, 1L);
        }
        if (total != null)
        {
            total.countEviction(clean);
        }
    }

    void countFlush(final boolean piggybacked)
    {
        FLUSHES.getAndAdd(this, 1L);
        BYTES_FLUSHED.getAndAdd(this, (long)ExCache.LINE_SIZE);
        if (piggybacked)
        {
            PIGGYBACKED_FLUSHES.getAndAdd(this, 1L);
        }
        if (total != null)
        {
            total.countFlush(piggybacked);
        }
    }

    private void add(final VarHandle counter)
    {
        counter.getAndAdd(this, 1L);
        if (total != null)
        {
            total.add(counter);
        }
    }

    void countPrefetchIssued()
    {
        add(PREFETCH_ISSUED);
    }

    void countPrefetchHit()
    {
        add(PREFETCH_HITS);
    }

    void countPrefetchUnused()
    {
        add(PREFETCH_UNUSED);
    }

    void countPrefetchDropped()
    {
        add(PREFETCH_DROPPED);
    }

    /** A line fetched by a prefetch: its bytes, not a miss. */
    void countPrefetchFetch()
    {
        BYTES_FETCHED.getAndAdd(this, (long)ExCache.LINE_SIZE);
        if (total != null)
        {
            total.countPrefetchFetch();
        }
    }

    /** Prefetches issued (a way taken for a line fetched ahead of demand; {@code --excache-prefetch}). */
    public long prefetchIssued()
    {
        return prefetchIssued;
    }

    /**
     * Demand lookups that found a prefetched line not used before, or waited for one in flight (counted among
     * {@link #hits()} too).
     */
    public long prefetchHits()
    {
        return prefetchHits;
    }

    /** Prefetched lines that left the ExCache proper (evicted, invalidated, or their process ended) before any use. */
    public long prefetchUnused()
    {
        return prefetchUnused;
    }

    /** Prefetches that failed (no mapping, not readable, owner unreachable) and were dropped, not retried. */
    public long prefetchDropped()
    {
        return prefetchDropped;
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

    /** Misses on untouched pages of file mappings, filled from the pComponent's file cache (no owner fetch). */
    public long fileFills()
    {
        return fileFills;
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

    /** Bytes of lines fetched from mComponents, by misses and by prefetches. */
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
