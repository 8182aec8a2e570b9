package org.legoemu.fabric.faults;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fault state of one directed link (sender component to receiver component): its own random stream, seeded
 * from the schedule's seed and the link's names, so the k-th request on a link gets the same decisions in every
 * run with that seed whatever the other links do; and the number of requests delivered, which a REORDER hold
 * waits on.
 */
final class Link
{
    final String sender;
    final String receiver;
    final AtomicLong delivered = new AtomicLong();
    private final SplittableRandom random;
    private long sequence;

    Link(final long seed, final String sender, final String receiver)
    {
        this.sender = sender;
        this.receiver = receiver;
        this.random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + (sender + "->" + receiver).hashCode());
    }

    /** Takes the next request number; the caller then draws its decisions with {@link #draw()} under this lock. */
    long nextSequence()
    {
        return sequence++;
    }

    /** A uniform draw in [0, 1); call only while holding this link's monitor. */
    double draw()
    {
        return random.nextDouble();
    }
}
