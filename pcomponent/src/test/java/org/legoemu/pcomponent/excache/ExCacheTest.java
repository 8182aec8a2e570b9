package org.legoemu.pcomponent.excache;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.agrona.collections.Long2ObjectHashMap;
import org.legoemu.abi.GuestFault;
import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.Signal;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExCacheTest
{
    private static final int PID = 1000;
    private static final int RW = GuestMemory.ACCESS_READ | GuestMemory.ACCESS_WRITE;

    /** The memory side as a model: pages by line address, all read-write unless listed read-only. */
    static class ModelBackend implements LineBackend
    {
        final Long2ObjectHashMap<byte[]> pages = new Long2ObjectHashMap<>();
        final List<Long> fetched = new ArrayList<>();
        final List<Long> flushed = new ArrayList<>();
        final List<Long> shotDown = new ArrayList<>();
        long readOnlyLine = -1;

        @Override
        public int fetch(final long vaddr, final int access, final byte[] line)
        {
            fetched.add(vaddr);
            final byte[] page = pages.get(vaddr);
            if (page == null)
            {
                java.util.Arrays.fill(line, (byte)0);
            }
            else
            {
                System.arraycopy(page, 0, line, 0, line.length);
            }
            return vaddr == readOnlyLine ? GuestMemory.ACCESS_READ : RW;
        }

        @Override
        public void flush(final long vaddr, final byte[] line)
        {
            flushed.add(vaddr);
            pages.put(vaddr, line.clone());
        }

        @Override
        public void shootdown(final long vpn)
        {
            shotDown.add(vpn);
        }
    }

    private static long line(final int n)
    {
        return (long)n << GuestMemory.PAGE_SHIFT;
    }

    @Test
    void hitReturnsTheSameLineWithoutAFetch()
    {
        final ModelBackend backend = new ModelBackend();
        final ExCache cache = new ExCache(16 * 4096, 4, new FifoPolicy());
        cache.attach(PID, backend);
        final byte[] first = cache.access(PID, line(3) + 17, GuestMemory.ACCESS_READ);
        final byte[] second = cache.access(PID, line(3) + 99, GuestMemory.ACCESS_READ);
        assertSame(first, second);
        assertEquals(List.of(line(3)), backend.fetched);
        assertEquals(1, cache.stats().misses());
        assertEquals(1, cache.stats().hits());
        assertEquals(4096, cache.stats().bytesFetched());
    }

    @Test
    void dirtyVictimIsWrittenBackAndShotDownCleanOneIsDropped()
    {
        final ModelBackend backend = new ModelBackend();
        final ExCache cache = new ExCache(2 * 4096, 1, new FifoPolicy()); // 2 sets, direct-mapped
        cache.attach(PID, backend);
        cache.access(PID, line(0), GuestMemory.ACCESS_WRITE)[5] = 42;   // set 0, dirty
        cache.access(PID, line(1), GuestMemory.ACCESS_READ);             // set 1, clean
        cache.access(PID, line(2), GuestMemory.ACCESS_READ);             // evicts line 0 (dirty)
        cache.access(PID, line(3), GuestMemory.ACCESS_READ);             // evicts line 1 (clean)
        assertEquals(List.of(line(0)), backend.flushed);
        assertEquals(42, backend.pages.get(line(0))[5]);
        assertEquals(List.of(0L, 1L), backend.shotDown);
        assertEquals(2, cache.stats().evictions());
        assertEquals(1, cache.stats().flushes());
        assertEquals(1, cache.stats().cleanDrops());
        assertEquals(42, cache.access(PID, line(0), GuestMemory.ACCESS_READ)[5], "written-back data comes back");
    }

    @Test
    void lruEvictsTheLeastRecentlyLookedUpLine()
    {
        final ModelBackend backend = new ModelBackend();
        final ExCache cache = new ExCache(2 * 4096, 2, new LruPolicy()); // one set of 2 ways
        cache.attach(PID, backend);
        cache.access(PID, line(0), GuestMemory.ACCESS_READ);
        cache.access(PID, line(1), GuestMemory.ACCESS_READ);
        cache.access(PID, line(0), GuestMemory.ACCESS_READ);
        cache.access(PID, line(2), GuestMemory.ACCESS_READ);
        assertEquals(List.of(1L), backend.shotDown, "line 1 was least recently used");
    }

    @Test
    void fifoEvictsInFillOrder()
    {
        final ModelBackend backend = new ModelBackend();
        final ExCache cache = new ExCache(2 * 4096, 2, new FifoPolicy());
        cache.attach(PID, backend);
        cache.access(PID, line(0), GuestMemory.ACCESS_READ);
        cache.access(PID, line(1), GuestMemory.ACCESS_READ);
        cache.access(PID, line(0), GuestMemory.ACCESS_READ);
        cache.access(PID, line(2), GuestMemory.ACCESS_READ);
        assertEquals(List.of(0L), backend.shotDown, "line 0 was filled first");
    }

    @Test
    void writeToReadOnlyLineIsSigsegvAtTheAccessedAddress()
    {
        final ModelBackend backend = new ModelBackend();
        backend.readOnlyLine = line(7);
        final ExCache cache = new ExCache(8 * 4096, 2, new FifoPolicy());
        cache.attach(PID, backend);
        final GuestFault fault = assertThrows(GuestFault.class,
            () -> cache.access(PID, line(7) + 0x123, GuestMemory.ACCESS_WRITE));
        assertEquals(Signal.SIGSEGV, fault.signal());
        assertEquals(line(7) + 0x123, fault.address());
    }

    @Test
    void backendFaultIsReportedAtTheAccessedAddressNotTheLine()
    {
        final ExCache cache = new ExCache(8 * 4096, 2, new FifoPolicy());
        cache.attach(PID, new ModelBackend()
        {
            @Override
            public int fetch(final long vaddr, final int access, final byte[] line)
            {
                throw GuestFault.segv(vaddr, "no mapping");
            }
        });
        final GuestFault fault = assertThrows(GuestFault.class, () -> cache.access(PID, 0x10, GuestMemory.ACCESS_READ));
        assertEquals(0x10, fault.address());
        assertEquals(0, cache.validLines());
    }

    @Test
    void invalidateWritesBackOnlyWhenAsked()
    {
        final ModelBackend backend = new ModelBackend();
        final ExCache cache = new ExCache(16 * 4096, 4, new FifoPolicy());
        cache.attach(PID, backend);
        for (int i = 0; i < 4; i++)
        {
            cache.access(PID, line(i), GuestMemory.ACCESS_WRITE)[0] = (byte)(i + 1);
        }
        assertEquals(2, cache.invalidate(PID, line(0), line(2), true));
        assertEquals(List.of(line(0), line(1)), backend.flushed);
        assertEquals(2, cache.invalidate(PID, line(2), line(4), false));
        assertEquals(2, backend.flushed.size(), "munmap-style invalidation drops dirty data");
        assertEquals(0, cache.validLines());
    }

    @Test
    void detachDropsEveryLineOfTheProcessOnly()
    {
        final ExCache cache = new ExCache(16 * 4096, 4, new FifoPolicy());
        cache.attach(PID, new ModelBackend());
        cache.attach(PID + 1, new ModelBackend());
        cache.access(PID, line(1), GuestMemory.ACCESS_WRITE);
        cache.access(PID + 1, line(1), GuestMemory.ACCESS_WRITE);
        assertEquals(1, cache.detach(PID));
        assertEquals(1, cache.validLines());
        assertEquals(1, cache.dirtyLines());
    }

    @Test
    void impossibleGeometryIsRejectedWithTheReason()
    {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ExCache(1000, 1, new FifoPolicy()))
            .getMessage().contains("multiple of 4 KiB"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ExCache(3 * 4096, 2, new FifoPolicy()))
            .getMessage().contains("ways"));
        assertThrows(IllegalArgumentException.class, () -> EvictionPolicy.named("mru"));
    }

    /** Whatever the geometry and policy, every byte read equals the last byte written (a flat model memory). */
    @Property(tries = 200)
    void readsAlwaysSeeTheLastWrite(
        @ForAll @IntRange(min = 0, max = 3) final int waysLog2,
        @ForAll @IntRange(min = 0, max = 3) final int setsLog2,
        @ForAll @IntRange(min = 0, max = 2) final int policy,
        @ForAll @Size(min = 1, max = 300) final List<@IntRange(min = 0, max = 40 * 4096 - 1) Integer> addresses)
    {
        final int ways = 1 << waysLog2;
        final int sets = 1 << setsLog2;
        final EvictionPolicy p = policy == 0 ? new FifoPolicy() : policy == 1 ? new LruPolicy() : new RandomPolicy(7);
        final ExCache cache = new ExCache((long)ways * sets * 4096, ways, p);
        cache.attach(PID, new ModelBackend());
        final byte[] model = new byte[40 * 4096];
        int step = 0;
        for (final int address : addresses)
        {
            step++;
            if (step % 3 == 0)
            {
                final byte value = (byte)(step * 31);
                cache.access(PID, address, GuestMemory.ACCESS_WRITE)[address & 0xfff] = value;
                model[address] = value;
            }
            else
            {
                assertEquals(model[address], cache.access(PID, address, GuestMemory.ACCESS_READ)[address & 0xfff]);
            }
        }
        for (int page = 0; page < 40; page++)
        {
            final byte[] expected = java.util.Arrays.copyOfRange(model, page * 4096, (page + 1) * 4096);
            assertArrayEquals(expected, cache.access(PID, line(page), GuestMemory.ACCESS_READ));
        }
    }
}
