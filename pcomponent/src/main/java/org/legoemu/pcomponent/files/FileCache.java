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
 * <p><b>Misses in flight</b> (thread-safe). One lock guards the pages, the index and the per-file state, but it is
 * not held during an sComponent read. A miss claims one of {@link #MSHRS} MSHRs, which records the window (file,
 * first page, pages) and owns a staging buffer; the lock is released, the window is read into that buffer (under
 * the process's {@link StorageProxy}, one request at a time per proxy), and the lock is taken again to insert the
 * pages and copy the caller's part. Meanwhile readers of other files and windows, and hits, proceed; a reader that
 * misses on a page inside a busy MSHR's window waits for that read and then hits (no duplicate read); a new window
 * is clipped so it does not read pages another MSHR is reading; a miss with every MSHR busy waits for one. Each
 * file has a generation, bumped whenever its pages are dropped ({@link #written}, {@link #changed}, an open or a
 * read reply that sees another version): a fill claimed under an older generation copies its bytes to its own
 * reader (a read concurrent with the write, which may see either) but inserts nothing and skips the size check, so
 * no page older than a write that has returned is ever cached. A hit allocates nothing; each MSHR allocates its
 * staging buffer (one window, at most 1 MiB) on its first miss.
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

    /**
     * MSHRs: windows that may be read from the sComponent at once (a guess: enough for the processes of a
     * pComponent reading different files; LegoOS does not say). A further miss waits for one to end.
     */
    static final int MSHRS = 8;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FileCache.class);
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
    /** The MSHRs: windows being read from the sComponent now. */
    private final Miss[] misses = new Miss[MSHRS];
    /** Reads the background read-ahead windows; started with the first. */
    private Thread readAheadThread;
    /** Set by {@link #close}: no read-ahead starts any more and the read-ahead thread ends. */
    private boolean closed;
    /** Per file id: what the cache last saw of the file, or unknown. */
    private boolean[] known = new boolean[16];
    private long[] inode = new long[16];
    private long[] size = new long[16];
    private long[] mtimeNs = new long[16];
    /** Per file id: bumped whenever cached pages of the file are dropped; a fill started before is not inserted. */
    private long[] generation = new long[16];

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
        for (int i = 0; i < MSHRS; i++)
        {
            misses[i] = new Miss();
        }
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
     * copied, missing ones read from the sComponent through {@code storage} in windows chosen by {@code stream},
     * without holding the cache's lock during that read (class comment, "Misses in flight"). A thread interrupted
     * while it waits for another's read keeps waiting (that read ends within the proxy's timeout) and returns with
     * its interrupt status set.
     *
     * @param tally receives what the read did (added to; the caller resets it).
     * @return bytes read; fewer than asked at the end of the file, 0 at or past it.
     * @throws org.legoemu.fabric.FabricException the sComponent's errno (EIO when unreachable).
     */
    public int read(
        final StorageProxy storage, final String path, final long position, final byte[] dst, final int dstOffset,
        final int length, final ReadAhead stream, final FileReadTally tally)
    {
        if (length <= 0)
        {
            return 0;
        }
        final long firstPage = position >>> PAGE_SHIFT;
        final long endPage = (position + length + PAGE_BYTES - 1) >>> PAGE_SHIFT;
        boolean interrupted = false;
        int done = 0;
        try
        {
            while (true)
            {
                final Miss miss;
                synchronized (this)
                {
                    allocate();
                    final int id = idOf(path);
                    Miss claimed = null;
                    while (done < length)
                    {
                        final long at = position + done;
                        final long page = at >>> PAGE_SHIFT;
                        final int slot = (int)index.get(key(id, page));
                        if (slot >= 0)
                        {
                            final int copied = copyHit(slot, (int)(at & (PAGE_BYTES - 1)), dst, dstOffset + done,
                                length - done);
                            if (copied <= 0)
                            {
                                done -= copied;
                                break; // end of file
                            }
                            done += copied;
                            continue;
                        }
                        final Miss filling = inFlight(id, page);
                        if (filling != null)
                        {
                            interrupted |= awaitFill(filling); // the same window: no second read, a hit after
                            continue;
                        }
                        claimed = idleMiss();
                        if (claimed == null)
                        {
                            interrupted |= awaitAnyFill(); // every MSHR busy
                            continue;
                        }
                        stats.misses++;
                        final long start = stream.startFor(page, firstPage, (int)(endPage - firstPage),
                            maxWindowPages);
                        claimed.claim(id, start, stream.pagesFrom(start, page, endPage, maxWindowPages), page,
                            generation[id], maxWindowPages);
                        clipToInFlight(claimed);
                        stream.windowRead(claimed.startPage, claimed.pages);
                        break;
                    }
                    if (claimed == null)
                    {
                        return ended(storage, path, id, stream, position + done, tally, done);
                    }
                    miss = claimed;
                }
                final int n = readInto(storage, path, miss);
                synchronized (this)
                {
                    final int from = (int)((miss.page - miss.startPage) << PAGE_SHIFT)
                        + (int)((position + done) & (PAGE_BYTES - 1));
                    final int copied = Math.max(0, Math.min(n - from, length - done));
                    System.arraycopy(miss.staging, from, dst, dstOffset + done, copied);
                    finish(miss);
                    stats.requests++;
                    stats.bytes += n;
                    tally.requests++;
                    tally.storageBytes += n;
                    done += copied;
                    if (copied == 0 || (n < miss.pages << PAGE_SHIFT && from + copied == n))
                    {
                        return ended(storage, path, miss.fileId, stream, position + done, tally, done); // end of file
                    }
                }
            }
        }
        finally
        {
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A read ends at byte {@code end} (under the lock): records it and starts the stream's next window if due. */
    private int ended(
        final StorageProxy storage, final String path, final int id, final ReadAhead stream, final long end,
        final FileReadTally tally, final int done)
    {
        final long endPage = end >>> PAGE_SHIFT;
        stream.readEnded(endPage);
        tally.copiedBytes += done;
        if (stream.asyncDue(end + PAGE_BYTES - 1 >>> PAGE_SHIFT))
        {
            startReadAhead(storage, path, id, stream, tally);
        }
        return done;
    }

    /**
     * Background read-ahead (under the lock): claims an MSHR for {@code stream}'s next window and hands it to the
     * read-ahead thread, unless the window starts past the end of the file as last seen, its first page is cached or
     * in flight, or every MSHR is busy (the stream's next miss then reads it synchronously). The window is added to
     * {@code tally} (the timing model books it on the storage link at the caller's time).
     */
    private void startReadAhead(
        final StorageProxy storage, final String path, final int id, final ReadAhead stream, final FileReadTally tally)
    {
        final long start = stream.nextWindowStart();
        if (closed || (known[id] && start << PAGE_SHIFT >= size[id]) || index.containsKey(key(id, start)) ||
            inFlight(id, start) != null)
        {
            return;
        }
        final Miss miss = idleMiss();
        if (miss == null)
        {
            return;
        }
        miss.claim(id, start, stream.nextWindowPages(maxWindowPages), start, generation[id], maxWindowPages);
        clipToInFlight(miss);
        stream.asyncStarted(miss.startPage, miss.pages);
        tally.readAheads++;
        tally.readAheadBytes += known[id] ? Math.max(0, Math.min((long)miss.pages << PAGE_SHIFT,
            size[id] - (miss.startPage << PAGE_SHIFT))) : (long)miss.pages << PAGE_SHIFT;
        miss.async = stream;
        miss.asyncStorage = storage;
        miss.asyncPath = path;
        if (readAheadThread == null)
        {
            readAheadThread = new Thread(this::readAheadLoop, "file-read-ahead");
            readAheadThread.setDaemon(true);
            readAheadThread.start();
        }
        notifyAll();
    }

    /**
     * The read-ahead thread: reads the windows {@link #startReadAhead} handed over, one at a time, into the cache.
     * A failed read only frees its MSHR (the stream's reader then misses and gets the error itself).
     */
    private void readAheadLoop()
    {
        while (true)
        {
            final Miss miss;
            synchronized (this)
            {
                Miss queued = queuedReadAhead();
                while (queued == null)
                {
                    if (closed || awaitAnyFill())
                    {
                        return;
                    }
                    queued = queuedReadAhead();
                }
                miss = queued;
                miss.asyncTaken = true;
            }
            try
            {
                final int n = readInto(miss.asyncStorage, miss.asyncPath, miss);
                synchronized (this)
                {
                    stats.requests++;
                    stats.bytes += n;
                    stats.readAheads++;
                    stats.readAheadBytes += n;
                    finish(miss);
                }
            }
            catch (final RuntimeException ex)
            {
                LOG.debug("read-ahead of {} failed: {}", miss.asyncPath, ex.toString());
            }
        }
    }

    /** A busy MSHR handed to the read-ahead thread and not yet taken by it, or null. */
    private Miss queuedReadAhead()
    {
        for (final Miss miss : misses)
        {
            if (miss.busy && miss.async != null && !miss.asyncTaken)
            {
                return miss;
            }
        }
        return null;
    }

    /**
     * Copies from cached {@code slot} at {@code inPage}: the bytes copied, or minus them when the page ends the
     * file there (0 when {@code inPage} is at or past its end).
     */
    private int copyHit(final int slot, final int inPage, final byte[] dst, final int at, final int wanted)
    {
        stats.hits++;
        referenced[slot] = true;
        final int bytes = valid[slot];
        if (inPage >= bytes)
        {
            return 0;
        }
        final int n = Math.min(bytes - inPage, wanted);
        System.arraycopy(data, slot * PAGE_BYTES + inPage, dst, at, n);
        return bytes < PAGE_BYTES && inPage + n == bytes ? -n : n;
    }

    /**
     * Reads {@code miss}'s window from the sComponent into its staging buffer, without the cache's lock, then
     * inserts its pages under the lock unless the file's generation moved meanwhile (a write or change through this
     * pComponent, or an invalidation: the data may be older than it). The caller copies its part and finishes it.
     *
     * @return bytes read.
     */
    private int readInto(final StorageProxy storage, final String path, final Miss miss)
    {
        final int n;
        final long fileSize;
        try
        {
            synchronized (storage)
            {
                n = storage.read(path, miss.startPage << PAGE_SHIFT, miss.staging, 0, miss.pages << PAGE_SHIFT);
                fileSize = storage.lastFileSizeBytes();
            }
        }
        catch (final RuntimeException ex)
        {
            synchronized (this)
            {
                finish(miss);
            }
            throw ex;
        }
        synchronized (this)
        {
            final int id = miss.fileId;
            if (generation[id] == miss.generation)
            {
                sizeSeen(id, fileSize);
                for (int p = 0; p * PAGE_BYTES < n; p++)
                {
                    insert(key(id, miss.startPage + p), miss.staging, p * PAGE_BYTES,
                        Math.min(PAGE_BYTES, n - p * PAGE_BYTES));
                }
            }
        }
        return n;
    }

    /** The busy MSHR whose window holds {@code page} of file {@code id}, or null. */
    private Miss inFlight(final int id, final long page)
    {
        for (final Miss miss : misses)
        {
            if (miss.busy && miss.fileId == id && page >= miss.startPage && page < miss.startPage + miss.pages)
            {
                return miss;
            }
        }
        return null;
    }

    /** An idle MSHR, or null when all are busy. */
    private Miss idleMiss()
    {
        for (final Miss miss : misses)
        {
            if (!miss.busy)
            {
                return miss;
            }
        }
        return null;
    }

    /**
     * Shortens {@code claimed}'s window so that it reads no page another busy MSHR is reading (none of them holds
     * its missing page, which stays in it).
     */
    private void clipToInFlight(final Miss claimed)
    {
        long start = claimed.startPage;
        long end = start + claimed.pages;
        for (final Miss miss : misses)
        {
            if (miss == claimed || !miss.busy || miss.fileId != claimed.fileId)
            {
                continue;
            }
            final long otherEnd = miss.startPage + miss.pages;
            if (otherEnd <= claimed.page)
            {
                start = Math.max(start, otherEnd);
            }
            else if (miss.startPage > claimed.page)
            {
                end = Math.min(end, miss.startPage);
            }
        }
        claimed.startPage = start;
        claimed.pages = (int)(end - start);
    }

    /** Waits (under the lock) until {@code miss}'s current fill ends. @return whether the thread was interrupted. */
    private boolean awaitFill(final Miss miss)
    {
        final long serial = miss.serial;
        boolean interrupted = false;
        while (miss.busy && miss.serial == serial)
        {
            interrupted |= awaitAnyFill();
        }
        return interrupted;
    }

    /** Waits (under the lock) until some fill ends. @return whether the thread was interrupted meanwhile. */
    private boolean awaitAnyFill()
    {
        try
        {
            wait();
            return false;
        }
        catch (final InterruptedException ex)
        {
            return true;
        }
    }

    /**
     * Stops background read-ahead: no window starts any more, and the read-ahead thread, if one was started, ends
     * (waited for up to 1 s; a window it is reading from the sComponent then still finishes into the cache). Reads
     * keep working, synchronously. Called when the pComponent closes: the thread would otherwise keep the cache, up
     * to {@link #MAX_BYTES} bytes, alive for as long as the JVM runs.
     */
    public void close()
    {
        final Thread thread;
        synchronized (this)
        {
            closed = true;
            thread = readAheadThread;
            notifyAll();
        }
        if (thread != null && thread != Thread.currentThread())
        {
            try
            {
                thread.join(1000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether the read-ahead thread is running (for tests). */
    synchronized boolean readAheadRunning()
    {
        return readAheadThread != null && readAheadThread.isAlive();
    }

    /** Frees {@code miss} (under the lock) and wakes its waiters. */
    private void finish(final Miss miss)
    {
        if (miss.async != null)
        {
            miss.async.asyncEnded();
            miss.async = null;
            miss.asyncStorage = null;
            miss.asyncPath = null;
            miss.asyncTaken = false;
        }
        miss.busy = false;
        notifyAll();
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
        generation[id]++; // a fill in flight may hold the range's old bytes
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

    private void insert(final long key, final byte[] staging, final int stagingOffset, final int bytes)
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
        generation[id]++;
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
                generation = Arrays.copyOf(generation, grown);
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
        }
    }

    private static long key(final int id, final long page)
    {
        return ((long)id << FILE_SHIFT) | page;
    }

    /**
     * One MSHR: a window of a file being read from the sComponent, with the staging buffer that read fills (owned
     * by the thread that claimed it until {@link #finish}). Fields are touched under the cache's lock, except the
     * staging buffer, which the claiming thread fills without it.
     */
    private static final class Miss
    {
        boolean busy;
        /** Counts claims, so that a waiter does not mistake the MSHR's next fill for the one it waits for. */
        long serial;
        int fileId;
        long startPage;
        int pages;
        /** The page whose miss claimed it (always inside the window). */
        long page;
        /** The file's generation when claimed. */
        long generation;
        byte[] staging;
        /** The stream whose background read-ahead this is, or null for a reader's own miss. */
        ReadAhead async;
        StorageProxy asyncStorage;
        String asyncPath;
        /** Whether the read-ahead thread has taken it. */
        boolean asyncTaken;

        void claim(final int id, final long start, final int windowPages, final long missPage, final long gen,
            final int maxPages)
        {
            busy = true;
            serial++;
            fileId = id;
            startPage = start;
            pages = windowPages;
            page = missPage;
            generation = gen;
            if (staging == null)
            {
                staging = new byte[maxPages * PAGE_BYTES]; // once per MSHR
            }
        }
    }
}
