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
        assertArrayEquals(Arrays.copyOf(a, 4096), reader.buffer);
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
        assertArrayEquals(Arrays.copyOf(c, 4096), first.buffer);
        assertArrayEquals(Arrays.copyOf(c, 4096), second.buffer);
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
                final long size = storage.write("/w.bin", 0, fresh, 0, fresh.length); // as StorageFile.writeAt
                cache.written("/w.bin", 0, fresh.length, size);
            }, "a write must not wait for the sComponent read");
        }
        finally
        {
            gated.release.countDown();
        }
        reader.join(10_000);
        assertEquals(4096, reader.bytes.get());
        assertTrue(Arrays.equals(Arrays.copyOf(old, 4096), reader.buffer) || Arrays.equals(fresh, reader.buffer),
            "the concurrent read sees the old or the new bytes");
        final byte[] after = new byte[4096];
        cache.read(storage, "/w.bin", 0, after, 0, 4096, ReadAhead.forReads(), new FileReadTally());
        assertArrayEquals(fresh, after, "a read after the write returned sees it, not a page the old read cached");
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

    /** A process's thread reading the first page of a file through the cache. */
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
            bytes.set(cache.read(proxy, path, 0, buffer, 0, 4096, ReadAhead.forReads(), new FileReadTally()));
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
