package org.legoemu.gmm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

    /**
     * The vRegion directory rebuilt from the mComponents' reports, in any order: the owner's word on the secondary
     * beats a secondary's claim (a secondary replaced while unreachable may still hold an old log), the first owner
     * reported is kept, and the home standby the home names beats the one a standby claims.
     */
    @Test
    void theVRegionDirectoryIsRebuiltFromTheMComponentsReportsInAnyOrder()
    {
        final Membership membership = new Membership(INTERVAL_NS, 8);
        for (int id = 2; id <= 5; id++)
        {
            membership.register(ComponentKind.MCOMPONENT, 1 << 20, new Endpoint("inproc", id), 0, id);
        }
        final VRegionDirectory directory =
            new VRegionDirectory(membership, new RoundRobinPolicy(), Replication.LOG);

        assertTrue(directory.restoreSecondary(1000, 1, 4), "a stale secondary reports first");
        assertEquals(-1, directory.owner(1000, 1));
        assertTrue(directory.restoreOwner(1000, 1, 2, 3), "the owner names its current secondary");
        assertEquals(2, directory.owner(1000, 1));
        assertEquals(3, directory.secondary(1000, 1), "the owner's word beats the secondary's claim");
        assertFalse(directory.restoreSecondary(1000, 1, 4), "... also when the stale one reports after it");
        assertEquals(3, directory.secondary(1000, 1));
        assertFalse(directory.restoreOwner(1000, 1, 5, -2), "a second owner is not taken");
        assertEquals(2, directory.owner(1000, 1));

        assertTrue(directory.restoreOwner(1000, 2, 3, -2), "an owner that has not learnt its secondary yet");
        assertTrue(directory.restoreSecondary(1000, 2, 4));
        assertEquals(4, directory.secondary(1000, 2), "then the secondary's claim stands");
        assertTrue(directory.restoreOwner(1000, 3, 3, -1));
        assertFalse(directory.restoreSecondary(1000, 3, 4), "not for a vRegion its owner runs unreplicated");
        assertEquals(-1, directory.secondary(1000, 3));
        assertArrayEquals(new int[]{1000, 1, 2, 3}, directory.placedOn(2).get(0),
            "a failover of owner 2 finds its vRegion and the secondary to promote");
        assertEquals(1, directory.placedOn(2).size());
        assertEquals(1, directory.placedOn(4).size(), "4 is the secondary of vRegion 2 only");

        assertTrue(directory.restoreHomeStandby(1000, 5, false), "a standby's claim");
        assertTrue(directory.restoreHomeStandby(1000, 4, true), "the home's word");
        assertFalse(directory.restoreHomeStandby(1000, 5, false), "a standby's claim after the home's");
        assertEquals(4, directory.homeStandby(1000));
        directory.restoreHome(1000, 3);
        assertEquals(3, directory.restoredHome(1000));
    }
}
