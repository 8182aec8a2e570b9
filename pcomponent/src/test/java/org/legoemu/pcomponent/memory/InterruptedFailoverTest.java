package org.legoemu.pcomponent.memory;

import org.agrona.DirectBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.Reply;
import org.legoemu.fabric.proxy.GmmProxy;

import java.util.concurrent.atomic.AtomicInteger;

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
    private static final Endpoint DEAD = new Endpoint("127.0.0.1", 1);

    /** A GMM link that refuses every call, counting them. */
    private static final class RefusingClient implements Client
    {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public void call(final DirectBuffer request, final int offset, final int length, final Reply reply,
            final long timeoutNs)
        {
            calls.incrementAndGet();
            throw new FabricException(Errnos.ESHUTDOWN, "refused");
        }

        @Override
        public Endpoint peer()
        {
            return DEAD;
        }

        @Override
        public void close()
        {
        }
    }

    @AfterEach
    void clearInterrupt()
    {
        Thread.interrupted();
    }

    @Test
    void anInterruptedOwnerFailoverGivesUpWithoutAskingTheGmm()
    {
        final RefusingClient gmmLink = new RefusingClient();
        final OwnerDirectory owners = new OwnerDirectory(7, new GmmProxy(gmmLink, 1_000_000), null, 1_000_000);
        Thread.currentThread().interrupt();
        assertFalse(owners.failover(1L << 30, null, System.nanoTime() + HomeFailover.DEADLINE_NS));
        assertEquals(0, gmmLink.calls.get(), "calls to the GMM");
    }

    @Test
    void anInterruptedHomeFailoverGivesUpWithoutAskingTheGmm()
    {
        final RefusingClient gmmLink = new RefusingClient();
        final HomeFailover failover = new HomeFailover(7, new GmmProxy(gmmLink, 1_000_000), null);
        Thread.currentThread().interrupt();
        assertNull(failover.replacement(new RefusingClient(), new FabricException(Errnos.ESHUTDOWN, "home died")));
        assertEquals(0, gmmLink.calls.get(), "calls to the GMM");
    }
}
