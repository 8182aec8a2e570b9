package org.legoemu.pcomponent.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FreshRangesTest
{
    private static final long PAGE = 4096;
    private static final int READ = 1;
    private static final int WRITE = 2;
    private static final int EXEC = 4;

    private final FreshRanges fresh = new FreshRanges();

    @Test
    void aPageIsClaimedOnceThenIsOrdinary()
    {
        fresh.add(10 * PAGE, 14 * PAGE, READ | WRITE);
        assertEquals(4, fresh.pages());

        assertEquals(READ | WRITE, fresh.claim(11 * PAGE + 123, WRITE));
        assertEquals(-1, fresh.claim(11 * PAGE, READ), "claimed already");
        assertEquals(3, fresh.pages());
        assertEquals(READ | WRITE, fresh.claim(10 * PAGE, READ));
        assertEquals(READ | WRITE, fresh.claim(13 * PAGE + 4095, READ));
        assertEquals(-1, fresh.claim(14 * PAGE, READ), "past the end");
        assertEquals(-1, fresh.claim(9 * PAGE, READ), "before the start");
        assertEquals(1, fresh.pages());
    }

    @Test
    void aForbiddenAccessDoesNotClaim()
    {
        fresh.add(0, 2 * PAGE, READ);
        assertEquals(-1, fresh.claim(0, WRITE));
        assertEquals(-1, fresh.claim(PAGE, EXEC));
        assertEquals(2, fresh.pages(), "the owner answers the fault; the pages stay fresh");
        fresh.add(4 * PAGE, 5 * PAGE, 0);
        assertEquals(-1, fresh.claim(4 * PAGE, READ), "PROT_NONE");
    }

    @Test
    void removeSplitsAndAddReplaces()
    {
        fresh.add(0, 10 * PAGE, READ | WRITE);
        fresh.remove(3 * PAGE, 5 * PAGE);
        assertEquals(8, fresh.pages());
        assertEquals(-1, fresh.claim(4 * PAGE, READ));
        assertEquals(READ | WRITE, fresh.claim(2 * PAGE, READ));
        assertEquals(READ | WRITE, fresh.claim(5 * PAGE, READ));

        fresh.add(PAGE, 8 * PAGE, READ);
        assertEquals(READ, fresh.claim(6 * PAGE, READ), "the new mapping's protection");
        assertEquals(READ | WRITE, fresh.claim(9 * PAGE, READ), "the old range's tail is kept");
        fresh.remove(0, 100 * PAGE);
        assertEquals(0, fresh.pages());
        fresh.add(5 * PAGE, 5 * PAGE, READ);
        assertEquals(0, fresh.pages(), "an empty range adds nothing");
    }

    @Test
    void aProtectionChangeKeepsFreshPagesFreshWithTheNewProtection()
    {
        fresh.add(0, 10 * PAGE, READ | WRITE);
        fresh.remove(6 * PAGE, 7 * PAGE);
        fresh.suspend(2 * PAGE, 8 * PAGE);
        assertEquals(-1, fresh.claim(3 * PAGE, READ), "suspended: the owner answers");
        assertEquals(4, fresh.pages(), "0, 1, 8 and 9 stay claimable meanwhile");
        fresh.resume(2 * PAGE, 8 * PAGE, READ);

        assertEquals(READ | WRITE, fresh.claim(PAGE, WRITE), "outside the change");
        assertEquals(-1, fresh.claim(2 * PAGE, WRITE), "PROT_READ now");
        assertEquals(READ, fresh.claim(2 * PAGE, READ));
        assertEquals(-1, fresh.claim(3 * PAGE, READ), "a miss during the change made it ordinary");
        assertEquals(READ, fresh.claim(5 * PAGE, READ));
        assertEquals(-1, fresh.claim(6 * PAGE, READ), "ordinary before the change, ordinary after it");
        assertEquals(READ, fresh.claim(7 * PAGE + 5, READ));
        assertEquals(READ | WRITE, fresh.claim(8 * PAGE, WRITE), "outside the change");
    }

    @Test
    void protNoneKeepsThePagesFreshForALaterChangeAndAFailedChangeMakesThemOrdinary()
    {
        fresh.add(0, 4 * PAGE, READ | WRITE);
        fresh.suspend(0, 4 * PAGE);
        fresh.resume(0, 4 * PAGE, 0);
        assertEquals(4, fresh.pages());
        assertEquals(-1, fresh.claim(0, READ), "PROT_NONE: the owner answers the fault");
        fresh.suspend(0, 4 * PAGE);
        fresh.resume(0, 4 * PAGE, READ | WRITE);
        assertEquals(READ | WRITE, fresh.claim(0, WRITE), "still zero, still unmaterialised");

        fresh.suspend(0, 4 * PAGE);
        fresh.resume(0, 4 * PAGE, -1);
        assertEquals(0, fresh.pages());
        assertEquals(-1, fresh.claim(PAGE, READ));
    }

    @Test
    void anUnmapDuringAChangeWins()
    {
        fresh.add(0, 4 * PAGE, READ | WRITE);
        fresh.suspend(0, 4 * PAGE);
        fresh.remove(PAGE, 2 * PAGE);
        fresh.resume(0, 4 * PAGE, READ);
        assertEquals(3, fresh.pages());
        assertEquals(-1, fresh.claim(PAGE, READ));
    }
}
