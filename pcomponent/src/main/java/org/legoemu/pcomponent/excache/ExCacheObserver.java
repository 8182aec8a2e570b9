package org.legoemu.pcomponent.excache;

/**
 * What the timing model ({@code org.legoemu.pcomponent.model}) learns from an ExCache: the lookups of the ExCache
 * proper, in the order they happen, and the lines removed from it. Only the deterministic part of the cache is
 * reported (which line a lookup asked for, whether the ExCache proper held it, which line it evicted): for a
 * single-threaded guest this sequence depends only on the guest, whereas victim-buffer hits and write-backs depend
 * on when the flusher thread ran. The model keeps its own shadow of the victim buffer in modeled time.
 *
 * <p>Called by the accessing thread (a hart, or a system call on its thread), with no allocation, possibly with the
 * cache's locks held: an implementation must not call back into the ExCache.
 */
public interface ExCacheObserver
{
    /** An observer that ignores everything. */
    ExCacheObserver NONE = new ExCacheObserver()
    {
    };

    /** A lookup of {@code pid}'s page {@code vpn} found its line in the ExCache proper. */
    default void onHit(final int pid, final long vpn, final int access)
    {
    }

    /**
     * A lookup of {@code pid}'s page {@code vpn} missed the ExCache proper and the line is now in it.
     *
     * @param evictedPid  the process of the line it replaced; ignored when {@code evictedVpn} is -1.
     * @param evictedVpn  the page of the line evicted from the ExCache proper to make room, or -1 for none.
     * @param zeroFilled  whether the cache created the line zeroed (a fresh page) instead of taking it from the
     *                    victim buffer or an mComponent.
     */
    default void onMiss(
        final int pid, final long vpn, final int access, final int evictedPid, final long evictedVpn,
        final boolean zeroFilled)
    {
    }

    /**
     * The prefetcher took a way of the ExCache proper for {@code pid}'s page {@code vpn}, on the thread of the hart
     * whose miss (or first use of a prefetched line) triggered it, right after that access. The line arrives
     * asynchronously; a later lookup of it is reported as {@link #onHit} (once it has arrived).
     *
     * @param evictedPid the process of the line it replaced; ignored when {@code evictedVpn} is -1.
     * @param evictedVpn the page of the line evicted from the ExCache proper to make room, or -1 for none.
     */
    default void onPrefetch(final int pid, final long vpn, final int evictedPid, final long evictedVpn)
    {
    }

    /**
     * {@code pid}'s lines in pages {@code [firstVpn, endVpn)} were removed from the ExCache proper and the victim
     * buffer, their dirty data written back first when {@code writeBack}, dropped otherwise.
     */
    default void onInvalidate(final int pid, final long firstVpn, final long endVpn, final boolean writeBack)
    {
    }

    /** Every line of {@code pid} was dropped without write-back (the process is gone). */
    default void onDetach(final int pid)
    {
    }
}
