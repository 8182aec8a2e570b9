package org.legoemu.fabric.proxy;

import java.util.concurrent.atomic.AtomicLong;

import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.RemoteErrorException;

/**
 * The retry rule for idempotent requests: a call that timed out is sent again, up to a caller's limit
 * ({@link #DEFAULT_MAX_RETRIES} times unless its monitor's Context sets another: the pComponent's {@code callRetries}),
 * so one lost request or reply does not kill a guest or leak its memory. Idempotent here means applying the
 * request twice in a row leaves the state applying it once does: P2M_PCACHE_MISS (reads; a piggybacked
 * write-back stores a whole line), P2M_PCACHE_FLUSH and M2M_PAGE_STORE (store a whole line), P2M_MUNMAP,
 * P2M_MPROTECT, P2M_MADVISE (DONTNEED), P2M_BRK (absolute break), P2M_PROCESS_EXIT and M2M_PROCESS_EXIT (a second
 * exit frees nothing). "In a row" holds because a proxy serializes its calls: nothing else is sent on it between
 * the attempts. Also retried, as harmless though not strictly idempotent: P2M_EXECVE (a second one replaces the
 * image the first built with the same image) and anonymous P2M_MMAP (a second one without MAP_FIXED places another
 * mapping; the first, whose reply was lost, is never touched, holds no frame and is freed at exit: only address
 * space is lost, as a lost reply would otherwise cost the guest its run; lego chaos seed 12008 over TCP).
 * Not retried: P2M_MMAP_FILE, P2M_MREMAP, M2M_VMA_UPDATE. Refused or lost connections and error replies are not
 * retried. Counts the retries JVM-wide, for the chaos harness.
 */
public final class CallRetries
{
    /**
     * Default extra attempts after a timeout: 2, a guess (one lost request or reply, and one more for luck), not a
     * measured figure (docs/reliability.md, "Failover timings").
     */
    public static final int DEFAULT_MAX_RETRIES = 2;

    private static final AtomicLong RETRIES = new AtomicLong();

    private CallRetries()
    {
    }

    /** Retries sent in this JVM so far. */
    public static long total()
    {
        return RETRIES.get();
    }

    /**
     * Whether attempt {@code attempt} (0 = the first) that failed with {@code ex} is sent again, with at most
     * {@code maxRetries} extra attempts; counts it if so.
     */
    static boolean retry(final FabricException ex, final int attempt, final int maxRetries)
    {
        if (ex instanceof RemoteErrorException || ex.errno() != Errnos.ETIMEDOUT || attempt >= maxRetries)
        {
            return false;
        }
        RETRIES.incrementAndGet();
        return true;
    }
}
