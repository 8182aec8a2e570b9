package org.legoemu.mcomponent.vm;

import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Giving up the monitor's state lock around a wait (a call to another component, a pause before a retry), so this
 * mComponent keeps serving requests meanwhile; see {@code HomeThreadDispatch}.
 */
public final class StateLock
{
    private StateLock()
    {
    }

    /**
     * Releases every hold the current thread has on {@code lock}.
     *
     * @return the number of holds, for {@link #reacquire}.
     */
    public static int releaseAll(final ReentrantLock lock)
    {
        final int holds = lock.getHoldCount();
        for (int i = 0; i < holds; i++)
        {
            lock.unlock();
        }
        return holds;
    }

    /** Takes {@code holds} holds on {@code lock} again. */
    public static void reacquire(final ReentrantLock lock, final int holds)
    {
        for (int i = 0; i < holds; i++)
        {
            lock.lock();
        }
    }

    /** Sleeps {@code pauseNs} with every hold on {@code lock} given up. */
    public static void pauseUnlocked(final ReentrantLock lock, final long pauseNs)
    {
        final int holds = releaseAll(lock);
        try
        {
            LockSupport.parkNanos(pauseNs);
        }
        finally
        {
            reacquire(lock, holds);
        }
    }
}
