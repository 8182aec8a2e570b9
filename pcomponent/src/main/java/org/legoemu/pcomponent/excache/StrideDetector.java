package org.legoemu.pcomponent.excache;

/**
 * Majority-trend stride detection over one stream of line misses, after Leap (H. Al Maruf and M. Chowdhury,
 * "Effectively Prefetching Remote Memory with Leap", USENIX ATC'20, §3.2 "Majority Trend-Based Prefetching",
 * Algorithm 1): keep the strides between the last {@value #HISTORY} trigger pages; look for a stride that is a strict
 * majority of the newest half of that history (Boyer-Moore majority vote, one pass and one check), and when there is
 * none, of the whole history (Leap doubles the window up to the history's size). A stream without a majority stride
 * (random accesses) yields none, so nothing is prefetched; a stream whose strides are mostly one value yields that
 * value even if a few accesses break the pattern. The history size is ours (a small window, as the issue asks; Leap's
 * is larger).
 *
 * <p>Not thread-safe: one detector per hart stream. Allocates nothing.
 */
public final class StrideDetector
{
    /** Strides remembered. */
    public static final int HISTORY = 8;

    private final long[] strides = new long[HISTORY];
    private int count;
    private int next;
    private long lastVpn;
    private boolean started;

    /** Forgets the stream (a new process on this hart). */
    public void reset()
    {
        count = 0;
        next = 0;
        started = false;
    }

    /** Records a trigger (a miss, or the first use of a prefetched line) on page {@code vpn}. */
    public void record(final long vpn)
    {
        if (started)
        {
            strides[next] = vpn - lastVpn;
            next = (next + 1) % HISTORY;
            if (count < HISTORY)
            {
                count++;
            }
        }
        started = true;
        lastVpn = vpn;
    }

    /** The majority stride of the recent history in pages, or 0 when there is none (0 is never a trend). */
    public long stride()
    {
        if (count < 2)
        {
            return 0;
        }
        int window = Math.min(HISTORY / 2, count);
        while (true)
        {
            final long majority = majority(window);
            if (majority != 0 || window >= count)
            {
                return majority;
            }
            window = Math.min(window * 2, count);
        }
    }

    /** The stride that is more than half of the newest {@code window} strides, or 0. */
    private long majority(final int window)
    {
        long candidate = 0;
        int votes = 0;
        for (int i = 1; i <= window; i++)
        {
            final long s = strides[Math.floorMod(next - i, HISTORY)];
            if (votes == 0)
            {
                candidate = s;
                votes = 1;
            }
            else
            {
                votes += s == candidate ? 1 : -1;
            }
        }
        int n = 0;
        for (int i = 1; i <= window; i++)
        {
            if (strides[Math.floorMod(next - i, HISTORY)] == candidate)
            {
                n++;
            }
        }
        return n * 2 > window ? candidate : 0;
    }
}
