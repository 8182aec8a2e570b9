package org.legoemu.emulator.bench;

import org.legoemu.abi.GuestMemory;
import org.legoemu.emulator.EmbeddedCluster;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.fabric.proxy.MemoryProxy;
import org.legoemu.fabric.proxy.Placement;
import org.legoemu.pcomponent.excache.ExCacheStats;
import org.legoemu.pcomponent.memory.FailoverTimings;
import org.legoemu.pcomponent.memory.OwnerDirectory;
import org.legoemu.pcomponent.memory.ProcessMemory;

import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Miss throughput of one pComponent with several threads of one process missing at once: each thread calls the hart's
 * TLB-miss path ({@link ProcessMemory#page}, what {@code Hart} calls on a TLB miss) on pages of its own region, swept
 * in order, so that with an ExCache a quarter of one region every access is an ExCache miss served by the region's
 * owner (P2M_PCACHE_MISS; clean victims, no write-back). The same number of misses is spread over 1 or N threads;
 * the figure is misses per second of wall time. No guest instructions run: it measures the miss path alone.
 */
final class ConcurrentMisses
{
    private static final int PROT_READ_WRITE = 3;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x22;
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);

    /**
     * One measurement.
     *
     * @param threads       threads missing at once.
     * @param misses        ExCache misses of the measured pass.
     * @param remoteMisses  of those, served by an mComponent.
     * @param wallNs        wall time of the measured pass, ns.
     */
    record Result(int threads, long misses, long remoteMisses, long wallNs)
    {
        double missesPerSecond()
        {
            return misses * 1e9 / wallNs;
        }
    }

    private ConcurrentMisses()
    {
    }

    /**
     * Places a process on the cluster's first pComponent (its image loaded by the home, never run), maps
     * {@code threads} regions of {@code regionPages} pages, touches every page once (warm-up: the owners allocate the
     * frames), then lets each thread sweep its region until {@code totalMisses / threads} accesses are done.
     *
     * @param imagePath absolute path of a static riscv64 ELF the home can load.
     */
    static Result measure(
        final EmbeddedCluster cluster, final String imagePath, final int threads, final int regionPages,
        final long totalMisses)
    {
        final GmmProxy gmm = new GmmProxy(cluster.transport().connect(cluster.gmm().endpoint()), TIMEOUT_NS);
        final Placement placement = gmm.placeProcess();
        final MemoryProxy home = new MemoryProxy(cluster.transport().connect(placement.homeAddress()), TIMEOUT_NS);
        final int pid = placement.pid();
        final int pcomponentId = placement.pcomponentId();
        final OwnerDirectory owners =
            new OwnerDirectory(pid, gmm, cluster.transport(), TIMEOUT_NS, FailoverTimings.defaults());
        ProcessMemory memory = null;
        try
        {
            home.execve(pid, pcomponentId, imagePath, List.of(imagePath), List.of());
            final long regionBytes = (long)regionPages * GuestMemory.PAGE_SIZE;
            final long base = home.mmap(pid, 0, regionBytes * threads, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS);
            memory = new ProcessMemory(pid, pcomponentId, cluster.processor(pcomponentId).excache(), owners);
            sweep(memory, base, regionBytes, threads, regionPages);
            final ExCacheStats stats = memory.lines().stats();
            final long missesBefore = stats.misses();
            final long remoteBefore = stats.misses() - stats.victimHits() - stats.zeroFills();
            final long wallNs = sweep(memory, base, regionBytes, threads, totalMisses / threads);
            return new Result(threads, stats.misses() - missesBefore,
                stats.misses() - stats.victimHits() - stats.zeroFills() - remoteBefore, wallNs);
        }
        finally
        {
            if (memory != null)
            {
                memory.lines().release();
            }
            home.processExit(pid);
            gmm.processExit(pid, 0);
            for (final MemoryProxy owner : owners.owners())
            {
                owner.client().close();
            }
            home.client().close();
            gmm.client().close();
        }
    }

    /** Each of {@code threads} threads reads {@code accesses} pages of its region in order; the wall time, ns. */
    private static long sweep(
        final GuestMemory memory, final long base, final long regionBytes, final int threads, final long accesses)
    {
        final CyclicBarrier start = new CyclicBarrier(threads + 1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread[] workers = new Thread[threads];
        final int regionPages = (int)(regionBytes / GuestMemory.PAGE_SIZE);
        for (int t = 0; t < threads; t++)
        {
            final long region = base + t * regionBytes;
            workers[t] = new Thread(() ->
            {
                try
                {
                    start.await();
                    int page = 0;
                    for (long i = 0; i < accesses; i++)
                    {
                        memory.page(region + (long)page * GuestMemory.PAGE_SIZE, GuestMemory.ACCESS_READ);
                        page = page + 1 == regionPages ? 0 : page + 1;
                    }
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, ex);
                }
            }, "bench-miss-" + t);
            workers[t].start();
        }
        try
        {
            start.await();
            final long startNs = System.nanoTime();
            for (final Thread worker : workers)
            {
                worker.join();
            }
            final long wallNs = System.nanoTime() - startNs;
            if (failure.get() != null)
            {
                throw new IllegalStateException("a missing thread failed: " + failure.get(), failure.get());
            }
            return wallNs;
        }
        catch (final InterruptedException | java.util.concurrent.BrokenBarrierException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring concurrent misses", ex);
        }
    }
}
