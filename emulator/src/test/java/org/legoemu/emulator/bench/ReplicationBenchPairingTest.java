package org.legoemu.emulator.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code lego bench replication}'s paired slowdown: each log run against the off run just before it. */
class ReplicationBenchPairingTest
{
    /** Pairs of very different lengths (the load changed between them): the middle of the five pairs' ratios. */
    @Test
    void theMedianOfThePairsRatios()
    {
        final long[] off = {100, 300, 150, 120, 200};
        final long[] log = {110, 300, 180, 120, 260};
        assertEquals(1.1, ReplicationBenchCommand.pairedRatio(off, log), 1e-9);
    }

    @Test
    void anOddNumberOfPairsTakesTheMiddleRatio()
    {
        assertEquals(1.5, ReplicationBenchCommand.pairedRatio(new long[] {10, 10, 10}, new long[] {10, 15, 30}),
            1e-9);
    }
}
