package org.legoemu.pcomponent.excache;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The ExCache's miss status holding registers (MSHRs; Kroft, "Lockup-free instruction fetch/prefetch cache
 * organization", ISCA 1981): one entry per line transfer in flight, so that misses to different lines proceed in
 * parallel while every set lock is free, and a miss to a line already in flight waits for it instead of fetching it
 * a second time. An entry names up to two lines of one slot: the line being <b>filled</b> into the slot (fetched,
 * zero-filled or taken back from the victim buffer), and the line <b>leaving</b> the pComponent through that slot
 * (an evicted line during its TLB shootdown, then the dirty line being written back, piggybacked or not). While an
 * entry names a line, no other thread may fetch it: its newest bytes are in flight, not at the owner.
 *
 * <p>The table's lock also guards the {@link VictimBuffer} (fully associative, so it has no set lock of its own):
 * a lookup checks the MSHRs and the buffer in one critical section, and a line moves between an entry and the buffer
 * in one critical section, so a miss always finds the line somewhere. Lock order: a set lock, then this lock;
 * never a set lock while holding this one. The lock is never held across a network round trip or a shootdown.
 *
 * <p>Fixed capacity, preallocated: registering and releasing allocate nothing.
 */
final class MshrTable
{
    /** Entries: at most this many line transfers in flight per ExCache (harts, invalidations and the flusher). */
    static final int DEFAULT_ENTRIES = 64;
    private static final long NONE = -1;

    /** Guards every entry and the victim buffer. */
    final ReentrantLock lock = new ReentrantLock();
    /**
     * Signalled (all) whenever an entry is released, a victim-buffer entry stops being flushed or reserved, or a slot
     * stops being busy: everything a miss or an invalidation may wait for.
     */
    final Condition changed = lock.newCondition();
    /**
     * Counts the signals of {@link #changed}: a hart's miss path waits by polling it ({@link #changes()}) rather than
     * on the condition, whose wait allocates the JDK's queue node each time (the hot-path rule). Written under
     * {@link #lock}.
     */
    private volatile long changes;

    private final int[] fillPid;
    private final long[] fillVpn;
    private final int[] leavePid;
    private final long[] leaveVpn;
    private final boolean[] used;
    /** One past the highest entry in use, so that lookups scan only the busy part of the table. */
    private int highWater;

    MshrTable(final int entries)
    {
        fillPid = new int[entries];
        fillVpn = new long[entries];
        leavePid = new int[entries];
        leaveVpn = new long[entries];
        used = new boolean[entries];
    }

    /**
     * Takes a free entry for a transfer filling line {@code (pid, vpn)}; {@code vpn} -1 for none (an invalidation's
     * write-back). Call with {@link #lock} held.
     *
     * @return the entry, or -1 when every entry is in use (wait on {@link #changed} and try again).
     */
    int register(final int pid, final long vpn)
    {
        for (int e = 0; e < used.length; e++)
        {
            if (!used[e])
            {
                used[e] = true;
                fillPid[e] = pid;
                fillVpn[e] = vpn;
                leaveVpn[e] = NONE;
                if (e >= highWater)
                {
                    highWater = e + 1;
                }
                return e;
            }
        }
        return -1;
    }

    /** Names {@code (pid, vpn)} as the line leaving through {@code entry}'s slot; vpn -1 for none. */
    void leaving(final int entry, final int pid, final long vpn)
    {
        leavePid[entry] = pid;
        leaveVpn[entry] = vpn;
    }

    /** Frees {@code entry} and wakes every waiter. Call with {@link #lock} held. */
    void release(final int entry)
    {
        used[entry] = false;
        fillVpn[entry] = NONE;
        leaveVpn[entry] = NONE;
        while (highWater > 0 && !used[highWater - 1])
        {
            highWater--;
        }
        signalChanged();
    }

    /** Counts a change and wakes every waiter on {@link #changed}. Call with {@link #lock} held. */
    void signalChanged()
    {
        changes = changes + 1;
        changed.signalAll();
    }

    /** The number of changes signalled so far; read without the lock to poll for the next one. */
    long changes()
    {
        return changes;
    }

    /** Whether a transfer in flight fills or moves line {@code (pid, vpn)}. */
    boolean inFlight(final int pid, final long vpn)
    {
        for (int e = 0; e < highWater; e++)
        {
            if (used[e] && ((fillVpn[e] == vpn && fillPid[e] == pid) || (leaveVpn[e] == vpn && leavePid[e] == pid)))
            {
                return true;
            }
        }
        return false;
    }

    /** Whether a transfer in flight fills line {@code (pid, vpn)}. */
    boolean filling(final int pid, final long vpn)
    {
        for (int e = 0; e < highWater; e++)
        {
            if (used[e] && fillVpn[e] == vpn && fillPid[e] == pid)
            {
                return true;
            }
        }
        return false;
    }

    /** Whether a transfer in flight other than {@code entry} moves line {@code (pid, vpn)} out of a slot. */
    boolean leavingElsewhere(final int entry, final int pid, final long vpn)
    {
        for (int e = 0; e < highWater; e++)
        {
            if (e != entry && used[e] && leaveVpn[e] == vpn && leavePid[e] == pid)
            {
                return true;
            }
        }
        return false;
    }

    /** The process of the line leaving through {@code entry}'s slot (meaningful while one is named). */
    int leavePid(final int entry)
    {
        return leavePid[entry];
    }

    /** Whether a transfer in flight fills or moves a line of {@code pid} in {@code [firstVpn, endVpn)}. */
    boolean inFlight(final int pid, final long firstVpn, final long endVpn)
    {
        for (int e = 0; e < highWater; e++)
        {
            if (used[e] && (in(fillPid[e], fillVpn[e], pid, firstVpn, endVpn) ||
                in(leavePid[e], leaveVpn[e], pid, firstVpn, endVpn)))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean in(final int linePid, final long vpn, final int pid, final long firstVpn, final long endVpn)
    {
        return vpn != NONE && linePid == pid && vpn >= firstVpn && vpn < endVpn;
    }

    /** Number of entries in use (transfers in flight). */
    int inUse()
    {
        int n = 0;
        for (int e = 0; e < highWater; e++)
        {
            if (used[e])
            {
                n++;
            }
        }
        return n;
    }
}
