package org.legoemu.pcomponent.files;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.legoemu.emulator.EmbeddedCluster;
import org.legoemu.fabric.proxy.StatInfo;
import org.legoemu.fabric.proxy.StorageProxy;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FileCache} against a real sComponent (an in-JVM cluster's): reads return the file's bytes at any offset and
 * length, a hit allocates nothing, CLOCK keeps a cache smaller than the file working, and the close-to-open and
 * size checks drop stale pages.
 */
class FileCacheTest
{
    private static final int FILE_BYTES = 3 << 20;

    @TempDir
    static Path root;

    private static EmbeddedCluster cluster;
    private static StorageProxy storage;
    private static byte[] contents;

    @BeforeAll
    static void start() throws Exception
    {
        contents = new byte[FILE_BYTES + 1234];
        new Random(5).nextBytes(contents);
        Files.write(root.resolve("data.bin"), contents);
        cluster = EmbeddedCluster.start(new EmbeddedCluster.Config(1, 1, 1L << 20, 8, "lru", 1L << 30, root,
            "inproc"));
        storage = new StorageProxy(cluster.transport().connect(cluster.storageEndpoint()),
            TimeUnit.SECONDS.toNanos(10));
    }

    @AfterAll
    static void stop()
    {
        if (cluster != null)
        {
            cluster.close();
        }
    }

    @Test
    void readsReturnTheFilesBytesWhateverTheOffsetLengthAndCacheSize()
    {
        final Random random = new Random(9);
        for (final long size : new long[]{64 << 10, 16L << 20})
        {
            final FileCache cache = new FileCache(size);
            final ReadAhead stream = ReadAhead.forReads();
            final FileReadTally tally = new FileReadTally();
            final byte[] buffer = new byte[70_000];
            for (int i = 0; i < 400; i++)
            {
                final long at = i % 2 == 0 ? random.nextInt(contents.length + 100) : (i / 2) * 5000L;
                final int length = 1 + random.nextInt(buffer.length - 1);
                final int n = cache.read(storage, "/data.bin", at, buffer, 0, length, stream, tally);
                final int expected = (int)Math.max(0, Math.min(length, contents.length - at));
                assertEquals(expected, n, "bytes at " + at + " length " + length + " cache " + size);
                assertArrayEquals(Arrays.copyOfRange(contents, (int)Math.min(at, contents.length),
                    (int)Math.min(at, contents.length) + n), Arrays.copyOf(buffer, n), "at " + at);
            }
            assertTrue(cache.cachedPages() <= size / 4096, "never above its size");
        }
    }

    @Test
    void aHitAllocatesNothing()
    {
        final FileCache cache = new FileCache(8L << 20);
        final ReadAhead stream = ReadAhead.forReads();
        final FileReadTally tally = new FileReadTally();
        final byte[] buffer = new byte[4096];
        for (int i = 0; i < 256; i++)
        {
            cache.read(storage, "/data.bin", i * 4096L, buffer, 0, 4096, stream, tally);
        }
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final long thread = Thread.currentThread().getId();
        long sum = 0;
        for (int i = 0; i < 200_000; i++) // warm-up: the JIT compiles the path
        {
            tally.reset();
            sum += cache.read(storage, "/data.bin", (i & 255) * 4096L + (i & 7), buffer, 0, 4000, stream, tally);
        }
        final long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 200_000; i++)
        {
            tally.reset();
            sum += cache.read(storage, "/data.bin", (i & 255) * 4096L + (i & 7), buffer, 0, 4000, stream, tally);
        }
        final long allocated = threads.getThreadAllocatedBytes(thread) - before;
        // as ExCacheAllocationTest: a few bytes of JVM noise, where one object per hit would be megabytes
        assertTrue(allocated < 4096, allocated + " bytes allocated by 200,000 hits");
        assertTrue(sum > 0);
        assertEquals(0, tally.requests, "all hits");
    }

    @Test
    void anOpenThatSeesAnotherVersionDropsTheFilesPages() throws Exception
    {
        final Path file = root.resolve("changing.bin");
        Files.write(file, new byte[8192]);
        final FileCache cache = new FileCache(1L << 20);
        final FileReadTally tally = new FileReadTally();
        final byte[] buffer = new byte[8192];
        cache.opened("/changing.bin", storage.stat("/changing.bin", true));
        cache.read(storage, "/changing.bin", 0, buffer, 0, 8192, ReadAhead.forReads(), tally);
        final byte[] changed = new byte[8192];
        Arrays.fill(changed, (byte)7);
        Thread.sleep(20);
        Files.write(file, changed); // another pComponent's write, as the sComponent sees it: same size
        cache.read(storage, "/changing.bin", 0, buffer, 0, 8192, ReadAhead.forReads(), tally);
        assertEquals(0, buffer[0], "no check between opens: the cached page (close-to-open)");
        final StatInfo info = storage.stat("/changing.bin", true);
        cache.opened("/changing.bin", info);
        cache.read(storage, "/changing.bin", 0, buffer, 0, 8192, ReadAhead.forReads(), tally);
        assertEquals(7, buffer[0], "the next open sees the new mtime and drops the pages");
        assertEquals(1, cache.stats().invalidations());

        Files.write(file, new byte[3 * 4096]); // grows: a miss's reply carries the new size
        cache.read(storage, "/changing.bin", 8192, buffer, 0, 4096, ReadAhead.forReads(), tally);
        cache.read(storage, "/changing.bin", 0, buffer, 0, 4096, ReadAhead.forReads(), tally);
        assertEquals(0, buffer[0], "the size change seen on a read dropped the old pages");
    }
}
