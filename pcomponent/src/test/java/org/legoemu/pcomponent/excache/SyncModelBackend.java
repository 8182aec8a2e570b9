package org.legoemu.pcomponent.excache;

import org.agrona.collections.Long2ObjectHashMap;
import org.legoemu.abi.GuestMemory;
import org.legoemu.pcomponent.memory.FreshRanges;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A thread-safe model of the memory side for ExCache tests: lines stored by address in a map (absent lines read
 * as zero), every call recorded, all lines read-write; the flusher's write-backs can be held at a gate. Pages
 * in {@link #fresh} are claimed for zero-fill as a process's memory does.
 */
class SyncModelBackend implements LineBackend
{
    final Long2ObjectHashMap<byte[]> pages = new Long2ObjectHashMap<>();
    final List<Long> fetched = new ArrayList<>();
    final List<Long> flushed = new ArrayList<>();
    final List<Long> backgroundFlushed = new ArrayList<>();
    final List<Long> piggybacked = new ArrayList<>();
    final List<Long> shotDown = new ArrayList<>();
    boolean sameOwner;
    /** The fresh pages this backend reports to {@link #claimFresh}; null: none. */
    volatile FreshRanges fresh;
    volatile CountDownLatch flusherGate;
    final CountDownLatch flusherArrived = new CountDownLatch(1);

    /**
     * A network trip: each fetch and write-back waits this long, ns, before it touches the model memory, outside this
     * object's monitor, so that transfers of several threads are in flight together. 0: none.
     */
    volatile long transferDelayNs;

    /** Waits {@link #transferDelayNs}; call without holding this object's monitor. */
    void travel()
    {
        final long delayNs = transferDelayNs;
        if (delayNs > 0)
        {
            java.util.concurrent.locks.LockSupport.parkNanos(delayNs);
        }
    }

    @Override
    public int fetch(final long vaddr, final int access, final byte[] line)
    {
        travel();
        return fetchNow(vaddr, line);
    }

    private synchronized int fetchNow(final long vaddr, final byte[] line)
    {
        fetched.add(vaddr);
        final byte[] page = pages.get(vaddr);
        if (page == null)
        {
            Arrays.fill(line, (byte)0);
        }
        else
        {
            System.arraycopy(page, 0, line, 0, line.length);
        }
        return GuestMemory.ACCESS_READ | GuestMemory.ACCESS_WRITE;
    }

    @Override
    public void flush(final long vaddr, final byte[] line)
    {
        final byte[] copy = line.clone();
        travel();
        synchronized (this)
        {
            flushed.add(vaddr);
            pages.put(vaddr, copy);
        }
    }

    @Override
    public void backgroundFlush(final long vaddr, final byte[] line)
    {
        final CountDownLatch gate = flusherGate;
        if (gate != null)
        {
            flusherArrived.countDown();
            try
            {
                gate.await(30, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        final byte[] copy = line.clone();
        travel();
        synchronized (this)
        {
            backgroundFlushed.add(vaddr);
            pages.put(vaddr, copy);
            notifyAll();
        }
    }

    @Override
    public synchronized boolean sharesOwner(final long vaddr, final long flushVaddr)
    {
        return sameOwner;
    }

    @Override
    public int fetchWithWriteBack(
        final long vaddr, final int access, final byte[] line, final long flushVaddr, final byte[] flushLine)
    {
        final byte[] copy = flushLine.clone();
        travel();
        synchronized (this)
        {
            piggybacked.add(flushVaddr);
            pages.put(flushVaddr, copy);
            return fetchNow(vaddr, line);
        }
    }

    @Override
    public int claimFresh(final long vaddr, final int access)
    {
        final FreshRanges ranges = fresh;
        return ranges == null ? -1 : ranges.claim(vaddr, access);
    }

    @Override
    public boolean prefetchable(final long vaddr)
    {
        final FreshRanges ranges = fresh;
        return ranges == null || ranges.prefetchable(vaddr);
    }

    @Override
    public synchronized void shootdown(final long vpn)
    {
        shotDown.add(vpn);
    }

    /** Waits until the flusher has written back {@code count} lines in all. */
    synchronized void awaitBackgroundFlushes(final int count) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (backgroundFlushed.size() < count && System.nanoTime() < deadline)
        {
            wait(100);
        }
    }

    synchronized byte[] page(final long vaddr)
    {
        final byte[] page = pages.get(vaddr);
        return page == null ? new byte[GuestMemory.PAGE_SIZE] : page.clone();
    }
}
