package org.legoemu.mcomponent.home;

import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import org.legoemu.abi.linux.Errno;
import org.legoemu.mcomponent.vm.VmException;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.proxy.CommitGrant;
import org.legoemu.fabric.proxy.GmmProxy;
import org.agrona.concurrent.NanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A home's share of the cluster-wide commit limit, granted by the GMM (M2G_COMMIT, the GMM's {@code CommitLedger}):
 * the grants of the live homes together never pass the cluster's memory (the sum of the {@code --memory} of the
 * mComponents not DEAD). A growth within the grant costs nothing; one past it asks the GMM for the new total plus
 * {@link #SLACK_BYTES}, which the GMM gives as far as the limit allows, and fails with ENOMEM when not even the new
 * total fits. When the home's processes commit more than {@code 2 * SLACK_BYTES} less than the grant, the rest is given
 * back.
 * <p>
 * While the GMM cannot be reached (or does not know this home yet, after its restart), the home checks alone, against
 * the last limit the GMM told it (none before the first answer), and asks the GMM again at most once per
 * {@value #RETRY_MS} ms, so that a GMM that is down costs an mmap at most one call timeout per second; its next answered
 * call tells the GMM the home's real total. Not thread-safe (used under the monitor's state lock).
 */
public final class ClusterMemoryLimit implements CommitShare
{
    /**
     * Bytes a home asks for beyond what it needs, so that most mmap and brk calls need no GMM call: 4 MiB (a guess; it
     * is also the most a home holds unused beyond twice that, which the other homes cannot commit).
     */
    static final long SLACK_BYTES = 4L << 20;
    /** How long after a failed call the home checks alone before it asks the GMM again, ms (a guess). */
    static final long RETRY_MS = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(ClusterMemoryLimit.class);

    private final GmmProxy gmm;
    private final IntSupplier selfId;
    private final NanoClock clock;
    private long grantedBytes;
    private long limitBytes = Long.MAX_VALUE;
    /** The grant was raised without the GMM (it was unreachable): tell it at the next growth. */
    private boolean unreported;
    private long failedAtNs;
    private boolean failed;

    /**
     * @param gmm    reaches the GMM; without a retry window (see the class comment).
     * @param selfId this monitor's component id.
     * @param clock  times the pause after a failed call to the GMM.
     */
    public ClusterMemoryLimit(final GmmProxy gmm, final IntSupplier selfId, final NanoClock clock)
    {
        this.gmm = gmm;
        this.selfId = selfId;
        this.clock = clock;
    }

    @Override
    public void grow(final long totalBytes, final String what)
    {
        if (totalBytes <= grantedBytes && !(unreported && retryDue()))
        {
            return;
        }
        ask(totalBytes, false, what);
    }

    @Override
    public void settled(final long totalBytes)
    {
        if (totalBytes > grantedBytes || (unreported && retryDue()))
        {
            ask(totalBytes, true, "settle");
        }
        else if (grantedBytes - totalBytes > 2 * SLACK_BYTES && retryDue())
        {
            try
            {
                ask(totalBytes, false, "give back");
            }
            catch (final VmException ex)
            {
                LOG.debug("commit grant of {} bytes kept: {}", grantedBytes, ex.getMessage());
            }
        }
    }

    @Override
    public long grantedBytes()
    {
        return grantedBytes;
    }

    private void ask(final long neededBytes, final boolean force, final String what)
    {
        if (retryDue())
        {
            try
            {
                final CommitGrant grant = gmm.commit(selfId.getAsInt(), neededBytes, neededBytes + SLACK_BYTES, force);
                grantedBytes = grant.grantedBytes();
                limitBytes = grant.limitBytes();
                unreported = false;
                failed = false;
                return;
            }
            catch (final RemoteErrorException ex)
            {
                if (ex.errno() == Errnos.ENOMEM)
                {
                    throw new VmException(Errno.ENOMEM, what + ": " + ex.getMessage());
                }
                fail(ex);
            }
            catch (final FabricException ex)
            {
                fail(ex);
            }
        }
        if (!force && neededBytes > limitBytes)
        {
            throw new VmException(Errno.ENOMEM, what + ": " + neededBytes + " bytes committed would pass the " +
                "cluster's commit limit of " + limitBytes + " bytes (the GMM, unreachable, grants no more)");
        }
        grantedBytes = Math.max(grantedBytes, neededBytes);
        unreported = true;
    }

    private void fail(final FabricException ex)
    {
        if (!failed)
        {
            LOG.info("cannot ask the GMM for a commit grant ({}): this home checks alone against {} bytes for now",
                ex.getMessage(), limitBytes);
        }
        failed = true;
        failedAtNs = clock.nanoTime();
    }

    private boolean retryDue()
    {
        return !failed || clock.nanoTime() - failedAtNs > TimeUnit.MILLISECONDS.toNanos(RETRY_MS);
    }
}
