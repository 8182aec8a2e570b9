package org.legoemu.pcomponent.excache;

import java.util.Arrays;

/**
 * Approximate LRU as LegoOS's pcache sweep implements it (LegoOS §4.3; the CLOCK algorithm): one accessed bit
 * per line, set when an ExCache lookup hits the line, and per set a hand that sweeps the ways, clearing set bits,
 * and picks the first line whose bit is already clear. A freshly filled line starts with its bit clear, so a line
 * that is never looked up again is the first to go.
 *
 * <p>Loads and stores served by a hart's TLB never reach the ExCache and so never set the bit; only TLB misses
 * that hit the ExCache do (the same coarseness as a hardware accessed bit sampled by a sweep).
 */
public final class LruPolicy implements EvictionPolicy
{
    private boolean[] accessed;
    private int[] hand;
    private int ways;

    @Override
    public void init(final int sets, final int ways)
    {
        this.accessed = new boolean[sets * ways];
        this.hand = new int[sets];
        this.ways = ways;
    }

    @Override
    public void reset()
    {
        Arrays.fill(accessed, false);
        Arrays.fill(hand, 0);
    }

    @Override
    public void onHit(final int set, final int way)
    {
        accessed[set * ways + way] = true;
    }

    @Override
    public void onFill(final int set, final int way)
    {
        accessed[set * ways + way] = false;
    }

    @Override
    public int victim(final int set)
    {
        final int base = set * ways;
        int way = hand[set];
        while (accessed[base + way])
        {
            accessed[base + way] = false;
            way = way + 1 == ways ? 0 : way + 1;
        }
        hand[set] = way + 1 == ways ? 0 : way + 1;
        return way;
    }
}
