package org.legoemu.mcomponent.owner;

import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.IntHashSet;

/**
 * Every process this mComponent stores pages for, as vRegion owner: pid to {@link ProcessPages}. Not thread-safe:
 * guarded by the monitor's state lock (see the package's threading rules).
 */
public final class OwnedPages
{
    private final Int2ObjectHashMap<ProcessPages> byPid = new Int2ObjectHashMap<>();
    private final FramePool pool;

    /**
     * @param pool the frames all processes share.
     */
    public OwnedPages(final FramePool pool)
    {
        this.pool = pool;
    }

    /**
     * The store of {@code pid}, created empty if absent, recording that the process runs on {@code pcomponentId}
     * (the home's word is authoritative: it learnt the pComponent at P2M_EXECVE).
     */
    public ProcessPages getOrCreate(final int pid, final int pcomponentId)
    {
        ProcessPages store = byPid.get(pid);
        if (store == null)
        {
            store = new ProcessPages(pid, pcomponentId, pool);
            byPid.put(pid, store);
        }
        else
        {
            store.pcomponentId(pcomponentId);
        }
        return store;
    }

    /** The store of {@code pid}, or null when this monitor holds nothing of it. */
    public ProcessPages get(final int pid)
    {
        return byPid.get(pid);
    }

    /**
     * Forgets a process and frees its frames (M2M_PROCESS_EXIT, or the home's own part of P2M_PROCESS_EXIT).
     *
     * @return the number of frames freed; 0 when the process was unknown.
     */
    public int release(final int pid)
    {
        final ProcessPages store = byPid.remove(pid);
        return store == null ? 0 : store.release();
    }

    /**
     * fork(2) on this owner (M2M_FORK, or the home's own part of P2M_FORK): the child's store becomes a copy of the
     * parent's (VMAs and frames), served to {@code pcomponentId}; a parent this monitor holds nothing of gives an
     * empty child store.
     *
     * @return the number of frames copied, or -ENOMEM (the child then holds nothing here).
     */
    public int fork(final int parentPid, final int childPid, final int pcomponentId)
    {
        release(childPid);
        final ProcessPages child = getOrCreate(childPid, pcomponentId);
        final ProcessPages parent = byPid.get(parentPid);
        final int copied = parent == null ? 0 : parent.copyTo(child);
        if (copied < 0)
        {
            release(childPid);
        }
        return copied;
    }

    /** Appends to {@code out} every pid held here that {@code seen} does not hold yet, adding it to {@code seen}. */
    public void pids(final IntArrayList out, final IntHashSet seen)
    {
        final Int2ObjectHashMap<ProcessPages>.KeyIterator it = byPid.keySet().iterator();
        while (it.hasNext())
        {
            final int pid = it.nextInt();
            if (seen.add(pid))
            {
                out.addInt(pid);
            }
        }
    }

    /** The frame pool. */
    public FramePool pool()
    {
        return pool;
    }
}
