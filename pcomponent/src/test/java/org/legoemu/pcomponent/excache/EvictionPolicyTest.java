package org.legoemu.pcomponent.excache;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The victim order each policy must produce, driven directly (one set of four ways unless said). */
class EvictionPolicyTest
{
    private static final int WAYS = 4;

    private static EvictionPolicy filled(final EvictionPolicy policy, final int sets)
    {
        policy.init(sets, WAYS);
        for (int set = 0; set < sets; set++)
        {
            for (int way = 0; way < WAYS; way++)
            {
                policy.onFill(set, way);
            }
        }
        return policy;
    }

    /** Evicts {@code n} times from set 0, refilling the victim's way each time as the ExCache does. */
    private static List<Integer> victims(final EvictionPolicy policy, final int n)
    {
        final List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            final int way = policy.victim(0);
            order.add(way);
            policy.onFill(0, way);
        }
        return order;
    }

    @Test
    void fifoEvictsInFillOrderWhateverIsHit()
    {
        final EvictionPolicy fifo = filled(new FifoPolicy(), 1);
        fifo.onHit(0, 0);
        fifo.onHit(0, 0);
        assertEquals(List.of(0, 1, 2, 3, 0, 1), victims(fifo, 6));
    }

    @Test
    void lruSweepSkipsLinesWhoseAccessedBitIsSetAndClearsIt()
    {
        final EvictionPolicy lru = filled(new LruPolicy(), 1);
        lru.onHit(0, 0);
        lru.onHit(0, 2);
        // The hand clears way 0's bit and takes way 1; the next sweep clears way 2's bit and takes way 3; then the
        // hand finds way 0 and way 1 (refilled, bit clear) in turn, while way 2 (bit now clear) waits its turn.
        assertEquals(List.of(1, 3, 0, 1, 2), victims(lru, 5));
    }

    @Test
    void lruWithEveryBitSetSweepsAFullCircleAndTakesTheHandsLine()
    {
        final EvictionPolicy lru = filled(new LruPolicy(), 1);
        for (int way = 0; way < WAYS; way++)
        {
            lru.onHit(0, way);
        }
        assertEquals(List.of(0, 1), victims(lru, 2));
    }

    @Test
    void lruKeepsARepeatedlyHitLine()
    {
        final EvictionPolicy lru = filled(new LruPolicy(), 1);
        final List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 9; i++)
        {
            lru.onHit(0, 2);
            final int way = lru.victim(0);
            order.add(way);
            lru.onFill(0, way);
        }
        assertTrue(!order.contains(2), "way 2 is hit before every sweep: " + order);
    }

    @Test
    void setsHaveIndependentState()
    {
        final EvictionPolicy fifo = filled(new FifoPolicy(), 2);
        assertEquals(0, fifo.victim(0));
        assertEquals(1, fifo.victim(0));
        assertEquals(0, fifo.victim(1));
        final EvictionPolicy lru = filled(new LruPolicy(), 2);
        lru.onHit(1, 0);
        assertEquals(0, lru.victim(0));
        assertEquals(1, lru.victim(1));
    }

    @Test
    void randomIsReproducibleForASeedCoversEveryWayAndStaysInRange()
    {
        final List<Integer> first = victims(filled(new RandomPolicy(42), 1), 64);
        assertEquals(first, victims(filled(new RandomPolicy(42), 1), 64));
        assertNotEquals(first, victims(filled(new RandomPolicy(43), 1), 64));
        for (int way = 0; way < WAYS; way++)
        {
            assertTrue(first.contains(way), "way " + way + " never chosen in " + first);
        }
        assertTrue(first.stream().allMatch((w) -> w >= 0 && w < WAYS));
    }

    @Test
    void policiesAreNamedCaseInsensitively()
    {
        assertInstanceOf(FifoPolicy.class, EvictionPolicy.named("FIFO"));
        assertInstanceOf(LruPolicy.class, EvictionPolicy.named("lru"));
        assertInstanceOf(RandomPolicy.class, EvictionPolicy.named("Random"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> EvictionPolicy.named("mru"))
            .getMessage().contains("fifo, lru or random"));
    }
}
