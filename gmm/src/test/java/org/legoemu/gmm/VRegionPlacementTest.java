package org.legoemu.gmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.fabric.sbe.ComponentKind;
import org.legoemu.fabric.testing.LoopbackClient;

/**
 * Each vRegion placement policy, driven through the GMM's request adapter: heartbeats carry the figures, and
 * M2G_VREGION_ALLOC answers with the owner the policy picks.
 */
class VRegionPlacementTest
{
    private static final long MIB = 1L << 20;
    private static final int PID = 7;

    private final SettableClock clock = new SettableClock();
    private final Membership membership = new Membership(TimeUnit.MILLISECONDS.toNanos(100), 5);

    private GmmProxy gmm(final VRegionPlacement placement)
    {
        final VRegionDirectory vregions = new VRegionDirectory(membership, placement.create());
        final GmmAdapter adapter = new GmmAdapter(
            new Object(), clock, membership, new ProcessPlacement(membership), vregions, 0);
        return new GmmProxy(new LoopbackClient(adapter), TimeUnit.SECONDS.toNanos(1));
    }

    private static int mcomponent(final GmmProxy gmm, final long memoryBytes, final int port)
    {
        return gmm.register(ComponentKind.MCOMPONENT, memoryBytes, new Endpoint("127.0.0.1", port)).componentId();
    }

    private static int owner(final GmmProxy gmm, final int home, final int vregion)
    {
        return gmm.vregionAlloc(PID, home, vregion).ownerId();
    }

    @Test
    void leastLoadedSendsNewVRegionsToTheMComponentThatServedFewestRequests()
    {
        final GmmProxy gmm = gmm(VRegionPlacement.LEAST_LOADED);
        final int a = mcomponent(gmm, 64 * MIB, 1);
        final int b = mcomponent(gmm, 64 * MIB, 2);
        final int c = mcomponent(gmm, 64 * MIB, 3);
        gmm.heartbeat(a, 0, 500, 100);
        gmm.heartbeat(b, 0, 40, 100);
        gmm.heartbeat(c, 0, 90, 100);

        assertEquals(b, owner(gmm, a, 0), "the home is busiest, b served fewest");
        assertEquals(b, owner(gmm, a, 1), "still the least loaded");
        assertEquals(b, owner(gmm, a, 0), "an assigned vRegion keeps its owner");

        gmm.heartbeat(b, 0, 1000, 100);
        assertEquals(c, owner(gmm, a, 2), "b got busy: c now served fewest");
        assertEquals(b, owner(gmm, a, 1), "earlier owners do not move");
    }

    @Test
    void leastLoadedBreaksTiesAtHomeFirstThenRoundRobin()
    {
        final GmmProxy gmm = gmm(VRegionPlacement.LEAST_LOADED);
        final int a = mcomponent(gmm, 64 * MIB, 1);
        final int b = mcomponent(gmm, 64 * MIB, 2);

        assertEquals(b, owner(gmm, b, 0), "no heartbeat yet: every figure is 0, the first vRegion stays home");
        assertEquals(a, owner(gmm, b, 1), "then the next tied mComponent after the previous owner");
        assertEquals(b, owner(gmm, b, 2));
    }

    @Test
    void mostFreeSendsNewVRegionsToTheMComponentWithMoreFreeFrames()
    {
        final GmmProxy gmm = gmm(VRegionPlacement.MOST_FREE);
        final int small = mcomponent(gmm, 64 * MIB, 1);
        final int large = mcomponent(gmm, 256 * MIB, 2);

        assertEquals(large, owner(gmm, small, 0), "capacity counts as free before the first heartbeat");
        assertEquals(large, owner(gmm, small, 1));
        assertEquals(large, owner(gmm, small, 2));

        gmm.heartbeat(large, (256 * MIB >>> 12) - 1000, 0, 1000);
        gmm.heartbeat(small, 0, 0, 64 * MIB >>> 12);
        assertEquals(small, owner(gmm, small, 3), "the large one filled up");
    }

    @Test
    void roundRobinAlternatesWhateverTheFigures()
    {
        final GmmProxy gmm = gmm(VRegionPlacement.ROUNDROBIN);
        final int a = mcomponent(gmm, 64 * MIB, 1);
        final int b = mcomponent(gmm, 256 * MIB, 2);
        gmm.heartbeat(a, 0, 1_000_000, 0);

        assertEquals(a, owner(gmm, a, 0));
        assertEquals(b, owner(gmm, a, 1));
        assertEquals(a, owner(gmm, a, 2));
    }

    @Test
    void deadMComponentsAreNeverChosen()
    {
        final GmmProxy gmm = gmm(VRegionPlacement.MOST_FREE);
        final int small = mcomponent(gmm, 64 * MIB, 1);
        final int large = mcomponent(gmm, 256 * MIB, 2);
        clock.advanceNs(TimeUnit.SECONDS.toNanos(10));
        gmm.heartbeat(small, 0, 0, 64 * MIB >>> 12);
        membership.checkLiveness(clock.nanoTime());

        assertEquals(small, owner(gmm, small, 0), "the large one is DEAD");
        assertTrue(membership.isLive(small));
    }

    @Test
    void negativeFiguresAreRefused()
    {
        final GmmProxy gmm = gmm(VRegionPlacement.LEAST_LOADED);
        final int a = mcomponent(gmm, 64 * MIB, 1);
        final RemoteErrorException ex = assertThrows(RemoteErrorException.class, () -> gmm.heartbeat(a, 0, -1, 0));
        assertEquals(Errnos.EINVAL, ex.errno());
    }

    @Test
    void policiesAreNamedForConfiguration()
    {
        assertEquals(VRegionPlacement.LEAST_LOADED, VRegionPlacement.DEFAULT);
        assertEquals(VRegionPlacement.MOST_FREE, VRegionPlacement.parse("most-free"));
        assertTrue(VRegionPlacement.parse("least-loaded").create() instanceof LeastLoadedPolicy);
        assertTrue(VRegionPlacement.parse("roundrobin").create() instanceof RoundRobinPolicy);
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> VRegionPlacement.parse("fastest"));
        assertEquals("--placement must be roundrobin, least-loaded or most-free, not 'fastest'", ex.getMessage());
    }
}
