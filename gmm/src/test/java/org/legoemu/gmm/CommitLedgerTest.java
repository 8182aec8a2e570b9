package org.legoemu.gmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.sbe.ComponentKind;

/**
 * The cluster-wide commit limit: the live homes' grants together never pass the memory of the mComponents not DEAD;
 * slack is granted only as far as the limit leaves; a DEAD home's grant and memory no longer count.
 */
final class CommitLedgerTest
{
    private static final long MIB = 1L << 20;
    private static final long INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);

    @Test
    void grantsOfAllHomesStayWithinTheClusterAndADeadHomesGrantIsFreed()
    {
        final Membership membership = new Membership(INTERVAL_NS, 8);
        final int a = membership.register(ComponentKind.MCOMPONENT, 48 * MIB, new Endpoint("inproc", 1), 0);
        final int b = membership.register(ComponentKind.MCOMPONENT, 48 * MIB, new Endpoint("inproc", 2), 0);
        final CommitLedger ledger = new CommitLedger(membership);
        assertEquals(96 * MIB, ledger.limitBytes());

        assertEquals(54 * MIB, ledger.grant(a, 50 * MIB, 54 * MIB, false), "room for the slack");
        assertEquals(42 * MIB, ledger.grant(b, 40 * MIB, 44 * MIB, false), "slack cut to what the limit leaves");
        final GmmException refused = assertThrows(GmmException.class, () -> ledger.grant(b, 43 * MIB, 47 * MIB, false));
        assertEquals(Errnos.ENOMEM, refused.errno());
        assertEquals(42 * MIB, ledger.grantedBytes(b), "a refused grant leaves the old one");
        assertEquals(48 * MIB, ledger.grant(a, 44 * MIB, 48 * MIB, false), "a home that needs less gives back");
        assertEquals(90 * MIB, ledger.grantedBytes());

        for (long nowNs = INTERVAL_NS; nowNs <= 20 * INTERVAL_NS; nowNs += INTERVAL_NS)
        {
            membership.heartbeat(b, 0, nowNs);
            membership.checkLiveness(nowNs);
        }
        assertEquals(48 * MIB, ledger.limitBytes(), "a DEAD mComponent's memory no longer counts");
        assertEquals(0, ledger.grantedBytes(a), "nor its grant");
        assertEquals(60 * MIB, ledger.grant(b, 60 * MIB, 64 * MIB, true), "forced: its processes taken over exist");
    }
}
