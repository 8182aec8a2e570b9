package org.legoemu.emulator.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code lego bench replication}'s paired slowdown: each log run against the off run just before it. */
class ReplicationBenchPairingTest
{
    /**
     * The load doubled half-way through: the medians of the two series apart say +0 %, the pairs say +10 %.
     */
    @Test
    void pairingCancelsALoadChangeBetweenRuns()
    {
        final long[] off = {100, 100, 100, 200, 200, 200};
        final long[] log = {110, 110, 110, 220, 220, 220};
        assertEquals(1.1, ReplicationBenchCommand.pairedRatio(off, log), 1e-9);
    }

    @Test
    void anOddNumberOfPairsTakesTheMiddleRatio()
    {
        assertEquals(1.5, ReplicationBenchCommand.pairedRatio(new long[] {10, 10, 10}, new long[] {10, 15, 30}),
            1e-9);
    }
}
