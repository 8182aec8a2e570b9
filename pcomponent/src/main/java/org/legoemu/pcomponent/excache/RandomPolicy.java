package org.legoemu.pcomponent.excache;

/**
 * A uniformly random way of the set (LegoOS §4.3 lists random eviction), drawn from a seeded xorshift64
 * generator (Marsaglia 2003) so runs are reproducible; hits and fills do not matter.
 */
public final class RandomPolicy implements EvictionPolicy
{
    private final long seed;
    private long state;
    private int ways;

    public RandomPolicy(final long seed)
    {
        this.seed = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
        this.state = this.seed;
    }

    @Override
    public void init(final int sets, final int ways)
    {
        this.ways = ways;
    }

    @Override
    public void reset()
    {
        state = seed;
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
        long x = state;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        state = x;
        return (int)Long.remainderUnsigned(x, ways);
    }
}
