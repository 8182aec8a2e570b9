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
}
