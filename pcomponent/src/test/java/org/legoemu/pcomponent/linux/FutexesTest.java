package org.legoemu.pcomponent.linux;

import org.junit.jupiter.api.Test;
import org.legoemu.abi.GuestFault;
import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.GuestMemoryAccess;
import org.legoemu.abi.TlbShootdown;
import org.legoemu.abi.linux.Errno;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** futex(2) semantics of {@link Futexes}: value check, wake counts, bitsets, requeue, timeouts, interruption. */
class FutexesTest
{
    private static final long A = 0x1000;
    private static final long B = 0x1008;
    private static final long UNMAPPED = 0x9000;

    /** One zeroed read-write page at 0x1000. */
    private static final class OnePage implements GuestMemory
    {
        private final byte[] page = new byte[PAGE_SIZE];

        @Override
        public byte[] page(final long vaddr, final int access)
        {
            if ((vaddr >>> PAGE_SHIFT) != 1)
            {
                throw GuestFault.segv(vaddr, "unmapped");
            }
            return page;
        }

        @Override
        public void addShootdownListener(final TlbShootdown listener)
        {
        }

        @Override
        public void removeShootdownListener(final TlbShootdown listener)
        {
        }
    }

    private final OnePage memory = new OnePage();
    private final Futexes futexes = new Futexes(memory);

    private CompletableFuture<Integer> waitInBackground(final long address, final int expected, final int bitset)
    {
        final CompletableFuture<Integer> result = CompletableFuture.supplyAsync(
            () -> futexes.await(address, expected, bitset, Long.MAX_VALUE));
        while (futexes.waiters(address) == 0 && !result.isDone())
        {
            Thread.onSpinWait();
        }
        return result;
    }

    @Test
    void waitReturnsEagainWhenTheWordChanged()
    {
        GuestMemoryAccess.writeInt(memory, A, 7);
        assertEquals(-Errno.EAGAIN, futexes.await(A, 6, Futexes.MATCH_ANY, Long.MAX_VALUE));
    }

    @Test
    void waitTimesOut()
    {
        assertEquals(-Errno.ETIMEDOUT, futexes.await(A, 0, Futexes.MATCH_ANY, System.nanoTime() + 5_000_000));
        assertEquals(0, futexes.waiters(A));
    }

    @Test
    void wakeWakesAtMostCountWaitersOldestFirst() throws Exception
    {
        final CompletableFuture<Integer> first = waitInBackground(A, 0, Futexes.MATCH_ANY);
        final CompletableFuture<Integer> second = CompletableFuture.supplyAsync(
            () -> futexes.await(A, 0, Futexes.MATCH_ANY, Long.MAX_VALUE));
        while (futexes.waiters(A) < 2)
        {
            Thread.onSpinWait();
        }
        assertEquals(1, futexes.wake(A, 1, Futexes.MATCH_ANY));
        assertEquals(0, first.get(5, TimeUnit.SECONDS));
        assertFalse(second.isDone());
        assertEquals(1, futexes.wake(A, Integer.MAX_VALUE, Futexes.MATCH_ANY));
        assertEquals(0, second.get(5, TimeUnit.SECONDS));
        assertEquals(0, futexes.wake(A, 1, Futexes.MATCH_ANY), "nobody left");
    }

    @Test
    void wakeBitsetOnlyWakesWaitersWithACommonBit() throws Exception
    {
        final CompletableFuture<Integer> waiter = waitInBackground(A, 0, 0b01);
        assertEquals(0, futexes.wake(A, 1, 0b10));
        assertEquals(1, futexes.wake(A, 1, 0b11));
        assertEquals(0, waiter.get(5, TimeUnit.SECONDS));
    }

    @Test
    void cmpRequeueWakesSomeAndMovesTheRest() throws Exception
    {
        final CompletableFuture<Integer> first = waitInBackground(A, 0, Futexes.MATCH_ANY);
        final CompletableFuture<Integer> second = CompletableFuture.supplyAsync(
            () -> futexes.await(A, 0, Futexes.MATCH_ANY, Long.MAX_VALUE));
        while (futexes.waiters(A) < 2)
        {
            Thread.onSpinWait();
        }
        assertEquals(-Errno.EAGAIN, futexes.requeue(A, 1, 1, B, true, 5), "word is 0, not 5");
        assertEquals(2, futexes.requeue(A, 1, 1, B, true, 0));
        assertEquals(0, first.get(5, TimeUnit.SECONDS));
        assertEquals(0, futexes.waiters(A));
        assertEquals(1, futexes.waiters(B));
        assertEquals(1, futexes.wake(B, 1, Futexes.MATCH_ANY));
        assertEquals(0, second.get(5, TimeUnit.SECONDS));
    }

    @Test
    void interruptedWaitReturnsEintr() throws Exception
    {
        final Thread[] waiterThread = new Thread[1];
        final CompletableFuture<Integer> result = new CompletableFuture<>();
        waiterThread[0] = new Thread(() -> result.complete(futexes.await(A, 0, Futexes.MATCH_ANY, Long.MAX_VALUE)));
        waiterThread[0].start();
        while (futexes.waiters(A) == 0)
        {
            Thread.onSpinWait();
        }
        waiterThread[0].interrupt();
        assertEquals(-Errno.EINTR, result.get(5, TimeUnit.SECONDS));
        assertEquals(0, futexes.waiters(A));
    }

    @Test
    void badArgumentsAreRejected()
    {
        assertEquals(-Errno.EINVAL, futexes.await(A + 2, 0, Futexes.MATCH_ANY, Long.MAX_VALUE), "misaligned");
        assertEquals(-Errno.EINVAL, futexes.await(A, 0, 0, Long.MAX_VALUE), "empty bitset");
        assertEquals(-Errno.EINVAL, futexes.wake(A, 1, 0), "empty bitset");
        assertEquals(-Errno.EINVAL, futexes.requeue(A, 1, 1, B + 1, false, 0), "misaligned target");
        assertThrows(GuestFault.class, () -> futexes.await(UNMAPPED, 0, Futexes.MATCH_ANY, Long.MAX_VALUE));
    }
}
