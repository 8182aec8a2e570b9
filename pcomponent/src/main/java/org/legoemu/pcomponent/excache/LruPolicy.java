package org.legoemu.pcomponent.excache;

/**
 * Least recently used by ExCache lookup order (a per-line last-use stamp). Accesses served by a hart's TLB do
 * not reach the ExCache and so do not refresh a line, which makes this the approximate LRU that LegoOS's
 * accessed-bit sweep also gives.
 */
public final class LruPolicy implements EvictionPolicy
{
    private long[] lastUse;
    private int ways;
    private long clock;

    @Override
    public void init(final int sets, final int ways)
    {
        this.lastUse = new long[sets * ways];
        this.ways = ways;
    }

    @Override
    public void onHit(final int set, final int way)
    {
        lastUse[set * ways + way] = ++clock;
    }

    @Override
    public void onFill(final int set, final int way)
    {
        lastUse[set * ways + way] = ++clock;
    }

    @Override
    public int victim(final int set)
    {
        final int base = set * ways;
        int victim = 0;
        long oldest = Long.MAX_VALUE;
        for (int w = 0; w < ways; w++)
        {
            if (lastUse[base + w] < oldest)
            {
                oldest = lastUse[base + w];
                victim = w;
            }
        }
        return victim;
    }
}
