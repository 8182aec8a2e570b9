package org.legoemu.pcomponent.memory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

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
 * transport, asks the GMM where the process's home is (P2G_PROCESS_LOOKUP) every {@link #PAUSE_NS} until it names
 * another mComponent (the GMM declared the home DEAD and promoted the process's home standby), and connects there;
 * gives up after {@link #DEADLINE_NS}, or at once if the GMM no longer knows the process.
 */
public final class HomeFailover implements PeerFailover
{
    /** How long a pComponent waits for a new home or owner: 5 s, well past failure detection (0.8 s). */
    public static final long DEADLINE_NS = TimeUnit.SECONDS.toNanos(5);
    /** Pause between two questions to the GMM: 50 ms. */
    public static final long PAUSE_NS = TimeUnit.MILLISECONDS.toNanos(50);

    private static final Logger LOG = LoggerFactory.getLogger(HomeFailover.class);

    private final int pid;
    private final GmmProxy gmm;
    private final Transport transport;

    /**
     * @param pid       the process.
     * @param gmm       thread-safe proxy to the GMM.
     * @param transport connects to the new home.
     */
    public HomeFailover(final int pid, final GmmProxy gmm, final Transport transport)
    {
        this.pid = pid;
        this.gmm = gmm;
        this.transport = transport;
    }

    @Override
    public Client replacement(final Client failed, final FabricException failure)
    {
        final long deadlineNs = System.nanoTime() + DEADLINE_NS;
        final Endpoint dead = failed.peer();
        while (System.nanoTime() < deadlineNs)
        {
            try
            {
                final Placement placement = gmm.processLookup(pid);
                if (!placement.homeAddress().equals(dead))
                {
                    LOG.info("pid {}: home {} failed ({}); continuing with home mComponent {} at {}", pid, dead,
                        failure.getMessage(), placement.homeMComponentId(), placement.homeAddress());
                    return transport.connect(placement.homeAddress());
                }
            }
            catch (final RemoteErrorException ex)
            {
                return null;
            }
            catch (final FabricException ex)
            {
                LOG.debug("pid {}: GMM unreachable during home failover: {}", pid, ex.getMessage());
            }
            LockSupport.parkNanos(PAUSE_NS);
        }
        return null;
    }
}
