package org.legoemu.pcomponent.model;

import java.util.Arrays;

/**
 * Keeps the running harts of a cluster within {@link #QUANTUM_NS} of each other in modeled time (conservative
 * synchronization, as parallel simulators bound the skew between their cores). Without it the host's scheduler
 * decides how far one hart runs ahead of another, and a hart that ran ahead books the modeled servers first while
 * the ones behind fill the gaps it left: contention would depend on host timing. A hart that an event leaves more
 * than a quantum ahead of the slowest running hart is asked to end its run slice ({@link HartTimer#yieldRequest});
 * its thread then waits between slices, holding no lock, until the others catch up, or until the slowest one has
 * not advanced for a bounded host time (see GuestThread), so a hart the model cannot see progressing (blocked in a
 * way it is not told of) delays the others only briefly, while one that is merely slow on a loaded host
 * (descheduled, or its thread starved by others) is still waited for. Harts blocked in a futex, a pipe or a sleep
 * do not count ({@link HartTimer#waiting}).
 *
 * <p>Thread-safe; reads no clock. {@link #excessNs} (called at every event) reads an array snapshot and allocates
 * nothing.
 */
public final class HartPacer
{
    /** How far ahead of the slowest running hart a hart may get, modeled ns: a few misses. */
    public static final long QUANTUM_NS = 2_000;

    private volatile HartTimer[] running = new HartTimer[0];
    private final boolean enabled;

    /** A pacer that keeps harts together. */
    public HartPacer()
    {
        this(true);
    }

    /** @param enabled false: a pacer that never holds a hart back (no timing model, {@link FabricProfile#OFF}). */
    public HartPacer(final boolean enabled)
    {
        this.enabled = enabled;
    }

    synchronized void register(final HartTimer timer)
    {
        if (!enabled)
        {
            return;
        }
        for (final HartTimer t : running)
        {
            if (t == timer)
            {
                return;
            }
        }
        final HartTimer[] more = Arrays.copyOf(running, running.length + 1);
        more[running.length] = timer;
        running = more;
    }

    synchronized void deregister(final HartTimer timer)
    {
        final HartTimer[] fewer = new HartTimer[running.length];
        int n = 0;
        for (final HartTimer t : running)
        {
            if (t != timer)
            {
                fewer[n++] = t;
            }
        }
        running = Arrays.copyOf(fewer, n);
    }

    /**
     * How far {@code timer} is ahead of the slowest other running hart beyond the quantum, ns; 0 or less when it may
     * go on (also when it is alone).
     */
    public long excessNs(final HartTimer timer)
    {
        final long slowest = slowestOtherNs(timer);
        return slowest == Long.MAX_VALUE ? 0 : timer.publishedNs() - slowest - QUANTUM_NS;
    }

    /**
     * The published modeled time of the slowest running hart other than {@code timer}, ns; {@link Long#MAX_VALUE}
     * when there is none. A hart held back watches it to tell a hart that is slow in host time (it advances) from
     * one the model cannot see progressing (it does not).
     */
    public long slowestOtherNs(final HartTimer timer)
    {
        long slowest = Long.MAX_VALUE;
        final HartTimer[] harts = running;
        if (harts.length < 2)
        {
            return slowest;
        }
        for (final HartTimer other : harts)
        {
            if (other != timer && !other.waiting())
            {
                slowest = Math.min(slowest, other.publishedNs());
            }
        }
        return slowest;
    }

    /**
     * Whether two or more harts are running (not {@link HartTimer#waiting}) and must be kept together. A hart running
     * alone neither publishes its time at each event nor asks {@link #excessNs}; a hart that joins it or wakes up sees
     * its time as of its last run slice (published at each slice's end) until its next event, and so at worst waits a
     * little longer in host time (bounded, see GuestThread), never in modeled time.
     */
    public boolean pacing()
    {
        final HartTimer[] harts = running;
        if (harts.length < 2)
        {
            return false;
        }
        int active = 0;
        for (final HartTimer h : harts)
        {
            if (!h.waiting() && ++active == 2)
            {
                return true;
            }
        }
        return false;
    }

    /** Number of harts registered (for tests). */
    public int harts()
    {
        return running.length;
    }
}
