package org.legoemu.pcomponent.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Fresh pages whose source is a file mapping: claimed apart from zero pages, and kept through mprotect and fork. */
class FreshRangesFileSourceTest
{
    private static final long PAGE = 4096;
    private static final int READ = 1;
    private static final int WRITE = 2;

    private final FreshRanges fresh = new FreshRanges();

    @Test
    void filePagesAreClaimedOnlyAsFilePagesAndZeroPagesOnlyAsZeroPages()
    {
        fresh.add(0, 2 * PAGE, READ | WRITE);
        fresh.addFrom(2 * PAGE, 4 * PAGE, READ, 5);
        assertEquals(-1, fresh.claimFile(0, READ), "a zero page is not a file page");
        assertEquals(-1, fresh.claim(2 * PAGE, READ), "a file page is not zero");
        final int claimed = fresh.claimFile(3 * PAGE + 17, READ);
        assertEquals(5, FreshRanges.sourceOf(claimed));
        assertEquals(READ, FreshRanges.protOf(claimed));
        assertEquals(-1, fresh.claimFile(3 * PAGE, READ), "claimed once");
        assertEquals(-1, fresh.claimFile(2 * PAGE, WRITE), "a read-only mapping's page is not claimed for a write");
        assertEquals(READ | WRITE, fresh.claim(PAGE, WRITE));
    }

    @Test
    void aProtectionChangeKeepsTheSourceAndASuspendedFilePageCanStillBeFilled()
    {
        fresh.addFrom(0, 4 * PAGE, READ, 3);
        fresh.suspend(0, 4 * PAGE);
        final int duringChange = fresh.claimFile(PAGE, READ);
        assertEquals(3, FreshRanges.sourceOf(duringChange), "the owner holds nothing of it: it is read from the file");
        fresh.resume(0, 4 * PAGE, READ | WRITE);
        final int after = fresh.claimFile(2 * PAGE, WRITE);
        assertEquals(3, FreshRanges.sourceOf(after), "the source survives mprotect");
        assertEquals(READ | WRITE, FreshRanges.protOf(after), "with the new protection");
        assertEquals(-1, fresh.claimFile(PAGE, READ), "the page filled during the change stays claimed");
    }

    @Test
    void forkHandsTheUntouchedFilePagesToTheChild()
    {
        fresh.add(0, 2 * PAGE, READ | WRITE);
        fresh.addFrom(4 * PAGE, 8 * PAGE, READ, 2);
        fresh.claimFile(5 * PAGE, READ);
        final FreshRanges child = new FreshRanges();
        fresh.copyFilePagesTo(child);
        assertEquals(3, child.pages(), "the three untouched file pages, no zero page");
        assertEquals(-1, child.claimFile(5 * PAGE, READ), "the page the parent touched is at its owner now");
        assertEquals(2, FreshRanges.sourceOf(child.claimFile(7 * PAGE, READ)));
        assertEquals(2, FreshRanges.sourceOf(fresh.claimFile(7 * PAGE, READ)), "the parent keeps its own");
    }
}
