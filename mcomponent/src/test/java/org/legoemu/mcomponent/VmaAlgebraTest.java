package org.legoemu.mcomponent;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.legoemu.abi.linux.Errno;
import org.legoemu.mcomponent.home.AddressSpace;
import org.legoemu.mcomponent.owner.ProcessPages;
import org.legoemu.mcomponent.vm.AddressLayout;
import org.legoemu.mcomponent.vm.Mman;
import org.legoemu.mcomponent.vm.VmException;
import org.legoemu.mcomponent.vm.Vma;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * mmap/munmap/mprotect on the home's VMA list and on the owner's copy, against a model that maps each page to its
 * protection (mmap(2), munmap(2), mprotect(2)).
 */
class VmaAlgebraTest
{
    private static final long PAGE = AddressLayout.PAGE_SIZE;
    private static final int WINDOW_PAGES = 64;
    private static final long WINDOW_START = AddressLayout.MMAP_BASE - WINDOW_PAGES * PAGE;
    private static final int PID = 1000;
    private static final int PCOMPONENT = 7;
    private static final int ANON_PRIVATE = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;

    enum Kind
    {
        MAP_FIXED, MAP_TOPDOWN, MAP_HINT, MAP_NOREPLACE, UNMAP, PROTECT
    }

    record Op(Kind kind, int pageOffset, int pages, int prot)
    {
    }

    @Provide
    Arbitrary<List<Op>> ops()
    {
        final Arbitrary<Op> op = Combinators.combine(
            Arbitraries.of(Kind.class),
            Arbitraries.integers().between(0, WINDOW_PAGES - 1),
            Arbitraries.integers().between(1, 16),
            Arbitraries.integers().between(0, 7)).as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(30);
    }

    @Property(tries = 300)
    void homeAndOwnerAgreeWithPageModel(@ForAll("ops") final List<Op> ops)
    {
        try (LocalCluster cluster = new LocalCluster(4096L * PAGE, java.nio.file.Path.of(".")))
        {
            final AddressSpace space = new AddressSpace(PID, PCOMPONENT, cluster.router);
            final TreeMap<Long, Integer> model = new TreeMap<>();
            for (final Op op : ops)
            {
                apply(space, model, op);
                assertSameAsModel(space.vmas(), model, "home after " + op);
                assertSameAsModel(cluster.stores.get(PID) == null ? List.of() : cluster.stores.get(PID).vmas(),
                    model, "owner after " + op);
                assertMergedAndSorted(space.vmas());
                touchFirstPage(cluster, model);
                assertTrue(cluster.pool.framesInUse() <= model.size(), "frames of unmapped pages were freed");
            }
            cluster.router.releaseEverywhere(space);
            assertEquals(0, cluster.pool.framesInUse());
        }
    }

    private static void touchFirstPage(final LocalCluster cluster, final TreeMap<Long, Integer> model)
    {
        if (!model.isEmpty())
        {
            final long page = model.firstKey();
            final int prot = model.get(page);
            final int result = cluster.stores.get(PID).resolve(page, Mman.PROT_READ);
            if ((prot & Mman.PROT_READ) != 0)
            {
                assertTrue(result >= 0);
            }
            else
            {
                assertEquals(-Errno.EACCES, result);
            }
        }
    }

    private static void apply(final AddressSpace space, final TreeMap<Long, Integer> model, final Op op)
    {
        final long addr = WINDOW_START + op.pageOffset() * PAGE;
        final long length = op.pages() * PAGE;
        switch (op.kind())
        {
            case MAP_FIXED:
                assertEquals(addr, space.mmap(addr, length, op.prot(), ANON_PRIVATE | Mman.MAP_FIXED));
                put(model, addr, op.pages(), op.prot());
                break;
            case MAP_NOREPLACE:
                if (isFree(model, addr, op.pages()))
                {
                    assertEquals(addr, space.mmap(addr, length, op.prot(), ANON_PRIVATE | Mman.MAP_FIXED_NOREPLACE));
                    put(model, addr, op.pages(), op.prot());
                }
                else
                {
                    expectErrno(Errno.EEXIST,
                        () -> space.mmap(addr, length, op.prot(), ANON_PRIVATE | Mman.MAP_FIXED_NOREPLACE));
                }
                break;
            case MAP_TOPDOWN:
            {
                final long expected = topDown(model, op.pages());
                assertEquals(expected, space.mmap(0, length - 1, op.prot(), ANON_PRIVATE), "top-down placement");
                put(model, expected, op.pages(), op.prot());
                break;
            }
            case MAP_HINT:
            {
                final long expected = isFree(model, addr, op.pages()) ? addr : topDown(model, op.pages());
                assertEquals(expected, space.mmap(addr, length, op.prot(), ANON_PRIVATE), "hinted placement");
                put(model, expected, op.pages(), op.prot());
                break;
            }
            case UNMAP:
                space.munmap(addr, length);
                for (int i = 0; i < op.pages(); i++)
                {
                    model.remove(addr + i * PAGE);
                }
                break;
            case PROTECT:
                if (isFullyMapped(model, addr, op.pages()))
                {
                    space.mprotect(addr, length, op.prot());
                    put(model, addr, op.pages(), op.prot());
                }
                else
                {
                    final Map<Long, Integer> before = new TreeMap<>(model);
                    expectErrno(Errno.ENOMEM, () -> space.mprotect(addr, length, op.prot()));
                    assertEquals(before, model);
                }
                break;
            default:
                fail("unknown op");
        }
    }

    private static long topDown(final TreeMap<Long, Integer> model, final int pages)
    {
        for (long start = AddressLayout.MMAP_BASE - pages * PAGE; start >= 0; start -= PAGE)
        {
            if (isFree(model, start, pages))
            {
                return start;
            }
        }
        throw new AssertionError("no room");
    }

    private static boolean isFree(final TreeMap<Long, Integer> model, final long addr, final int pages)
    {
        for (int i = 0; i < pages; i++)
        {
            if (model.containsKey(addr + i * PAGE))
            {
                return false;
            }
        }
        return true;
    }

    private static boolean isFullyMapped(final TreeMap<Long, Integer> model, final long addr, final int pages)
    {
        for (int i = 0; i < pages; i++)
        {
            if (!model.containsKey(addr + i * PAGE))
            {
                return false;
            }
        }
        return true;
    }

    private static void put(final TreeMap<Long, Integer> model, final long addr, final int pages, final int prot)
    {
        for (int i = 0; i < pages; i++)
        {
            model.put(addr + i * PAGE, prot);
        }
    }

    private static void assertSameAsModel(final List<Vma> vmas, final TreeMap<Long, Integer> model, final String when)
    {
        final TreeMap<Long, Integer> actual = new TreeMap<>();
        for (final Vma v : vmas)
        {
            for (long p = v.start(); p < v.end(); p += PAGE)
            {
                actual.put(p, v.prot());
            }
        }
        assertEquals(model, actual, when);
    }

    private static void assertMergedAndSorted(final List<Vma> vmas)
    {
        for (int i = 1; i < vmas.size(); i++)
        {
            final Vma a = vmas.get(i - 1);
            final Vma b = vmas.get(i);
            assertTrue(a.end() <= b.start(), "sorted, non-overlapping");
            assertTrue(a.end() < b.start() || a.prot() != b.prot() || a.flags() != b.flags(),
                "adjacent equal VMAs merged: " + a + " " + b);
        }
    }

    private static void expectErrno(final int errno, final Runnable call)
    {
        final VmException ex = assertThrows(VmException.class, call::run);
        assertEquals(errno, ex.errno(), ex.getMessage());
    }

    @Test
    void mmapArgumentErrors()
    {
        try (LocalCluster cluster = new LocalCluster(16 * PAGE, java.nio.file.Path.of(".")))
        {
            final AddressSpace space = new AddressSpace(PID, PCOMPONENT, cluster.router);
            expectErrno(Errno.EINVAL, () -> space.mmap(0, 0, Mman.PROT_READ, ANON_PRIVATE));
            expectErrno(Errno.EINVAL, () -> space.mmap(WINDOW_START + 1, PAGE, Mman.PROT_READ,
                ANON_PRIVATE | Mman.MAP_FIXED));
            expectErrno(Errno.ENODEV, () -> space.mmap(0, PAGE, Mman.PROT_READ, Mman.MAP_PRIVATE));
            expectErrno(Errno.EINVAL, () -> space.mmap(0, PAGE, Mman.PROT_READ, Mman.MAP_ANONYMOUS));
            expectErrno(Errno.ENOMEM, () -> space.mmap(AddressLayout.TASK_SIZE, PAGE, Mman.PROT_READ,
                ANON_PRIVATE | Mman.MAP_FIXED));
            expectErrno(Errno.EINVAL, () -> space.munmap(WINDOW_START + 8, PAGE));
            expectErrno(Errno.EINVAL, () -> space.munmap(WINDOW_START, 0));
            expectErrno(Errno.EINVAL, () -> space.mprotect(WINDOW_START + 8, PAGE, Mman.PROT_READ));
            final long shared = space.mmap(0, PAGE, Mman.PROT_READ, Mman.MAP_SHARED | Mman.MAP_ANONYMOUS);
            assertNotNull(space.find(shared));
            space.munmap(WINDOW_START - 100 * PAGE, PAGE);
        }
    }

    @Test
    void brkGrowsShrinksAndFailsWithoutChange()
    {
        try (LocalCluster cluster = new LocalCluster(64 * PAGE, java.nio.file.Path.of(".")))
        {
            final AddressSpace space = new AddressSpace(PID, PCOMPONENT, cluster.router);
            final long heap = 0x20_0000L;
            space.initBrk(heap);
            assertEquals(heap, space.brk(0), "brk(0) returns the current break");
            assertEquals(heap, space.brk(heap - PAGE), "below the start fails");

            assertEquals(heap + 3 * PAGE + 5, space.brk(heap + 3 * PAGE + 5));
            final Vma vma = space.find(heap);
            assertEquals(new Vma(heap, heap + 4 * PAGE, Mman.PROT_READ | Mman.PROT_WRITE, ANON_PRIVATE), vma);
            final ProcessPages owner = cluster.stores.get(PID);
            assertTrue(owner.resolve(heap + 3 * PAGE, Mman.PROT_WRITE) >= 0);

            assertEquals(heap + PAGE, space.brk(heap + PAGE));
            assertEquals(heap + PAGE, space.find(heap).end());
            assertEquals(null, space.find(heap + PAGE));
            assertEquals(-Errno.EFAULT, owner.resolve(heap + 3 * PAGE, Mman.PROT_READ));
            assertEquals(0, cluster.pool.framesInUse(), "shrinking freed the frame");

            space.mmap(heap + 4 * PAGE, PAGE, Mman.PROT_READ, ANON_PRIVATE | Mman.MAP_FIXED);
            assertEquals(heap + PAGE, space.brk(heap + 8 * PAGE), "growing into a mapping fails");
            assertEquals(heap + PAGE, space.currentBrk());
            assertEquals(heap + 4 * PAGE, space.brk(heap + 4 * PAGE), "growing up to the mapping works");
        }
    }
}
