package org.legoemu.mcomponent;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.inproc.InJvmTransport;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.gmm.GlobalManager;
import org.legoemu.gmm.GmmContext;
import org.legoemu.gmm.VRegionPlacement;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Components join at run time, in any order (issue 5): a member started before the GMM retries its registration
 * until the GMM is up, and an mComponent that joins while a process is using memory starts receiving its new
 * vRegions.
 */
class MembershipOrderTest
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    private static final long HEARTBEAT_NS = TimeUnit.MILLISECONDS.toNanos(20);

    private final InJvmTransport transport = new InJvmTransport();
    private final List<AutoCloseable> started = new ArrayList<>();

    @AfterEach
    void tearDown()
    {
        for (int i = started.size() - 1; i >= 0; i--)
        {
            try
            {
                started.get(i).close();
            }
            catch (final Exception ignore)
            {
                // best effort
            }
        }
        transport.close();
    }

    private GlobalManager gmm(final Endpoint listen)
    {
        final GlobalManager gmm = new GlobalManager(new GmmContext().transport(transport).listenEndpoint(listen)
            .heartbeatIntervalNs(HEARTBEAT_NS).vregionPlacementPolicy(VRegionPlacement.ROUNDROBIN.create())).start();
        started.add(gmm);
        return gmm;
    }

    private MemoryMonitor mcomponent(final Endpoint gmm)
    {
        final MemoryMonitor memory = new MemoryMonitor(new MemoryContext().transport(transport)
            .listen(new Endpoint(InJvmTransport.HOST, 0)).gmmEndpoint(gmm).memoryBytes(64L << 20)
            .timeoutNs(TIMEOUT_NS)).start();
        synchronized (started)
        {
            started.add(memory);
        }
        return memory;
    }

    @Test
    void anMComponentStartedBeforeTheGmmJoinsOnceTheGmmIsUp() throws Exception
    {
        final Endpoint gmmAddress = new Endpoint(InJvmTransport.HOST, 41_999);
        final CompletableFuture<MemoryMonitor> early = CompletableFuture.supplyAsync(() -> mcomponent(gmmAddress));
        Thread.sleep(300);
        assertFalse(early.isDone(), "no GMM yet: the mComponent is still trying to register");
        final GlobalManager gmm = gmm(gmmAddress);
        final MemoryMonitor memory = early.get(10, TimeUnit.SECONDS);
        assertTrue(memory.componentId() > 0);
        assertEquals(1, gmm.components().size(), gmm.components().toString());
    }

    @Test
    void anMComponentThatJoinsLaterReceivesNewVRegions() throws Exception
    {
        final GlobalManager gmm = gmm(new Endpoint(InJvmTransport.HOST, 0));
        final MemoryMonitor first = mcomponent(gmm.endpoint());
        final GmmProxy proxy = new GmmProxy(transport.connect(gmm.endpoint()), TIMEOUT_NS);
        final int pid = 3000;
        for (int vregion = 0; vregion < 3; vregion++)
        {
            assertEquals(first.componentId(), proxy.vregionAlloc(pid, first.componentId(), vregion).ownerId(),
                "only one mComponent so far");
        }

        final MemoryMonitor second = mcomponent(gmm.endpoint());
        final Set<Integer> owners = new HashSet<>();
        for (int vregion = 3; vregion < 9; vregion++)
        {
            owners.add(proxy.vregionAlloc(pid, first.componentId(), vregion).ownerId());
        }
        assertTrue(owners.contains(second.componentId()),
            "the mComponent that joined while the process ran gets new vRegions: " + owners);
        assertEquals(first.componentId(), proxy.vregionLookup(pid, 0).ownerId(), "old vRegions keep their owner");
        proxy.client().close();
    }
}
