package org.legoemu.pcomponent.memory;

import org.legoemu.fabric.Client;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.Transport;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.fabric.proxy.PeerFailover;
import org.legoemu.fabric.proxy.Placement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process's home failover on the pComponent (memory replication, LegoOS §4.7): once a call to the home failed in
 * transport, asks the GMM where the process's home is (P2G_PROCESS_LOOKUP). When it names another mComponent (the
 * GMM declared the home DEAD and promoted the process's home standby), connects there; when it names the same one
 * (slow, e.g. waiting for one of its own dead owners to be replaced, or not yet declared DEAD), connects to it again
 * after {@link FailoverTimings#pauseNs}, so the call is sent again. Gives up once the calls have failed for
 * {@link FailoverTimings#deadlineNs} (on its clock) without one succeeding, or at once if the GMM no longer knows
 * the process. A call sent again may have been applied by the slow home already: an anonymous mmap then leaves an
 * unused mapping, freed at exit.
 */
public final class HomeFailover implements PeerFailover
{
    private static final Logger LOG = LoggerFactory.getLogger(HomeFailover.class);

    private final int pid;
    private final GmmProxy gmm;
    private final Transport transport;
    private final FailoverTimings timings;
    private boolean failing;
    private long deadlineNs;

    /**
     * @param pid       the process.
     * @param gmm       thread-safe proxy to the GMM.
     * @param transport connects to the new home.
     * @param timings   the deadline, the pause and the clock.
     */
    public HomeFailover(final int pid, final GmmProxy gmm, final Transport transport, final FailoverTimings timings)
    {
        this.pid = pid;
        this.gmm = gmm;
        this.transport = transport;
        this.timings = timings;
    }

    @Override
    public synchronized Client replacement(final Client failed, final FabricException failure)
    {
        if (!failing)
        {
            failing = true;
            deadlineNs = timings.deadlineFromNow();
        }
        final Endpoint dead = failed.peer();
        // an interrupted thread (its hart is being stopped) gives up: its pauses would return at once
        while (!timings.passed(deadlineNs) && !Thread.currentThread().isInterrupted())
        {
            try
            {
                final Placement placement = gmm.processLookup(pid);
                if (placement.homeAddress().equals(dead))
                {
                    timings.pause();
                }
                else
                {
                    LOG.info("pid {}: home {} failed ({}); continuing with home mComponent {} at {}", pid, dead,
                        failure.getMessage(), placement.homeMComponentId(), placement.homeAddress());
                }
                return transport.connect(placement.homeAddress());
            }
            catch (final RemoteErrorException ex)
            {
                return null;
            }
            catch (final FabricException ex)
            {
                LOG.debug("pid {}: GMM unreachable during home failover: {}", pid, ex.getMessage());
            }
            timings.pause();
        }
        return null;
    }

    @Override
    public synchronized void recovered()
    {
        failing = false;
    }
}
