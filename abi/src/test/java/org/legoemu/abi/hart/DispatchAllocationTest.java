package org.legoemu.abi.hart;

import org.junit.jupiter.api.Test;
import org.legoemu.abi.FlatGuestMemory;
import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.SyscallHandler;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dispatch of compiled blocks, chained within a page and across pages, with loads and stores through the TLB,
 * allocates nothing once the blocks are compiled (the project's rule for hot paths).
 */
class DispatchAllocationTest
{
    private static final long PAGE_A = 0x10000;
    private static final long PAGE_B = 0x11000;
    private static final long DATA = 0x20000;

    @Test
    void chainedBlocksAllocateNothing()
    {
        final FlatGuestMemory memory = new FlatGuestMemory();
        memory.map(PAGE_A, 0x2000, GuestMemory.ACCESS_READ | GuestMemory.ACCESS_EXEC);
        memory.map(DATA, 0x1000, GuestMemory.ACCESS_READ | GuestMemory.ACCESS_WRITE);
        // A: x5++; ld x8, 0(x9); x8++; sd x8, 0(x9); jal B.  B: x6++; x7++; beq x0, x0, B2.  B2 (in B): x7++; x6++;
        // jal A. Three blocks: A -> B crosses pages, B -> B2 is a taken branch in the page, B2 -> A crosses back.
        final long b2 = PAGE_B + 0x80;
        memory.writeInt(PAGE_A, Asm.addi(5, 5, 1));
        memory.writeInt(PAGE_A + 4, Asm.load(3, 8, 9, 0));
        memory.writeInt(PAGE_A + 8, Asm.addi(8, 8, 1));
        memory.writeInt(PAGE_A + 12, Asm.store(3, 8, 9, 0));
        memory.writeInt(PAGE_A + 16, Asm.jal(0, (int)(PAGE_B - (PAGE_A + 16))));
        memory.writeInt(PAGE_B, Asm.addi(6, 6, 1));
        memory.writeInt(PAGE_B + 4, Asm.addi(7, 7, 1));
        memory.writeInt(PAGE_B + 8, Asm.b((int)(b2 - (PAGE_B + 8)), 0, 0, 0));
        memory.writeInt(b2, Asm.addi(7, 7, 1));
        memory.writeInt(b2 + 4, Asm.addi(6, 6, 1));
        memory.writeInt(b2 + 8, Asm.jal(0, (int)(PAGE_A - (b2 + 8))));
        final Hart hart = new Hart(memory, s -> SyscallHandler.EXIT);
        hart.x[9] = DATA;
        hart.pc = PAGE_A;
        for (int i = 0; i < 200; i++)
        {
            hart.run(100_000); // compiled, chained, and compiled by HotSpot
        }
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long id = Thread.currentThread().getId();
        final long before = threads.getThreadAllocatedBytes(id);
        final long chainedBefore = hart.chainedBlocks();
        for (int i = 0; i < 200; i++)
        {
            hart.run(100_000);
        }
        final long allocated = threads.getThreadAllocatedBytes(id) - before;
        assertTrue(hart.chainedBlocks() - chainedBefore > 100_000, "the blocks were not chained");
        assertEquals(0, allocated, "bytes allocated by 20 M chained instructions");
        assertEquals(hart.x[8], memory.readLong(DATA));
    }
}
