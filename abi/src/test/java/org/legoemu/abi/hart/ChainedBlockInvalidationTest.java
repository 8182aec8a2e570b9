package org.legoemu.abi.hart;

import org.junit.jupiter.api.Test;
import org.legoemu.abi.FlatGuestMemory;
import org.legoemu.abi.GuestFault;
import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.SyscallHandler;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A hart that runs compiled blocks chained to each other (two blocks in two code pages jumping to each other, so
 * the guest never leaves compiled code) in one {@link Hart#run} call without a budget must still stop at a stop
 * request, and a shootdown of a chained page from another thread (mprotect, code rewritten and shot down) must cut
 * the chain: the hart faults at, or runs the new code of, the page's first instruction. So must a shootdown of the
 * running block's own page while the block waits for a data page (the ExCache evicting the code line to make room
 * for the data line).
 */
class ChainedBlockInvalidationTest
{
    private static final long PAGE_A = 0x10000;
    private static final long PAGE_B = 0x11000;
    private static final long DATA = 0x20000;
    private static final long JOIN_MS = 10_000;
    private static final Duration SHOOTDOWN_WAIT = Duration.ofSeconds(10);

    /** A hart looping between PAGE_A and PAGE_B, running on its own thread in one unbounded run call. */
    private static final class Looping
    {
        final FlatGuestMemory memory = new FlatGuestMemory();
        final Hart hart = new Hart(memory, s -> SyscallHandler.EXIT);
        final AtomicReference<GuestFault> fault = new AtomicReference<>();
        final Thread thread;

        Looping() throws InterruptedException
        {
            memory.map(PAGE_A, 0x2000, GuestMemory.ACCESS_READ | GuestMemory.ACCESS_EXEC);
            write(PAGE_A, PAGE_B);
            write(PAGE_B, PAGE_A);
            hart.pc = PAGE_A;
            thread = new Thread(() ->
            {
                try
                {
                    hart.run(Long.MAX_VALUE);
                }
                catch (final GuestFault f)
                {
                    fault.set(f);
                }
            }, "chained-hart");
            thread.setDaemon(true);
            thread.start();
            awaitChaining(hart);
        }

        /** {@code addi x5..x7 += 1; jal x0, to} at {@code at}. */
        private void write(final long at, final long to)
        {
            memory.writeInt(at, Asm.addi(5, 5, 1));
            memory.writeInt(at + 4, Asm.addi(6, 6, 1));
            memory.writeInt(at + 8, Asm.addi(7, 7, 1));
            memory.writeInt(at + 12, Asm.jal(0, (int)(to - (at + 12))));
        }

        void join() throws InterruptedException
        {
            thread.join(JOIN_MS);
            assertFalse(thread.isAlive(), "the hart did not leave its chained blocks");
            assertTrue(hart.chainedBlocks() > 0, "the blocks were not chained");
        }
    }

    /** Waits until the blocks of {@code hart}, running on another thread, are compiled and chained. */
    /** Waits until the hart compiled a block, then a little longer so that it runs in it. */
    private static void awaitCompiled(final Hart hart) throws InterruptedException
    {
        final long deadline = System.nanoTime() + JOIN_MS * 1_000_000;
        while (hart.blocksInstalled() == 0 && System.nanoTime() < deadline)
        {
            Thread.sleep(10);
        }
        Thread.sleep(100);
    }

    private static void awaitChaining(final Hart hart) throws InterruptedException
    {
        final long deadline = System.nanoTime() + JOIN_MS * 1_000_000;
        while (hart.chainedBlocks() < 1000 && System.nanoTime() < deadline)
        {
            Thread.sleep(10); // the field is read racily; the sleep keeps the read in the loop
        }
    }

    @Test
    void aStopRequestEndsAChainThatNeverLeavesCompiledCode() throws Exception
    {
        final Looping looping = new Looping();
        looping.hart.requestStop();
        looping.join();
        // stopped at a block boundary, with instret exact
        assertTrue(looping.hart.pc == PAGE_A || looping.hart.pc == PAGE_B, "pc " + looping.hart.pc);
        assertEquals(looping.hart.x[5], looping.hart.x[7]);
        assertEquals(4 * looping.hart.x[5], looping.hart.instructionsRetired());
    }

    @Test
    void mprotectOfAChainedCodePageFaultsAtItsFirstInstruction() throws Exception
    {
        final Looping looping = new Looping();
        assertTimeoutPreemptively(SHOOTDOWN_WAIT, () -> looping.memory.protect(PAGE_B, 0x1000,
            GuestMemory.ACCESS_READ));
        looping.join();
        assertEquals(PAGE_B, looping.fault.get().pc());
        assertEquals(PAGE_B, looping.hart.pc);
        assertEquals(looping.hart.x[5], looping.hart.x[7]);
        assertEquals(4 * looping.hart.x[5], looping.hart.instructionsRetired());
    }

    @Test
    void codeRewrittenInAChainedPageRunsAfterItsShootdown() throws Exception
    {
        final Looping looping = new Looping();
        looping.memory.writeInt(PAGE_B, Asm.ECALL);
        assertTimeoutPreemptively(SHOOTDOWN_WAIT, () -> looping.hart.invalidatePage(PAGE_B >>> GuestMemory.PAGE_SHIFT));
        looping.join();
        assertTrue(looping.hart.exited());
        assertEquals(PAGE_B + 4, looping.hart.pc);
        assertEquals(4 * looping.hart.x[5] + 1, looping.hart.instructionsRetired());
    }

    @Test
    void aShootdownOfTheRunningBlocksPageDuringItsDataMissCutsTheChain() throws Exception
    {
        // one page: A1 = addi; addi; ld x8, 0(x9); jal A2 and A2 = addi x5..x7; jal A1, one superblock (the trace
        // follows both jumps) looping in itself. Once it is hot, the test drops the hart's data translation; A1's
        // load then misses, and the memory, while the hart waits for it, rewrites the first instructions of A2 and
        // A1 to ecall and shoots down the code page. The block must leave at A2's entry and run the new ecall there,
        // not go on with A2's old instructions (the hart would then stop at A1's new ecall).
        final FlatGuestMemory flat = new FlatGuestMemory();
        final long a2 = PAGE_A + 0x100;
        final AtomicBoolean armed = new AtomicBoolean();
        final Hart[] self = new Hart[1];
        final GuestMemory memory = new GuestMemory()
        {
            @Override
            public byte[] page(final long vaddr, final int access)
            {
                if ((vaddr >>> PAGE_SHIFT) == (DATA >>> PAGE_SHIFT) && armed.getAndSet(false))
                {
                    flat.writeInt(a2, Asm.ECALL);
                    flat.writeInt(PAGE_A, Asm.ECALL);
                    self[0].invalidatePage(PAGE_A >>> PAGE_SHIFT);
                }
                return flat.page(vaddr, access);
            }

            @Override
            public void addShootdownListener(final org.legoemu.abi.TlbShootdown listener)
            {
            }

            @Override
            public void removeShootdownListener(final org.legoemu.abi.TlbShootdown listener)
            {
            }
        };
        flat.map(PAGE_A, 0x1000, GuestMemory.ACCESS_READ | GuestMemory.ACCESS_EXEC);
        flat.map(DATA, 0x1000, GuestMemory.ACCESS_READ | GuestMemory.ACCESS_WRITE);
        flat.writeInt(PAGE_A, Asm.addi(5, 5, 1));
        flat.writeInt(PAGE_A + 4, Asm.addi(6, 6, 1));
        flat.writeInt(PAGE_A + 8, Asm.load(3, 8, 9, 0));
        flat.writeInt(PAGE_A + 12, Asm.jal(0, (int)(a2 - (PAGE_A + 12))));
        flat.writeInt(a2, Asm.addi(5, 5, 1));
        flat.writeInt(a2 + 4, Asm.addi(6, 6, 1));
        flat.writeInt(a2 + 8, Asm.addi(7, 7, 1));
        flat.writeInt(a2 + 12, Asm.jal(0, (int)(PAGE_A - (a2 + 12))));
        final Hart hart = new Hart(memory, s -> SyscallHandler.EXIT);
        self[0] = hart;
        hart.x[9] = DATA;
        hart.pc = PAGE_A;
        final Thread thread = new Thread(() -> hart.run(Long.MAX_VALUE), "chained-hart");
        thread.setDaemon(true);
        thread.start();
        awaitCompiled(hart);
        armed.set(true);
        assertTimeoutPreemptively(SHOOTDOWN_WAIT, () -> hart.invalidatePage(DATA >>> GuestMemory.PAGE_SHIFT));
        thread.join(JOIN_MS);
        assertFalse(thread.isAlive(), "the hart ran the old code of a page shot down under its block");
        assertTrue(hart.exited());
        assertTrue(hart.blocksInstalled() > 0, "no block was compiled");
        assertEquals(a2 + 4, hart.pc, "the block went on with the old code after the jump to A2");
        assertEquals(hart.x[5], hart.x[6]);
        assertEquals(4 * hart.x[5] + 1, hart.instructionsRetired()); // A1 once more, then the ecall
    }

    @Test
    void codeRewrittenAtTheTargetOfAFollowedJumpGetsANewSuperblock()
    {
        // A = addi x5; addi x6; jal T and, 2 KiB further in the same page, T = addi x7, 1; addi x31, -1; bnez x31, A;
        // ecall: one superblock from A through T. T's first instruction is then rewritten to add 2 and a second
        // hart runs the page: the block it compiles from the same entry must run the new code (the block cache,
        // shared by the harts, keys on the bytes of every traced instruction, not only those at the entry).
        final FlatGuestMemory memory = new FlatGuestMemory();
        memory.map(PAGE_A, 0x1000, GuestMemory.ACCESS_READ | GuestMemory.ACCESS_WRITE | GuestMemory.ACCESS_EXEC);
        final long t = PAGE_A + 0x800;
        memory.writeInt(PAGE_A, Asm.addi(5, 5, 1));
        memory.writeInt(PAGE_A + 4, Asm.addi(6, 6, 1));
        memory.writeInt(PAGE_A + 8, Asm.jal(0, (int)(t - (PAGE_A + 8))));
        memory.writeInt(t, Asm.addi(7, 7, 1));
        memory.writeInt(t + 4, Asm.addi(31, 31, -1));
        memory.writeInt(t + 8, Asm.b((int)(PAGE_A - (t + 8)), 0, 31, 1));
        memory.writeInt(t + 12, Asm.ECALL);
        final Hart hart = new Hart(memory, s -> SyscallHandler.EXIT);
        hart.x[31] = 1000;
        hart.pc = PAGE_A;
        hart.run(Long.MAX_VALUE);
        assertTrue(hart.blocksInstalled() > 0, "no block was compiled");
        assertEquals(1000, hart.x[7]);
        memory.writeInt(t, Asm.addi(7, 7, 2));
        final Hart second = new Hart(memory, s -> SyscallHandler.EXIT);
        second.x[31] = 1000;
        second.pc = PAGE_A;
        second.run(Long.MAX_VALUE);
        assertTrue(second.blocksInstalled() > 0, "no block was compiled");
        assertEquals(2 * 1000, second.x[7], "a block with the old code at the jump's target ran");
        assertEquals(1000, second.x[5]);
    }

    @Test
    void anErrorFromMemoryInsideAChainLeavesPcAtTheRunningBlocksEntry() throws Exception
    {
        // A1 (PAGE_A) = addi x5; addi x6; jal A2. A2 (PAGE_B) = addi x7; ld x8, 0(x9); jal A1. Once they are chained,
        // the data page's next miss throws (as a failed write-back does): the hart must be left at A2's entry
        // with every block before it counted and A2 not.
        final FlatGuestMemory flat = new FlatGuestMemory();
        final AtomicBoolean armed = new AtomicBoolean();
        final GuestMemory memory = new GuestMemory()
        {
            @Override
            public byte[] page(final long vaddr, final int access)
            {
                if ((vaddr >>> PAGE_SHIFT) == (DATA >>> PAGE_SHIFT) && armed.get())
                {
                    throw new IllegalStateException("write-back failed");
                }
                return flat.page(vaddr, access);
            }

            @Override
            public void addShootdownListener(final org.legoemu.abi.TlbShootdown listener)
            {
            }

            @Override
            public void removeShootdownListener(final org.legoemu.abi.TlbShootdown listener)
            {
            }
        };
        flat.map(PAGE_A, 0x2000, GuestMemory.ACCESS_READ | GuestMemory.ACCESS_EXEC);
        flat.map(DATA, 0x1000, GuestMemory.ACCESS_READ | GuestMemory.ACCESS_WRITE);
        flat.writeInt(PAGE_A, Asm.addi(5, 5, 1));
        flat.writeInt(PAGE_A + 4, Asm.addi(6, 6, 1));
        flat.writeInt(PAGE_A + 8, Asm.jal(0, (int)(PAGE_B - (PAGE_A + 8))));
        flat.writeInt(PAGE_B, Asm.addi(7, 7, 1));
        flat.writeInt(PAGE_B + 4, Asm.load(3, 8, 9, 0));
        flat.writeInt(PAGE_B + 8, Asm.jal(0, (int)(PAGE_A - (PAGE_B + 8))));
        final Hart hart = new Hart(memory, s -> SyscallHandler.EXIT);
        hart.x[9] = DATA;
        hart.pc = PAGE_A;
        final AtomicReference<RuntimeException> thrown = new AtomicReference<>();
        final Thread thread = new Thread(() ->
        {
            try
            {
                hart.run(Long.MAX_VALUE);
            }
            catch (final IllegalStateException ex)
            {
                thrown.set(ex);
            }
        }, "chained-hart");
        thread.setDaemon(true);
        thread.start();
        awaitChaining(hart);
        armed.set(true);
        assertTimeoutPreemptively(SHOOTDOWN_WAIT, () -> hart.invalidatePage(DATA >>> GuestMemory.PAGE_SHIFT));
        thread.join(JOIN_MS);
        assertFalse(thread.isAlive());
        assertEquals("write-back failed", thrown.get().getMessage());
        assertEquals(PAGE_B, hart.pc);
        assertEquals(hart.x[5], hart.x[7]); // A2's first instruction ran, but A2 is not counted
        assertEquals(3 * hart.x[5] + 3 * (hart.x[7] - 1), hart.instructionsRetired());
    }
}
