package org.legoemu.pcomponent.excache;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongHashSet;
import org.legoemu.abi.GuestMemory;
import org.legoemu.pcomponent.memory.FreshRanges;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Stateful property: random loads and stores (through {@link ExCache#access} and writes into the returned line,
 * kept in a per-process TLB model that drops lines on shootdown, as a hart's does), munmap-style invalidation
 * (no write-back, the memory side forgets the pages), mprotect-style invalidation (write-back), anonymous mmap
 * whose pages are fresh (the memory side holds none of them and the ExCache zero-fills them on their first miss,
 * as {@link org.legoemu.pcomponent.memory.ProcessMemory} does), process exit and fork (the parent's dirty lines
 * written back, then the other process replaced by a child whose memory side holds a copy of the parent's pages,
 * as the home's eager copy does), on two processes, for random
 * sizes, associativity from direct-mapped to fully associative, every policy, victim buffers of 0 to 8 lines and
 * every prefetcher mode ({@link PrefetchMode}, depth 1 to 4: prefetches run on their own thread and overlap the
 * accesses, evictions and write-backs that follow them). Every load must equal a flat model memory (so no write-back
 * is lost and no stale line is read), and every page's first miss after a fresh mapping is a zero-fill, never a fetch
 * of that page.
 */
class ExCacheModelTest
{
    private static final int PAGES = 24;
    private static final int PIDS = 2;
    private static final ConcurrentLinkedQueue<ExCache> OPEN = new ConcurrentLinkedQueue<>();

    /** One process: its model memory, its backend (the mComponent) and its hart's TLB. */
    static final class Process
    {
        final int pid;
        final byte[] model = new byte[PAGES * GuestMemory.PAGE_SIZE];
        final Long2ObjectHashMap<byte[]> readTlb = new Long2ObjectHashMap<>();
        final Long2ObjectHashMap<byte[]> writeTlb = new Long2ObjectHashMap<>();
        final FreshRanges fresh = new FreshRanges();
        /** Pages mapped fresh and neither accessed nor invalidated since. */
        final LongHashSet untouchedFresh = new LongHashSet();
        SyncModelBackend backend;

        Process(final int pid)
        {
            this.pid = pid;
        }

        SyncModelBackend newBackend()
        {
            readTlb.clear();
            writeTlb.clear();
            backend = new SyncModelBackend()
            {
                @Override
                public void shootdown(final long vpn)
                {
                    travel(); // a hart's safepoint handshake takes time too
                    synchronized (this)
                    {
                        readTlb.remove(vpn);
                        writeTlb.remove(vpn);
                    }
                }
            };
            backend.sameOwner = pid % 2 == 0;
            backend.fresh = fresh;
            return backend;
        }
    }

    /** The system under test and its model. */
    static final class Model
    {
        final ExCache cache;
        final Process[] processes = new Process[PIDS];
        final String description;

        Model(final int lines, final int ways, final int policy, final int victims, final PrefetchMode prefetch,
            final int depth)
        {
            final EvictionPolicy p =
                policy == 0 ? new FifoPolicy() : policy == 1 ? new LruPolicy() : new RandomPolicy(3);
            cache = new ExCache((long)lines * GuestMemory.PAGE_SIZE, ways, p, victims);
            cache.prefetch(prefetch, depth);
            OPEN.add(cache);
            description = lines + " lines, " + ways + " ways, " + p.getClass().getSimpleName() + ", " + victims
                + " victims, prefetch " + prefetch.label() + " x" + depth;
            for (int i = 0; i < PIDS; i++)
            {
                processes[i] = new Process(100 + i);
                cache.attach(processes[i].pid, processes[i].newBackend());
            }
        }

        void load(final int which, final int address)
        {
            final Process p = processes[which];
            final long vpn = address >>> GuestMemory.PAGE_SHIFT;
            byte[] line = p.writeTlb.get(vpn);
            if (line == null)
            {
                line = p.readTlb.get(vpn);
            }
            if (line == null)
            {
                line = access(p, address, GuestMemory.ACCESS_READ);
                p.readTlb.put(vpn, line);
            }
            assertEquals(p.model[address], line[address & 0xfff], () -> "load of 0x" + Integer.toHexString(address)
                + " by pid " + p.pid + " with " + description);
        }

        void store(final int which, final int address, final byte value)
        {
            final Process p = processes[which];
            final long vpn = address >>> GuestMemory.PAGE_SHIFT;
            byte[] line = p.writeTlb.get(vpn);
            if (line == null)
            {
                line = access(p, address, GuestMemory.ACCESS_WRITE);
                p.writeTlb.put(vpn, line);
            }
            line[address & 0xfff] = value;
            p.model[address] = value;
        }

        /** munmap(2) then a fresh mapping: the cached lines are dropped and the memory side's pages freed. */
        void munmap(final int which, final int firstPage, final int pages)
        {
            final Process p = processes[which];
            final long start = (long)firstPage << GuestMemory.PAGE_SHIFT;
            final long end = (long)(firstPage + pages) << GuestMemory.PAGE_SHIFT;
            p.fresh.remove(start, end);
            forgetUntouched(p, firstPage, pages);
            cache.invalidate(p.pid, start, end, false);
            synchronized (p.backend)
            {
                for (long a = start; a < end; a += GuestMemory.PAGE_SIZE)
                {
                    p.backend.pages.remove(a);
                }
            }
            Arrays.fill(p.model, (int)start, (int)end, (byte)0);
        }

        /**
         * mprotect(2) to the same protection: dirty lines are written back, so the memory side then holds exactly
         * the model's bytes, and untouched fresh pages stay fresh (their next miss still zero-fills).
         */
        void mprotect(final int which, final int firstPage, final int pages)
        {
            final Process p = processes[which];
            final long start = (long)firstPage << GuestMemory.PAGE_SHIFT;
            final long end = start + ((long)pages << GuestMemory.PAGE_SHIFT);
            p.fresh.suspend(start, end);
            cache.invalidate(p.pid, start, end, true);
            p.fresh.resume(start, end, GuestMemory.ACCESS_READ | GuestMemory.ACCESS_WRITE);
            for (int page = firstPage; page < firstPage + pages; page++)
            {
                final int from = page * GuestMemory.PAGE_SIZE;
                assertArrayEquals(Arrays.copyOfRange(p.model, from, from + GuestMemory.PAGE_SIZE),
                    p.backend.page(from), "page " + page + " of pid " + p.pid + " after mprotect with " + description);
            }
        }

        /**
         * An anonymous mmap(MAP_FIXED) over the range: as munmap, then the pages are fresh, so each one's next miss
         * must create it zeroed without asking the memory side.
         */
        void mmapFresh(final int which, final int firstPage, final int pages)
        {
            munmap(which, firstPage, pages);
            final Process p = processes[which];
            final long start = (long)firstPage << GuestMemory.PAGE_SHIFT;
            final long end = (long)(firstPage + pages) << GuestMemory.PAGE_SHIFT;
            p.fresh.add(start, end, GuestMemory.ACCESS_READ | GuestMemory.ACCESS_WRITE);
            for (long vpn = start >>> GuestMemory.PAGE_SHIFT; vpn < end >>> GuestMemory.PAGE_SHIFT; vpn++)
            {
                p.untouchedFresh.add(vpn);
            }
        }

        /** Looks the line up in the ExCache; the first miss on an untouched fresh page must not fetch. */
        private byte[] access(final Process p, final int address, final int access)
        {
            final long vpn = address >>> GuestMemory.PAGE_SHIFT;
            final int fetchesBefore;
            synchronized (p.backend)
            {
                fetchesBefore = p.backend.fetched.size();
            }
            final byte[] line = cache.access(p.pid, address, access);
            if (p.untouchedFresh.remove(vpn))
            {
                synchronized (p.backend)
                {
                    final List<Long> since = p.backend.fetched.subList(fetchesBefore, p.backend.fetched.size());
                    assertFalse(since.contains(vpn << GuestMemory.PAGE_SHIFT), () -> "fresh page " + vpn + " of pid "
                        + p.pid + " was fetched instead of zero-filled with " + description);
                }
            }
            return line;
        }

        private static void forgetUntouched(final Process p, final int firstPage, final int pages)
        {
            for (int page = firstPage; page < firstPage + pages; page++)
            {
                p.untouchedFresh.remove((long)page);
            }
        }

        /** The process exits and a new one with the same pid starts from zeroed memory. */
        void exitAndRestart(final int which)
        {
            final Process p = processes[which];
            cache.detach(p.pid);
            p.fresh.remove(0, (long)PAGES << GuestMemory.PAGE_SHIFT);
            p.untouchedFresh.clear();
            Arrays.fill(p.model, (byte)0);
            cache.attach(p.pid, p.newBackend());
        }

        /**
         * fork(2): the parent's dirty lines are written back (its lines may stay cached, its fresh pages stay fresh),
         * then the other slot becomes its child: a new ExCache tenant whose memory side holds a copy of the parent's
         * pages (what P2M_FORK copies), no fresh range, and the parent's bytes.
         */
        void fork(final int which)
        {
            final Process parent = processes[which];
            final Process child = processes[1 - which];
            cache.invalidate(parent.pid, 0, (long)PAGES << GuestMemory.PAGE_SHIFT, true);
            cache.detach(child.pid);
            child.fresh.remove(0, (long)PAGES << GuestMemory.PAGE_SHIFT);
            child.untouchedFresh.clear();
            System.arraycopy(parent.model, 0, child.model, 0, parent.model.length);
            final SyncModelBackend backend = child.newBackend();
            synchronized (parent.backend)
            {
                parent.backend.pages.forEach((vaddr, page) -> backend.pages.put(vaddr, page.clone()));
            }
            cache.attach(child.pid, backend);
        }

        /**
         * Two threads of process {@code which} at once, the first on even pages, the second on odd ones, each copying
         * bytes in and out through the kernel's path ({@link ExCache#copyIn}/{@link ExCache#copyOut}), with transfers
         * slow enough (a few microseconds, a network trip) that their misses, evictions and write-backs overlap. Each
         * load must equal the model; a line evicted dirty by one thread and missed on again by the other while its
         * write-back is in flight must not be read stale, and no write-back may be lost.
         */
        void threads(final int which, final List<int[]> first, final List<int[]> second)
        {
            final Process p = processes[which];
            for (final List<int[]> accesses : List.of(first, second))
            {
                for (final int[] a : accesses)
                {
                    p.untouchedFresh.remove((long)(a[0] >>> GuestMemory.PAGE_SHIFT));
                }
            }
            p.backend.transferDelayNs = 5_000;
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread[] threads = new Thread[2];
            final List<List<int[]>> bodies = List.of(first, second);
            for (int t = 0; t < 2; t++)
            {
                final List<int[]> accesses = bodies.get(t);
                threads[t] = new Thread(() ->
                {
                    try
                    {
                        run(p, accesses);
                    }
                    catch (final Throwable ex)
                    {
                        failure.compareAndSet(null, ex);
                    }
                }, "model-thread-" + t);
                threads[t].start();
            }
            try
            {
                for (final Thread thread : threads)
                {
                    thread.join();
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            finally
            {
                p.backend.transferDelayNs = 0;
            }
            if (failure.get() instanceof AssertionError error)
            {
                throw error;
            }
            if (failure.get() != null)
            {
                throw new IllegalStateException("thread step failed", failure.get());
            }
        }

        /** One thread's accesses {address, value, store 1 / load 0} through the kernel's copy path. */
        private void run(final Process p, final List<int[]> accesses)
        {
            final byte[] one = new byte[1];
            for (final int[] a : accesses)
            {
                final int address = a[0];
                if (a[2] == 1)
                {
                    one[0] = (byte)a[1];
                    cache.copyIn(p.pid, address, one, 0, 1);
                    p.model[address] = (byte)a[1];
                }
                else
                {
                    cache.copyOut(p.pid, address, one, 0, 1);
                    assertEquals(p.model[address], one[0], () -> "thread load of 0x" + Integer.toHexString(address) +
                        " by pid " + p.pid + " with " + description);
                }
            }
        }

        @Override
        public String toString()
        {
            return description;
        }
    }

    @AfterTry
    void closeCaches()
    {
        ExCache cache;
        while ((cache = OPEN.poll()) != null)
        {
            cache.close();
        }
    }

    @Property(tries = 300)
    void everyLoadSeesTheModel(@ForAll("chains") final ActionChain<Model> chain)
    {
        chain.run();
    }

    @Provide
    Arbitrary<ActionChain<Model>> chains()
    {
        final Arbitrary<Integer> linesLog2 = Arbitraries.integers().between(0, 4);
        final Arbitrary<Integer> policy = Arbitraries.integers().between(0, 2);
        final Arbitrary<Integer> victims = Arbitraries.of(0, 1, 2, 3, 8);
        final Arbitrary<Double> waysFraction = Arbitraries.doubles().between(0, 1);
        final Arbitrary<PrefetchMode> prefetch = Arbitraries.of(PrefetchMode.values());
        final Arbitrary<Integer> depth = Arbitraries.integers().between(1, 4);
        return Combinators.combine(linesLog2, waysFraction, policy, victims, prefetch, depth).flatAs(
            (log2, fraction, pol, vic, mode, dep) ->
        {
            final int lines = 1 << log2;
            final int ways = 1 << (int)Math.round(fraction * log2);
            return ActionChain.startWith(() -> new Model(lines, ways, pol, vic, mode, dep))
                .withAction(6, load())
                .withAction(6, store())
                .withAction(1, range("munmap", Model::munmap))
                .withAction(1, range("mprotect", Model::mprotect))
                .withAction(1, range("mmap-fresh", Model::mmapFresh))
                .withAction(1, exit())
                .withAction(1, fork())
                .withAction(2, threads())
                .withMaxTransformations(120);
        });
    }

    private static Arbitrary<Integer> pid()
    {
        return Arbitraries.integers().between(0, PIDS - 1);
    }

    private static Arbitrary<Integer> address()
    {
        return Arbitraries.integers().between(0, PAGES * GuestMemory.PAGE_SIZE - 1);
    }

    private static Action.Independent<Model> load()
    {
        return () -> Combinators.combine(pid(), address()).as((pid, address) ->
            Transformer.mutate("load " + pid + ":0x" + Integer.toHexString(address), (m) -> m.load(pid, address)));
    }

    private static Action.Independent<Model> store()
    {
        return () -> Combinators.combine(pid(), address(), Arbitraries.bytes()).as((pid, address, value) ->
            Transformer.mutate("store " + pid + ":0x" + Integer.toHexString(address) + "=" + value,
                (m) -> m.store(pid, address, value)));
    }

    /** An operation on {@code [firstPage, firstPage + pages)} of one process. */
    interface RangeOp
    {
        void apply(Model model, int which, int firstPage, int pages);
    }

    private static Action.Independent<Model> range(final String name, final RangeOp op)
    {
        return () -> Combinators.combine(pid(), Arbitraries.integers().between(0, PAGES - 1),
            Arbitraries.integers().between(1, 6)).as((pid, first, n) ->
        {
            final int pages = Math.min(n, PAGES - first);
            return Transformer.mutate(
                name + " " + pid + ":" + first + "+" + pages, (m) -> op.apply(m, pid, first, pages));
        });
    }

    /** Accesses {address, value, store} to pages of one parity: a few offsets per page, so loads meet stores. */
    private static Arbitrary<List<int[]>> accesses(final int parity)
    {
        final Arbitrary<Integer> address = Combinators.combine(
            Arbitraries.integers().between(0, PAGES / 2 - 1), Arbitraries.of(0, 1, 2048, GuestMemory.PAGE_SIZE - 1))
            .as((half, offset) -> (2 * half + parity) * GuestMemory.PAGE_SIZE + offset);
        return Combinators.combine(address, Arbitraries.bytes(), Arbitraries.integers().between(0, 1))
            .as((a, v, store) -> new int[]{a, v, store}).list().ofMinSize(1).ofMaxSize(16);
    }

    private static String describe(final List<int[]> accesses)
    {
        final StringBuilder text = new StringBuilder();
        for (final int[] a : accesses)
        {
            text.append(a[2] == 1 ? " st 0x" : " ld 0x").append(Integer.toHexString(a[0]))
                .append(a[2] == 1 ? "=" + a[1] : "");
        }
        return text.toString();
    }

    private static Action.Independent<Model> threads()
    {
        return () -> Combinators.combine(pid(), accesses(0), accesses(1)).as((pid, first, second) ->
            Transformer.mutate("threads " + pid + ":" + describe(first) + " |" + describe(second),
                (m) -> m.threads(pid, first, second)));
    }

    private static Action.Independent<Model> fork()
    {
        return () -> pid().map((pid) -> Transformer.mutate("fork " + pid, (m) -> m.fork(pid)));
    }

    private static Action.Independent<Model> exit()
    {
        return () -> pid().map((pid) -> Transformer.mutate("exit " + pid, (m) -> m.exitAndRestart(pid)));
    }
}
