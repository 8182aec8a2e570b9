package org.legoemu.gmm;

import org.agrona.concurrent.NanoClock;

/** A NanoClock the test moves by hand. */
final class SettableClock implements NanoClock
{
    private volatile long nowNs;

    @Override
    public long nanoTime()
    {
        return nowNs;
    }

    void advanceNs(final long deltaNs)
    {
        nowNs += deltaNs;
    }
}
