package org.legoemu.fabric.faults;

import java.util.Locale;

/**
 * What a {@link Fault} does to the messages of the in-JVM fabric. Link faults (DROP, DELAY, DUPLICATE, REORDER)
 * hit a fraction of the requests a component sends to a peer; component faults (PARTITION, SLOW, CRASH) hit every
 * message to or from it.
 */
public enum FaultKind
{
    /** The request, or its reply (chosen per message), is lost: the caller times out (ETIMEDOUT). */
    DROP,
    /** The request is delivered {@code delayNs} late. */
    DELAY,
    /** The request is delivered twice, back to back; the caller sees the first reply. */
    DUPLICATE,
    /** The request is held until the next request on the same link has been delivered (or {@code delayNs}). */
    REORDER,
    /** Messages between the component and its peer (the GMM, or everyone) are lost in both directions. */
    PARTITION,
    /** Every message to or from the component is delivered {@code delayNs} late. */
    SLOW,
    /** From then on the component's server never answers and its own calls fail at once (so it stops heartbeating). */
    CRASH;

    /**
     * Parses a kind name, case-insensitive.
     *
     * @throws IllegalArgumentException naming the valid kinds if {@code text} is none of them.
     */
    public static FaultKind parse(final String text)
    {
        try
        {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("unknown fault '" + text + "' (expected drop, delay, duplicate, "
                + "reorder, partition, slow or crash)");
        }
    }

    /** Lower-case name as written on the command line. */
    public String label()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
