package org.legoemu.mcomponent.home;

import org.agrona.concurrent.NanoClock;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.proxy.ComponentStatus;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.fabric.sbe.ComponentKind;
import org.legoemu.fabric.sbe.ComponentState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The cluster's memory, the commit limit of a home ({@link CommittedMemory}): the sum of the {@code --memory} of the
 * mComponents the GMM lists as not DEAD (C2G_STATUS), asked at most once per {@value #REFRESH_MS} ms. While the GMM
 * cannot be asked, the last answer stands; before any answer there is no limit. Not thread-safe (used under the
 * monitor's state lock).
 */
public final class ClusterMemoryLimit implements LongSupplier
{
    /** How long an answer is used before the GMM is asked again, ms (a guess: mComponents join and die rarely). */
    static final long REFRESH_MS = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(ClusterMemoryLimit.class);

    private final GmmProxy gmm;
    private final NanoClock clock;
    private long limitBytes = Long.MAX_VALUE;
    private long askedAtNs;
    private boolean asked;

    /**
     * @param gmm asks the GMM for the cluster's status; without a retry window, so that a GMM that is down costs a
     *            home's mmap at most one call timeout per {@value #REFRESH_MS} ms.
     * @param clock times the refresh.
     */
    public ClusterMemoryLimit(final GmmProxy gmm, final NanoClock clock)
    {
        this.gmm = gmm;
        this.clock = clock;
    }

    @Override
    public long getAsLong()
    {
        final long nowNs = clock.nanoTime();
        if (!asked || nowNs - askedAtNs > TimeUnit.MILLISECONDS.toNanos(REFRESH_MS))
        {
            asked = true;
            askedAtNs = nowNs;
            try
            {
                long bytes = 0;
                for (final ComponentStatus component : gmm.status().components())
                {
                    if (component.kind() == ComponentKind.MCOMPONENT && component.state() != ComponentState.DEAD)
                    {
                        bytes += component.capacityBytes();
                    }
                }
                if (bytes > 0)
                {
                    limitBytes = bytes;
                }
            }
            catch (final FabricException ex)
            {
                LOG.debug("cannot ask the GMM for the cluster's memory ({}): the commit limit stays {} bytes",
                    ex.getMessage(), limitBytes);
            }
        }
        return limitBytes;
    }
}
