package org.legoemu.mcomponent;

import org.agrona.collections.IntArrayList;
import org.agrona.collections.IntHashSet;
import org.legoemu.fabric.proxy.MemberState;
import org.legoemu.fabric.sbe.HeldRole;
import org.legoemu.mcomponent.home.ProcessHomes;
import org.legoemu.mcomponent.owner.OwnedPages;
import org.legoemu.mcomponent.owner.ProcessPages;
import org.legoemu.mcomponent.replica.ReplicaLog;
import org.legoemu.mcomponent.replica.ReplicaLogs;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The pids an mComponent holds state for: frames of a vRegion it owns ({@link OwnedPages}), an address space it is
 * home of ({@link ProcessHomes}), a replica log or home checkpoint it keeps as a secondary ({@link ReplicaLogs}).
 * Listed for reconciliation ({@link ProcessReconciler}) and, as the highest, told to a restarted GMM so it reuses
 * none ({@link MemberState}); what it holds of each (vRegions owned and replicated, homes, home standbys) is told to
 * a restarted GMM too, which rebuilds its vRegion directory from it ({@link #heldMemory}). Takes the monitor's state
 * lock while it looks.
 */
final class HeldPids implements MemberState
{
    private final ReentrantLock stateLock;
    private final OwnedPages stores;
    private final ProcessHomes homes;
    private final ReplicaLogs logs;
    private final IntHashSet seen = new IntHashSet();
    private final IntArrayList scratch = new IntArrayList();

    /**
     * @param stateLock the monitor's state lock (guards {@code stores}, {@code homes} and {@code logs}).
     * @param logs      the replica logs this monitor keeps as a secondary, or null.
     */
    HeldPids(final ReentrantLock stateLock, final OwnedPages stores, final ProcessHomes homes,
        final ReplicaLogs logs)
    {
        this.stateLock = stateLock;
        this.stores = stores;
        this.homes = homes;
        this.logs = logs;
    }

    /** Fills {@code out} (cleared first) with every pid held, each once. */
    synchronized void list(final IntArrayList out)
    {
        out.clear();
        stateLock.lock();
        try
        {
            seen.clear();
            stores.pids(out, seen);
            homes.pids(out, seen);
            if (logs != null)
            {
                logs.pids(out, seen);
            }
        }
        finally
        {
            stateLock.unlock();
        }
    }

    @Override
    public synchronized void heldMemory(final IntArrayList entries)
    {
        entries.clear();
        stateLock.lock();
        try
        {
            for (final ProcessPages store : stores.stores())
            {
                for (final int vregion : store.vregions())
                {
                    add(entries, store.pid(), vregion, HeldRole.OWNER, store.secondary(vregion));
                }
            }
            seen.clear();
            scratch.clear();
            homes.pids(scratch, seen);
            for (int i = 0; i < scratch.size(); i++)
            {
                final int pid = scratch.getInt(i);
                add(entries, pid, -1, HeldRole.HOME, homes.standbyOf(pid));
            }
            if (logs != null)
            {
                for (final ReplicaLog log : logs.logs())
                {
                    for (final int vregion : log.vregions())
                    {
                        add(entries, log.pid(), vregion, HeldRole.SECONDARY, -2);
                    }
                }
                scratch.clear();
                logs.checkpointPids(scratch);
                for (int i = 0; i < scratch.size(); i++)
                {
                    add(entries, scratch.getInt(i), -1, HeldRole.HOME_STANDBY, -2);
                }
            }
        }
        finally
        {
            stateLock.unlock();
        }
    }

    private static void add(
        final IntArrayList entries, final int pid, final int vregion, final HeldRole role, final int peerId)
    {
        entries.addInt(pid);
        entries.addInt(vregion);
        entries.addInt(role.value());
        entries.addInt(peerId);
    }

    @Override
    public long committedBytes()
    {
        stateLock.lock();
        try
        {
            return homes.grantedCommitBytes();
        }
        finally
        {
            stateLock.unlock();
        }
    }

    @Override
    public synchronized int highestPid()
    {
        list(scratch);
        int highest = 0;
        for (int i = 0; i < scratch.size(); i++)
        {
            highest = Math.max(highest, scratch.getInt(i));
        }
        return highest;
    }
}
