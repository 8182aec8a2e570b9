package org.legoemu.pcomponent.model;

import org.legoemu.abi.hart.GuestCounters;

/**
 * The {@code time} and {@code cycle} CSRs of a hart under {@code --guest-clock modeled} (docs/modeled-time.md, "Guest
 * clock"): {@code rdtime} is the hart's modeled time since its process's origin in ticks of
 * {@link GuestCounters#TIMEBASE_HZ} (10 MHz, 100 ns), so it reads what CLOCK_MONOTONIC reads divided by 100;
 * {@code rdcycle} is the same time in cycles of the modeled CPU ({@link HartTimer#cyclesAt}). Reads no host clock;
 * allocates nothing.
 */
public final class ModeledCounters implements GuestCounters
{
    private final HartTimer timer;
    private final long originNs;

    /** @param timer the hart's modeled clock; its process's origin is time 0. */
    public ModeledCounters(final HartTimer timer)
    {
        this.timer = timer;
        this.originNs = timer.process().originNs();
    }

    @Override
    public long time(final long instret)
    {
        return Math.max(0, timer.nowNsAt(instret) - originNs) / NS_PER_TICK;
    }

    @Override
    public long cycle(final long instret)
    {
        return timer.cyclesAt(instret, originNs);
    }
}
