package org.legoemu.pcomponent.excache;

import java.util.Arrays;

/**
 * The ExCache's victim buffer (LegoOS §4.3 "victim cache"): a small fully associative store of lines evicted from
 * the ExCache proper, each with its owner process, protection and dirty bit, in eviction order. Its dirty lines
 * are written back by the ExCache's flusher thread; a miss that finds its line here takes it back without a
 * network trip.
 *
 * <p>Bookkeeping only: every method is called with the {@link MshrTable}'s lock held (the buffer is fully
 * associative, so no set lock covers it). An entry is <i>busy</i> while a thread works on its bytes without that lock:
 * the one entry the flusher is writing back ({@link #flushing()}), and entries {@link #reserve reserved} by a miss
 * taking the line back or by an invalidation writing it back. Nobody else may change or reuse a busy entry; a miss
 * on its line waits.
 */
final class VictimBuffer
{
    static final long EMPTY = -1;

    final int[] pid;
    final long[] vpn;
    final byte[][] line;
    final byte[] prot;
    final boolean[] dirty;
    private final long[] order;
    private final boolean[] reserved;
    private long nextOrder;
    private int flushing = -1;

    /** @param entries capacity in lines; 0 makes a buffer that never holds anything. */
    VictimBuffer(final int entries)
    {
        pid = new int[entries];
        vpn = new long[entries];
        line = new byte[entries][];
        prot = new byte[entries];
        dirty = new boolean[entries];
        order = new long[entries];
        reserved = new boolean[entries];
        Arrays.fill(vpn, EMPTY);
        for (int i = 0; i < entries; i++)
        {
            line[i] = new byte[ExCache.LINE_SIZE];
        }
    }

    int capacity()
    {
        return vpn.length;
    }

    /** The entry holding {@code pid}'s page {@code vpn}, or -1. */
    int find(final int pid, final long vpn)
    {
        for (int i = 0; i < this.vpn.length; i++)
        {
            if (this.vpn[i] == vpn && this.pid[i] == pid)
            {
                return i;
            }
        }
        return -1;
    }

    /**
     * The entry a newly evicted line should go to: an empty one, else the oldest clean one, else the oldest dirty
     * one (whose line the caller must write back first); never a busy one.
     *
     * @return an entry index, or -1 when every entry is busy.
     */
    int reclaimable()
    {
        int oldestClean = -1;
        int oldestDirty = -1;
        for (int i = 0; i < vpn.length; i++)
        {
            if (vpn[i] == EMPTY)
            {
                return i;
            }
            if (busy(i))
            {
                continue;
            }
            if (dirty[i])
            {
                oldestDirty = older(oldestDirty, i);
            }
            else
            {
                oldestClean = older(oldestClean, i);
            }
        }
        return oldestClean >= 0 ? oldestClean : oldestDirty;
    }

    /** The oldest dirty entry that is not busy, or -1. */
    int oldestDirty()
    {
        int oldest = -1;
        for (int i = 0; i < vpn.length; i++)
        {
            if (vpn[i] != EMPTY && dirty[i] && !busy(i))
            {
                oldest = older(oldest, i);
            }
        }
        return oldest;
    }

    private int older(final int current, final int candidate)
    {
        return current < 0 || order[candidate] < order[current] ? candidate : current;
    }

    /** Records that {@code entry} now holds a line (its bytes already in {@link #line}), newest in order. */
    void fill(final int entry, final int pid, final long vpn, final byte prot, final boolean dirty)
    {
        this.pid[entry] = pid;
        this.vpn[entry] = vpn;
        this.prot[entry] = prot;
        this.dirty[entry] = dirty;
        this.order[entry] = nextOrder++;
    }

    void clear(final int entry)
    {
        vpn[entry] = EMPTY;
        dirty[entry] = false;
        reserved[entry] = false;
    }

    /** Marks {@code entry} busy for the calling thread, which works on its bytes without the lock. */
    void reserve(final int entry)
    {
        reserved[entry] = true;
    }

    /** Ends a {@link #reserve}. */
    void unreserve(final int entry)
    {
        reserved[entry] = false;
    }

    /** Whether {@code entry} is being flushed or is reserved. */
    boolean busy(final int entry)
    {
        return entry == flushing || reserved[entry];
    }

    /** The lines waiting for the flusher: dirty entries that are not busy. */
    int flushWork()
    {
        int n = 0;
        for (int i = 0; i < vpn.length; i++)
        {
            if (vpn[i] != EMPTY && dirty[i] && !busy(i))
            {
                n++;
            }
        }
        return n;
    }

    /** The entry being written back by the flusher, or -1. */
    int flushing()
    {
        return flushing;
    }

    void flushing(final int entry)
    {
        flushing = entry;
    }

    /** Whether a busy entry holds a page of {@code pid} in {@code [firstVpn, endVpn)}. */
    boolean busyIn(final int pid, final long firstVpn, final long endVpn)
    {
        for (int i = 0; i < vpn.length; i++)
        {
            if (busy(i) && vpn[i] != EMPTY && this.pid[i] == pid && vpn[i] >= firstVpn && vpn[i] < endVpn)
            {
                return true;
            }
        }
        return false;
    }

    /** Number of entries holding a line. */
    int occupied()
    {
        int n = 0;
        for (final long v : vpn)
        {
            if (v != EMPTY)
            {
                n++;
            }
        }
        return n;
    }
}
