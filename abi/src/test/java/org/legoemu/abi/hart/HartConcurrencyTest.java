package org.legoemu.abi.hart;

import org.junit.jupiter.api.Test;
import org.legoemu.abi.GuestFault;
import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.SyscallHandler;
import org.legoemu.abi.TlbShootdown;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.legoemu.abi.hart.Asm.A0;
import static org.legoemu.abi.hart.Asm.A1;
import static org.legoemu.abi.hart.Asm.A2;
import static org.legoemu.abi.hart.Asm.A3;
import static org.legoemu.abi.hart.Asm.A7;
import static org.legoemu.abi.hart.Asm.ZERO;

/**
 * Several harts on one address space (guest threads), with another thread evicting and re-fetching their pages the
 * way the ExCache does: AMOs and LR/SC loops must lose no update, and no store may land in a page copy that was
 * already evicted (RISC-V unprivileged ISA chapter 8; the shootdown protocol of {@link Hart}).
 */
class HartConcurrencyTest
{
    private static final long CODE = 0x10000;
    private static final long DATA = 0x20000;
    private static final int A4 = 14;
    private static final int A5 = 15;
    private static final int A6 = 16;
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
        ByteOrder.LITTLE_ENDIAN);

    /** Pages that an evictor replaces by fresh copies, shooting down the TLBs first, all under one lock. */
    private static final class EvictingMemory implements GuestMemory
    {
        private final Map<Long, byte[]> pages = new HashMap<>();
        private final Map<Long, Integer> prots = new HashMap<>();
        private final List<TlbShootdown> tlbs = new CopyOnWriteArrayList<>();

        synchronized void map(final long vaddr, final int prot)
        {
            pages.put(vaddr >>> PAGE_SHIFT, new byte[PAGE_SIZE]);
            prots.put(vaddr >>> PAGE_SHIFT, prot);
        }

        @Override
        public synchronized byte[] page(final long vaddr, final int access)
        {
            final byte[] page = pages.get(vaddr >>> PAGE_SHIFT);
            if (page == null || (prots.get(vaddr >>> PAGE_SHIFT) & access) == 0)
            {
                throw GuestFault.segv(vaddr, "unmapped");
            }
            return page;
        }

        /** What an ExCache eviction and refill do to the page's bytes: the old array is never used again. */
        synchronized void evict(final long vaddr)
        {
            final long vpn = vaddr >>> PAGE_SHIFT;
            for (final TlbShootdown tlb : tlbs)
            {
                tlb.shootdown(vpn);
            }
            final byte[] old = pages.get(vpn);
            pages.put(vpn, old.clone());
            java.util.Arrays.fill(old, (byte)0x5A); // a stale store into the old array would be lost
        }

        synchronized long readLong(final long vaddr)
        {
            return (long)LONG_LE.get(pages.get(vaddr >>> PAGE_SHIFT), (int)(vaddr & PAGE_MASK));
        }

        synchronized void writeInt(final long vaddr, final int value)
        {
            final byte[] page = pages.get(vaddr >>> PAGE_SHIFT);
            for (int k = 0; k < 4; k++)
            {
                page[(int)(vaddr & PAGE_MASK) + k] = (byte)(value >>> (8 * k));
            }
        }

        @Override
        public void addShootdownListener(final TlbShootdown listener)
        {
            tlbs.add(listener);
        }

        @Override
        public void removeShootdownListener(final TlbShootdown listener)
        {
            tlbs.remove(listener);
        }
    }

    @Test
    void atomicsLoseNoUpdateAcrossHartsWhilePagesAreEvicted() throws Exception
    {
        final EvictingMemory memory = new EvictingMemory();
        memory.map(CODE, GuestMemory.ACCESS_READ | GuestMemory.ACCESS_EXEC);
        memory.map(DATA, GuestMemory.ACCESS_READ | GuestMemory.ACCESS_WRITE);
        final int[] code = {
            Asm.amo(Hart.AMO_ADD, true, ZERO, A1, A2),  // 0:  amoadd.d zero, a2, (a1)
            Asm.amo(Hart.AMO_LR, true, A3, A4, 0),      // 4:  lr.d a3, (a4)
            Asm.addi(A3, A3, 1),                        // 8:  addi a3, a3, 1
            Asm.amo(Hart.AMO_SC, true, A5, A4, A3),     // 12: sc.d a5, a3, (a4)
            Asm.b(-12, ZERO, A5, 1),                    // 16: bnez a5, 4
            Asm.load(3, A3, A6, 0),                     // 20: ld a3, 0(a6)   this hart's private counter
            Asm.addi(A3, A3, 1),                        // 24: addi a3, a3, 1
            Asm.store(3, A3, A6, 0),                    // 28: sd a3, 0(a6)
            Asm.addi(A0, A0, -1),                       // 32: addi a0, a0, -1
            Asm.b(-36, ZERO, A0, 1),                    // 36: bnez a0, 0
            0x00000073,                                 // 40: ecall (exit)
        };
        for (int k = 0; k < code.length; k++)
        {
            memory.writeInt(CODE + 4L * k, code[k]);
        }
        final int harts = 3;
        final long iterations = 20_000;
        final List<Thread> threads = new ArrayList<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int h = 0; h < harts; h++)
        {
            final Hart hart = new Hart(memory, s -> SyscallHandler.EXIT);
            hart.pc = CODE;
            hart.x[A0] = iterations;
            hart.x[A1] = DATA;
            hart.x[A2] = 1;
            hart.x[A4] = DATA + 8;
            hart.x[A6] = privateSlot(h);
            final Thread t = new Thread(() ->
            {
                try
                {
                    while (!hart.exited())
                    {
                        hart.run(1000);
                    }
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, ex);
                }
            }, "hart-" + h);
            threads.add(t);
        }
        for (final Thread t : threads)
        {
            t.start();
        }
        int evictions = 0;
        while (threads.stream().anyMatch(Thread::isAlive))
        {
            memory.evict(DATA);
            memory.evict(CODE);
            evictions++;
            Thread.onSpinWait();
        }
        for (final Thread t : threads)
        {
            t.join();
        }
        assertNull(failure.get(), () -> "a hart failed: " + failure.get());
        assertTrue(evictions > 0);
        assertEquals(harts * iterations, memory.readLong(DATA), "amoadd.d total");
        assertEquals(harts * iterations, memory.readLong(DATA + 8), "lr/sc total");
        for (int h = 0; h < harts; h++)
        {
            assertEquals(iterations, memory.readLong(privateSlot(h)), "plain stores of hart " + h);
        }
    }

    /**
     * fork(2) holds a hart still ({@link Hart#pause}) and then writes back the process's dirty lines, waiting for the
     * write-backs other threads' evictions have in flight; an eviction's shootdown of the paused hart must therefore
     * not wait for the pause to end (it would deadlock). It returns at once, and the hart, resumed, must not store
     * into the evicted page's old bytes.
     */
    @Test
    void shootdownOfAPausedHartReturnsAndTakesEffectAtResume() throws Exception
    {
        final EvictingMemory memory = new EvictingMemory();
        memory.map(CODE, GuestMemory.ACCESS_READ | GuestMemory.ACCESS_EXEC);
        memory.map(DATA, GuestMemory.ACCESS_READ | GuestMemory.ACCESS_WRITE);
        final int[] code = {
            Asm.load(3, A3, A6, 0),                     // 0:  ld a3, 0(a6)
            Asm.addi(A3, A3, 1),                        // 4:  addi a3, a3, 1
            Asm.store(3, A3, A6, 0),                    // 8:  sd a3, 0(a6)
            Asm.addi(A0, A0, -1),                       // 12: addi a0, a0, -1
            Asm.b(-16, ZERO, A0, 1),                    // 16: bnez a0, 0
            0x00000073,                                 // 20: ecall (exit)
        };
        for (int k = 0; k < code.length; k++)
        {
            memory.writeInt(CODE + 4L * k, code[k]);
        }
        final long iterations = 3_000_000;
        final Hart hart = new Hart(memory, s -> SyscallHandler.EXIT);
        hart.pc = CODE;
        hart.x[A0] = iterations;
        hart.x[A6] = privateSlot(0);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread runner = new Thread(() ->
        {
            try
            {
                while (!hart.exited())
                {
                    hart.run(1000);
                }
            }
            catch (final Throwable ex)
            {
                failure.compareAndSet(null, ex);
            }
        }, "hart-paused");
        runner.start();
        int rounds = 0;
        while (runner.isAlive() && rounds < 20)
        {
            hart.pause();
            final Thread evictor = new Thread(() -> memory.evict(DATA), "evictor");
            try
            {
                evictor.start();
                evictor.join(5000);
                assertTrue(!evictor.isAlive(), "the shootdown of a paused hart waited for the pause to end");
            }
            finally
            {
                hart.resume();
            }
            evictor.join();
            rounds++;
            Thread.sleep(5);
        }
        runner.join();
        assertNull(failure.get(), () -> "the hart failed: " + failure.get());
        assertTrue(rounds > 0, "the hart was paused at least once");
        assertEquals(iterations, memory.readLong(privateSlot(0)), "a store landed in an evicted page's old bytes");
    }

    private static long privateSlot(final int hart)
    {
        return DATA + 128 + 64L * hart;
    }
}
