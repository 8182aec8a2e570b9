package org.legoemu.emulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.Histogram;
import org.legoemu.pcomponent.ProcessResult;
import org.legoemu.pcomponent.excache.ExCache;
import org.legoemu.pcomponent.excache.ExCacheStats;
import org.legoemu.pcomponent.excache.PrefetchMode;
import org.legoemu.pcomponent.files.FileCache;
import org.legoemu.pcomponent.files.FileCacheStats;
import org.legoemu.pcomponent.model.ModelFigures;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The figures of one {@code lego run}: the one-line summary printed on stderr and the {@code --stats-json}
 * document. JSON keys (times in ns unless named otherwise, sizes in bytes): {@code exitStatus}, {@code signal},
 * {@code interrupted} and {@code interruptedBy} (a run stopped by SIGINT, SIGTERM or {@code --time-limit}),
 * {@code transport} ({@code inproc} or {@code tcp}), {@code instructions}, {@code wallSeconds}, {@code mips},
 * {@code hartCpuSeconds}, {@code excache.{sizeBytes, ways, sets, policy, victimBufferLines}} with the pComponent's
 * counters ({@link #COUNTER_KEYS}, {@code prefetch.{mode, depth, issued, hits, unused, dropped}} and
 * {@code missLatencyNs.{count, mean, p50, p99, p999, max}}) beside them and the same counters of the process alone under {@code excache.process},
 * {@code bytesFetched} and {@code bytesFlushed} (the pComponent's, also at the top level), and
 * {@code mcomponents[].{id, peakFramesInUse, framesInUseAfterExit}}, the pComponent's file cache under
 * {@code file.cache} ({@link #FILE_CACHE_KEYS}), and the modeled time under {@code model.{profile,
 * seconds, localSeconds, slowdown, fetches, missLatencyNs.{p50, p99}, breakdownNs.{instructions, hits, misses,
 * writeBacks, syscalls, blocked}}} (docs/modeled-time.md). docs/usage.md describes every key.
 */
public final class RunReport
{
    /** The counter keys written for the pComponent and for the process, in this order. */
    public static final List<String> COUNTER_KEYS = List.of("hits", "misses", "victimHits", "zeroFills", "fileFills",
        "evictions", "cleanDrops", "flushes", "piggybackedFlushes", "bytesFetched", "bytesFlushed");
    /** The file cache's keys under {@code file.cache}, in this order. */
    public static final List<String> FILE_CACHE_KEYS = List.of("sizeBytes", "hits", "misses", "bytes", "requests",
        "invalidations", "readAheads", "readAheadBytes");

    /** What one mComponent held during the run. */
    public record MemoryFigures(int id, long peakFramesInUse, long framesInUseAfterExit)
    {
    }

    private final ProcessResult result;
    private final ExCache cache;
    private final String policy;
    private final List<MemoryFigures> memories;
    private final String transport;
    private String interruptedBy;
    private int exitStatus;
    private final FileCache fileCache;

    public RunReport(
        final ProcessResult result, final ExCache cache, final String policy, final List<MemoryFigures> memories,
        final String transport)
    {
        this(result, cache, policy, memories, transport, FileCache.DISABLED);
    }

    /** @param fileCache the pComponent's file cache ({@link FileCache#DISABLED} for none). */
    public RunReport(
        final ProcessResult result, final ExCache cache, final String policy, final List<MemoryFigures> memories,
        final String transport, final FileCache fileCache)
    {
        this.fileCache = fileCache;
        this.result = result;
        this.cache = cache;
        this.policy = policy;
        this.memories = memories;
        this.transport = transport;
        this.exitStatus = result.exitStatus();
    }

    /**
     * Marks the run as stopped from outside the guest before it ended ({@code lego run} on SIGINT or SIGTERM, or at
     * {@code --time-limit}): the summary and the JSON say so, and the exit status is {@code exitStatus} (130, 143 as a
     * shell reports a command ended by the signal, or 124 for the time limit, as timeout(1)).
     *
     * @param by what stopped it, e.g. "SIGTERM" or "time limit 10s".
     */
    public RunReport interrupted(final String by, final int exitStatus)
    {
        this.interruptedBy = by;
        this.exitStatus = exitStatus;
        return this;
    }

    /** The exit status of the run: the guest's, or the interruption's ({@link #interrupted}). */
    public int exitStatus()
    {
        return exitStatus;
    }

    private double wallSeconds()
    {
        return result.wallNs() / 1e9;
    }

    private double mips()
    {
        return result.wallNs() == 0 ? 0 : result.instructions() * 1e3 / result.wallNs();
    }

    /** The one-line summary for stderr. */
    public String summary()
    {
        final ExCacheStats s = cache.stats();
        final Histogram latency = s.missLatencyNs();
        return (interruptedBy == null ? "" : "lego: interrupted by " + interruptedBy + ", figures so far\n")
            + String.format(Locale.ROOT,
            "lego: exit %d | %,d instructions in %.3f s (%.1f MIPS) | ExCache hits %,d misses %,d (victim buffer %,d, "
                + "zero-filled %,d, file-filled %,d) evictions %,d flushes %,d (piggybacked %,d) | miss latency p50 %.1f us p99 %.1f us "
                + "| fetched %s flushed %s",
            exitStatus, result.instructions(), wallSeconds(), mips(), s.hits(), s.misses(), s.victimHits(),
            s.zeroFills(), s.fileFills(), s.evictions(), s.flushes(), s.piggybackedFlushes(),
            latency.getValueAtPercentile(50) / 1e3,
            latency.getValueAtPercentile(99) / 1e3, Sizes.format(s.bytesFetched()), Sizes.format(s.bytesFlushed()))
            + prefetchSummary(cache, s) + modeledSummary(result.model());
    }

    /**
     * {@code " | prefetch sequential x4: issued 1,024 hits 1,000 unused 20 dropped 4"}, or nothing when the ExCache
     * has no prefetcher.
     */
    static String prefetchSummary(final ExCache cache, final ExCacheStats s)
    {
        if (cache.prefetchMode() == PrefetchMode.NONE)
        {
            return "";
        }
        return String.format(Locale.ROOT, " | prefetch %s x%d: issued %,d hits %,d unused %,d dropped %,d",
            cache.prefetchMode().label(), cache.prefetchDepth(), s.prefetchIssued(), s.prefetchHits(),
            s.prefetchUnused(), s.prefetchDropped());
    }

    /**
     * {@code " | modeled 0.412 s on legoos-ib40, 1.31x local"} (ms below one second), or nothing when the process
     * never ran.
     */
    public static String modeledSummary(final ModelFigures m)
    {
        if (m == null)
        {
            return "";
        }
        final String time = m.modeledNs() >= 1_000_000_000L ?
            String.format(Locale.ROOT, "%.3f s", m.modeledNs() / 1e9) :
            String.format(Locale.ROOT, "%.3f ms", m.modeledNs() / 1e6);
        return String.format(Locale.ROOT, " | modeled %s on %s, %.2fx local", time, m.profile(), m.slowdown());
    }

    /** The JSON document. */
    public ObjectNode toJson()
    {
        final ObjectMapper mapper = new ObjectMapper();
        final ObjectNode root = mapper.createObjectNode();
        final ExCacheStats s = cache.stats();
        root.put("exitStatus", exitStatus);
        root.put("signal", result.signal() == null ? null : result.signal().name());
        root.put("interrupted", interruptedBy != null);
        root.put("interruptedBy", interruptedBy);
        root.put("transport", transport);
        root.put("instructions", result.instructions());
        root.put("wallSeconds", wallSeconds());
        root.put("mips", mips());
        root.put("hartCpuSeconds", result.hartCpuNs() / 1e9);
        final ObjectNode ex = root.putObject("excache");
        ex.put("sizeBytes", (long)cache.lineCount() * ExCache.LINE_SIZE);
        ex.put("ways", cache.ways());
        ex.put("sets", cache.sets());
        ex.put("policy", policy);
        ex.put("victimBufferLines", cache.victimCapacity());
        putCounters(ex, s);
        ex.with("prefetch").put("mode", cache.prefetchMode().label()).put("depth", cache.prefetchDepth());
        if (result.excache() != null)
        {
            putCounters(ex.putObject("process"), result.excache());
        }
        root.put("bytesFetched", s.bytesFetched());
        root.put("bytesFlushed", s.bytesFlushed());
        if (result.model() != null)
        {
            putModel(root.putObject("model"), result.model());
        }
        final FileCacheStats f = fileCache.stats();
        final long[] fileValues = {fileCache.capacityBytes(), f.hits(), f.misses(), f.bytes(), f.requests(),
            f.invalidations(), f.readAheads(), f.readAheadBytes()};
        final ObjectNode fc = root.putObject("file").putObject("cache");
        for (int i = 0; i < fileValues.length; i++)
        {
            fc.put(FILE_CACHE_KEYS.get(i), fileValues[i]);
        }
        final ArrayNode ms = root.putArray("mcomponents");
        for (final MemoryFigures m : memories)
        {
            final ObjectNode node = ms.addObject();
            node.put("id", m.id());
            node.put("peakFramesInUse", m.peakFramesInUse());
            node.put("framesInUseAfterExit", m.framesInUseAfterExit());
        }
        return root;
    }

    /** Writes {@link #COUNTER_KEYS} and the miss latency summary of {@code s} into {@code node}. */
    static void putCounters(final ObjectNode node, final ExCacheStats s)
    {
        final long[] values = {s.hits(), s.misses(), s.victimHits(), s.zeroFills(), s.fileFills(), s.evictions(),
            s.cleanDrops(),
            s.flushes(), s.piggybackedFlushes(), s.bytesFetched(), s.bytesFlushed()};
        for (int i = 0; i < values.length; i++)
        {
            node.put(COUNTER_KEYS.get(i), values[i]);
        }
        node.putObject("prefetch").put("issued", s.prefetchIssued()).put("hits", s.prefetchHits())
            .put("unused", s.prefetchUnused()).put("dropped", s.prefetchDropped());
        final Histogram latency = s.missLatencyNs();
        final ObjectNode lat = node.putObject("missLatencyNs");
        lat.put("count", latency.getTotalCount());
        lat.put("mean", latency.getMean());
        lat.put("p50", latency.getValueAtPercentile(50));
        lat.put("p99", latency.getValueAtPercentile(99));
        lat.put("p999", latency.getValueAtPercentile(99.9));
        lat.put("max", latency.getMaxValue());
    }

    /** Writes the {@code model.*} keys of {@code m} into {@code node}. */
    public static void putModel(final ObjectNode node, final ModelFigures m)
    {
        node.put("profile", m.profile());
        node.put("seconds", m.modeledNs() / 1e9);
        node.put("localSeconds", m.localNs() / 1e9);
        node.put("slowdown", m.slowdown());
        node.put("nanoseconds", m.modeledNs());
        node.put("localNanoseconds", m.localNs());
        node.put("fetches", m.fetches());
        final ObjectNode lat = node.putObject("missLatencyNs");
        lat.put("p50", m.missLatencyP50Ns());
        lat.put("p99", m.missLatencyP99Ns());
        if (!m.breakdownNs().isEmpty())
        {
            final ObjectNode breakdown = node.putObject("breakdownNs");
            m.breakdownNs().forEach(breakdown::put);
        }
    }

    /** Writes {@link #toJson()} to {@code file}, pretty-printed. */
    public void writeJson(final Path file) throws IOException
    {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), toJson());
    }
}
