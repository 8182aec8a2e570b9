package org.legoemu.pcomponent.memory;

import org.agrona.concurrent.NanoClock;
import org.junit.jupiter.api.Test;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.inproc.InJvmTransport;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.pcomponent.ProcessorContext;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pComponent's failover timings come from its {@link ProcessorContext} and run on the injected clock: with a clock
 * that moves 1 s per reading and a 3.5 s deadline, the home and owner failovers ask the (unreachable) GMM exactly 3
 * times and give up within host milliseconds. On the host's clock (System.nanoTime, as before) they asked for the
 * whole 5 s constant, about 100 times.
 */
class FailoverTimingsTest
{
    private static final long SECOND_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long PAUSE_NS = TimeUnit.MILLISECONDS.toNanos(1);

    /** Each reading 1 s after the previous one, from 0. */
    private static NanoClock steppingClock()
    {
        final AtomicLong now = new AtomicLong();
        return () -> now.getAndAdd(SECOND_NS);
    }

    private static FailoverTimings timings()
    {
        return new FailoverTimings(steppingClock(), 3 * SECOND_NS + SECOND_NS / 2, PAUSE_NS, 2);
    }

    @Test
    void aHomeFailoverGivesUpAtTheDeadlineOfItsInjectedClock()
    {
        final RefusingClient gmmLink = new RefusingClient();
        final HomeFailover failover = new HomeFailover(7, new GmmProxy(gmmLink, 1_000_000), null, timings());
        final long startNs = System.nanoTime();
        assertNull(failover.replacement(new RefusingClient(), new FabricException(Errnos.ESHUTDOWN, "home died")));
        assertEquals(3, gmmLink.calls.get(), "questions at clock 1, 2 and 3 s; 4 s is past the 3.5 s deadline");
        assertTrue(System.nanoTime() - startNs < SECOND_NS, "gave up on the injected clock, not after 5 host seconds");
    }

    @Test
    void anOwnerFailoverGivesUpAtTheDeadlineOfItsInjectedClock()
    {
        final RefusingClient gmmLink = new RefusingClient();
        final FailoverTimings timings = timings();
        final OwnerDirectory owners =
            new OwnerDirectory(7, new GmmProxy(gmmLink, 1_000_000), null, 1_000_000, timings);
        final long deadlineNs = timings.deadlineFromNow();
        int rounds = 0;
        while (owners.failover(1L << 30, null, deadlineNs))
        {
            rounds++;
        }
        assertEquals(3, rounds);
        assertEquals(3, gmmLink.calls.get());
    }

    @Test
    void theProcessorContextHandsItsTimingsDown()
    {
        final NanoClock clock = steppingClock();
        final ProcessorContext ctx = new ProcessorContext().transport(new InJvmTransport())
            .gmm(new Endpoint("127.0.0.1", 1)).listen(new Endpoint("127.0.0.1", 0)).nanoClock(clock)
            .homeFailoverNs(7 * SECOND_NS).homeFailoverPauseNs(PAUSE_NS).callRetries(0).conclude();
        assertEquals(new FailoverTimings(clock, 7 * SECOND_NS, PAUSE_NS, 0), ctx.failoverTimings());
        final IllegalStateException bad = assertThrows(IllegalStateException.class, () -> new ProcessorContext()
            .transport(new InJvmTransport()).gmm(new Endpoint("127.0.0.1", 1)).listen(new Endpoint("127.0.0.1", 0))
            .callRetries(-1).conclude());
        assertEquals("pComponent: call retries -1 must not be negative", bad.getMessage());
        assertEquals(FailoverTimings.DEFAULT_DEADLINE_NS, new ProcessorContext().homeFailoverNs());
    }
}
