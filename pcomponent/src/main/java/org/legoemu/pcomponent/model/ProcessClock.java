package org.legoemu.pcomponent.model;

import org.HdrHistogram.Histogram;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One process's modeled time: the pComponent model its harts are charged through, which clock the guest reads, and
 * the figures its harts leave when they end ({@link #figures()}).
 *
 * <p>Thread-safe: harts end concurrently, under this object's monitor; the miss histogram is recorded and read under
 * the {@link FabricModel}'s (taken after this object's, never before).
 */
public final class ProcessClock
{
    private final ProcessorModel processor;
    private final GuestClock guestClock;
    private final long realtimeBaseNs;
    /** Modeled latency of misses served by an mComponent, queueing included, ns; 1 ns to 60 s, 3 digits. */
    private final Histogram missLatencyNs = new Histogram(60_000_000_000L, 3);
    private final long[] bucketNs = new long[TimeBucket.ALL.length];
    private final long originNs;
    private long instructionsNs;
    private long endNs;
    private long localEndNs;

    /**
     * @param processor      the pComponent's model the process's harts are charged through.
     * @param guestClock     which time the guest reads.
     * @param realtimeBaseNs what CLOCK_REALTIME reads at modeled time 0 with {@link GuestClock#MODELED}, ns since the
     *                       epoch (taken by the caller when the process starts; the model reads no clock).
     */
    public ProcessClock(final ProcessorModel processor, final GuestClock guestClock, final long realtimeBaseNs)
    {
        this(processor, guestClock, realtimeBaseNs, 0);
    }

    /**
     * @param originNs the cluster's modeled time at which the process starts, ns: {@link ProcessorModel#launchNs()}
     *                 for a launched process (after everything the cluster modeled before, so that processes run one
     *                 after another do not meet at the mComponents and links), the parent's origin for a forked child.
     *                 The process's figures and the modeled clock its guest reads count from it.
     */
    public ProcessClock(
        final ProcessorModel processor, final GuestClock guestClock, final long realtimeBaseNs, final long originNs)
    {
        this.processor = processor;
        this.guestClock = guestClock;
        this.realtimeBaseNs = realtimeBaseNs;
        this.originNs = originNs;
        this.endNs = originNs;
    }

    /** The cluster's modeled time at which the process started, ns (see the constructor). */
    public long originNs()
    {
        return originNs;
    }

    /** A process outside any pComponent model (unit tests): {@code legoos-ib40}, one mComponent, host clock. */
    public static ProcessClock standalone()
    {
        return new ProcessClock(new ProcessorModel(new FabricModel(FabricProfile.LEGOOS_IB40, 1, false), "test", 0,
            true), GuestClock.HOST, 0);
    }

    public ProcessorModel processor()
    {
        return processor;
    }

    public FabricProfile profile()
    {
        return processor.profile();
    }

    public GuestClock guestClock()
    {
        return guestClock;
    }

    /** CLOCK_REALTIME at modeled time 0, ns since the epoch. */
    public long realtimeBaseNs()
    {
        return realtimeBaseNs;
    }

    /**
     * A timer for a new hart of this process that starts at the calling hart's time (at the process's origin, and 0 on
     * the local baseline, on any other thread).
     */
    public HartTimer newTimer(final java.util.function.LongSupplier instructions)
    {
        final HartTimer creator = HartTimer.current();
        return creator == null ? new HartTimer(this, instructions, originNs, 0) :
            new HartTimer(this, instructions, creator.nowNs(), creator.localNowNs());
    }

    /** Records one miss's modeled latency; called under the {@link FabricModel}'s monitor, which guards the histogram. */
    void recordMiss(final long latencyNs)
    {
        missLatencyNs.recordValue(Math.max(1, Math.min(latencyNs, missLatencyNs.getHighestTrackableValue())));
    }

    /** A hart of the process ended: its time counts into the process's. */
    public synchronized void ended(final HartTimer timer)
    {
        endNs = Math.max(endNs, timer.nowNs());
        localEndNs = Math.max(localEndNs, timer.localNowNs());
        instructionsNs += timer.instructionsNsSoFar();
        for (final TimeBucket b : TimeBucket.ALL)
        {
            bucketNs[b.ordinal()] += timer.bucketNs(b);
        }
    }

    /** The figures of the harts that have ended. */
    public synchronized ModelFigures figures()
    {
        final Map<String, Long> breakdown = new LinkedHashMap<>();
        breakdown.put("instructions", instructionsNs);
        for (final TimeBucket b : TimeBucket.ALL)
        {
            breakdown.put(b.key(), bucketNs[b.ordinal()]);
        }
        final long count;
        final long p50;
        final long p99;
        synchronized (processor.fabric())
        {
            count = missLatencyNs.getTotalCount();
            p50 = count == 0 ? 0 : missLatencyNs.getValueAtPercentile(50);
            p99 = count == 0 ? 0 : missLatencyNs.getValueAtPercentile(99);
        }
        return new ModelFigures(profile().name(), endNs - originNs, localEndNs, breakdown, count, p50, p99);
    }
}
