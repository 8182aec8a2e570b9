package org.legoemu.pcomponent.memory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.proxy.GmmProxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A hart being stopped (its thread interrupted) gives up failing over at once, while the GMM cannot be reached:
 * the pauses between attempts return at once on an interrupted thread, so before this a stopped hart of a crashed
 * pComponent asked the dead GMM link hundreds of thousands of times per miss until the 5 s deadline (4.7 M refused
 * calls over 8 chaos seeds).
 */
class InterruptedFailoverTest
{
    @AfterEach
    void clearInterrupt()
    {
        Thread.interrupted();
    }

    @Test
    void anInterruptedOwnerFailoverGivesUpWithoutAskingTheGmm()
    {
        final RefusingClient gmmLink = new RefusingClient();
        final OwnerDirectory owners =
            new OwnerDirectory(7, new GmmProxy(gmmLink, 1_000_000), null, 1_000_000, FailoverTimings.defaults());
        Thread.currentThread().interrupt();
        assertFalse(owners.failover(1L << 30, null, FailoverTimings.defaults().deadlineFromNow()));
        assertEquals(0, gmmLink.calls.get(), "calls to the GMM");
    }

    @Test
    void anInterruptedHomeFailoverGivesUpWithoutAskingTheGmm()
    {
        final RefusingClient gmmLink = new RefusingClient();
        final HomeFailover failover =
            new HomeFailover(7, new GmmProxy(gmmLink, 1_000_000), null, FailoverTimings.defaults());
        Thread.currentThread().interrupt();
        assertNull(failover.replacement(new RefusingClient(), new FabricException(Errnos.ESHUTDOWN, "home died")));
        assertEquals(0, gmmLink.calls.get(), "calls to the GMM");
    }
}
