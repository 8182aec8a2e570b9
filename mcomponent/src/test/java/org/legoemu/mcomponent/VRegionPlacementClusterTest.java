package org.legoemu.mcomponent;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.inproc.InJvmTransport;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.fabric.proxy.MemoryProxy;
import org.legoemu.gmm.GlobalManager;
import org.legoemu.gmm.GmmContext;
import org.legoemu.gmm.VRegionPlacement;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A GMM and two real mComponents of different sizes over the in-JVM transport: the figures the mComponents put in
 * their heartbeats (free frames, requests served) steer where the GMM places new vRegions.
 */
class VRegionPlacementClusterTest
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);
    private static final long HEARTBEAT_NS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long SMALL_BYTES = 64L << 20;
    private static final long LARGE_BYTES = 256L << 20;

    private InJvmTransport transport;
    private GlobalManager gmm;
    private MemoryMonitor small;
    private MemoryMonitor large;
    private GmmProxy gmmProxy;

    private void start(final VRegionPlacement placement)
    {
        transport = new InJvmTransport();
        final Endpoint any = new Endpoint(InJvmTransport.HOST, 0);
        gmm = new GlobalManager(new GmmContext().transport(transport).listenEndpoint(any)
            .heartbeatIntervalNs(HEARTBEAT_NS).vregionPlacementPolicy(placement.create())).start();
        small = new MemoryMonitor(new MemoryContext().transport(transport).listen(any).gmmEndpoint(gmm.endpoint())
            .memoryBytes(SMALL_BYTES).timeoutNs(TIMEOUT_NS)).start();
        large = new MemoryMonitor(new MemoryContext().transport(transport).listen(any).gmmEndpoint(gmm.endpoint())
            .memoryBytes(LARGE_BYTES).timeoutNs(TIMEOUT_NS)).start();
        gmmProxy = new GmmProxy(transport.connect(gmm.endpoint()), TIMEOUT_NS);
    }

    @AfterEach
    void tearDown()
    {
        for (final AutoCloseable c : new AutoCloseable[]{ large, small, gmm, transport })
        {
            try
            {
                if (c != null)
                {
                    c.close();
                }
            }
            catch (final Exception ignore)
            {
                // best effort
            }
        }
    }

    @Test
    void mostFreeSendsEveryNewVRegionToTheLargerMComponent() throws Exception
    {
        start(VRegionPlacement.MOST_FREE);
        final long deadlineNs = System.nanoTime() + TIMEOUT_NS;
        while (gmm.framesFree(large.componentId()) != LARGE_BYTES >>> 12 && System.nanoTime() < deadlineNs)
        {
            Thread.sleep(5);
        }
        assertEquals(SMALL_BYTES >>> 12, gmm.framesFree(small.componentId()), "reported free frames");
        for (int vregion = 0; vregion < 6; vregion++)
        {
            assertEquals(large.componentId(), gmmProxy.vregionAlloc(1000, small.componentId(), vregion).ownerId(),
                "vregion " + vregion + " of a process homed on the small mComponent");
        }
    }

    @Test
    void leastLoadedSendsAFreshProcessFirstVRegionAwayFromItsBusyHome() throws Exception
    {
        start(VRegionPlacement.LEAST_LOADED);
        final MemoryProxy busy = new MemoryProxy(transport.connect(small.endpoint()), TIMEOUT_NS);
        final long deadlineNs = System.nanoTime() + TIMEOUT_NS;
        boolean movedAway = false;
        for (int pid = 2000; !movedAway && System.nanoTime() < deadlineNs; pid++)
        {
            for (int i = 0; i < 200; i++)
            {
                busy.processExit(1);
            }
            if (gmm.recentRequests(small.componentId()) > 0 && gmm.recentRequests(large.componentId()) == 0)
            {
                movedAway = gmmProxy.vregionAlloc(pid, small.componentId(), 0).ownerId() == large.componentId();
            }
        }
        assertTrue(movedAway, "while its home is busy, a new process's first vRegion goes to the idle mComponent");
        busy.client().close();
    }
}
