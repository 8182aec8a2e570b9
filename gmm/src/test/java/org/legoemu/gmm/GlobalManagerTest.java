package org.legoemu.gmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Messages;
import org.legoemu.fabric.Server;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.inproc.InJvmTransport;
import org.legoemu.fabric.proxy.ClusterStatus;
import org.legoemu.fabric.proxy.ComponentStatus;
import org.legoemu.fabric.proxy.HeartbeatLoad;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.fabric.proxy.Placement;
import org.legoemu.fabric.proxy.VRegionOwner;
import org.legoemu.fabric.sbe.ComponentKind;
import org.legoemu.fabric.sbe.ComponentState;
import org.legoemu.fabric.sbe.MessageHeaderDecoder;
import org.legoemu.fabric.sbe.P2M_PROCESS_EXITDecoder;

class GlobalManagerTest
{
    /** Host time for the GMM's detector thread (which sleeps 25 ms between checks) to see one clock step, ms. */
    private static final long DETECTOR_STEP_MS = 60;

    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(5);

    private final InJvmTransport transport = new InJvmTransport();
    private final SettableClock clock = new SettableClock();
    private GlobalManager gmm;

    @AfterEach
    void tearDown()
    {
        if (gmm != null)
        {
            gmm.close();
        }
        transport.close();
    }

    private GlobalManager start(final long heartbeatIntervalNs)
    {
        gmm = new GlobalManager(new GmmContext()
            .transport(transport)
            .listenEndpoint(new Endpoint(InJvmTransport.HOST, 0))
            .nanoClock(clock)
            .heartbeatIntervalNs(heartbeatIntervalNs)).start();
        return gmm;
    }

    @Test
    void servesTheWholeProtocolThroughTheProxyOverTheInJvmTransport()
    {
        start(GmmContext.DEFAULT_HEARTBEAT_INTERVAL_NS);
        final GmmProxy proxy = new GmmProxy(transport.connect(gmm.endpoint()), TIMEOUT_NS);

        final int p = proxy.register(ComponentKind.PCOMPONENT, 1 << 20, Endpoint.parse("inproc:11")).componentId();
        final int m1 = proxy.register(ComponentKind.MCOMPONENT, 1L << 32, Endpoint.parse("inproc:12")).componentId();
        final int m2 = proxy.register(ComponentKind.MCOMPONENT, 1L << 32, Endpoint.parse("inproc:13")).componentId();
        final int s = proxy.register(ComponentKind.SCOMPONENT, 0, Endpoint.parse("inproc:14")).componentId();
        proxy.heartbeat(m1, 17);

        assertEquals(s, proxy.lookupKind(ComponentKind.SCOMPONENT).componentId());
        assertEquals(Endpoint.parse("inproc:14"), proxy.lookupComponent(s).address());

        final Placement placement = proxy.placeProcess();
        assertEquals(p, placement.pcomponentId());
        assertEquals(m1, placement.homeMComponentId());
        assertEquals(Endpoint.parse("inproc:12"), placement.homeAddress());

        final VRegionOwner first = proxy.vregionAlloc(placement.pid(), m1, 255);
        final VRegionOwner second = proxy.vregionAlloc(placement.pid(), m1, 0);
        assertEquals(m1, first.ownerId());
        assertEquals(m2, second.ownerId());
        assertEquals(second, proxy.vregionLookup(placement.pid(), 0));
        assertEquals(m2, gmm.vregionOwner(placement.pid(), 0));

        final ClusterStatus status = proxy.status();
        assertEquals(4, status.components().size());
        assertEquals(17, status.components().get(1).load());

        proxy.processExit(placement.pid(), 0);
        assertEquals(14, assertThrows(RemoteErrorException.class,
            () -> proxy.vregionLookup(placement.pid(), 0)).errno());
        proxy.deregister(s);
        assertEquals(3, gmm.components().size());
    }

    @Test
    void aForkedChildRunsBesideItsParentWithTheParentsHomeAndVRegionOwners()
    {
        start(GmmContext.DEFAULT_HEARTBEAT_INTERVAL_NS);
        final GmmProxy proxy = new GmmProxy(transport.connect(gmm.endpoint()), TIMEOUT_NS);
        final int p1 = proxy.register(ComponentKind.PCOMPONENT, 1 << 20, Endpoint.parse("inproc:11")).componentId();
        final int m1 = proxy.register(ComponentKind.MCOMPONENT, 1L << 32, Endpoint.parse("inproc:12")).componentId();
        proxy.register(ComponentKind.MCOMPONENT, 1L << 32, Endpoint.parse("inproc:13")).componentId();
        final Placement parent = proxy.placeProcess();
        final int ownerOf0 = proxy.vregionAlloc(parent.pid(), m1, 0).ownerId();
        final int ownerOf1 = proxy.vregionAlloc(parent.pid(), m1, 1).ownerId();
        proxy.register(ComponentKind.PCOMPONENT, 1 << 20, Endpoint.parse("inproc:14"));

        final Placement child = proxy.forkPlace(parent.pid());

        assertNotEquals(parent.pid(), child.pid());
        assertEquals(p1, child.pcomponentId(), "same pComponent, though another one runs fewer processes");
        assertEquals(parent.homeMComponentId(), child.homeMComponentId());
        assertEquals(ownerOf0, proxy.vregionLookup(child.pid(), 0).ownerId());
        assertEquals(ownerOf1, proxy.vregionLookup(child.pid(), 1).ownerId());
        assertEquals(2, gmm.processCount(p1), "the child counts as a process of its pComponent");
        assertEquals(child, proxy.processLookup(child.pid()));

        proxy.processExit(parent.pid(), 0);
        assertEquals(ownerOf0, proxy.vregionLookup(child.pid(), 0).ownerId(), "the child outlives its parent");
        assertEquals(3, assertThrows(RemoteErrorException.class, () -> proxy.forkPlace(parent.pid())).errno());
        proxy.processExit(child.pid(), 0);
        assertEquals(0, gmm.processCount(p1));
    }

    @Test
    void statusCarriesEachKindsLoadFiguresFromItsHeartbeatAndTheVRegionsEachMComponentOwns()
    {
        start(GmmContext.DEFAULT_HEARTBEAT_INTERVAL_NS);
        final GmmProxy proxy = new GmmProxy(transport.connect(gmm.endpoint()), TIMEOUT_NS);
        final int p = proxy.register(ComponentKind.PCOMPONENT, 1 << 20, Endpoint.parse("inproc:21")).componentId();
        final int m1 = proxy.register(ComponentKind.MCOMPONENT, 1L << 32, Endpoint.parse("inproc:22")).componentId();
        final int m2 = proxy.register(ComponentKind.MCOMPONENT, 1L << 32, Endpoint.parse("inproc:23")).componentId();
        final int s = proxy.register(ComponentKind.SCOMPONENT, 0, Endpoint.parse("inproc:24")).componentId();
        proxy.heartbeat(p, new HeartbeatLoad()
        {
            public long load()
            {
                return 2;
            }

            public long threads()
            {
                return 5;
            }

            public long excacheLinesUsed()
            {
                return 77;
            }
        });
        proxy.heartbeat(m1, 300, 0, (1L << 20) - 300);
        proxy.heartbeat(s, new HeartbeatLoad()
        {
            public long load()
            {
                return 0;
            }

            public long bytesStored()
            {
                return 123_456_789;
            }
        });
        final Placement placement = proxy.placeProcess();
        proxy.vregionAlloc(placement.pid(), m1, 0);
        proxy.vregionAlloc(placement.pid(), m1, 1);
        proxy.vregionAlloc(placement.pid(), m1, 2);

        final List<ComponentStatus> rows = proxy.status().components();
        final ComponentStatus pRow = rows.get(0);
        assertEquals(List.of(2L, 5L, 77L, 256L), List.of(pRow.load(), pRow.threads(), pRow.excacheLinesUsed(),
            pRow.pagesTotal()));
        assertEquals(300, rows.get(1).load());
        assertEquals(1L << 20, rows.get(1).pagesTotal());
        assertEquals(3, rows.get(1).vregionsOwned() + rows.get(2).vregionsOwned());
        assertTrue(rows.get(1).vregionsOwned() > 0 && rows.get(2).vregionsOwned() > 0, rows.toString());
        assertEquals(123_456_789, rows.get(3).bytesStored());
        assertEquals(0, rows.get(3).threads());

        proxy.processExit(placement.pid(), 0);
        assertEquals(0, proxy.status().components().get(1).vregionsOwned(), "an exited process owns no vRegions");
        final RemoteErrorException negative = assertThrows(RemoteErrorException.class, () -> proxy.heartbeat(s,
            new HeartbeatLoad()
            {
                public long load()
                {
                    return 0;
                }

                public long bytesStored()
                {
                    return -1;
                }
            }));
        assertEquals(22, negative.errno());
    }

    @Test
    void theFailureDetectorThreadDeclaresSilentComponentsDead() throws InterruptedException
    {
        final long intervalNs = TimeUnit.MILLISECONDS.toNanos(100);
        start(intervalNs);
        final GmmProxy proxy = new GmmProxy(transport.connect(gmm.endpoint()), TIMEOUT_NS);
        final int silent = proxy.register(ComponentKind.MCOMPONENT, 0, Endpoint.parse("127.0.0.1:4567")).componentId();
        final int chatty = proxy.register(ComponentKind.MCOMPONENT, 0, Endpoint.parse("127.0.0.1:4568")).componentId();

        // time moves in half intervals, each seen by the detector thread (a jump would look like a GMM stall, which
        // the detector excuses); the chatty component heartbeats at every step, the silent one never
        final long deadlineMs = System.currentTimeMillis() + 10_000;
        while (gmm.component(silent).state() != ComponentState.DEAD && System.currentTimeMillis() < deadlineMs)
        {
            clock.advanceNs(intervalNs / 2);
            proxy.heartbeat(chatty, 0);
            Thread.sleep(5);
        }
        assertEquals(ComponentState.DEAD, gmm.component(silent).state());
        assertEquals(ComponentState.ALIVE, gmm.component(chatty).state());
        assertEquals(ComponentState.DEAD, proxy.lookupComponent(silent).state());
    }

    /**
     * Issue 14 (found by lego chaos with the strict harness): a lost P2G_VREGION_LOOKUP or P2G_PROCESS_LOOKUP killed
     * the guest (SIGBUS) or failed its launch. The pComponent's GMM proxy retries these queries after a timeout.
     */
    @Test
    void idempotentQueriesAreRetriedOverALossyLink()
    {
        start(GmmContext.DEFAULT_HEARTBEAT_INTERVAL_NS);
        final GmmProxy direct = new GmmProxy(transport.connect(gmm.endpoint()), TIMEOUT_NS);
        direct.register(ComponentKind.PCOMPONENT, 1 << 20, Endpoint.parse("inproc:11"));
        direct.register(ComponentKind.MCOMPONENT, 1L << 32, Endpoint.parse("inproc:12"));
        final Placement placement = direct.placeProcess();
        direct.vregionAlloc(placement.pid(), placement.homeMComponentId(), 3);

        final org.legoemu.fabric.faults.FaultInjector faults = new org.legoemu.fabric.faults.FaultInjector(
            new org.legoemu.fabric.faults.FaultSchedule(11, List.of(new org.legoemu.fabric.faults.Fault(
                org.legoemu.fabric.faults.FaultKind.DROP, 0, Long.MAX_VALUE, "pcomponent-1", "*", 0.4, 0)))).start();
        final long shortTimeoutNs = TimeUnit.MILLISECONDS.toNanos(20);
        final GmmProxy lossy = new GmmProxy(faults.transportFor("pcomponent-1", transport).connect(gmm.endpoint()),
            shortTimeoutNs).retryWindowNs(TimeUnit.SECONDS.toNanos(10));
        for (int i = 0; i < 40; i++)
        {
            assertEquals(placement.homeMComponentId(), lossy.vregionLookup(placement.pid(), 3).ownerId());
            assertEquals(placement.pid(), lossy.processLookup(placement.pid()).pid());
        }
        assertTrue(faults.timedOutCalls() > 5, "the link really lost messages: " + faults.timedOutCalls());
        faults.endRun();
    }

    @Test
    void processesOfADeadPComponentAreFreedOnTheirHomeAndRemoved() throws InterruptedException
    {
        final long intervalNs = TimeUnit.MILLISECONDS.toNanos(100);
        start(intervalNs);
        final List<Integer> exited = new CopyOnWriteArrayList<>();
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final P2M_PROCESS_EXITDecoder exit = new P2M_PROCESS_EXITDecoder();
        final Server home = transport.serve(new Endpoint(InJvmTransport.HOST, 0), "fake-home",
            (buffer, offset, length, responder) ->
            {
                exited.add(exit.wrapAndApplyHeader(buffer, offset, header.wrap(buffer, offset)).pid());
                responder.reply(Messages.encodeAck(responder.buffer(), 3));
            });
        final GmmProxy proxy = new GmmProxy(transport.connect(gmm.endpoint()), TIMEOUT_NS);
        final int p = proxy.register(ComponentKind.PCOMPONENT, 1 << 20, Endpoint.parse("inproc:999")).componentId();
        final int m = proxy.register(ComponentKind.MCOMPONENT, 1L << 32, home.endpoint()).componentId();
        final Placement placement = proxy.placeProcess();
        assertEquals(m, placement.homeMComponentId());

        // one interval at a time, each seen by the GMM's own detector thread: a jump of several intervals between
        // two of its checks reads as a stall of the GMM, which excuses the members (FailureDetector)
        for (int i = 0; i < GmmContext.DEFAULT_MISSED_HEARTBEATS; i++)
        {
            clock.advanceNs(intervalNs);
            proxy.heartbeat(m, 0);
            Thread.sleep(DETECTOR_STEP_MS);
        }
        gmm.checkLiveness();
        assertEquals(ComponentState.SUSPECT, gmm.component(p).state(), "a pComponent keeps its longer lease");
        for (long silentNs = GmmContext.DEFAULT_MISSED_HEARTBEATS * intervalNs;
             silentNs < GmmContext.DEFAULT_PCOMPONENT_LEASE_NS; silentNs += intervalNs)
        {
            clock.advanceNs(intervalNs);
            proxy.heartbeat(m, 0);
            Thread.sleep(DETECTOR_STEP_MS);
        }
        gmm.checkLiveness();
        assertEquals(ComponentState.DEAD, gmm.component(p).state());
        assertEquals(clock.nanoTime(), gmm.declaredDeadAtNs(p));
        assertEquals(-1, gmm.declaredDeadAtNs(m));

        final long deadlineMs = System.currentTimeMillis() + 10_000;
        while (gmm.reapedProcesses() < 1 && System.currentTimeMillis() < deadlineMs)
        {
            Thread.sleep(5);
        }
        assertEquals(1, gmm.reapedProcesses());
        assertEquals(List.of(placement.pid()), exited);
        assertEquals(null, gmm.process(placement.pid()));
        assertEquals(0, gmm.processCount(p));
        home.close();
    }

    @Test
    void contextRejectsMissingOrBadSettings()
    {
        assertThrows(IllegalStateException.class, () -> new GmmContext().conclude());
        assertThrows(IllegalStateException.class, () -> new GmmContext().transport(transport).conclude());
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> new GmmContext()
            .transport(transport).listenEndpoint(Endpoint.parse("inproc:0")).missedHeartbeats(0).conclude());
        assertTrue(ex.getMessage().contains("missedHeartbeats"));
        assertThrows(IllegalArgumentException.class, () -> new GmmContext()
            .transport(transport).listenEndpoint(Endpoint.parse("inproc:0")).heartbeatIntervalNs(0).conclude());
    }
}
