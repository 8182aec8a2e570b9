package org.legoemu.gmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.sbe.ComponentKind;

/**
 * What a restarted GMM rebuilds from the members that register again (issue 14): their ids, the pids in use, and
 * the running processes; and what it must not do (reuse an id or pid, free a reported process too early).
 */
final class GmmRestartStateTest
{
    private static final long INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);

    @Test
    void aMemberGetsItsPreviousIdBackUnlessItIsTakenAndNewIdsAreAboveEveryIdGivenBack()
    {
        final Membership membership = new Membership(INTERVAL_NS, 8);
        assertEquals(5, membership.register(ComponentKind.MCOMPONENT, 1 << 20, new Endpoint("inproc", 5), 0, 5));
        assertEquals(2, membership.register(ComponentKind.PCOMPONENT, 1 << 20, new Endpoint("inproc", 2), 0, 2));
        assertEquals(6, membership.register(ComponentKind.MCOMPONENT, 1 << 20, new Endpoint("inproc", 7), 0, 0),
            "a new member gets an id above every id given back");
        assertEquals(7, membership.register(ComponentKind.MCOMPONENT, 1 << 20, new Endpoint("inproc", 8), 0, 5),
            "id 5 is taken");
        assertEquals(7, membership.lookupLive(ComponentKind.MCOMPONENT).componentId(),
            "members stay in id order (lookup by kind finds the highest id)");
        assertEquals(java.util.List.of(2, 5, 6, 7), membership.components().stream()
            .map(ComponentInfo::componentId).toList(), "members in id order");
    }

    @Test
    void newPidsAreAboveEveryReportedPidAndRestoredProcessesArePlacedAgain()
    {
        final Membership membership = new Membership(INTERVAL_NS, 8);
        membership.register(ComponentKind.PCOMPONENT, 1 << 20, new Endpoint("inproc", 1), 0, 1);
        membership.register(ComponentKind.MCOMPONENT, 1 << 20, new Endpoint("inproc", 2), 0, 2);
        final ProcessPlacement placement = new ProcessPlacement(membership);
        placement.reportedPid(1004, 1_000);
        assertTrue(placement.restore(1002, 1, 2));
        assertEquals(1005, placement.place().pid());
        assertEquals(1002, placement.process(1002).pid());
        assertEquals(2, placement.process(1002).homeMComponentId());

        assertFalse(placement.isForgotten(1002, 2_000), "a restored process is placed");
        assertFalse(placement.isForgotten(1003, 999), "a reported pid no one restored, before the trust time");
        assertTrue(placement.isForgotten(1003, 1_000), "... and from it on");
        placement.exit(1005, 0);
        assertTrue(placement.isForgotten(1005, 0), "a pid this GMM handed out and forgot");
        assertFalse(placement.restore(1005, 1, 2), "a pid this GMM handed out and forgot is gone for good");
        assertFalse(placement.isForgotten(1006, 2_000), "a pid not handed out yet");
    }
}
