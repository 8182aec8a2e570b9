package org.legoemu.mcomponent.replica;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.legoemu.abi.linux.Errno;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.sbe.VmaOp;
import org.legoemu.mcomponent.MemoryContext;
import org.legoemu.mcomponent.owner.FramePool;
import org.legoemu.mcomponent.owner.ProcessPages;
import org.legoemu.mcomponent.vm.AddressLayout;
import org.legoemu.mcomponent.vm.Mman;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The secondary's log (LegoOS §4.7): pages go to fixed-size batches that the backup writer puts in the backup file;
 * promotion rebuilds a vRegion's VMAs and the newest contents of each page, from memory or from the file, and drops
 * what VMA changes discarded.
 */
class ReplicaLogTest
{
    private static final int PAGE = (int)AddressLayout.PAGE_SIZE;
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    private static final long BASE = 0x10_0000L;

    private final MapStorage storage = new MapStorage();
    private final BackupWriter writer = new BackupWriter(storage, MemoryContext.DEFAULT_BACKUP_RETRY_NS, "test");
    private final FramePool pool = new FramePool(16L << 20);

    @AfterEach
    void tearDown()
    {
        writer.close();
        pool.close();
    }

    /**
     * Issue 14: the backup file used to grow with every batch. Rewriting the same 40 pages 50 times (500 batches of 4
     * pages) keeps it at about the live pages' batches, and promotion still restores the newest contents.
     */
    @Test
    void rewritingTheSamePagesReusesDeadBatchesInsteadOfGrowingTheFile() throws Exception
    {
        final ReplicaLog log = new ReplicaLog(1000, 7, "/b/pid-1000.log", new BatchPool(4 * PAGE, 8), writer);
        log.appendVma(VmaOp.MAP, BASE, BASE + 64L * PAGE, RW);
        int batches = 0;
        for (int round = 0; round < 50; round++)
        {
            for (int i = 0; i < 40; i++)
            {
                int result;
                while ((result = log.appendPage(BASE + (long)i * PAGE, page(round * 100 + i), 0)) != 0)
                {
                    assertEquals(-Errno.EAGAIN, result);
                    Thread.sleep(1);
                }
            }
            batches += 10;
            storage.awaitWrites(batches - 1);
        }
        assertEquals(40, log.pages());
        assertTrue(log.filePositions() <= 2 * 10 + 2, "the backup file grew to " + log.filePositions() +
            " batches for 10 batches of live pages");
        assertTrue(storage.files.get("/b/pid-1000.log").length <= (2 * 10 + 2) * 4 * PAGE);

        final ProcessPages store = new ProcessPages(1000, 7, pool);
        assertEquals(40, log.promote(0, store, storage, new byte[PAGE]));
        for (int i = 0; i < 40; i++)
        {
            final UnsafeBuffer line = new UnsafeBuffer(new byte[PAGE]);
            assertTrue(store.copyPage(BASE + (long)i * PAGE, line));
            assertArrayEquals(page(49 * 100 + i).byteArray(), line.byteArray(), "page " + i);
        }
    }

    @Test
    void promotionRestoresTheNewestContentsFromMemoryAndFromTheBackupFile() throws Exception
    {
        final ReplicaLog log = new ReplicaLog(1000, 7, "/b/pid-1000.log", new BatchPool(4 * PAGE, 8), writer);
        log.appendVma(VmaOp.MAP, BASE, BASE + 16L * PAGE, RW);
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < 10; i++)
            {
                assertEquals(0, log.appendPage(BASE + (long)i * PAGE, page(round * 100 + i), 0));
            }
        }
        storage.awaitWrites(7);
        // The two full batches of the last round hold live pages, so they sit at two positions of the file; earlier
        // batches may have been overwritten in place once all their pages were rewritten (position reuse).
        assertTrue(storage.files.get("/b/pid-1000.log").length >= 2 * 4 * PAGE, "full batches reach the backup");
        assertEquals(10, log.pages());

        final ProcessPages store = new ProcessPages(1000, 7, pool);
        assertEquals(10, log.promote(0, store, storage, new byte[PAGE]));
        for (int i = 0; i < 10; i++)
        {
            final UnsafeBuffer line = new UnsafeBuffer(new byte[PAGE]);
            assertTrue(store.copyPage(BASE + (long)i * PAGE, line));
            assertArrayEquals(page(200 + i).byteArray(), line.byteArray(), "page " + i + " is not the newest");
        }
        assertEquals(RW, store.vmas().get(0).prot());
        assertEquals(0, log.pages(), "the promoted vRegion leaves the log");
    }

    @Test
    void vmaChangesDropThePagesTheyDiscardAndResetForgetsTheVRegion()
    {
        final ReplicaLog log = new ReplicaLog(1000, 7, "/b/p.log", new BatchPool(ReplicaLogs.DEFAULT_BATCH_BYTES, 8),
            writer);
        log.appendVma(VmaOp.MAP, BASE, BASE + 4L * PAGE, RW);
        for (int i = 0; i < 4; i++)
        {
            log.appendPage(BASE + (long)i * PAGE, page(i), 0);
        }
        log.appendVma(VmaOp.DISCARD, BASE, BASE + PAGE, 0);
        log.appendVma(VmaOp.UNMAP, BASE + 3L * PAGE, BASE + 4L * PAGE, 0);
        log.appendVma(VmaOp.PROTECT, BASE + PAGE, BASE + 2L * PAGE, Mman.PROT_READ);
        assertEquals(2, log.pages());

        final ProcessPages store = new ProcessPages(1000, 7, pool);
        assertEquals(2, log.promote(0, store, storage, new byte[PAGE]));
        final UnsafeBuffer line = new UnsafeBuffer(new byte[PAGE]);
        assertFalse(store.copyPage(BASE, line), "a discarded page reads zero: no frame");
        assertTrue(store.copyPage(BASE + PAGE, line));
        assertEquals(-Errno.EACCES, store.resolve(BASE + PAGE, Mman.PROT_WRITE), "the protection change replays");
        assertEquals(-Errno.EFAULT, store.resolve(BASE + 3L * PAGE, 1), "the unmapped page has no VMA");

        log.appendVma(VmaOp.MAP, BASE, BASE + PAGE, RW);
        log.appendPage(BASE, page(9), 0);
        log.reset(0);
        assertTrue(log.isEmpty());
    }

    /**
     * A page written back again while its newest contents are still in the open batch takes its old slot: 200
     * write-backs of two pages fill no batch (none is written to the backup), a full open batch still takes rewrites,
     * and promotion restores the newest contents. Without the overwrite in place they filled 50 batches of 4 pages.
     */
    @Test
    void rewritingAPageStillInTheOpenBatchOverwritesItsSlot() throws Exception
    {
        final ReplicaLog log = new ReplicaLog(1000, 7, "/b/hot.log", new BatchPool(4 * PAGE, 8), writer);
        log.appendVma(VmaOp.MAP, BASE, BASE + 8L * PAGE, RW);
        for (int round = 0; round < 100; round++)
        {
            assertEquals(0, log.appendPage(BASE, page(round), 0));
            assertEquals(0, log.appendPage(BASE + PAGE, page(1000 + round), 0));
        }
        for (int i = 2; i < 4; i++)
        {
            assertEquals(0, log.appendPage(BASE + (long)i * PAGE, page(2000 + i), 0));
        }
        assertEquals(0, log.appendPage(BASE, page(3000), 0), "the open batch is full but still holds page 0");
        Thread.sleep(50);
        assertEquals(0, storage.writes(), "no batch was handed to the backup writer");
        assertEquals(0, log.appendPage(BASE + 4L * PAGE, page(2004), 0), "a new page rotates the full batch");
        storage.awaitWrites(1);
        assertEquals(5, log.pages());

        final ProcessPages store = new ProcessPages(1000, 7, pool);
        assertEquals(5, log.promote(0, store, storage, new byte[PAGE]));
        final int[] newest = {3000, 1000 + 99, 2002, 2003, 2004};
        for (int i = 0; i < newest.length; i++)
        {
            final UnsafeBuffer line = new UnsafeBuffer(new byte[PAGE]);
            assertTrue(store.copyPage(BASE + (long)i * PAGE, line));
            assertArrayEquals(page(newest[i]).byteArray(), line.byteArray(), "page " + i + " is not the newest");
        }
    }

    /**
     * No acknowledged write lost when the primary dies at any moment: random write-backs of 24 pages (so pages are
     * rewritten both in the open batch and after their batch left for the backup) into 4-page batches from one pool,
     * while the backup writes take 0-2 ms each, then a promotion (the primary's crash) at a random point, with
     * batches still waiting for the writer, others written: every page must come back with the last contents
     * appended. Fails when a batch array is recycled while the writer still holds it, or when a rewrite lands in a
     * slot of a batch that already left.
     */
    @Test
    void promotionAtAnyMomentRestoresEveryAcknowledgedWrite() throws Exception
    {
        storage.maxDelayNs = TimeUnit.MILLISECONDS.toNanos(2);
        final BatchPool batches = new BatchPool(4 * PAGE, 8);
        final java.util.Random random = new java.util.Random(12);
        for (int trial = 0; trial < 12; trial++)
        {
            final int pid = 2000 + trial;
            final ReplicaLog log = new ReplicaLog(pid, 7, "/b/crash-" + trial + ".log", batches, writer);
            log.appendVma(VmaOp.MAP, BASE, BASE + 24L * PAGE, RW);
            final int[] newest = new int[24];
            Arrays.fill(newest, -1);
            final int writes = 40 + random.nextInt(400);
            for (int w = 0; w < writes; w++)
            {
                final int i = random.nextInt(10) < 7 ? random.nextInt(6) : random.nextInt(24);
                final int value = trial * 1000 + w;
                int result;
                while ((result = log.appendPage(BASE + (long)i * PAGE, page(value), 0)) != 0)
                {
                    assertEquals(-Errno.EAGAIN, result);
                    Thread.sleep(1);
                }
                newest[i] = value;
            }
            final ProcessPages store = new ProcessPages(pid, 7, pool);
            log.promote(0, store, storage, new byte[PAGE]);
            for (int i = 0; i < 24; i++)
            {
                final UnsafeBuffer line = new UnsafeBuffer(new byte[PAGE]);
                if (newest[i] < 0)
                {
                    assertFalse(store.copyPage(BASE + (long)i * PAGE, line), "page " + i + " was never written");
                    continue;
                }
                assertTrue(store.copyPage(BASE + (long)i * PAGE, line), "trial " + trial + ": page " + i + " lost");
                assertArrayEquals(page(newest[i]).byteArray(), line.byteArray(),
                    "trial " + trial + ": page " + i + " is not its last acknowledged write " + newest[i]);
            }
            store.release();
            log.release();
        }
    }

    /** A written batch, and a released log's open batch, go back to the pool, so later batches reuse them. */
    @Test
    void batchArraysAreRecycledOnceWrittenAndAtRelease() throws Exception
    {
        final BatchPool batches = new BatchPool(PAGE, 8);
        final ReplicaLog log = new ReplicaLog(1000, 7, "/b/recycle.log", batches, writer);
        log.appendVma(VmaOp.MAP, BASE, BASE + 8L * PAGE, RW);
        storage.failWrites = true; // so the rotation below cannot take back the batch it hands to the writer
        assertEquals(0, log.appendPage(BASE, page(1), 0));
        assertEquals(0, log.appendPage(BASE + PAGE, page(2), 0));
        assertEquals(0, batches.idle());
        storage.failWrites = false;
        storage.awaitWrites(1);
        final long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (batches.idle() == 0 && System.nanoTime() < until)
        {
            Thread.sleep(1);
        }
        assertEquals(1, batches.idle(), "the written batch is back in the pool");

        final BatchPool other = new BatchPool(PAGE, 8);
        final ReplicaLog small = new ReplicaLog(1001, 7, "/b/small.log", other, writer);
        assertEquals(0, other.idle());
        small.release();
        assertEquals(1, other.idle(), "the open batch goes back at release");
    }

    @Test
    void appendsAreRefusedWithEagainWhileTooManyBatchesWaitForTheBackup()
    {
        storage.failWrites = true;
        final ReplicaLog log = new ReplicaLog(1000, 7, "/b/slow.log", new BatchPool(PAGE, 8), writer);
        log.appendVma(VmaOp.MAP, BASE, BASE + (ReplicaLog.MAX_PENDING_BATCHES + 4L) * PAGE, RW);
        int refused = 0;
        for (int i = 0; i < ReplicaLog.MAX_PENDING_BATCHES + 4; i++)
        {
            if (log.appendPage(BASE + (long)i * PAGE, page(i), 0) == -Errno.EAGAIN)
            {
                refused++;
            }
        }
        assertTrue(refused > 0, "the log must push back instead of growing without bound");
        log.release();
        assertTrue(log.isReleased());
    }

    private static UnsafeBuffer page(final int value)
    {
        final byte[] bytes = new byte[PAGE];
        Arrays.fill(bytes, (byte)value);
        bytes[0] = (byte)(value >> 8);
        return new UnsafeBuffer(bytes);
    }

    /** Backup files in memory; counts writes so a test can wait for the writer. */
    private static final class MapStorage implements BackupStorage
    {
        final Map<String, byte[]> files = new ConcurrentHashMap<>();
        volatile boolean failWrites;
        volatile long maxDelayNs;
        private final java.util.Random delays = new java.util.Random(5);
        private int writes;

        @Override
        public synchronized void write(
            final String path, final long fileOffset, final byte[] src, final int srcOffset, final int length)
        {
            if (failWrites)
            {
                throw new FabricException(Errno.EIO, "storage down");
            }
            final byte[] old = files.getOrDefault(path, new byte[0]);
            final byte[] grown = Arrays.copyOf(old, (int)Math.max(old.length, fileOffset + length));
            System.arraycopy(src, srcOffset, grown, (int)fileOffset, length);
            files.put(path, grown);
            if (maxDelayNs > 0)
            {
                // The bytes are taken; the write then takes a while to return, as a real one does.
                java.util.concurrent.locks.LockSupport.parkNanos((long)(delays.nextDouble() * maxDelayNs));
            }
            writes++;
            notifyAll();
        }

        @Override
        public void read(
            final String path, final long fileOffset, final byte[] dst, final int dstOffset, final int length)
        {
            final byte[] file = files.get(path);
            if (file == null || file.length < fileOffset + length)
            {
                throw new FabricException(Errno.EIO, "short backup");
            }
            System.arraycopy(file, (int)fileOffset, dst, dstOffset, length);
        }

        @Override
        public void delete(final String path)
        {
            files.remove(path);
        }

        synchronized int writes()
        {
            return writes;
        }

        synchronized void awaitWrites(final int count) throws InterruptedException
        {
            final long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (writes < count && System.nanoTime() < until)
            {
                wait(100);
            }
            assertTrue(writes >= count, "backup writes: " + writes);
        }
    }
}
