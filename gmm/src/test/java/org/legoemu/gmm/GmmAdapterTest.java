package org.legoemu.gmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.proxy.ClusterStatus;
import org.legoemu.fabric.proxy.ComponentAddress;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.fabric.proxy.Placement;
import org.legoemu.fabric.proxy.Registration;
import org.legoemu.fabric.proxy.VRegionOwner;
import org.legoemu.fabric.sbe.ComponentKind;
import org.legoemu.fabric.sbe.ComponentState;
import org.legoemu.fabric.sbe.MessageHeaderEncoder;
import org.legoemu.fabric.sbe.X2G_HEARTBEATEncoder;
import org.legoemu.fabric.sbe.X2G_REGISTEREncoder;
import org.legoemu.fabric.testing.LoopbackClient;

class GmmAdapterTest
{
    private static final long INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private final SettableClock clock = new SettableClock();
    private final Membership membership = new Membership(INTERVAL_NS, 5);
    private final ProcessPlacement placement = new ProcessPlacement(membership);
    private final VRegionDirectory vregions = new VRegionDirectory(membership, new RoundRobinPolicy());
    private final GmmAdapter adapter = new GmmAdapter(new Object(), clock, membership, placement, vregions, 0);
    private final GmmProxy gmm = new GmmProxy(new LoopbackClient(adapter), TimeUnit.SECONDS.toNanos(1));

    private int register(final ComponentKind kind, final int port)
    {
        return gmm.register(kind, 1L << 30, new Endpoint("127.0.0.1", port)).componentId();
    }

    private ComponentState state(final int componentId)
    {
        return membership.lookup(componentId).state();
    }

    @Test
    void registrationHandsOutIdsFromOneWithTheHeartbeatInterval()
    {
        final Registration first = gmm.register(ComponentKind.MCOMPONENT, 4096, new Endpoint("127.0.0.1", 4567));
        final Registration second = gmm.register(ComponentKind.PCOMPONENT, 0, new Endpoint("10.0.0.2", 4000));
        final Registration third = gmm.register(ComponentKind.SCOMPONENT, 0, new Endpoint("inproc", 7));

        assertEquals(1, first.componentId());
        assertEquals(2, second.componentId());
        assertEquals(3, third.componentId());
        assertEquals(INTERVAL_NS, first.heartbeatIntervalNs());

        final List<ComponentInfo> components = membership.components();
        assertEquals(3, components.size());
        assertEquals(new Endpoint("127.0.0.1", 4567), components.get(0).address());
        assertEquals(4096, components.get(0).capacityBytes());
        assertEquals(ComponentState.ALIVE, components.get(2).state());
    }

    @Test
    void heartbeatsKeepAComponentAlive()
    {
        final int id = register(ComponentKind.MCOMPONENT, 4567);
        for (int i = 0; i < 50; i++)
        {
            clock.advanceNs(INTERVAL_NS);
            gmm.heartbeat(id, i);
            membership.checkLiveness(clock.nanoTime());
        }
        assertEquals(ComponentState.ALIVE, state(id));
        assertEquals(49, membership.lookup(id).load());
    }

    @Test
    void aStalledDetectorDoesNotDeclareEveryoneDeadButStillDetectsRealSilence()
    {
        final int id = register(ComponentKind.MCOMPONENT, 4568);
        final FailureDetector detector =
            new FailureDetector(new Object(), membership, clock, INTERVAL_NS, "test", (deadId, atNs) -> { },
                nowNs -> { });

        clock.advanceNs(20 * INTERVAL_NS); // the detector did not run for 20 intervals (GC pause, starved host)
        detector.doWork();
        assertEquals(ComponentState.ALIVE, state(id), "silence the detector could not observe is excused");

        for (int tick = 0; tick < 5; tick++) // then it runs on time, and the component stays silent
        {
            clock.advanceNs(INTERVAL_NS);
            detector.doWork();
        }
        assertEquals(ComponentState.DEAD, state(id), "five missed beats observed on time");
    }

    @Test
    void missedHeartbeatsMakeAComponentSuspectThenDead()
    {
        final int id = register(ComponentKind.MCOMPONENT, 4567);

        clock.advanceNs(INTERVAL_NS + INTERVAL_NS - 1);
        assertEquals(0, membership.checkLiveness(clock.nanoTime()));
        assertEquals(ComponentState.ALIVE, state(id));

        clock.advanceNs(1);
        membership.checkLiveness(clock.nanoTime());
        assertEquals(ComponentState.SUSPECT, state(id));

        clock.advanceNs(3 * INTERVAL_NS - 1);
        assertEquals(0, membership.checkLiveness(clock.nanoTime()));
        assertEquals(ComponentState.SUSPECT, state(id));

        clock.advanceNs(1);
        assertEquals(1, membership.checkLiveness(clock.nanoTime()));
        assertEquals(ComponentState.DEAD, state(id));
        assertEquals(0, membership.checkLiveness(clock.nanoTime() + 100 * INTERVAL_NS), "declared dead once");
    }

    @Test
    void aHeartbeatRevivesADeadMComponentNotADeadPComponentAndUnknownIdsAreRefused()
    {
        final int id = register(ComponentKind.MCOMPONENT, 4000);
        final int pcomponent = register(ComponentKind.PCOMPONENT, 4000);
        clock.advanceNs(10 * INTERVAL_NS);
        membership.checkLiveness(clock.nanoTime());
        assertEquals(ComponentState.DEAD, state(id));
        assertEquals(ComponentState.DEAD, state(pcomponent));

        gmm.heartbeat(id, 0);
        assertEquals(ComponentState.ALIVE, state(id));
        assertEquals(Errnos.ENOENT, assertThrows(RemoteErrorException.class, () -> gmm.heartbeat(pcomponent, 0))
            .errno(), "a DEAD pComponent's processes were freed: it must register again, not come back");
        assertEquals(ComponentState.DEAD, state(pcomponent));

        final RemoteErrorException ex = assertThrows(RemoteErrorException.class, () -> gmm.heartbeat(99, 0));
        assertEquals(Errnos.ENOENT, ex.errno());
    }

    @Test
    void deregisteredComponentsLeaveTheStatus()
    {
        final int a = register(ComponentKind.MCOMPONENT, 1);
        final int b = register(ComponentKind.MCOMPONENT, 2);
        gmm.deregister(a);

        clock.advanceNs(1234);
        final ClusterStatus status = gmm.status();
        assertEquals(1234, status.uptimeNs());
        assertEquals(1, status.components().size());
        assertEquals(b, status.components().get(0).componentId());
        assertEquals(new Endpoint("127.0.0.1", 2), status.components().get(0).address());
        assertEquals(ComponentKind.MCOMPONENT, status.components().get(0).kind());
        assertEquals(1L << 30, status.components().get(0).capacityBytes());
        assertEquals(Errnos.ENOENT, assertThrows(RemoteErrorException.class, () -> gmm.deregister(a)).errno());
    }

    @Test
    void lookupByIdAndByKindSkipsDeadComponents()
    {
        final int s1 = register(ComponentKind.SCOMPONENT, 5001);
        clock.advanceNs(3 * INTERVAL_NS);
        final int s2 = register(ComponentKind.SCOMPONENT, 5002);
        clock.advanceNs(2 * INTERVAL_NS);
        membership.checkLiveness(clock.nanoTime());

        final ComponentAddress byId = gmm.lookupComponent(s1);
        assertEquals(ComponentState.DEAD, byId.state());
        assertEquals(new Endpoint("127.0.0.1", 5001), byId.address());

        final ComponentAddress byKind = gmm.lookupKind(ComponentKind.SCOMPONENT);
        assertEquals(s2, byKind.componentId());
        assertEquals(ComponentKind.SCOMPONENT, byKind.kind());

        assertEquals(Errnos.ENOENT,
            assertThrows(RemoteErrorException.class, () -> gmm.lookupKind(ComponentKind.PCOMPONENT)).errno());
        assertEquals(Errnos.ENOENT, assertThrows(RemoteErrorException.class, () -> gmm.lookupComponent(77)).errno());
    }

    @Test
    void placementPicksTheLeastLoadedPComponentAndRoundRobinHomes()
    {
        final int p1 = register(ComponentKind.PCOMPONENT, 4001);
        final int m1 = register(ComponentKind.MCOMPONENT, 4002);
        final int p2 = register(ComponentKind.PCOMPONENT, 4003);
        final int m2 = register(ComponentKind.MCOMPONENT, 4004);

        final Placement a = gmm.placeProcess();
        final Placement b = gmm.placeProcess();
        final Placement c = gmm.placeProcess();
        final Placement d = gmm.placeProcess();

        assertEquals(List.of(1000, 1001, 1002, 1003), List.of(a.pid(), b.pid(), c.pid(), d.pid()));
        assertEquals(List.of(p1, p2, p1, p2),
            List.of(a.pcomponentId(), b.pcomponentId(), c.pcomponentId(), d.pcomponentId()));
        assertEquals(List.of(m1, m2, m1, m2),
            List.of(a.homeMComponentId(), b.homeMComponentId(), c.homeMComponentId(), d.homeMComponentId()));
        assertEquals(new Endpoint("127.0.0.1", 4001), a.pcomponentAddress());
        assertEquals(new Endpoint("127.0.0.1", 4004), b.homeAddress());

        gmm.processExit(b.pid(), 0);
        gmm.processExit(d.pid(), 0);
        final Placement e = gmm.placeProcess();
        assertEquals(p2, e.pcomponentId(), "p2 now runs fewer processes");
        assertEquals(1004, e.pid());
        assertEquals(1, placement.processCount(p2));
        assertEquals(2, placement.processCount(p1));
    }

    @Test
    void placementSkipsDeadComponents()
    {
        final int p1 = register(ComponentKind.PCOMPONENT, 4001);
        final int m1 = register(ComponentKind.MCOMPONENT, 4002);
        clock.advanceNs(3 * INTERVAL_NS);
        final int p2 = register(ComponentKind.PCOMPONENT, 4003);
        final int m2 = register(ComponentKind.MCOMPONENT, 4004);
        clock.advanceNs(2 * INTERVAL_NS);
        membership.checkLiveness(clock.nanoTime());
        assertEquals(ComponentState.DEAD, state(p1));
        assertEquals(ComponentState.DEAD, state(m1));

        for (int i = 0; i < 3; i++)
        {
            final Placement placed = gmm.placeProcess();
            assertEquals(p2, placed.pcomponentId());
            assertEquals(m2, placed.homeMComponentId());
        }

        clock.advanceNs(10 * INTERVAL_NS);
        membership.checkLiveness(clock.nanoTime());
        assertEquals(Errnos.EAGAIN, assertThrows(RemoteErrorException.class, gmm::placeProcess).errno());
    }

    @Test
    void vregionsOfAProcessSpreadOverTwoMComponents()
    {
        register(ComponentKind.PCOMPONENT, 4001);
        final int m1 = register(ComponentKind.MCOMPONENT, 4002);
        final int m2 = register(ComponentKind.MCOMPONENT, 4003);
        gmm.placeProcess();
        final Placement placed = gmm.placeProcess();
        final int home = placed.homeMComponentId();
        assertEquals(m2, home);
        final int pid = placed.pid();

        final VRegionOwner stack = gmm.vregionAlloc(pid, home, 255);
        final VRegionOwner text = gmm.vregionAlloc(pid, home, 0);
        final VRegionOwner heap = gmm.vregionAlloc(pid, home, 1);
        final VRegionOwner mmap = gmm.vregionAlloc(pid, home, 254);

        assertEquals(m2, stack.ownerId(), "first vRegion goes to the home");
        assertEquals(m1, text.ownerId(), "next goes to the next mComponent in id order, wrapping");
        assertEquals(m2, heap.ownerId());
        assertEquals(m1, mmap.ownerId());
        assertEquals(new Endpoint("127.0.0.1", 4002), text.ownerAddress());
        assertEquals(m1, gmm.vregionAlloc(pid, home, 0).ownerId(), "allocating again returns the owner");

        final VRegionOwner looked = gmm.vregionLookup(pid, 255);
        assertEquals(new VRegionOwner(pid, 255, m2, new Endpoint("127.0.0.1", 4003)), looked);
        assertEquals(Errnos.EFAULT, assertThrows(RemoteErrorException.class, () -> gmm.vregionLookup(pid, 7)).errno());
        assertEquals(Errnos.EFAULT, assertThrows(RemoteErrorException.class, () -> gmm.vregionLookup(999, 0)).errno());

        final Set<Integer> owners = new HashSet<>();
        for (int v = 0; v < 256; v++)
        {
            owners.add(vregions.owner(pid, v));
        }
        assertTrue(owners.containsAll(Set.of(m1, m2)));

        gmm.processExit(pid, 0);
        assertEquals(Errnos.EFAULT, assertThrows(RemoteErrorException.class, () -> gmm.vregionLookup(pid, 255)).errno());
        assertEquals(-1, vregions.owner(pid, 0));
        assertEquals(Errnos.ESRCH, assertThrows(RemoteErrorException.class, () -> gmm.processExit(pid, 0)).errno());
    }

    @Test
    void vregionAllocRejectsBadVRegionsAndBadHomes()
    {
        final int m1 = register(ComponentKind.MCOMPONENT, 4002);
        final int p1 = register(ComponentKind.PCOMPONENT, 4001);
        assertEquals(Errnos.EINVAL, assertThrows(RemoteErrorException.class, () -> gmm.vregionAlloc(1000, m1, 256)).errno());
        assertEquals(Errnos.EINVAL, assertThrows(RemoteErrorException.class, () -> gmm.vregionAlloc(1000, m1, -1)).errno());
        assertEquals(Errnos.EINVAL, assertThrows(RemoteErrorException.class, () -> gmm.vregionAlloc(1000, p1, 0)).errno());
    }

    @Test
    void aDeadHomeGetsItsFirstVRegionPlacedOnTheNextLiveMComponent()
    {
        final int m1 = register(ComponentKind.MCOMPONENT, 4001);
        clock.advanceNs(3 * INTERVAL_NS);
        final int m2 = register(ComponentKind.MCOMPONENT, 4002);
        clock.advanceNs(2 * INTERVAL_NS);
        membership.checkLiveness(clock.nanoTime());

        assertEquals(m2, gmm.vregionAlloc(1000, m1, 3).ownerId());
        assertEquals(m2, gmm.vregionAlloc(1000, m1, 4).ownerId());
    }

    @Test
    void malformedRequestsGetErrorReplies()
    {
        final LoopbackClient.CapturingResponder responder = new LoopbackClient.CapturingResponder();
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
        final MessageHeaderEncoder header = new MessageHeaderEncoder();

        adapter.onRequest(buffer, 0, 4, responder);
        assertEquals(Errnos.EPROTO, responder.errno, "shorter than a header");

        responder.reset();
        header.wrap(buffer, 0).blockLength(0).templateId(999).schemaId(7101).version(0);
        adapter.onRequest(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH, responder);
        assertEquals(Errnos.EPROTO, responder.errno, "unknown templateId");

        responder.reset();
        final X2G_HEARTBEATEncoder heartbeat = new X2G_HEARTBEATEncoder();
        heartbeat.wrapAndApplyHeader(buffer, 0, header).componentId(1).load(0);
        header.schemaId(1234);
        adapter.onRequest(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + heartbeat.encodedLength(), responder);
        assertEquals(Errnos.EPROTO, responder.errno, "wrong schemaId");

        responder.reset();
        heartbeat.wrapAndApplyHeader(buffer, 0, header).componentId(1).load(0);
        adapter.onRequest(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + 4, responder);
        assertEquals(Errnos.EPROTO, responder.errno, "truncated body");

        responder.reset();
        final X2G_REGISTEREncoder register = new X2G_REGISTEREncoder();
        register.wrapAndApplyHeader(buffer, 0, header)
            .kind(ComponentKind.MCOMPONENT).capacityBytes(1).address("127.0.0.1:4567");
        final int fullLength = MessageHeaderEncoder.ENCODED_LENGTH + register.encodedLength();
        adapter.onRequest(buffer, 0, fullLength - 3, responder);
        assertEquals(Errnos.EPROTO, responder.errno, "truncated address");

        responder.reset();
        buffer.putInt(MessageHeaderEncoder.ENCODED_LENGTH + X2G_REGISTEREncoder.BLOCK_LENGTH, -1);
        adapter.onRequest(buffer, 0, fullLength, responder);
        assertEquals(Errnos.EPROTO, responder.errno, "address length far past the message");

        responder.reset();
        register.wrapAndApplyHeader(buffer, 0, header).kind(ComponentKind.MCOMPONENT).capacityBytes(1).address("x");
        adapter.onRequest(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + register.encodedLength(), responder);
        assertEquals(Errnos.EINVAL, responder.errno, "address is not host:port");

        responder.reset();
        register.wrapAndApplyHeader(buffer, 0, header).capacityBytes(1).address("127.0.0.1:1");
        buffer.putByte(MessageHeaderEncoder.ENCODED_LENGTH, (byte)9);
        adapter.onRequest(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + register.encodedLength(), responder);
        assertEquals(Errnos.EINVAL, responder.errno, "unknown kind");

        assertEquals(1, responder.answers);
        assertTrue(membership.components().isEmpty(), "nothing registered by malformed requests");
    }

    @Test
    void componentIdsAreNeverReused()
    {
        final int a = register(ComponentKind.CLIENT, 1);
        gmm.deregister(a);
        assertNotEquals(a, register(ComponentKind.CLIENT, 1));
    }
}
