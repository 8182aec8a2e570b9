package org.legoemu.pcomponent.files;

import org.agrona.DirectBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.legoemu.emulator.EmbeddedCluster;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Reply;
import org.legoemu.fabric.proxy.StorageProxy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FileCache} does not hold its lock across an sComponent read (its class comment, "Misses in flight"): one
 * process's read is held inside the sComponent call by a gated client (after the sComponent answered, before the
 * proxy gets the reply), and what other readers and a writer can do meanwhile is checked. Against an in-JVM
 * cluster's real sComponent.
 */
class FileCacheInFlightTest
{
    private static final int FILE_BYTES = 64 << 10;
    private static final Duration NOT_BLOCKED = Duration.ofSeconds(5);
    private static final int PAGE = FileCache.PAGE_BYTES;

    @TempDir
    static Path root;

    private static EmbeddedCluster cluster;
    private static StorageProxy storage;

    @BeforeAll
    static void start()
    {
        cluster = EmbeddedCluster.start(new EmbeddedCluster.Config(1, 1, 1L << 20, 8, "lru", 1L << 30, root,
            "inproc"));
        storage = proxy(connect());
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
    void closeEndsTheReadAheadThreadAndReadsStillWork() throws Exception
    {
        final byte[] r = write("r.bin", 5);
        final FileCache cache = new FileCache(16L << 20);
        final ReadAhead stream = ReadAhead.forReads();
        final byte[] buffer = new byte[PAGE];
        for (int offset = 0; offset < FILE_BYTES / 2; offset += PAGE)
        {
            assertEquals(PAGE, cache.read(storage, "/r.bin", offset, buffer, 0, PAGE, stream, new FileReadTally()));
        }
        assertTrue(cache.readAheadRunning(), "a sequential read started background read-ahead");
        cache.close();
        assertTrue(!cache.readAheadRunning(), "close ended the read-ahead thread");
        for (int offset = FILE_BYTES / 2; offset < FILE_BYTES; offset += PAGE)
        {
            assertEquals(PAGE, cache.read(storage, "/r.bin", offset, buffer, 0, PAGE, stream, new FileReadTally()));
            assertArrayEquals(Arrays.copyOfRange(r, offset, offset + PAGE), buffer);
        }
        assertTrue(!cache.readAheadRunning(), "no read-ahead starts after close");
    }

    @Test
    void anotherFilesReadCompletesWhileAMissIsInTheSComponent() throws Exception
    {
        final byte[] a = write("a.bin", 1);
        final byte[] b = write("b.bin", 2);
        final FileCache cache = new FileCache(16L << 20);
        final GatedClient gated = new GatedClient(connect());
        final BlockedRead reader = new BlockedRead(cache, proxy(gated), "/a.bin");
        try
        {
            reader.start();
            assertTrue(gated.entered.await(10, TimeUnit.SECONDS), "the read of A reached the sComponent");
            final byte[] buffer = new byte[8192];
            final int n = assertTimeoutPreemptively(NOT_BLOCKED,
                () -> cache.read(storage, "/b.bin", 0, buffer, 0, 8192, ReadAhead.forReads(), new FileReadTally()),
                "a read of B must not wait for the sComponent read of A");
            assertEquals(8192, n);
            assertArrayEquals(Arrays.copyOf(b, 8192), buffer);
        }
        finally
        {
            gated.release.countDown();
        }
        reader.join(10_000);
        assertEquals(4096, reader.bytes.get());
        assertArrayEquals(Arrays.copyOfRange(a, PAGE, 2 * PAGE), reader.buffer);
    }

    @Test
    void aSecondReaderOfAWindowInFlightWaitsForItInsteadOfReadingAgain() throws Exception
    {
        final byte[] c = write("c.bin", 3);
        final FileCache cache = new FileCache(16L << 20);
        final GatedClient gated = new GatedClient(connect());
        final BlockedRead first = new BlockedRead(cache, proxy(gated), "/c.bin");
        final BlockedRead second = new BlockedRead(cache, storage, "/c.bin");
        try
        {
            first.start();
            assertTrue(gated.entered.await(10, TimeUnit.SECONDS));
            second.start();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (second.getState() != Thread.State.WAITING && second.getState() != Thread.State.TERMINATED
                && System.nanoTime() < deadline)
            {
                Thread.sleep(1);
            }
            assertEquals(Thread.State.WAITING, second.getState(), "the second reader waits for the first's read");
        }
        finally
        {
            gated.release.countDown();
        }
        first.join(10_000);
        second.join(10_000);
        assertArrayEquals(Arrays.copyOfRange(c, PAGE, 2 * PAGE), first.buffer);
        assertArrayEquals(Arrays.copyOfRange(c, PAGE, 2 * PAGE), second.buffer);
        assertEquals(1, cache.stats().requests(), "one sComponent read for both");
        assertEquals(1, cache.stats().hits(), "the second reader hit once the window was in");
    }

    @Test
    void aWriteDuringAReadInFlightLeavesNoStalePages() throws Exception
    {
        final byte[] old = write("w.bin", 4);
        final FileCache cache = new FileCache(16L << 20);
        final GatedClient gated = new GatedClient(connect());
        final BlockedRead reader = new BlockedRead(cache, proxy(gated), "/w.bin");
        final byte[] fresh = new byte[4096];
        Arrays.fill(fresh, (byte)7);
        try
        {
            reader.start();
            assertTrue(gated.entered.await(10, TimeUnit.SECONDS), "the read holds the old bytes, not yet inserted");
            assertTimeoutPreemptively(NOT_BLOCKED, () ->
            {
                final long size = storage.write("/w.bin", PAGE, fresh, 0, fresh.length); // as StorageFile.writeAt
                cache.written("/w.bin", PAGE, fresh.length, size);
            }, "a write must not wait for the sComponent read");
        }
        finally
        {
            gated.release.countDown();
        }
        reader.join(10_000);
        assertEquals(4096, reader.bytes.get());
        assertTrue(Arrays.equals(Arrays.copyOfRange(old, PAGE, 2 * PAGE), reader.buffer)
            || Arrays.equals(fresh, reader.buffer),
            "the concurrent read sees the old or the new bytes");
        final byte[] after = new byte[4096];
        cache.read(storage, "/w.bin", PAGE, after, 0, 4096, ReadAhead.forReads(), new FileReadTally());
        assertArrayEquals(fresh, after, "a read after the write returned sees it, not a page the old read cached");
    }

    @Test
    void aSequentialReaderFindsTheNextWindowReadInTheBackground() throws Exception
    {
        final byte[] s = write("s.bin", 5);
        final FileCache cache = new FileCache(16L << 20);
        final ReadAhead stream = ReadAhead.forReads();
        final FileReadTally tally = new FileReadTally();
        final byte[] buffer = new byte[PAGE];
        cache.read(storage, "/s.bin", 0, buffer, 0, PAGE, stream, tally);
        assertEquals(1, tally.requests, "the first read waits for its window: 4 pages (get_init_ra_size of 1)");
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (cache.cachedPages() < 16 && System.nanoTime() < deadline)
        {
            Thread.sleep(1);
        }
        assertEquals(16, cache.cachedPages(), "the next window (x4: 16 pages, cut by the 16-page file's end) was read"
            + " without a reader");
        tally.reset();
        for (int page = 1; page < 16; page++)
        {
            assertEquals(PAGE, cache.read(storage, "/s.bin", (long)page * PAGE, buffer, 0, PAGE, stream, tally));
            assertArrayEquals(Arrays.copyOfRange(s, page * PAGE, (page + 1) * PAGE), buffer, "page " + page);
        }
        assertEquals(0, tally.requests, "the reader itself sent nothing for pages 1-15");
        assertTrue(cache.stats().readAheads() >= 1, "counted as read-ahead");
    }

    private static byte[] write(final String name, final int seed) throws Exception
    {
        final byte[] contents = new byte[FILE_BYTES];
        new Random(seed).nextBytes(contents);
        Files.write(root.resolve(name), contents);
        return contents;
    }

    private static Client connect()
    {
        return cluster.transport().connect(cluster.storageEndpoint());
    }

    private static StorageProxy proxy(final Client client)
    {
        return new StorageProxy(client, TimeUnit.SECONDS.toNanos(10));
    }

    /**
     * A process's thread reading the second page of a file through the cache: a fresh stream's read not at offset 0
     * is random, so it reads that page alone and starts no background read-ahead.
     */
    private static final class BlockedRead extends Thread
    {
        final byte[] buffer = new byte[4096];
        final AtomicInteger bytes = new AtomicInteger(-1);
        private final FileCache cache;
        private final StorageProxy proxy;
        private final String path;

        BlockedRead(final FileCache cache, final StorageProxy proxy, final String path)
        {
            this.cache = cache;
            this.proxy = proxy;
            this.path = path;
            setDaemon(true);
        }

        @Override
        public void run()
        {
            bytes.set(cache.read(proxy, path, PAGE, buffer, 0, 4096, ReadAhead.forReads(), new FileReadTally()));
        }
    }

    /** Passes the first call to the sComponent, then holds its reply until released (a slow fabric). */
    private static final class GatedClient implements Client
    {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final Client delegate;

        GatedClient(final Client delegate)
        {
            this.delegate = delegate;
        }

        @Override
        public void call(final DirectBuffer request, final int offset, final int length, final Reply reply,
            final long timeoutNs)
        {
            delegate.call(request, offset, length, reply, timeoutNs);
            if (entered.getCount() > 0)
            {
                entered.countDown();
                try
                {
                    release.await();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public Endpoint peer()
        {
            return delegate.peer();
        }

        @Override
        public void close()
        {
            delegate.close();
        }
    }
}
