package org.legoemu.mcomponent.home;

import java.util.function.LongSupplier;

import org.legoemu.abi.linux.Errno;
import org.legoemu.mcomponent.vm.VmException;

/**
 * A home's share of the commit limit ({@link CommittedMemory}): whether the processes of this home may commit so
 * many bytes together. Over a cluster, the GMM grants each home its share out of the cluster-wide limit
 * ({@link ClusterMemoryLimit}); alone, a home checks a limit of its own ({@link #local}). Not thread-safe: used under
 * the monitor's state lock.
 */
public interface CommitShare
{
    /** No limit. */
    CommitShare UNLIMITED = local(() -> Long.MAX_VALUE);

    /**
     * The processes of this home are about to commit {@code totalBytes} together (more than before).
     *
     * @param what the request, for the error text.
     * @throws VmException ENOMEM if the limit does not leave this home that much; nothing changes then.
     */
    void grow(long totalBytes, String what);

    /**
     * The processes of this home commit {@code totalBytes} together now: possibly more than {@link #grow} allowed (a
     * home that took over a DEAD one's processes, whose commit exists), or less (freed). Never fails.
     */
    void settled(long totalBytes);

    /** The bytes this home holds of the limit (at least what its processes commit), for a restarted GMM. */
    long grantedBytes();

    /**
     * A share that is a limit of this home's own, {@code limitBytes} (asked at each growth), checked without asking
     * anyone: tests, and a home on its own.
     */
    static CommitShare local(final LongSupplier limitBytes)
    {
        return new CommitShare()
        {
            private long committedBytes;

            @Override
            public void grow(final long totalBytes, final String what)
            {
                final long limit = limitBytes.getAsLong();
                if (totalBytes > limit)
                {
                    throw new VmException(Errno.ENOMEM, what + ": " + totalBytes + " bytes committed would pass " +
                        "the commit limit of " + limit + " bytes (" + committedBytes + " committed)");
                }
                committedBytes = totalBytes;
            }

            @Override
            public void settled(final long totalBytes)
            {
                committedBytes = totalBytes;
            }

            @Override
            public long grantedBytes()
            {
                return committedBytes;
            }
        };
    }
}
