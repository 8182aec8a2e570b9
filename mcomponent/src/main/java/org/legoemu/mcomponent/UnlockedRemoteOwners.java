package org.legoemu.mcomponent;

import org.legoemu.fabric.proxy.VRegionOwner;
import org.legoemu.fabric.sbe.VmaOp;

import java.util.concurrent.locks.ReentrantLock;

/**
 * {@link RemoteOwners} calls made with the monitor's state lock given up for the call's duration, so that this
 * mComponent keeps serving owner requests (possibly from the very mComponent being called) while it waits; see
 * {@link HomeThreadDispatch}.
 */
final class UnlockedRemoteOwners implements RemoteOwners
{
    private final RemoteOwners delegate;
    private final ReentrantLock lock;

    UnlockedRemoteOwners(final RemoteOwners delegate, final ReentrantLock lock)
    {
        this.delegate = delegate;
        this.lock = lock;
    }

    @Override
    public void vmaUpdate(
        final VRegionOwner owner, final int pid, final int pcomponentId, final VmaOp op, final long start, final long end, final int prot)
    {
        final int holds = release();
        try
        {
            delegate.vmaUpdate(owner, pid, pcomponentId, op, start, end, prot);
        }
        finally
        {
            reacquire(holds);
        }
    }

    @Override
    public void pageStore(final VRegionOwner owner, final int pid, final int pcomponentId, final long vaddr, final byte[] page)
    {
        final int holds = release();
        try
        {
            delegate.pageStore(owner, pid, pcomponentId, vaddr, page);
        }
        finally
        {
            reacquire(holds);
        }
    }

    @Override
    public long processExit(final VRegionOwner owner, final int pid)
    {
        final int holds = release();
        try
        {
            return delegate.processExit(owner, pid);
        }
        finally
        {
            reacquire(holds);
        }
    }

    @Override
    public long fork(final VRegionOwner owner, final int parentPid, final int childPid, final int pcomponentId)
    {
        final int holds = release();
        try
        {
            return delegate.fork(owner, parentPid, childPid, pcomponentId);
        }
        finally
        {
            reacquire(holds);
        }
    }

    @Override
    public void close()
    {
        delegate.close();
    }

    private int release()
    {
        final int holds = lock.getHoldCount();
        for (int i = 0; i < holds; i++)
        {
            lock.unlock();
        }
        return holds;
    }

    private void reacquire(final int holds)
    {
        for (int i = 0; i < holds; i++)
        {
            lock.lock();
        }
    }
}
