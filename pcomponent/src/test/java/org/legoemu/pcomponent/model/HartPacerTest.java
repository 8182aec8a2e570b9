package org.legoemu.pcomponent.model;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A hart more than a quantum ahead of the slowest running hart is held back; a blocked hart holds nobody back. */
class HartPacerTest
{
    private final long[] instret = new long[2];

    @AfterEach
    void unbind()
    {
        HartTimer.unbindCurrentThread();
    }

    @Test
    void holdsBackAHartAheadOfTheSlowestRunningOne()
    {
        final FabricModel fabric = new FabricModel(FabricProfile.LEGOOS_IB40, 1, false);
        final ProcessorModel model = new ProcessorModel(fabric, "p", 0, true);
        final ProcessClock clock = new ProcessClock(model, GuestClock.HOST, 0);
        final HartTimer slow = new HartTimer(clock, () -> instret[0], 0, 0);
        final HartTimer fast = new HartTimer(clock, () -> instret[1], 0, 0);
        final int[] yields = new int[1];
        fast.yieldRequest(() -> yields[0]++);
        fast.bindToCurrentThread();
        assertEquals(0, fast.aheadNs() > 0 ? 1 : 0, "alone: never held back");
        slow.bindToCurrentThread();
        assertEquals(2, fabric.pacer().harts());
        fast.charge(TimeBucket.MISSES, HartPacer.QUANTUM_NS, 0);
        assertEquals(0, yields[0], "exactly a quantum ahead may go on");
        fast.charge(TimeBucket.HITS, 1, 0);
        assertEquals(0, yields[0], "a small charge is published with the next ones (at most 500 ns late)");
        fast.charge(TimeBucket.HITS, HartTimer.SMALL_CHARGE_NS - 1, 0);
        assertEquals(1, yields[0], "once they add up to 500 ns, the hart is ahead: its run slice ends");
        assertEquals(HartTimer.SMALL_CHARGE_NS, fast.aheadNs());
        slow.waiting(true);
        assertTrue(fast.aheadNs() <= 0, "a blocked hart holds nobody back");
        slow.waiting(false);
        instret[0] = 100_000; // the slow hart ran 41.7 us of instructions and publishes at its slice's end
        slow.publish();
        assertTrue(fast.aheadNs() <= 0);
    }
}
