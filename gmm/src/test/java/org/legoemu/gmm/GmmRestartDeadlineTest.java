package org.legoemu.gmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.agrona.collections.IntArrayList;
import org.junit.jupiter.api.Test;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.fabric.sbe.ComponentKind;
import org.legoemu.fabric.sbe.ComponentState;
import org.legoemu.fabric.sbe.HeldRole;
import org.legoemu.fabric.testing.LoopbackClient;

/**
 * Issue 14: a member that crashed while no GMM served was never declared DEAD by the restarted GMM, which had never
 * heard of it, so its vRegions and the processes it was home of never failed over. Now the restarted GMM expects every
 * mComponent another member's restore report names (a vRegion's secondary, a process's home or home standby) and
 * declares it DEAD one lease after the report unless it registers. Time is the GMM's injected clock.
 */
final class GmmRestartDeadlineTest
{
    private static final long INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int MISSED = 8;
    private static final int PID = 1000;

    private final SettableClock clock = new SettableClock();
    private final Membership membership = new Membership(INTERVAL_NS, MISSED);
    private final ProcessPlacement placement = new ProcessPlacement(membership);
    private final VRegionDirectory vregions =
        new VRegionDirectory(membership, new RoundRobinPolicy(), Replication.LOG);
    private final GmmAdapter adapter = new GmmAdapter(new Object(), clock, membership, placement, vregions, 0);
    private final GmmProxy gmm = new GmmProxy(new LoopbackClient(adapter), TimeUnit.SECONDS.toNanos(1));
    private final IntArrayList declaredDead = new IntArrayList();
    private final java.util.List<int[]> ownerless = new java.util.ArrayList<>();
    private final FailureDetector detector = new FailureDetector(new Object(), membership, clock, INTERVAL_NS, "test",
        (id, atNs) -> declaredDead.addInt(id),
        nowNs -> ownerless.addAll(vregions.takeOwnerless(nowNs - membership.leaseNs(ComponentKind.MCOMPONENT))));

    private int registerAgain(final ComponentKind kind, final int previousId)
    {
        return gmm.register(kind, 1L << 30, new Endpoint("127.0.0.1", 9000 + previousId), previousId, PID)
            .componentId();
    }

    /**
     * The restarted GMM hears from pComponent 1 and mComponents 2 and 4; mComponents 3 and 5 crashed during the
     * outage. 2 owns vRegion 1 of {@link #PID}, replicated to 3, and is its home with home standby 3; the pComponent
     * runs {@link #PID} and {@code PID + 1}, whose home is 5. 4 keeps the logs of vRegions 2 and 3, whose owners no
     * report names (they crashed too, or have not registered yet).
     */
    private void restartReports()
    {
        assertEquals(1, registerAgain(ComponentKind.PCOMPONENT, 1));
        assertEquals(2, registerAgain(ComponentKind.MCOMPONENT, 2));
        assertEquals(4, registerAgain(ComponentKind.MCOMPONENT, 4));
        final IntArrayList fromTwo = new IntArrayList();
        fromTwo.addAll(ints(PID, 1, HeldRole.OWNER.value(), 3));
        fromTwo.addAll(ints(PID, -1, HeldRole.HOME.value(), 3));
        gmm.restoreMemory(2, fromTwo, 0);
        gmm.restoreProcesses(1, ints(PID, 2, PID + 1, 5));
        gmm.restoreMemory(4, ints(PID, 2, HeldRole.SECONDARY.value(), -2, PID, 3, HeldRole.SECONDARY.value(), -2), 0);
    }

    @Test
    void aMemberNamedInRestoreReportsThatNeverRegistersIsDeclaredDeadAfterItsLease()
    {
        restartReports();
        for (final int expected : new int[] {3, 5})
        {
            assertEquals(ComponentState.SUSPECT, membership.lookup(expected).state(), "expected " + expected);
            assertFalse(membership.isLive(expected), "never chosen for anything: " + expected);
        }
        assertEquals(4, membership.lookupLive(ComponentKind.MCOMPONENT).componentId(), "not the expected 5");
        assertEquals(6, gmm.register(ComponentKind.MCOMPONENT, 1L << 30, new Endpoint("127.0.0.1", 9999))
            .componentId(), "a new member's id is above the expected ones");

        final long leaseNs = MISSED * INTERVAL_NS;
        runFor(leaseNs / 2, 1, 2, 4, 6);
        final IntArrayList ownerOfThree = ints(PID, 3, HeldRole.OWNER.value(), 4);
        gmm.restoreMemory(6, ownerOfThree, 0); // vRegion 3's owner reports in time
        runFor(leaseNs / 2 - INTERVAL_NS, 1, 2, 4, 6);
        assertTrue(declaredDead.isEmpty(), "not before the lease: " + declaredDead);
        assertTrue(ownerless.isEmpty(), "no vRegion given up before the lease");
        runFor(2 * INTERVAL_NS, 1, 2, 4, 6);
        assertEquals(ints(3, 5), declaredDead, "DEAD one lease after they were named");
        assertEquals(ComponentState.DEAD, membership.lookup(3).state());
        assertEquals(1, vregions.placedOn(3).size(), "the failover of 3 finds the vRegion it was secondary of");
        assertEquals(5, placement.process(PID + 1).homeMComponentId(), "... and of 5 the process it was home of");
        assertEquals(1, ownerless.size(), "vRegion 2, whose owner never reported, is failed over once");
        assertEquals(java.util.List.of(PID, 2, -1, 4), java.util.Arrays.stream(ownerless.get(0)).boxed().toList(),
            "its secondary 4 to be promoted, the owner unknown");
        runFor(leaseNs, 1, 2, 4, 6);
        assertEquals(1, ownerless.size(), "once");
    }

    @Test
    void anExpectedMemberThatRegistersTakesItsIdBackAndStaysAlive()
    {
        restartReports();
        assertEquals(Errnos.ENOENT, assertThrows(RemoteErrorException.class, () -> gmm.heartbeat(3, 0)).errno(),
            "an expected member is told to register");
        runFor(3 * INTERVAL_NS, 1, 2, 4);
        assertEquals(3, registerAgain(ComponentKind.MCOMPONENT, 3), "its id back");
        assertEquals(5, registerAgain(ComponentKind.MCOMPONENT, 5));
        assertTrue(membership.isLive(3));
        runFor(3 * MISSED * INTERVAL_NS, 1, 2, 3, 4, 5);
        assertTrue(declaredDead.isEmpty(), "nothing declared DEAD: " + declaredDead);
        assertEquals(ComponentState.ALIVE, membership.lookup(5).state());
    }

    private static IntArrayList ints(final int... values)
    {
        final IntArrayList list = new IntArrayList();
        for (final int v : values)
        {
            list.addInt(v);
        }
        return list;
    }

    /** Steps the clock one heartbeat interval at a time, each seen by the detector; the live members heartbeat. */
    private void runFor(final long durationNs, final int... heartbeating)
    {
        for (long t = 0; t < durationNs; t += INTERVAL_NS)
        {
            clock.advanceNs(INTERVAL_NS);
            for (final int id : heartbeating)
            {
                gmm.heartbeat(id, 0);
            }
            detector.doWork();
        }
    }
}
