package org.legoemu.pcomponent.excache;

/**
 * The lines whose prefetch failed recently (typically pages past the end of a mapping, which the owner refuses), so
 * that the prefetcher does not issue them again. Without it, whether a later trigger issued the same line again would
 * depend on whether the failed prefetch had finished by then (a line still in flight is skipped, an emptied way is
 * not), and the timing model would see a different number of prefetches from run to run. A line leaves the set when
 * a demand miss fetches it, when its range is invalidated (every VM change invalidates its range first) or when its
 * process detaches; the oldest is forgotten when all {@value #CAPACITY} entries are used.
 *
 * <p>Guarded by the {@link MshrTable}'s lock. Fixed capacity, allocates nothing.
 */
final class FailedPrefetches
{
    static final int CAPACITY = 64;
    private static final long EMPTY = -1;

    private final int[] pid = new int[CAPACITY];
    private final long[] vpn = new long[CAPACITY];
    private int next;
    private int count;

    FailedPrefetches()
    {
        java.util.Arrays.fill(vpn, EMPTY);
    }

    /** Whether none is remembered (a cheap check before a scan). */
    boolean isEmpty()
    {
        return count == 0;
    }

    /** Remembers that the prefetch of {@code (p, v)} failed. */
    void add(final int p, final long v)
    {
        if (contains(p, v))
        {
            return;
        }
        if (vpn[next] == EMPTY)
        {
            count++;
        }
        pid[next] = p;
        vpn[next] = v;
        next = (next + 1) % CAPACITY;
    }

    boolean contains(final int p, final long v)
    {
        if (count == 0)
        {
            return false;
        }
        for (int i = 0; i < CAPACITY; i++)
        {
            if (vpn[i] == v && pid[i] == p)
            {
                return true;
            }
        }
        return false;
    }

    /** Forgets {@code p}'s lines in {@code [firstVpn, endVpn)}. */
    void remove(final int p, final long firstVpn, final long endVpn)
    {
        if (count == 0)
        {
            return;
        }
        for (int i = 0; i < CAPACITY; i++)
        {
            if (vpn[i] != EMPTY && pid[i] == p && vpn[i] >= firstVpn && vpn[i] < endVpn)
            {
                vpn[i] = EMPTY;
                count--;
            }
        }
    }
}
