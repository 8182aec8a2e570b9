package org.legoemu.pcomponent.excache;

import java.util.Arrays;

/**
 * First in, first out per set (LegoOS §4.3, the default pcache policy): a rotating pointer per set names the
 * way filled longest ago; hits do not change the order.
 */
public final class FifoPolicy implements EvictionPolicy
{
    private int[] next;
    private int ways;

    @Override
    public void init(final int sets, final int ways)
    {
        this.next = new int[sets];
        this.ways = ways;
    }

    @Override
    public void reset()
    {
        Arrays.fill(next, 0);
    }

    @Override
    public void onHit(final int set, final int way)
    {
    }

    @Override
    public void onFill(final int set, final int way)
    {
    }

    @Override
    public int victim(final int set)
    {
        final int way = next[set];
        next[set] = way + 1 == ways ? 0 : way + 1;
        return way;
    }
}
