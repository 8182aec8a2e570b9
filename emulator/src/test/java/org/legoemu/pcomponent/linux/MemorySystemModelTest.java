package org.legoemu.pcomponent.linux;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;
import org.legoemu.abi.GuestFault;
import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.Signal;
import org.legoemu.abi.linux.Errno;
import org.agrona.DirectBuffer;
import org.legoemu.emulator.EmbeddedCluster;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Reply;
import org.legoemu.fabric.RequestHandler;
import org.legoemu.fabric.Server;
import org.legoemu.fabric.Transport;
import org.legoemu.fabric.proxy.ExecImage;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.fabric.proxy.MemoryProxy;
import org.legoemu.fabric.proxy.Placement;
import org.legoemu.gmm.Replication;
import org.legoemu.gmm.VRegionPlacement;
import org.legoemu.mcomponent.MemoryMonitor;
import org.legoemu.pcomponent.excache.EvictionPolicy;
import org.legoemu.pcomponent.excache.ExCache;
import org.legoemu.pcomponent.excache.PrefetchMode;
import org.legoemu.pcomponent.memory.FailoverTimings;
import org.legoemu.pcomponent.memory.OwnerDirectory;
import org.legoemu.pcomponent.memory.ProcessMemory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Stateful property over the real memory system: an embedded in-JVM cluster (GMM, sComponent, 1 to 3 mComponents with
 * round-robin vRegion placement, replication off or log) and, on the pComponent side, an ExCache of random size,
 * associativity, policy, victim buffer, piggyback, zero-fill and prefetcher (none, sequential or stride, depth 2)
 * shared by two processes, each with its own {@link ProcessMemory}, {@link OwnerDirectory} and home
 * {@link MemoryProxy} as {@code ProcessorMonitor} builds them (its links to the owners slowed by a network trip,
 * {@link TripTransport}).
 * Random loads and stores (through {@link GuestMemory#page} and {@link GuestMemory#read}/{@link GuestMemory#write}),
 * anonymous mmap(MAP_FIXED), munmap, mprotect and brk (through the real {@link MemorySyscalls}), fork (the parent's
 * dirty lines written back, then P2M_FORK through the home, as {@code ProcessorMonitor}'s launcher does), exit and
 * two- and four-thread steps (threads of one process loading and storing on disjoint pages at once, so that their
 * misses, evictions and write-backs are in flight together on the pComponent) run against a flat
 * model memory per process. Every load equals the model; an access to an unmapped page, or one its protection
 * forbids, faults SIGSEGV; a fresh page reads zero. Each process has a 24-page window straddling the 1 GiB vRegion
 * boundary at 3 GiB (so with several mComponents its pages have two owners) and an 8-page heap above its brk.
 * After each chain every process exits and every mComponent must hold no frame.
 */
class MemorySystemModelTest
{
    private static final int PAGE = GuestMemory.PAGE_SIZE;
    private static final int WINDOW_PAGES = 24;
    private static final int HEAP_PAGES = 8;
    private static final int PAGES = WINDOW_PAGES + HEAP_PAGES;
    /** The window's first page: 12 pages below the vRegion boundary at 3 GiB. */
    private static final long WINDOW = (3L << 30) - 12L * PAGE;
    private static final int SLOTS = 2;
    private static final int UNMAPPED = -1;
    private static final int NO_RACE = -2;
    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_FIXED = 0x10;
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(20);
    private static final long DRAIN_NS = TimeUnit.SECONDS.toNanos(10);
    private static final String[] POLICIES = {"fifo", "lru", "random"};
    /** The network trip added to each call from the pComponent to an owner, ns. */
    private static final long TRIP_NS = 20_000;

    private static Path root;
    /** The system of the running try, closed after it whatever happened. */
    private static Model live;
    /** The setup of the running try, which its chain starts from. */
    private static Setup setup;

    /** One guest process: its pComponent-side memory stack and its model. */
    static final class Proc
    {
        final int pid;
        final GmmProxy gmm;
        final MemoryProxy home;
        final OwnerDirectory owners;
        final ProcessMemory memory;
        final LinuxProcess process;
        final MemorySyscalls vm;
        final long heapStart;
        /** Window pages then heap pages, as the guest should see them. */
        final byte[] bytes = new byte[PAGES * PAGE];
        /** PROT_ bits of each page, or {@link #UNMAPPED}. */
        final int[] prot = new int[PAGES];
        /**
         * The protection a page had before an mprotect that a thread step runs while another thread accesses the
         * page (either protection may then apply), or {@link #NO_RACE}.
         */
        final int[] racingProt = new int[PAGES];
        int heapPages;

        Proc(final Placement placement, final GmmProxy gmm, final MemoryProxy home, final OwnerDirectory owners,
            final ProcessMemory memory, final LinuxProcess process, final long heapStart)
        {
            this.pid = placement.pid();
            this.gmm = gmm;
            this.home = home;
            this.owners = owners;
            this.memory = memory;
            this.process = process;
            this.vm = new MemorySyscalls(process);
            this.heapStart = heapStart;
            Arrays.fill(racingProt, NO_RACE);
        }

        long vaddr(final int index)
        {
            return index < WINDOW_PAGES * PAGE ? WINDOW + index : heapStart + index - WINDOW_PAGES * PAGE;
        }

        /** Whether the access may succeed: the page's protection, or the one it had before a racing mprotect. */
        boolean mayPermit(final int index, final int access)
        {
            final int racing = racingProt[index / PAGE];
            return permits(prot[index / PAGE], access) || (racing != NO_RACE && permits(racing, access));
        }

        /** Whether the access may fault: as {@link #mayPermit}. */
        boolean mayForbid(final int index, final int access)
        {
            final int racing = racingProt[index / PAGE];
            return !permits(prot[index / PAGE], access) || (racing != NO_RACE && !permits(racing, access));
        }

        private static boolean permits(final int prot, final int access)
        {
            return prot != UNMAPPED && (prot & access) == access;
        }

        /** Exits as ProcessorMonitor's run does: lines dropped, P2M_PROCESS_EXIT, X2G_PROCESS_EXIT, links closed. */
        void exit()
        {
            memory.lines().release();
            try
            {
                home.processExit(pid);
                gmm.processExit(pid, 0);
            }
            finally
            {
                gmm.client().close();
                home.client().close();
                for (final MemoryProxy owner : owners.owners())
                {
                    owner.client().close();
                }
            }
        }
    }

    /** The system under test (cluster, ExCache, processes) and its model. */
    static final class Model
    {
        final EmbeddedCluster cluster;
        final int pcomponentId;
        final ExCache cache;
        final Proc[] procs = new Proc[SLOTS];
        final String description;

        Model(final EmbeddedCluster cluster, final String clusterText, final int lines, final int ways,
            final String policy, final int victims, final boolean piggyback, final boolean zeroFill,
            final PrefetchMode prefetch)
        {
            this.cluster = cluster;
            this.pcomponentId = cluster.processors().get(0).componentId();
            this.cache = new ExCache((long)lines * PAGE, ways, EvictionPolicy.named(policy), victims);
            live = this;
            cache.piggyback(piggyback);
            cache.zeroFill(zeroFill);
            cache.prefetch(prefetch, 2);
            description = clusterText + ", ExCache " + lines + " lines " + ways + " ways " + policy + " " + victims +
                " victims" + (piggyback ? " piggyback" : "") + (zeroFill ? " zero-fill" : "") + " prefetch " +
                prefetch.label();
            for (int i = 0; i < SLOTS; i++)
            {
                procs[i] = launch();
            }
        }

        /** A new process as ProcessorMonitor starts one (placed, execve'd at its home), with its window mapped. */
        private Proc launch()
        {
            final GmmProxy gmm = new GmmProxy(cluster.transport().connect(cluster.gmm().endpoint()), TIMEOUT_NS);
            final Placement placement = gmm.placeProcess();
            final MemoryProxy home =
                new MemoryProxy(cluster.transport().connect(placement.homeAddress()), TIMEOUT_NS);
            final ExecImage image = home.execve(placement.pid(), pcomponentId, "/hello", List.of("hello"), List.of());
            final OwnerDirectory owners = new OwnerDirectory(placement.pid(), gmm,
                new TripTransport(cluster.transport()), TIMEOUT_NS, FailoverTimings.defaults());
            final ProcessMemory memory = new ProcessMemory(placement.pid(), pcomponentId, cache, owners);
            final LinuxProcess process = new LinuxProcess(placement.pid(), memory, home, null, console(), "/hello",
                image.brk(), 0);
            final Proc p = new Proc(placement, gmm, home, owners, memory, process, pageUp(image.brk()));
            mapWindow(p);
            return p;
        }

        private static void mapWindow(final Proc p)
        {
            assertEquals(WINDOW, p.vm.mmap(WINDOW, (long)WINDOW_PAGES * PAGE, PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MemorySyscalls.MAP_ANONYMOUS | MAP_FIXED, -1, 0), "mmap of the window");
            Arrays.fill(p.prot, 0, WINDOW_PAGES, PROT_READ | PROT_WRITE);
            Arrays.fill(p.prot, WINDOW_PAGES, PAGES, UNMAPPED);
        }

        private String where(final Proc p, final int index)
        {
            return "pid " + p.pid + " at 0x" + Long.toHexString(p.vaddr(index)) + " (page " + index / PAGE +
                ", prot " + p.prot[index / PAGE] + ") with " + description;
        }

        /** One load; {@code tlb}: through {@link GuestMemory#page} as a hart's TLB fill, else {@code read}. */
        void load(final int slot, final int index, final boolean tlb)
        {
            final Proc p = procs[slot];
            final long vaddr = p.vaddr(index);
            final byte got;
            try
            {
                if (tlb)
                {
                    got = p.memory.page(vaddr, GuestMemory.ACCESS_READ)[(int)(vaddr & GuestMemory.PAGE_MASK)];
                }
                else
                {
                    final byte[] one = new byte[1];
                    p.memory.read(vaddr, one, 0, 1);
                    got = one[0];
                }
            }
            catch (final GuestFault fault)
            {
                assertTrue(p.mayForbid(index, PROT_READ), () -> "load faulted (" + fault.getMessage() + ") " +
                    where(p, index));
                assertEquals(Signal.SIGSEGV, fault.signal(), () -> "load fault signal " + where(p, index));
                return;
            }
            assertTrue(p.mayPermit(index, PROT_READ), () -> "load did not fault " + where(p, index));
            assertEquals(p.bytes[index], got, () -> "load " + where(p, index));
        }

        /** One store; {@code tlb}: into the line {@link GuestMemory#page} returns, else {@code write}. */
        void store(final int slot, final int index, final byte value, final boolean tlb)
        {
            final Proc p = procs[slot];
            final long vaddr = p.vaddr(index);
            try
            {
                if (tlb)
                {
                    p.memory.page(vaddr, GuestMemory.ACCESS_WRITE)[(int)(vaddr & GuestMemory.PAGE_MASK)] = value;
                }
                else
                {
                    p.memory.write(vaddr, new byte[]{value}, 0, 1);
                }
            }
            catch (final GuestFault fault)
            {
                assertTrue(p.mayForbid(index, PROT_WRITE), () -> "store faulted (" + fault.getMessage() + ") " +
                    where(p, index));
                assertEquals(Signal.SIGSEGV, fault.signal(), () -> "store fault signal " + where(p, index));
                return;
            }
            assertTrue(p.mayPermit(index, PROT_WRITE), () -> "store did not fault " + where(p, index));
            p.bytes[index] = value;
        }

        /** Reads a whole page with one copy and compares it with the model. */
        void checkPage(final int slot, final int page)
        {
            final Proc p = procs[slot];
            final int index = page * PAGE;
            final byte[] got = new byte[PAGE];
            try
            {
                p.memory.read(p.vaddr(index), got, 0, PAGE);
            }
            catch (final GuestFault fault)
            {
                assertTrue(p.mayForbid(index, PROT_READ), () -> "page read faulted " + where(p, index));
                return;
            }
            assertTrue(p.mayPermit(index, PROT_READ), () -> "page read did not fault " + where(p, index));
            for (int i = 0; i < PAGE; i++)
            {
                final int at = i;
                assertEquals(p.bytes[index + i], got[i], () -> "byte " + at + " of page " + where(p, index));
            }
        }

        /** mmap(MAP_FIXED | MAP_ANONYMOUS) over window pages: they read zero with {@code prot}. */
        void mmap(final int slot, final int first, final int pages, final int prot)
        {
            final Proc p = procs[slot];
            final long addr = WINDOW + (long)first * PAGE;
            assertEquals(addr, p.vm.mmap(addr, (long)pages * PAGE, prot,
                MAP_PRIVATE | MemorySyscalls.MAP_ANONYMOUS | MAP_FIXED, -1, 0), "mmap");
            Arrays.fill(p.bytes, first * PAGE, (first + pages) * PAGE, (byte)0);
            Arrays.fill(p.prot, first, first + pages, prot);
        }

        /** munmap(2) of window pages. */
        void munmap(final int slot, final int first, final int pages)
        {
            final Proc p = procs[slot];
            assertEquals(0, p.vm.munmap(WINDOW + (long)first * PAGE, (long)pages * PAGE), "munmap");
            Arrays.fill(p.bytes, first * PAGE, (first + pages) * PAGE, (byte)0);
            Arrays.fill(p.prot, first, first + pages, UNMAPPED);
        }

        /**
         * mremap(2) of window pages {@code [first, first + pages)} to {@code keep} pages, in place: the tail is
         * unmapped, as munmap (mm/mremap.c shrinks with do_vmi_munmap of the tail before looking at the VMA).
         */
        void mremapShrink(final int slot, final int first, final int pages, final int keep)
        {
            final Proc p = procs[slot];
            final long addr = WINDOW + (long)first * PAGE;
            assertEquals(addr, p.vm.mremap(addr, (long)pages * PAGE, (long)keep * PAGE, 0, 0), "mremap");
            Arrays.fill(p.bytes, (first + keep) * PAGE, (first + pages) * PAGE, (byte)0);
            Arrays.fill(p.prot, first + keep, first + pages, UNMAPPED);
        }

        /** mprotect(2) of model pages {@code [first, first + pages)} (window or heap): ENOMEM over a hole. */
        void mprotect(final int slot, final int first, final int pages, final int prot)
        {
            final Proc p = procs[slot];
            final int end = protectEnd(first, pages);
            final boolean mapped = fullyMapped(p, first, end);
            callMprotect(p, first, end, prot, mapped);
            if (mapped)
            {
                Arrays.fill(p.prot, first, end, prot);
            }
        }

        /**
         * mprotect(2) of model pages on one thread while another runs {@code accesses} on the same process, any
         * page included: until both are joined, an access to a page whose protection changes may see the old or the
         * new one; afterwards only the new one holds (what ProcessMemory's endProtect ensures).
         */
        void racingMprotect(final int slot, final int first, final int pages, final int prot,
            final List<Access> accesses)
        {
            final Proc p = procs[slot];
            final int end = protectEnd(first, pages);
            final boolean mapped = fullyMapped(p, first, end);
            for (int page = first; page < end; page++)
            {
                p.racingProt[page] = mapped ? prot : p.prot[page];
            }
            try
            {
                concurrently(() -> run(slot, accesses), () -> callMprotect(p, first, end, prot, mapped));
            }
            finally
            {
                Arrays.fill(p.racingProt, first, end, NO_RACE);
            }
            if (mapped)
            {
                Arrays.fill(p.prot, first, end, prot);
            }
        }

        private static int protectEnd(final int first, final int pages)
        {
            return Math.min(first + pages, first >= WINDOW_PAGES ? PAGES : WINDOW_PAGES);
        }

        private static boolean fullyMapped(final Proc p, final int first, final int end)
        {
            boolean mapped = true;
            for (int page = first; page < end; page++)
            {
                mapped &= p.prot[page] != UNMAPPED;
            }
            return mapped;
        }

        private static void callMprotect(final Proc p, final int first, final int end, final int prot,
            final boolean mapped)
        {
            final long result = p.vm.mprotect(p.vaddr(first * PAGE), (long)(end - first) * PAGE, prot);
            assertEquals(mapped ? 0 : -Errno.ENOMEM, result, mapped ? "mprotect" : "mprotect over a hole");
        }

        /** brk(2) to {@code pages} heap pages: shrinking unmaps, growing maps zeroed read-write pages. */
        void brk(final int slot, final int pages)
        {
            final Proc p = procs[slot];
            final long requested = p.heapStart + (long)pages * PAGE;
            assertEquals(requested, p.vm.brk(requested), "brk");
            for (int page = Math.min(pages, p.heapPages); page < Math.max(pages, p.heapPages); page++)
            {
                p.prot[WINDOW_PAGES + page] = page < pages ? PROT_READ | PROT_WRITE : UNMAPPED;
                Arrays.fill(p.bytes, (WINDOW_PAGES + page) * PAGE, (WINDOW_PAGES + page + 1) * PAGE, (byte)0);
            }
            p.heapPages = pages;
        }

        /**
         * fork(2) of the process in {@code slot}; its child replaces the process in the other slot (which exits
         * first). As ProcessLifeSyscalls and ProcessorMonitor's launcher: the parent's dirty lines are written back,
         * the GMM places the child with the parent's home, which copies the address space (P2M_FORK).
         */
        void fork(final int slot)
        {
            final Proc parent = procs[slot];
            procs[1 - slot].exit();
            procs[1 - slot] = null;
            parent.memory.lines().writeBackAll();
            final GmmProxy gmm = new GmmProxy(cluster.transport().connect(cluster.gmm().endpoint()), TIMEOUT_NS);
            final Placement placement = gmm.forkPlace(parent.pid);
            final MemoryProxy home =
                new MemoryProxy(cluster.transport().connect(placement.homeAddress()), TIMEOUT_NS);
            home.fork(parent.pid, placement.pid(), pcomponentId);
            final OwnerDirectory owners = new OwnerDirectory(placement.pid(), gmm,
                new TripTransport(cluster.transport()), TIMEOUT_NS, FailoverTimings.defaults());
            final ProcessMemory memory = new ProcessMemory(placement.pid(), pcomponentId, cache, owners);
            final LinuxProcess process = new LinuxProcess(parent.process, placement.pid(), memory, home, null);
            final Proc child = new Proc(placement, gmm, home, owners, memory, process, parent.heapStart);
            System.arraycopy(parent.bytes, 0, child.bytes, 0, PAGES * PAGE);
            System.arraycopy(parent.prot, 0, child.prot, 0, PAGES);
            Arrays.fill(child.racingProt, NO_RACE);
            child.heapPages = parent.heapPages;
            procs[1 - slot] = child;
        }

        /** The process in {@code slot} exits and a new one takes its place. */
        void exitAndLaunch(final int slot)
        {
            procs[slot].exit();
            procs[slot] = null;
            procs[slot] = launch();
        }

        /** One thread's accesses, in order, to the process in {@code slot}. */
        void run(final int slot, final List<Access> accesses)
        {
            for (final Access a : accesses)
            {
                if (a.store())
                {
                    store(slot, a.index(), a.value(), false);
                }
                else
                {
                    load(slot, a.index(), false);
                }
            }
        }

        /**
         * Runs {@code bodies} at once, each on a thread of its own (threads of one guest process that touch disjoint
         * pages, so the model's order between them does not matter), and joins them all before returning.
         */
        static void concurrently(final Runnable... bodies)
        {
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread[] threads = new Thread[bodies.length];
            for (int t = 0; t < bodies.length; t++)
            {
                final Runnable body = bodies[t];
                threads[t] = new Thread(() ->
                {
                    try
                    {
                        body.run();
                    }
                    catch (final Throwable ex)
                    {
                        failure.compareAndSet(null, ex);
                    }
                }, "guest-thread-" + t);
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
                throw new IllegalStateException("interrupted while joining guest threads", ex);
            }
            if (failure.get() != null)
            {
                fail("thread step: " + failure.get().getMessage(), failure.get());
            }
        }

        /** Every process still running exits. */
        void exitAll()
        {
            for (int i = 0; i < SLOTS; i++)
            {
                final Proc p = procs[i];
                procs[i] = null;
                if (p != null)
                {
                    p.exit();
                }
            }
        }

        /** Every process exits, then the ExCache and the cluster stop. */
        void close()
        {
            live = null;
            try
            {
                exitAll();
            }
            finally
            {
                cache.close();
                cluster.close();
            }
        }

        @Override
        public String toString()
        {
            return description;
        }
    }

    /**
     * The pComponent's links to the owners with a network trip added to every call ({@link #TRIP_NS}, parked before
     * the request is sent), as on a real fabric: with the in-JVM fabric's microsecond round trips a write-back is in
     * flight too briefly for a thread step to meet it, and a lost write-back or a stale read under concurrent misses
     * would go unseen.
     */
    private record TripTransport(Transport delegate) implements Transport
    {
        @Override
        public Server serve(final Endpoint at, final String name, final RequestHandler handler)
        {
            return delegate.serve(at, name, handler);
        }

        @Override
        public Client connect(final Endpoint peer)
        {
            final Client client = delegate.connect(peer);
            return new Client()
            {
                @Override
                public void call(final DirectBuffer request, final int offset, final int length, final Reply reply,
                    final long timeoutNs)
                {
                    LockSupport.parkNanos(TRIP_NS);
                    client.call(request, offset, length, reply, timeoutNs);
                }

                @Override
                public Endpoint peer()
                {
                    return client.peer();
                }

                @Override
                public void close()
                {
                    client.close();
                }
            };
        }

        @Override
        public void close()
        {
            // the cluster closes its transport
        }
    }

    /** One access of a thread step: a load or a store of {@code value} at a byte of a model page. */
    record Access(int page, int offset, boolean store, byte value)
    {
        int index()
        {
            return page * PAGE + offset;
        }

        @Override
        public String toString()
        {
            return (store ? "store " : "load ") + page + "+0x" + Integer.toHexString(offset) +
                (store ? "=" + value : "");
        }
    }

    @Property(tries = 120)
    void everyLoadSeesTheModel(@ForAll("setups") final Setup setup, @ForAll("chains") final ActionChain<Model> chain)
    {
        MemorySystemModelTest.setup = setup;
        final Model model = chain.run();
        model.exitAll();
        for (final MemoryMonitor memory : model.cluster.memories())
        {
            final long deadlineNs = System.nanoTime() + DRAIN_NS;
            while (memory.framesInUse() != 0 && System.nanoTime() < deadlineNs)
            {
                Thread.onSpinWait();
                Thread.yield();
            }
            assertEquals(0, memory.framesInUse(), () -> "frames left on mComponent " + memory.componentId() +
                " after every process exited, with " + model.description);
        }
    }

    /**
     * The chain this property shrank a failure to, looped: a dirty heap line pushed into the victim buffer, then
     * brk(2) shrinks the heap under it. The flusher must not write the line back after the home unmapped the page
     * (the owner refuses it and the process dies of the failed write-back): brk drops the lines first, as munmap.
     */
    @Example
    void brkShrinkUnderAFlushKeepsTheProcessAlive()
    {
        final Model m = new Setup(1, Replication.OFF, 1, 1, "fifo", 2, true, true).start();
        for (int i = 0; i < 2000; i++)
        {
            m.brk(0, 1);
            m.store(0, WINDOW_PAGES * PAGE, (byte)1, false);
            m.store(0, 0, (byte)1, false);
            m.brk(0, 0);
            m.load(0, PAGE, false);
        }
    }

    /**
     * The chain this property shrank a failure to (with the owner links' network trip), looped: a dirty line goes to
     * the victim buffer, whose flusher writes it back, while mmap(MAP_FIXED) replaces its page. The write-back must
     * not reach the owner after the home freed the page (it would re-create the old bytes, read back once the fresh
     * zero line has left the ExCache): the lines of the range leave before the home is asked, as for munmap.
     */
    @Example
    void mmapFixedOverAPageBeingFlushedReadsZero()
    {
        final Model m = new Setup(1, Replication.OFF, 1, 1, "fifo", 8, false, true).start();
        for (int i = 0; i < 200; i++)
        {
            m.mmap(0, 3, 5, PROT_READ | PROT_WRITE);
            m.store(0, 7 * PAGE, (byte)1, false);
            m.load(0, 0, false);
            m.mmap(0, 3, 5, PROT_READ);
            m.checkPage(0, 7);                         // zero-filled: fresh
            for (int page = 8; page < 18; page++)
            {
                m.load(0, page * PAGE, false);         // out of the ExCache and its 8 victim lines, clean
            }
            m.checkPage(0, 7);                         // fetched from the owner
        }
    }

    /**
     * Issue 15: mremap(2) shrinking a dirty mapping in place, then ExCache pressure, killed the guest with
     * "write-back ... failed: no mapping": the home unmapped the tail while a dirty line of it was still in the
     * victim buffer, and the flusher wrote it back afterwards. The tail's lines leave before the home is asked.
     */
    @Example
    void mremapShrinkUnderAFlushKeepsTheProcessAlive()
    {
        final Model m = new Setup(1, Replication.OFF, 1, 1, "fifo", 2, true, true).start();
        for (int i = 0; i < 2000; i++)
        {
            m.mmap(0, 3, 5, PROT_READ | PROT_WRITE);
            m.store(0, 7 * PAGE, (byte)1, false);
            m.store(0, 0, (byte)1, false);
            m.mremapShrink(0, 3, 5, 2);
            m.load(0, PAGE, false);
        }
    }

    @AfterTry
    void closeLive()
    {
        if (live != null)
        {
            live.close();
        }
    }

    @AfterContainer
    static void removeRoot() throws IOException
    {
        if (root != null)
        {
            try (Stream<Path> files = Files.walk(root))
            {
                files.sorted(Comparator.reverseOrder()).forEach((f) -> f.toFile().delete());
            }
            root = null;
        }
    }

    /**
     * A new cluster for one try (it starts in tens of milliseconds; a cluster of its own makes a try's vRegion
     * placement, and so its failure, reproducible while shrinking).
     */
    private static EmbeddedCluster cluster(final int mcomponents, final Replication replication)
    {
        try
        {
            if (root == null)
            {
                root = Files.createTempDirectory("memory-model");
                Files.copy(guestBin().resolve("hello"), root.resolve("hello"));
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return EmbeddedCluster.start(new EmbeddedCluster.Config(1, mcomponents, 1L << 20, 0, "fifo",
            ExCache.DEFAULT_VICTIMS, true, 64L << 20, root, "inproc", VRegionPlacement.ROUNDROBIN, true,
            replication));
    }

    private static Path guestBin()
    {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null)
        {
            for (final String candidate : new String[]{"emulator/guests/bin", "guests/bin"})
            {
                if (Files.isDirectory(dir.resolve(candidate)))
                {
                    return dir.resolve(candidate);
                }
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("emulator/guests/bin not found");
    }

    private static Console console()
    {
        return new Console(new ByteArrayInputStream(new byte[0]), OutputStream.nullOutputStream(),
            OutputStream.nullOutputStream(), false);
    }

    private static long pageUp(final long value)
    {
        return (value + GuestMemory.PAGE_MASK) & ~GuestMemory.PAGE_MASK;
    }

    /** What one try runs on: the cluster's shape and the ExCache's configuration. */
    record Setup(int mcomponents, Replication replication, int lines, int ways, String policy, int victims,
        boolean piggyback, boolean zeroFill, PrefetchMode prefetch)
    {
        /** Without a prefetcher. */
        Setup(final int mcomponents, final Replication replication, final int lines, final int ways,
            final String policy, final int victims, final boolean piggyback, final boolean zeroFill)
        {
            this(mcomponents, replication, lines, ways, policy, victims, piggyback, zeroFill, PrefetchMode.NONE);
        }

        Model start()
        {
            final String clusterText = mcomponents + " mComponents, replication " + replication;
            return new Model(cluster(mcomponents, replication), clusterText, lines, ways, policy, victims, piggyback,
                zeroFill, prefetch);
        }
    }

    @Provide
    Arbitrary<Setup> setups()
    {
        final Arbitrary<Tuple.Tuple3<Integer, Replication, Integer>> cluster = Combinators.combine(
            Arbitraries.integers().between(1, 3), Arbitraries.of(Replication.OFF, Replication.LOG),
            Arbitraries.integers().between(0, 4)).as(Tuple::of);
        final Arbitrary<Tuple.Tuple5<Double, String, Integer, Boolean, Boolean>> cache = Combinators.combine(
            Arbitraries.doubles().between(0, 1), Arbitraries.of(POLICIES), Arbitraries.of(0, 1, 2, 8),
            Arbitraries.of(true, false), Arbitraries.of(true, false)).as(Tuple::of);
        return Combinators.combine(cluster, cache, Arbitraries.of(PrefetchMode.values())).as((c, e, p) -> new Setup(
            c.get1(), c.get1() == 1 ? Replication.OFF : c.get2(), 1 << c.get3(),
            1 << (int)Math.round(e.get1() * c.get3()), e.get2(), e.get3(), e.get4(), e.get5(), p));
    }

    @Provide
    Arbitrary<ActionChain<Model>> chains()
    {
        return ActionChain.startWith(() -> setup.start())
            .withAction(8, load())
            .withAction(8, store())
            .withAction(3, checkPage())
            .withAction(2, windowRange("mmap", (m, s, f, n, prot) -> m.mmap(s, f, n, prot)))
            .withAction(1, windowRange("munmap", (m, s, f, n, prot) -> m.munmap(s, f, n)))
            .withAction(1, windowRange("mmap, dirty tail, mremap shrink", MemorySystemModelTest::shrinkDirtyTail))
            .withAction(2, mprotect())
            .withAction(2, brk())
            .withAction(1, fork())
            .withAction(1, exit())
            .withAction(1, threads())
            .withAction(1, fourThreads())
            .withAction(1, threadsWithVm())
            .withMaxTransformations(60);
    }

    private static Arbitrary<Integer> slot()
    {
        return Arbitraries.integers().between(0, SLOTS - 1);
    }

    /** A byte of the model: few offsets per page, so that loads often meet earlier stores. */
    private static Arbitrary<Integer> index()
    {
        return Combinators.combine(Arbitraries.integers().between(0, PAGES - 1), offset())
            .as((page, offset) -> page * PAGE + offset);
    }

    private static Arbitrary<Integer> offset()
    {
        return Arbitraries.of(0, 1, 8, 2048, PAGE - 1);
    }

    private static Arbitrary<Integer> prot()
    {
        return Arbitraries.of(0, PROT_READ, PROT_READ | PROT_WRITE);
    }

    private static String at(final int slot, final int index)
    {
        return slot + ":page " + index / PAGE + "+0x" + Integer.toHexString(index % PAGE);
    }

    private static Action.Independent<Model> load()
    {
        return () -> Combinators.combine(slot(), index(), Arbitraries.of(true, false)).as((s, i, tlb) ->
            Transformer.mutate("load " + at(s, i) + (tlb ? " tlb" : ""), (m) -> m.load(s, i, tlb)));
    }

    private static Action.Independent<Model> store()
    {
        return () -> Combinators.combine(slot(), index(), Arbitraries.bytes(), Arbitraries.of(true, false))
            .as((s, i, v, tlb) -> Transformer.mutate("store " + at(s, i) + "=" + v + (tlb ? " tlb" : ""),
                (m) -> m.store(s, i, v, tlb)));
    }

    private static Action.Independent<Model> checkPage()
    {
        return () -> Combinators.combine(slot(), Arbitraries.integers().between(0, PAGES - 1)).as((s, page) ->
            Transformer.mutate("check " + s + ":page " + page, (m) -> m.checkPage(s, page)));
    }

    /** A fresh read-write mapping of window pages whose last page is dirtied, then shrunk in place to half. */
    private static void shrinkDirtyTail(final Model m, final int slot, final int first, final int pages,
        final int prot)
    {
        m.mmap(slot, first, pages, PROT_READ | PROT_WRITE);
        m.store(slot, (first + pages - 1) * PAGE + 8, (byte)7, false);
        if (pages > 1)
        {
            m.mremapShrink(slot, first, pages, pages / 2);
        }
    }

    /** An operation on window pages {@code [first, first + pages)} of one process. */
    interface RangeOp
    {
        void apply(Model model, int slot, int first, int pages, int prot);
    }

    private static Action.Independent<Model> windowRange(final String name, final RangeOp op)
    {
        return () -> Combinators.combine(slot(), Arbitraries.integers().between(0, WINDOW_PAGES - 1),
            Arbitraries.integers().between(1, 6), prot()).as((s, first, n, prot) ->
        {
            final int pages = Math.min(n, WINDOW_PAGES - first);
            return Transformer.mutate(name + " " + s + ":pages " + first + "+" + pages +
                (name.equals("mmap") ? " prot " + prot : ""), (m) -> op.apply(m, s, first, pages, prot));
        });
    }

    private static Action.Independent<Model> mprotect()
    {
        return () -> Combinators.combine(slot(), Arbitraries.integers().between(0, PAGES - 1),
            Arbitraries.integers().between(1, 6), prot()).as((s, first, n, prot) ->
            Transformer.mutate("mprotect " + s + ":pages " + first + "+" + n + " prot " + prot,
                (m) -> m.mprotect(s, first, n, prot)));
    }

    private static Action.Independent<Model> brk()
    {
        return () -> Combinators.combine(slot(), Arbitraries.integers().between(0, HEAP_PAGES)).as((s, pages) ->
            Transformer.mutate("brk " + s + ":" + pages + " pages", (m) -> m.brk(s, pages)));
    }

    private static Action.Independent<Model> fork()
    {
        return () -> slot().map((s) -> Transformer.mutate("fork " + s + " into " + (1 - s), (m) -> m.fork(s)));
    }

    private static Action.Independent<Model> exit()
    {
        return () -> slot().map((s) -> Transformer.mutate("exit " + s, (m) -> m.exitAndLaunch(s)));
    }

    /** Accesses to the given model pages. */
    private static Arbitrary<List<Access>> accesses(final Arbitrary<Integer> pages)
    {
        return Combinators.combine(pages, offset(), Arbitraries.of(true, false), Arbitraries.bytes())
            .as(Access::new).list().ofMinSize(1).ofMaxSize(12);
    }

    /** Two threads of one process: the first loads and stores on even pages, the second on odd ones. */
    private static Action.Independent<Model> threads()
    {
        final Arbitrary<Integer> half = Arbitraries.integers().between(0, PAGES / 2 - 1);
        return () -> Combinators.combine(slot(), accesses(half.map((p) -> 2 * p)), accesses(half.map((p) -> 2 * p + 1)))
            .as((s, first, second) -> Transformer.mutate("threads " + s + ": " + first + " | " + second,
                (m) -> Model.concurrently(() -> m.run(s, first), () -> m.run(s, second))));
    }

    /**
     * Four threads of one process at once, thread k on the pages {@code page % 4 == k}: four misses (and the
     * evictions and write-backs they cause) in flight together on the pComponent, over the real fabric.
     */
    private static Action.Independent<Model> fourThreads()
    {
        final Arbitrary<Integer> quarter = Arbitraries.integers().between(0, PAGES / 4 - 1);
        return () -> Combinators.combine(slot(), accesses(quarter.map((p) -> 4 * p)),
            accesses(quarter.map((p) -> 4 * p + 1)), accesses(quarter.map((p) -> 4 * p + 2)),
            accesses(quarter.map((p) -> 4 * p + 3))).as((s, a, b, c, d) ->
            Transformer.mutate("four threads " + s + ": " + a + " | " + b + " | " + c + " | " + d,
                (m) -> Model.concurrently(() -> m.run(s, a), () -> m.run(s, b), () -> m.run(s, c),
                    () -> m.run(s, d))));
    }

    /**
     * Two threads of one process: the first loads and stores on the lower half of the window and the heap while the
     * second maps or unmaps pages of the upper half, or loads and stores on any page while the second changes the
     * protection of pages of the upper half ({@link Model#racingMprotect}).
     */
    private static Action.Independent<Model> threadsWithVm()
    {
        final int upper = WINDOW_PAGES / 2;
        final Arbitrary<Integer> disjoint = Arbitraries.integers().between(0, PAGES - upper - 1)
            .map((p) -> p < upper ? p : p + upper);
        final Arbitrary<Integer> any = Arbitraries.integers().between(0, PAGES - 1);
        return () -> Combinators.combine(slot(), Arbitraries.of("mmap", "munmap", "mprotect"),
            Arbitraries.integers().between(upper, WINDOW_PAGES - 1), Arbitraries.integers().between(1, 6), prot())
            .flatAs((s, op, first, n, prot) ->
            {
                final int count = Math.min(n, WINDOW_PAGES - first);
                final String text = "threads " + s + ": %s | " + op + " pages " + first + "+" + count + " prot " + prot;
                if (op.equals("mprotect"))
                {
                    return accesses(any).map((accesses) -> Transformer.mutate(String.format(text, accesses),
                        (m) -> m.racingMprotect(s, first, count, prot, accesses)));
                }
                final Consumer<Model> vm = op.equals("mmap") ?
                    (m) -> m.mmap(s, first, count, prot) : (m) -> m.munmap(s, first, count);
                return accesses(disjoint).map((accesses) -> Transformer.mutate(String.format(text, accesses),
                    (m) -> Model.concurrently(() -> m.run(s, accesses), () -> vm.accept(m))));
            });
    }
}
