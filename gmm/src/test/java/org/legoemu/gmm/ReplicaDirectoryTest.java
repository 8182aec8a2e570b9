package org.legoemu.gmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.fabric.proxy.VRegionOwner;
import org.legoemu.fabric.sbe.ComponentKind;
import org.legoemu.fabric.testing.LoopbackClient;

/**
 * Memory replication in the GMM's vRegion directory (LegoOS §4.7), through its request adapter: every vRegion gets a
 * secondary that is never its owner, a process a home standby that is never its home; a replaced secondary is never
 * the unreachable one; a promotion makes the secondary the owner; a vRegion lost with its owner answers EHOSTDOWN;
 * with replication off there are no secondaries.
 */
class ReplicaDirectoryTest
{
    private static final long MIB = 1L << 20;
    private static final int PID = 7;

    private final SettableClock clock = new SettableClock();
    private final Membership membership = new Membership(TimeUnit.MILLISECONDS.toNanos(100), 5);
    private VRegionDirectory vregions;

    private GmmProxy gmm(final Replication replication)
    {
        vregions = new VRegionDirectory(membership, VRegionPlacement.ROUNDROBIN.create(), replication);
        final GmmAdapter adapter = new GmmAdapter(
            new Object(), clock, membership, new ProcessPlacement(membership), vregions, 0);
        return new GmmProxy(new LoopbackClient(adapter), TimeUnit.SECONDS.toNanos(1));
    }

    private static int mcomponent(final GmmProxy gmm, final int port)
    {
        return gmm.register(ComponentKind.MCOMPONENT, 64 * MIB, new Endpoint("127.0.0.1", port)).componentId();
    }

    @Test
    void everyVRegionGetsASecondaryThatIsNotItsOwner()
    {
        final GmmProxy gmm = gmm(Replication.LOG);
        final int a = mcomponent(gmm, 1);
        final int b = mcomponent(gmm, 2);
        final int c = mcomponent(gmm, 3);
        for (int vregion = 0; vregion < 6; vregion++)
        {
            final VRegionOwner owner = gmm.vregionAlloc(PID, a, vregion);
            assertTrue(owner.replicated());
            assertNotEquals(owner.ownerId(), owner.secondaryId(), "vregion " + vregion);
            assertEquals(owner, gmm.vregionLookup(PID, vregion), "a lookup names the same owner and secondary");
        }
        final int standby = gmm.homeStandby(PID, a);
        assertNotEquals(a, standby);
        assertTrue(standby == b || standby == c);
        assertEquals(standby, gmm.homeStandby(PID, a), "the standby is kept");
    }

    @Test
    void aReplacedSecondaryIsNeitherTheOwnerNorTheUnreachableOne()
    {
        final GmmProxy gmm = gmm(Replication.LOG);
        final int a = mcomponent(gmm, 1);
        final int b = mcomponent(gmm, 2);
        final int c = mcomponent(gmm, 3);
        final VRegionOwner first = gmm.vregionAlloc(PID, a, 0);
        final VRegionOwner replaced = gmm.replicaReplace(PID, 0, first.secondaryId());
        assertEquals(first.ownerId(), replaced.ownerId());
        assertNotEquals(first.secondaryId(), replaced.secondaryId());
        assertNotEquals(replaced.ownerId(), replaced.secondaryId());
        assertTrue(replaced.secondaryId() == a || replaced.secondaryId() == b || replaced.secondaryId() == c);
        final VRegionOwner again = gmm.replicaReplace(PID, 0, replaced.secondaryId());
        assertEquals(first.secondaryId(), again.secondaryId(), "of three, only the first secondary is left");
    }

    @Test
    void promotionMakesTheSecondaryTheOwnerAndALostVRegionAnswersEhostdown()
    {
        final GmmProxy gmm = gmm(Replication.LOG);
        final int a = mcomponent(gmm, 1);
        mcomponent(gmm, 2);
        final VRegionOwner before = gmm.vregionAlloc(PID, a, 0);
        assertTrue(vregions.promote(PID, 0, before.ownerId(), -1));
        final VRegionOwner after = gmm.vregionLookup(PID, 0);
        assertEquals(before.secondaryId(), after.ownerId());
        assertEquals(-1, after.secondaryId());
        assertNull(after.secondaryAddress());

        gmm.vregionAlloc(PID, a, 1);
        vregions.lose(PID, 1);
        final RemoteErrorException lost = assertThrows(RemoteErrorException.class, () -> gmm.vregionLookup(PID, 1));
        assertEquals(Errnos.EHOSTDOWN, lost.errno());
    }

    @Test
    void replicationOffGivesNoSecondaryAndNoStandby()
    {
        final GmmProxy gmm = gmm(Replication.OFF);
        final int a = mcomponent(gmm, 1);
        mcomponent(gmm, 2);
        assertEquals(-1, gmm.vregionAlloc(PID, a, 0).secondaryId());
        assertEquals(-1, gmm.homeStandby(PID, a));
    }

    @Test
    void aSingleMComponentHasNothingToReplicateTo()
    {
        final GmmProxy gmm = gmm(Replication.LOG);
        final int a = mcomponent(gmm, 1);
        assertEquals(-1, gmm.vregionAlloc(PID, a, 0).secondaryId());
        assertEquals(-1, gmm.homeStandby(PID, a));
    }
}
