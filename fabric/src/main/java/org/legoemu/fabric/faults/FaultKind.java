package org.legoemu.fabric.faults;

import java.util.Locale;

/**
 * What a {@link Fault} does. Link faults (DROP, DELAY, DUPLICATE, REORDER) hit a fraction of the requests a
 * component sends to a peer; component faults (PARTITION, SLOW, CRASH) hit every message to or from it; a
 * STORAGE_ERROR hits a fraction of the sComponent's file operations.
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
    CRASH,
    /**
     * The sComponent fails a fraction of its writes, truncates and fsyncs (and, when the fault's peer is
     * {@link Fault#ANY}, reads) with EIO, as a failing disk does; see {@link StorageFaults}.
     */
    STORAGE_ERROR;

    /**
     * Parses a kind name, case-insensitive.
     *
     * @throws IllegalArgumentException naming the valid kinds if {@code text} is none of them.
     */
    public static FaultKind parse(final String text)
    {
        try
        {
            return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("unknown fault '" + text + "' (expected drop, delay, duplicate, "
                + "reorder, partition, slow, crash or storage-error)");
        }
    }

    /** Lower-case name as written on the command line, e.g. {@code storage-error}. */
    public String label()
    {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
