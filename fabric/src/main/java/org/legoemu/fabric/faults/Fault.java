package org.legoemu.fabric.faults;

/**
 * One scheduled fault.
 *
 * @param kind        what it does.
 * @param startNs     when it begins, nanoseconds after {@link FaultInjector#start()} on the injector's clock.
 * @param durationNs  how long it lasts, nanoseconds ({@link Long#MAX_VALUE}: to the end of the run; a CRASH always
 *                    lasts to the end).
 * @param component   the component it hits (for link faults: the sender), by cluster name, e.g. {@code mcomponent-1}.
 * @param peer        for link faults the receiver, for PARTITION the other side; {@value #ANY} for every component;
 *                    for STORAGE_ERROR {@value #WRITES} (writes, truncates and fsyncs) or {@value #ANY} (reads
 *                    too).
 * @param probability fraction of the matching requests a link fault (or file operations a STORAGE_ERROR) hits, in
 *                    (0, 1]; 1 for component faults.
 * @param delayNs     for DELAY, REORDER (longest hold) and SLOW, nanoseconds; 0 otherwise.
 */
public record Fault(
    FaultKind kind, long startNs, long durationNs, String component, String peer, double probability, long delayNs)
{
    /** Peer name meaning "every component". */
    public static final String ANY = "*";
    /** STORAGE_ERROR peer: only writes, truncates and fsyncs fail. */
    public static final String WRITES = "writes";

    /** Validates the numbers; throws IllegalArgumentException naming the bad one. */
    public Fault
    {
        if (startNs < 0 || durationNs <= 0)
        {
            throw new IllegalArgumentException("fault start " + startNs + " ns / duration " + durationNs + " ns");
        }
        if (!(probability > 0 && probability <= 1))
        {
            throw new IllegalArgumentException("fault probability " + probability + " not in (0, 1]");
        }
        if (delayNs < 0)
        {
            throw new IllegalArgumentException("fault delay " + delayNs + " ns < 0");
        }
    }

    /** True while the fault is in force at {@code sinceStartNs} nanoseconds after the injector started. */
    public boolean activeAt(final long sinceStartNs)
    {
        return sinceStartNs >= startNs && (kind == FaultKind.CRASH || sinceStartNs - startNs < durationNs);
    }

    /** True if {@code name} is {@code pattern} or the pattern is {@value #ANY}. */
    static boolean matches(final String pattern, final String name)
    {
        return ANY.equals(pattern) || pattern.equals(name);
    }

    /** One line: {@code +12.500ms crash mcomponent-1}, {@code +3.000ms drop pcomponent-1->mcomponent-2 p=0.20 ...}. */
    public String describe()
    {
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format("+%.3fms %s ", startNs / 1e6, kind.label()));
        switch (kind)
        {
            case CRASH:
                sb.append(component);
                break;
            case SLOW:
                sb.append(component).append(String.format(" by %.3fms", delayNs / 1e6));
                break;
            case PARTITION:
                sb.append(component).append(" | ").append(peer);
                break;
            case STORAGE_ERROR:
                sb.append(component).append(' ').append(ANY.equals(peer) ? "reads+writes" : peer)
                    .append(String.format(" p=%.3f", probability));
                break;
            default:
                sb.append(component).append("->").append(peer).append(String.format(" p=%.3f", probability));
                if (delayNs > 0)
                {
                    sb.append(String.format(" %.3fms", delayNs / 1e6));
                }
                break;
        }
        if (kind != FaultKind.CRASH && durationNs != Long.MAX_VALUE)
        {
            sb.append(String.format(" for %.3fms", durationNs / 1e6));
        }
        return sb.toString();
    }
}
