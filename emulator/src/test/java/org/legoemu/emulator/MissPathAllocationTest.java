package org.legoemu.emulator;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.legoemu.abi.GuestMemory;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.fabric.proxy.MemoryProxy;
import org.legoemu.fabric.proxy.Placement;
import org.legoemu.pcomponent.excache.ExCacheStats;
import org.legoemu.pcomponent.memory.FailoverTimings;
import org.legoemu.pcomponent.memory.OwnerDirectory;
import org.legoemu.pcomponent.memory.ProcessMemory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A steady-state remote ExCache miss over the in-JVM fabric allocates nothing: the hart's TLB-miss path
 * ({@link ProcessMemory#page}), the ExCache's fill and MSHR, the owner link and proxy, the fabric call, and the
 * owner mComponent's handler, which the in-JVM fabric runs on the same thread, so the thread's allocation counter
 * sees all of it.
 */
class MissPathAllocationTest
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final int REGION_PAGES = 256;
    private static final int MISSES = 20_000;

    @Test
    void aSteadyStateRemoteMissAllocatesNothing()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final String image = GuestBinaries.BIN.resolve("hello").toAbsolutePath().toString();
        try (EmbeddedCluster cluster = EmbeddedCluster.start(new EmbeddedCluster.Config(1, 2, 256L << 10, 8, "lru",
            8, true, 1L << 30, Path.of("/"), "inproc")))
        {
            final GmmProxy gmm = new GmmProxy(cluster.transport().connect(cluster.gmm().endpoint()), TIMEOUT_NS);
            final Placement placement = gmm.placeProcess();
            final MemoryProxy home = new MemoryProxy(cluster.transport().connect(placement.homeAddress()),
                TIMEOUT_NS);
            final int pid = placement.pid();
            home.execve(pid, placement.pcomponentId(), image, List.of(image), List.of());
            final long base = home.mmap(pid, 0, (long)REGION_PAGES * GuestMemory.PAGE_SIZE, 3, 0x22);
            final ProcessMemory memory = new ProcessMemory(pid, placement.pcomponentId(),
                cluster.processor(placement.pcomponentId()).excache(),
                new OwnerDirectory(pid, gmm, cluster.transport(), TIMEOUT_NS, FailoverTimings.defaults()));
            for (int page = 0; page < REGION_PAGES; page++)
            {
                memory.page(base + (long)page * GuestMemory.PAGE_SIZE, GuestMemory.ACCESS_WRITE)[0] = (byte)page;
            }
            sweep(memory, base, MISSES);
            final ExCacheStats stats = memory.lines().stats();
            final long remoteBefore = stats.misses() - stats.victimHits() - stats.zeroFills();
            final long before = threads.getCurrentThreadAllocatedBytes();
            final long checksum = sweep(memory, base, MISSES);
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            final long remote = stats.misses() - stats.victimHits() - stats.zeroFills() - remoteBefore;
            assertEquals((long)MISSES / REGION_PAGES * (REGION_PAGES - 1) * REGION_PAGES / 2 +
                (long)(MISSES % REGION_PAGES) * (MISSES % REGION_PAGES - 1) / 2, checksum, "the lines' contents");
            assertTrue(remote > MISSES * 9L / 10, "only " + remote + " of " + MISSES + " accesses were remote misses");
            assertTrue(allocated < remote, "the missing thread allocated " + allocated + " bytes in " + remote +
                " remote misses");
            memory.lines().release();
        }
    }

    /** Reads {@code accesses} pages of the region in order (a quarter of it fits the ExCache); sums their first bytes. */
    private static long sweep(final ProcessMemory memory, final long base, final int accesses)
    {
        long sum = 0;
        int page = 0;
        for (int i = 0; i < accesses; i++)
        {
            sum += memory.page(base + (long)page * GuestMemory.PAGE_SIZE, GuestMemory.ACCESS_READ)[0] & 0xFF;
            page = page + 1 == REGION_PAGES ? 0 : page + 1;
        }
        return sum;
    }
}
