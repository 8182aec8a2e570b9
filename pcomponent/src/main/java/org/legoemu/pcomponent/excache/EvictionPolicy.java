package org.legoemu.pcomponent.excache;

/**
 * Chooses the victim way within one ExCache set (LegoOS §4.3: "eviction policies one class each"). Called with
 * the cache's lock held; must not allocate.
 */
public interface EvictionPolicy
{
    /** Prepares state for a cache of {@code sets} x {@code ways}. */
    void init(int sets, int ways);

    /** Returns to the state {@link #init} left (the cache is empty again). */
    void reset();

    /** A lookup hit the line in {@code way} of {@code set}. */
    void onHit(int set, int way);

    /** A line was just filled into {@code way} of {@code set}. */
    void onFill(int set, int way);

    /**
     * Picks the way to evict from a full {@code set}.
     *
     * @return a way index in {@code [0, ways)}.
     */
    int victim(int set);

    /**
     * The policy named on the command line.
     *
     * @param name {@code fifo}, {@code lru} or {@code random} (case-insensitive).
     * @throws IllegalArgumentException naming the accepted values for anything else.
     */
    static EvictionPolicy named(final String name)
    {
        switch (name.toLowerCase(java.util.Locale.ROOT))
        {
            case "fifo":
                return new FifoPolicy();
            case "lru":
                return new LruPolicy();
            case "random":
                return new RandomPolicy(0x5eed);
            default:
                throw new IllegalArgumentException(
                    "unknown ExCache policy '" + name + "' (expected fifo, lru or random)");
        }
    }
}
