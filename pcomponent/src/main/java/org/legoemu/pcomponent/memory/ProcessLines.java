package org.legoemu.pcomponent.memory;

import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.TlbShootdown;
import org.legoemu.pcomponent.excache.ExCache;
import org.legoemu.pcomponent.excache.ExCacheStats;
import org.legoemu.pcomponent.excache.LineBackend;

import org.legoemu.abi.GuestFault;
import org.legoemu.abi.Signal;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.proxy.StorageProxy;
import org.legoemu.pcomponent.files.FileCache;
import org.legoemu.pcomponent.files.FileReadTally;
import org.legoemu.pcomponent.files.ReadAhead;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * One process's ExCache lines on this pComponent, as its ExCache tenant and as its VM system calls see them: where
 * the lines come from ({@link RemoteLines}: the owners, or zero-fill for the {@link FreshRanges fresh} pages an mmap
 * or brk reply named), the harts' TLBs an eviction shoots down, and the operations the VM system calls, fork and exit
 * need on the lines of a range (drop, write back, protect).
 *
 * <p>Thread-safe: the ExCache calls in from every thread that misses and from its flusher, with no lock held.
 */
public final class ProcessLines implements LineBackend
{
    private final int pid;
    private final ExCache cache;
    private final RemoteLines remote;
    private final FreshRanges fresh = new FreshRanges();
    private static final TlbShootdown[] NO_TLBS = new TlbShootdown[0];

    /** The TLBs to shoot down, copied on write (under this object's lock) so a shootdown iterates allocation-free. */
    private volatile TlbShootdown[] tlbs = NO_TLBS;
    private final ExCacheStats stats;
    /** File mappings by number (index 0 unused: source 0 means zero pages); see {@link #mapFile}. */
    private volatile FileMapping[] mappings = new FileMapping[4];
    /** Numbers given so far, 0 included (lock held). */
    private int mappingCount = 1;
    private static final ThreadLocal<FileReadTally> TALLY = ThreadLocal.withInitial(FileReadTally::new);
    /**
     * The private file mappings' extents by start address (lock held): where a page dropped by madvise(MADV_DONTNEED)
     * is read from the file again. Forgotten by {@link #invalidate} (munmap, mmap over them, brk, mremap, execve);
     * a mapping moved by mremap is forgotten, so DONTNEED there reads zero (a limit).
     */
    private final java.util.TreeMap<Long, FileExtent> fileExtents = new java.util.TreeMap<>();

    /** One private file mapping's pages [start, end), with their protection and file mapping number. */
    public record FileExtent(long start, long end, int prot, int source)
    {
    }

    /**
     * Where the untouched pages of one file mapping come from.
     *
     * @param fileDelta  file offset minus virtual address (a page at {@code vaddr} holds the file at
     *                   {@code vaddr + fileDelta}).
     * @param storageRead called with what each fill did at the file cache (the timing model's charge).
     */
    private record FileMapping(
        FileCache cache, StorageProxy storage, String path, long fileDelta, ReadAhead readAhead,
        Consumer<FileReadTally> storageRead)
    {
    }

    /** Creates the process's lines and attaches them to {@code cache} as the process's tenant. */
    public ProcessLines(final ExCache cache, final RemoteLines remote)
    {
        this.pid = remote.pid();
        this.cache = cache;
        this.remote = remote;
        this.stats = cache.attach(pid, this);
    }

    public int pid()
    {
        return pid;
    }

    /** The pComponent this process runs on. */
    public int pcomponentId()
    {
        return remote.pcomponentId();
    }

    /** The ExCache the lines live in. */
    public ExCache cache()
    {
        return cache;
    }

    /** This process's ExCache counters; still readable after {@link #release()}. */
    public ExCacheStats stats()
    {
        return stats;
    }

    synchronized void addShootdownListener(final TlbShootdown listener)
    {
        final TlbShootdown[] next = Arrays.copyOf(tlbs, tlbs.length + 1);
        next[next.length - 1] = listener;
        tlbs = next;
    }

    synchronized void removeShootdownListener(final TlbShootdown listener)
    {
        final TlbShootdown[] current = tlbs;
        for (int i = 0; i < current.length; i++)
        {
            if (current[i] == listener)
            {
                final TlbShootdown[] next = new TlbShootdown[current.length - 1];
                System.arraycopy(current, 0, next, 0, i);
                System.arraycopy(current, i + 1, next, i, current.length - i - 1);
                tlbs = next;
                return;
            }
        }
    }

    @Override
    public int fetch(final long vaddr, final int access, final byte[] line)
    {
        return remote.fetch(vaddr, access, line);
    }

    @Override
    public int prefetch(final long vaddr, final byte[] line)
    {
        return remote.prefetch(vaddr, line);
    }

    @Override
    public void flush(final long vaddr, final byte[] line)
    {
        remote.flush(vaddr, line);
    }

    @Override
    public boolean sharesOwner(final long vaddr, final long flushVaddr)
    {
        return remote.sharesOwner(vaddr, flushVaddr);
    }

    @Override
    public int fetchWithWriteBack(
        final long vaddr, final int access, final byte[] line, final long flushVaddr, final byte[] flushLine)
    {
        return remote.fetchWithWriteBack(vaddr, access, line, flushVaddr, flushLine);
    }

    @Override
    public int claimFresh(final long vaddr, final int access)
    {
        return fresh.claim(vaddr, access);
    }

    @Override
    public boolean prefetchable(final long vaddr)
    {
        return fresh.prefetchable(vaddr);
    }

    @Override
    public int claimFile(final long vaddr, final int access)
    {
        return fresh.claimFile(vaddr, access);
    }

    @Override
    public int fillFromFile(final long vaddr, final int claim, final byte[] line)
    {
        final FileMapping mapping = mappings[FreshRanges.sourceOf(claim)];
        final FileReadTally tally = TALLY.get();
        tally.reset();
        final int n;
        try
        {
            n = mapping.cache().read(mapping.storage(), mapping.path(), vaddr + mapping.fileDelta(), line, 0,
                line.length, mapping.readAhead(), tally);
        }
        catch (final FabricException ex)
        {
            throw new GuestFault(Signal.SIGBUS, vaddr, -1, 0,
                "file mapping of " + mapping.path() + ": " + ex.getMessage());
        }
        if (n == 0)
        {
            // The page lies wholly past the end of the file: Linux delivers SIGBUS (mmap(2), "SIGBUS"); the page
            // holding the end of the file reads zero past it (below).
            throw new GuestFault(Signal.SIGBUS, vaddr, -1, 0,
                "access past the end of " + mapping.path() + " mapped at 0x" + Long.toHexString(vaddr));
        }
        Arrays.fill(line, n, line.length, (byte)0);
        mapping.storageRead().accept(tally);
        return FreshRanges.protOf(claim);
    }

    /**
     * Records a file mapping the home mapped (without contents) at {@code [start, end)}: each page is filled from
     * {@code path} at {@code fileOffset + (page - start)} through {@code cache} on its first miss, and installed
     * dirty (the owner holds nothing of it until its write-back). Call after {@link #invalidate} of the new mapping.
     *
     * @param prot        the mapping's PROT_ bits.
     * @param storageRead called with what each fill did at the file cache (its sComponent reads, its read-ahead).
     */
    public void mapFile(
        final long start, final long end, final int prot, final FileCache cache, final StorageProxy storage,
        final String path, final long fileOffset, final Consumer<FileReadTally> storageRead)
    {
        final int source;
        synchronized (this)
        {
            source = sourceFor(cache, storage, path, fileOffset - start, storageRead);
            forgetExtents(start, end);
            fileExtents.put(start, new FileExtent(start, end, prot, source));
        }
        fresh.addFrom(start, end, prot, source);
    }

    /** The pieces of private file mappings inside {@code [start, end)}, in address order. */
    public synchronized java.util.List<FileExtent> fileExtents(final long start, final long end)
    {
        final java.util.List<FileExtent> pieces = new java.util.ArrayList<>();
        for (final FileExtent e : fileExtents.values())
        {
            if (e.start() < end && start < e.end())
            {
                pieces.add(new FileExtent(Math.max(start, e.start()), Math.min(end, e.end()), e.prot(), e.source()));
            }
        }
        return pieces;
    }

    /**
     * madvise(MADV_DONTNEED) dropped these pieces of private file mappings (the home discarded their private pages):
     * their next touch reads the file again (Linux: "subsequent accesses ... repopulate the memory contents from the
     * up-to-date contents of the underlying mapped file"), as an untouched page of the mapping is.
     */
    public void refillFromFile(final java.util.List<FileExtent> pieces)
    {
        for (final FileExtent piece : pieces)
        {
            synchronized (this)
            {
                forgetExtents(piece.start(), piece.end());
                fileExtents.put(piece.start(), piece);
            }
            fresh.addFrom(piece.start(), piece.end(), piece.prot(), piece.source());
        }
    }

    /** Removes {@code [start, end)} from the extents, splitting those that stick out (lock held). */
    private void forgetExtents(final long start, final long end)
    {
        final java.util.List<FileExtent> overlapping = new java.util.ArrayList<>();
        for (final FileExtent e : fileExtents.values())
        {
            if (e.start() < end && start < e.end())
            {
                overlapping.add(e);
            }
        }
        for (final FileExtent e : overlapping)
        {
            fileExtents.remove(e.start());
            if (e.start() < start)
            {
                fileExtents.put(e.start(), new FileExtent(e.start(), start, e.prot(), e.source()));
            }
            if (e.end() > end)
            {
                fileExtents.put(end, new FileExtent(end, e.end(), e.prot(), e.source()));
            }
        }
    }

    /**
     * The number of the file mapping with these fields: an existing one when the same file is mapped again at the
     * same file offset relative to the address (a guest that maps and unmaps one file in a loop), else a new one.
     * Numbers are never reused (a miss may hold a claimed number while another thread maps), so the table only
     * grows, doubling (lock held).
     */
    private int sourceFor(
        final FileCache cache, final StorageProxy storage, final String path, final long fileDelta,
        final Consumer<FileReadTally> storageRead)
    {
        final FileMapping[] table = mappings;
        for (int i = 1; i < mappingCount; i++)
        {
            final FileMapping m = table[i];
            if (m.fileDelta() == fileDelta && m.cache() == cache && m.storage() == storage && m.path().equals(path))
            {
                return i;
            }
        }
        final FileMapping mapping = new FileMapping(cache, storage, path, fileDelta, ReadAhead.forMapping(),
            storageRead);
        if (mappingCount == table.length)
        {
            final FileMapping[] grown = Arrays.copyOf(table, table.length * 2);
            grown[mappingCount] = mapping;
            mappings = grown;
        }
        else
        {
            table[mappingCount] = mapping; // the volatile write below publishes it before the range is added
            mappings = table;
        }
        return mappingCount++;
    }

    /**
     * fork(2): the child's lines get this process's untouched file-mapping pages (the owners hold nothing of them,
     * so the home's copy does not carry them) and its file mappings.
     */
    public void copyFilePagesTo(final ProcessLines child)
    {
        synchronized (this)
        {
            synchronized (child)
            {
                child.mappings = mappings.clone();
                child.mappingCount = mappingCount;
                child.fileExtents.clear();
                child.fileExtents.putAll(fileExtents);
            }
        }
        fresh.copyFilePagesTo(child.fresh);
    }

    @Override
    public void shootdown(final long vpn)
    {
        for (final TlbShootdown tlb : tlbs)
        {
            tlb.shootdown(vpn);
        }
    }

    /**
     * Drops this process's lines in {@code [start, end)}; dirty ones are written back first if asked. The range's
     * pages stop being fresh (every VM call that changes a range invalidates it first), so their next miss asks
     * the owner.
     */
    public void invalidate(final long start, final long end, final boolean writeBack)
    {
        synchronized (this)
        {
            forgetExtents(start, end);
        }
        fresh.remove(start, end);
        cache.invalidate(pid, start, end, writeBack);
    }

    /**
     * A VM system call of this process begins: until {@link #endVmChange}, the ExCache issues no prefetch for it
     * (another thread's miss could otherwise prefetch a page of the range between the call's invalidation and the
     * home's change, and keep its old contents, or a page the call then marks fresh). Prefetches issued before are
     * waited for by the call's {@link #invalidate}. Calls nest (several threads).
     */
    public void beginVmChange()
    {
        cache.holdPrefetches(pid, true);
    }

    /** The VM system call that {@link #beginVmChange} announced has ended. */
    public void endVmChange()
    {
        cache.holdPrefetches(pid, false);
    }

    /**
     * Records the fresh range an mmap or brk reply named (M2P_VM_REPLY): its pages are created zeroed on their
     * first miss instead of fetched. Call after {@link #invalidate} of the new mapping.
     *
     * @param prot the mapping's PROT_ bits.
     */
    public void markFresh(final long start, final long end, final int prot)
    {
        fresh.add(start, end, prot);
    }

    /**
     * Starts a protection change of {@code [start, end)} (mprotect(2)): writes back and drops its lines, so every
     * later access sees the new protection, and {@link FreshRanges#suspend suspends} its fresh pages, which stay
     * zero and unmaterialised whatever the protection. Follow with {@link #endProtect} once the home answered.
     */
    public void beginProtect(final long start, final long end)
    {
        fresh.suspend(start, end);
        cache.invalidate(pid, start, end, true);
    }

    /**
     * Ends a protection change of {@code [start, end)}: drops the lines another thread may have fetched with the old
     * protection meanwhile, then makes the suspended pages no miss touched fresh again with {@code prot}.
     *
     * @param prot the PROT_ bits the home applied, or -1 when the change failed (the pages become ordinary).
     */
    public void endProtect(final long start, final long end, final int prot)
    {
        cache.invalidate(pid, start, end, true);
        fresh.resume(start, end, prot);
        if (prot >= 0)
        {
            synchronized (this)
            {
                final java.util.List<FileExtent> changed = new java.util.ArrayList<>();
                for (final FileExtent e : fileExtents.values())
                {
                    if (e.start() < end && start < e.end())
                    {
                        changed.add(new FileExtent(Math.max(start, e.start()), Math.min(end, e.end()), prot,
                            e.source()));
                    }
                }
                forgetExtents(start, end);
                changed.forEach(e -> fileExtents.put(e.start(), e));
            }
        }
    }

    /**
     * Writes back every dirty line of the process (fork(2): the home copies what the owners hold); the lines leave
     * the ExCache. Fresh pages stay fresh: the owners hold no frame for them, so the child reads zero there too.
     */
    public void writeBackAll()
    {
        cache.invalidate(pid, 0, GuestMemory.TASK_SIZE, true);
    }

    /** Number of pages still fresh (never touched since mapped). */
    public long freshPages()
    {
        return fresh.pages();
    }

    /** Drops every line of the process (it exited); nothing is written back. */
    public void release()
    {
        cache.detach(pid);
    }
}
