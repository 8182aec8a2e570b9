package org.legoemu.pcomponent.files;

import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Object2IntHashMap;
import org.legoemu.fabric.proxy.StatInfo;
import org.legoemu.fabric.proxy.StorageProxy;

import java.util.Arrays;

/**
 * A pComponent's cache of sComponent file data, in front of the sComponent for read(2), pread(2) and the
 * first-touch fill of file mappings: 4 KiB pages keyed by (path, page index), replaced by CLOCK (second chance) when
 * full, filled by reads of up to {@link #MAX_WINDOW_PAGES} pages (1 MiB, the sComponent's largest transfer) chosen
 * by each stream's {@link ReadAhead}.
 *
 * <p><b>Consistency with other pComponents</b> (the sComponent is stateless and sends no invalidations):
 * close-to-open, as NFS. {@link #opened} compares the file's (inode, size, mtime) from the open's stat with what
 * the cache last saw and drops the file's pages when any differs; every read that goes to the sComponent compares
 * the size its reply carries and drops the file's pages when it changed. So a process that opens a file after
 * another pComponent's writer has finished (its write(2)s returned) reads the new data; a file held open while
 * another pComponent writes it may keep reading cached old pages until the next open or size change. Writes through
 * this pComponent are sent to the sComponent at once (write-through) and drop the cached pages of their range
 * ({@link #written}); fsync(2) still goes to the sComponent. A change that keeps size and mtime (a write within the
 * host file system's timestamp granularity that does not change the size) is not seen, as with NFS.
 *
 * <p>Thread-safe: one lock, held across the sComponent read of a miss (a second reader of the same window waits for
 * it and then hits). A hit allocates nothing.
 */
public final class FileCache
{
    /** Page size, bytes. */
    public static final int PAGE_BYTES = 4096;
    /** Default size: 64 MiB (a guess: the default ExCache's size, enough for a few 1 MiB windows per stream). */
    public static final long DEFAULT_BYTES = 64L << 20;
    /** Largest size, bytes (1 GiB: the pages live in one Java array). */
    public static final long MAX_BYTES = 1L << 30;
    /** Largest read-ahead window and sComponent read, pages: {@link StorageProxy#MAX_TRANSFER_BYTES} (1 MiB). */
    public static final int MAX_WINDOW_PAGES = StorageProxy.MAX_TRANSFER_BYTES / PAGE_BYTES;
    /** A disabled cache (size 0): {@link #enabled()} is false and nothing may be read through it. */
    public static final FileCache DISABLED = new FileCache(0);

    private static final int PAGE_SHIFT = 12;
    private static final int FILE_SHIFT = 36;
    private static final long NONE = -1;

    private final int capacityPages;
    private final int maxWindowPages;
    private final FileCacheStats stats = new FileCacheStats();
    private final Long2LongHashMap index = new Long2LongHashMap(NONE);
    private final Object2IntHashMap<String> ids = new Object2IntHashMap<>(-1);
    private long[] keys;
    private int[] valid;
    private boolean[] referenced;
    private int[] free;
    private int freeCount;
    private int hand;
    private byte[] data;
    private byte[] staging;
    /** Per file id: what the cache last saw of the file, or unknown. */
    private boolean[] known = new boolean[16];
    private long[] inode = new long[16];
    private long[] size = new long[16];
    private long[] mtimeNs = new long[16];

    /**
     * @param capacityBytes size in bytes, rounded down to whole pages; below two pages the cache is disabled.
     * @throws IllegalArgumentException if negative or above {@link #MAX_BYTES}.
     */
    public FileCache(final long capacityBytes)
    {
        if (capacityBytes < 0 || capacityBytes > MAX_BYTES)
        {
            throw new IllegalArgumentException("--file-cache must be between 0 and 1GiB, not " + capacityBytes);
        }
        final long pages = capacityBytes / PAGE_BYTES;
        this.capacityPages = pages < 2 ? 0 : (int)pages;
        this.maxWindowPages = Math.max(1, Math.min(MAX_WINDOW_PAGES, capacityPages / 4));
    }

    /** False for a cache of size 0: callers then read from the sComponent directly. */
    public boolean enabled()
    {
        return capacityPages > 0;
    }

    /** Size, bytes. */
    public long capacityBytes()
    {
        return (long)capacityPages * PAGE_BYTES;
    }

    /** The largest read this cache sends to the sComponent, bytes. */
    public int maxReadBytes()
    {
        return maxWindowPages * PAGE_BYTES;
    }

    /** The counters. */
    public FileCacheStats stats()
    {
        return stats;
    }

    /**
     * open(2) of {@code path} returned {@code info}: close-to-open check (class comment). Drops the file's pages if
     * the file is not the version last seen.
     */
    public synchronized void opened(final String path, final StatInfo info)
    {
        if (!enabled() || !info.isRegularFile())
        {
            return;
        }
        final int id = idOf(path);
        if (known[id] && (inode[id] != info.inode() || size[id] != info.sizeBytes() || mtimeNs[id] != info.mtimeNs()))
        {
            dropFile(id);
            stats.invalidations++;
        }
        known[id] = true;
        inode[id] = info.inode();
        size[id] = info.sizeBytes();
        mtimeNs[id] = info.mtimeNs();
    }

    /**
     * Reads up to {@code length} bytes of {@code path} at {@code position} into {@code dst}: cached pages are
     * copied, missing ones read from the sComponent through {@code storage} in windows chosen by {@code stream}.
     *
     * @param tally receives what the read did (added to; the caller resets it).
     * @return bytes read; fewer than asked at the end of the file, 0 at or past it.
     * @throws org.legoemu.fabric.FabricException the sComponent's errno (EIO when unreachable).
     */
    public synchronized int read(
        final StorageProxy storage, final String path, final long position, final byte[] dst, final int dstOffset,
        final int length, final ReadAhead stream, final FileReadTally tally)
    {
        if (length <= 0)
        {
            return 0;
        }
        allocate();
        final int id = idOf(path);
        final long firstPage = position >>> PAGE_SHIFT;
        final long endPage = (position + length + PAGE_BYTES - 1) >>> PAGE_SHIFT;
        int done = 0;
        while (done < length)
        {
            final long at = position + done;
            final long page = at >>> PAGE_SHIFT;
            final int inPage = (int)(at & (PAGE_BYTES - 1));
            final int slot = (int)index.get(key(id, page));
            if (slot >= 0)
            {
                stats.hits++;
                referenced[slot] = true;
                final int bytes = valid[slot];
                if (inPage >= bytes)
                {
                    break;
                }
                final int n = Math.min(bytes - inPage, length - done);
                System.arraycopy(data, slot * PAGE_BYTES + inPage, dst, dstOffset + done, n);
                done += n;
                if (bytes < PAGE_BYTES && inPage + n == bytes)
                {
                    break; // end of file
                }
                continue;
            }
            stats.misses++;
            final long start = stream.startFor(page, firstPage, (int)(endPage - firstPage), maxWindowPages);
            final int pages = stream.pagesFrom(start, page, endPage, maxWindowPages);
            final int n;
            final long fileSize;
            synchronized (storage)
            {
                n = storage.read(path, start << PAGE_SHIFT, staging, 0, pages << PAGE_SHIFT);
                fileSize = storage.lastFileSizeBytes();
            }
            stats.requests++;
            stats.bytes += n;
            tally.requests++;
            tally.storageBytes += n;
            sizeSeen(id, fileSize);
            for (int p = 0; p * PAGE_BYTES < n; p++)
            {
                insert(key(id, start + p), p * PAGE_BYTES, Math.min(PAGE_BYTES, n - p * PAGE_BYTES));
            }
            final int from = (int)((page - start) << PAGE_SHIFT) + inPage;
            final int available = n - from;
            if (available <= 0)
            {
                break;
            }
            final int copied = Math.min(available, length - done);
            System.arraycopy(staging, from, dst, dstOffset + done, copied);
            done += copied;
            if (n < pages << PAGE_SHIFT && from + copied == n)
            {
                break; // end of file
            }
        }
        stream.readEnded((position + done) >>> PAGE_SHIFT);
        tally.copiedBytes += done;
        return done;
    }

    /**
     * This pComponent wrote {@code length} bytes of {@code path} at {@code position} (-1: appended, ending at
     * {@code newSize}) through to the sComponent, which reported the file's size {@code newSize}: the range's
     * cached pages are dropped, and the file's mtime is no longer known (the next open drops its pages).
     */
    public synchronized void written(final String path, final long position, final long length, final long newSize)
    {
        if (!enabled() || length <= 0)
        {
            return;
        }
        final int id = ids.getValue(path);
        if (id < 0)
        {
            return;
        }
        final long from = position < 0 ? Math.max(0, newSize - length) : position;
        if (keys != null)
        {
            for (long page = from >>> PAGE_SHIFT; page <= (from + length - 1) >>> PAGE_SHIFT; page++)
            {
                final int slot = (int)index.remove(key(id, page));
                if (slot >= 0)
                {
                    release(slot);
                }
            }
        }
        if (known[id])
        {
            size[id] = newSize;
            mtimeNs[id] = Long.MIN_VALUE;
        }
    }

    /** {@code path} was truncated, removed or renamed over by this pComponent: its pages and attributes are dropped. */
    public synchronized void changed(final String path)
    {
        if (!enabled())
        {
            return;
        }
        final int id = ids.getValue(path);
        if (id >= 0)
        {
            dropFile(id);
            known[id] = false;
        }
    }

    /** Pages cached now. */
    public synchronized int cachedPages()
    {
        return capacityPages - (keys == null ? capacityPages : freeCount);
    }

    private void sizeSeen(final int id, final long fileSize)
    {
        if (fileSize < 0)
        {
            return;
        }
        if (known[id] && size[id] != fileSize)
        {
            dropFile(id);
            stats.invalidations++;
            mtimeNs[id] = Long.MIN_VALUE;
        }
        if (known[id])
        {
            size[id] = fileSize;
        }
    }

    private void insert(final long key, final int stagingOffset, final int bytes)
    {
        int slot = (int)index.get(key);
        if (slot < 0)
        {
            slot = takeSlot();
            keys[slot] = key;
            index.put(key, slot);
        }
        System.arraycopy(staging, stagingOffset, data, slot * PAGE_BYTES, bytes);
        valid[slot] = bytes;
        referenced[slot] = false;
    }

    private int takeSlot()
    {
        if (freeCount > 0)
        {
            return free[--freeCount];
        }
        while (true)
        {
            final int slot = hand;
            hand = hand + 1 == capacityPages ? 0 : hand + 1;
            if (referenced[slot])
            {
                referenced[slot] = false;
                continue;
            }
            index.remove(keys[slot]);
            keys[slot] = NONE;
            return slot;
        }
    }

    private void release(final int slot)
    {
        keys[slot] = NONE;
        referenced[slot] = false;
        free[freeCount++] = slot;
    }

    private void dropFile(final int id)
    {
        if (keys == null)
        {
            return;
        }
        for (int slot = 0; slot < capacityPages; slot++)
        {
            if (keys[slot] != NONE && (keys[slot] >>> FILE_SHIFT) == id)
            {
                index.remove(keys[slot]);
                release(slot);
            }
        }
    }

    private int idOf(final String path)
    {
        int id = ids.getValue(path);
        if (id < 0)
        {
            id = ids.size();
            ids.put(path, id);
            if (id == known.length)
            {
                final int grown = id * 2;
                known = Arrays.copyOf(known, grown);
                inode = Arrays.copyOf(inode, grown);
                size = Arrays.copyOf(size, grown);
                mtimeNs = Arrays.copyOf(mtimeNs, grown);
            }
        }
        return id;
    }

    private void allocate()
    {
        if (!enabled())
        {
            throw new IllegalStateException("the file cache is disabled");
        }
        if (keys == null)
        {
            keys = new long[capacityPages];
            Arrays.fill(keys, NONE);
            valid = new int[capacityPages];
            referenced = new boolean[capacityPages];
            free = new int[capacityPages];
            for (int i = 0; i < capacityPages; i++)
            {
                free[i] = capacityPages - 1 - i;
            }
            freeCount = capacityPages;
            data = new byte[capacityPages * PAGE_BYTES];
            staging = new byte[maxWindowPages * PAGE_BYTES];
        }
    }

    private static long key(final int id, final long page)
    {
        return ((long)id << FILE_SHIFT) | page;
    }
}
