package org.legoemu.mcomponent.vregion;

import org.legoemu.fabric.proxy.VRegionOwner;
import org.legoemu.fabric.sbe.VmaOp;
import org.legoemu.mcomponent.vm.StateLock;

import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link RemoteOwners} calls made with the monitor's state lock given up for the call's duration, so that this
 * mComponent keeps serving owner requests (possibly from the very mComponent being called) while it waits; see
 * {@code HomeThreadDispatch}.
 */
public final class UnlockedRemoteOwners implements RemoteOwners
{
    private final RemoteOwners delegate;
    private final ReentrantLock lock;

    public UnlockedRemoteOwners(final RemoteOwners delegate, final ReentrantLock lock)
    {
        this.delegate = delegate;
        this.lock = lock;
    }

    @Override
    public void vmaUpdate(
        final VRegionOwner owner, final int pid, final int pcomponentId, final VmaOp op, final long start, final long end, final int prot)
    {
        final int holds = StateLock.releaseAll(lock);
        try
        {
            delegate.vmaUpdate(owner, pid, pcomponentId, op, start, end, prot);
        }
        finally
        {
            StateLock.reacquire(lock, holds);
        }
    }

    @Override
    public void pageStore(final VRegionOwner owner, final int pid, final int pcomponentId, final long vaddr, final byte[] page)
    {
        final int holds = StateLock.releaseAll(lock);
        try
        {
            delegate.pageStore(owner, pid, pcomponentId, vaddr, page);
        }
        finally
        {
            StateLock.reacquire(lock, holds);
        }
    }

    @Override
    public long processExit(final VRegionOwner owner, final int pid)
    {
        final int holds = StateLock.releaseAll(lock);
        try
        {
            return delegate.processExit(owner, pid);
        }
        finally
        {
            StateLock.reacquire(lock, holds);
        }
    }

    @Override
    public void pause(final long pauseNs)
    {
        StateLock.pauseUnlocked(lock, pauseNs);
    }

    @Override
    public long fork(final VRegionOwner owner, final int parentPid, final int childPid, final int pcomponentId)
    {
        final int holds = StateLock.releaseAll(lock);
        try
        {
            return delegate.fork(owner, parentPid, childPid, pcomponentId);
        }
        finally
        {
            StateLock.reacquire(lock, holds);
        }
    }

    @Override
    public void close()
    {
        delegate.close();
    }


}
