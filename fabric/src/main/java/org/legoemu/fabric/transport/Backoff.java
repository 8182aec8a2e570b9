package org.legoemu.fabric.transport;

/**
 * How a fabric thread waits for something that usually comes within microseconds (a caller for its reply, a
 * dispatch thread for the next request): spin on the condition for up to {@link #SPIN_NS}, then
 * {@link Thread#yield()} between checks for up to {@link #YIELD_NS} more, then park until woken (the completer
 * unparks a parked waiter). The same staging as Agrona's {@code BackoffIdleStrategy}, measured in time rather than
 * in iterations so that it does not depend on the cost of a PAUSE instruction.
 * <p>
 * The defaults come from {@code lego bench memory} on the project's 2-core machine (docs/performance.md, "In-JVM
 * fabric: choosing the wait"): a spinning waiter takes a whole core, which on 2 cores is the core the other side of
 * the call needs. Measured under the load of the shared machine, spinning (0.5 to 50 us) made both the raw round trip
 * and the ExCache miss slower than not spinning at all, while yielding (which gives the core away but stays
 * runnable, and costs no wake-up) beat parking at once: so the default spins 0 ns and yields for 50 us. Both can be
 * changed for a machine with more cores through the system properties {@code legoemu.fabric.spinNs} and
 * {@code legoemu.fabric.yieldNs}.
 */
final class Backoff
{
    /** Time spent spinning before yielding, ns. */
    static final long SPIN_NS = Long.getLong("legoemu.fabric.spinNs", 0);
    /** Time spent yielding after the spin, before parking, ns. */
    static final long YIELD_NS = Long.getLong("legoemu.fabric.yieldNs", 50_000);

    private Backoff()
    {
    }

    /**
     * Waits a little, by the stage reached {@code waitedNs} after the wait began.
     *
     * @return false once the caller should park instead.
     */
    static boolean pause(final long waitedNs)
    {
        if (waitedNs < SPIN_NS)
        {
            Thread.onSpinWait();
            return true;
        }
        if (waitedNs < SPIN_NS + YIELD_NS)
        {
            Thread.yield();
            return true;
        }
        return false;
    }
}
