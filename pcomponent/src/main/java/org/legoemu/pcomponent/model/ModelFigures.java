package org.legoemu.pcomponent.model;

import java.util.Map;

/**
 * The modeled figures of one process (docs/usage.md, {@code model.*} keys).
 *
 * @param profile         the fabric profile's name.
 * @param modeledNs       modeled time from the process's start to its last hart's end, ns.
 * @param localNs         the same run costed on a monolithic server with all memory local, ns.
 * @param breakdownNs     modeled ns per part ({@code instructions} and each {@link TimeBucket#key()}), summed over
 *                        the process's harts (for one hart they add up to {@code modeledNs}).
 * @param fetches         misses served by an mComponent in the model.
 * @param missLatencyP50Ns median modeled latency of those misses, queueing included, ns (0 if none).
 * @param missLatencyP99Ns 99th percentile of the same, ns.
 */
public record ModelFigures(
    String profile, long modeledNs, long localNs, Map<String, Long> breakdownNs, long fetches, long missLatencyP50Ns,
    long missLatencyP99Ns)
{
    /** Modeled time over local time (1 when the local time is 0). */
    public double slowdown()
    {
        return localNs == 0 ? 1.0 : (double)modeledNs / localNs;
    }
}
