package org.legoemu.pcomponent.excache;

import org.agrona.collections.Int2ObjectHashMap;
import org.legoemu.abi.GuestFault;
import org.legoemu.abi.GuestMemory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The pComponent's software-managed virtual cache of remote memory (LegoOS §4.3 "ExCache"): set-associative,
 * 4 KiB lines, tagged by (pid, virtual page number), with dirty tracking, a victim buffer and write-back of dirty
 * victims.
 *
 * <p>Set index = vpn modulo the number of sets (the low bits of the virtual page number, as in LegoOS). A
 * lookup that hits returns the line's bytes, which the hart keeps in its TLB until the line leaves the ExCache
 * proper ({@link LineBackend#shootdown}). A miss first looks in the victim buffer (fully associative, LegoOS §4.3)
 * and takes the line back from there without a network trip; otherwise it picks a victim way with the
 * {@link EvictionPolicy}, moves that line into the victim buffer and fetches the new line from the process's
 * {@link LineBackend}. Dirty lines in the victim buffer are written back by a background flusher thread, so a miss
 * writes back only when the buffer holds nothing but dirty lines; such a write-back rides on the miss request
 * when both lines have the same owner ("piggyback"). With no victim buffer every dirty victim is written back by
 * the miss that evicts it (piggybacked when possible). A miss on a page the backend reports fresh (mapped anonymous,
 * never materialised) creates the line zeroed without a network trip ("p-local" zero-fill); see
 * {@link LineBackend#claimFresh}.
 *
 * <p>Thread-safety: one lock for the whole cache, taken only on TLB misses and invalidations, and held while
 * a miss talks to the mComponent, so concurrent misses to one line fetch it once. The flusher takes the lock
 * only to pick a line and to record its write-back; it sends the write-back without the lock, never shoots
 * down a TLB, and the line it is sending is left alone until it is done: a miss or an invalidation that needs
 * that line waits for the write-back with the lock released.
 */
public final class ExCache implements AutoCloseable
{
    public static final int LINE_SIZE = GuestMemory.PAGE_SIZE;
    /** Default victim buffer size, lines (LegoOS uses 8). */
    public static final int DEFAULT_VICTIMS = 8;
    private static final Logger LOG = LoggerFactory.getLogger(ExCache.class);
    private static final long INVALID = -1;

    private final int sets;
    private final int ways;
    private final byte[][] lines;
    private final long[] tagVpn;
    private final int[] tagPid;
    private final byte[] prot;
    private final boolean[] dirty;
    private final EvictionPolicy policy;
    private final VictimBuffer victims;
    private final ExCacheStats stats = new ExCacheStats();
    private final Int2ObjectHashMap<Tenant> tenants = new Int2ObjectHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    /** The last count of valid lines, for {@link #validLinesNow()}. */
    private volatile int lastValidLines;
    private final Condition flushWork = lock.newCondition();
    private final Condition flushDone = lock.newCondition();
    private final Thread flusher;
    private boolean closed;
    private boolean piggyback = true;
    private boolean zeroFill = true;
    private ExCacheObserver observer = ExCacheObserver.NONE;

    /** One attached process: where its lines live, its counters, and a write-back the flusher could not do. */
    private static final class Tenant
    {
        final LineBackend backend;
        final ExCacheStats stats;
        WriteBackException failedWriteBack;

        Tenant(final LineBackend backend, final ExCacheStats stats)
        {
            this.backend = backend;
            this.stats = stats;
        }
    }

    /** An ExCache without a victim buffer (every dirty victim is written back by the miss that evicts it). */
    public ExCache(final long sizeBytes, final int ways, final EvictionPolicy policy)
    {
        this(sizeBytes, ways, policy, 0);
    }

    /**
     * @param sizeBytes total line storage in bytes; a multiple of {@code ways * 4096}.
     * @param ways      associativity, 1 (direct-mapped) up to {@code sizeBytes / 4096} (fully associative).
     * @param policy    victim choice within a set.
     * @param victims   victim buffer entries, lines; 0 disables the buffer and its flusher thread.
     * @throws IllegalArgumentException if the geometry is not possible, with the reason.
     */
    public ExCache(final long sizeBytes, final int ways, final EvictionPolicy policy, final int victims)
    {
        if (sizeBytes < LINE_SIZE || sizeBytes % LINE_SIZE != 0)
        {
            throw new IllegalArgumentException(
                "ExCache size " + sizeBytes + " bytes is not a positive multiple of 4 KiB");
        }
        final long lineCount = sizeBytes / LINE_SIZE;
        if (lineCount > Integer.MAX_VALUE / 2)
        {
            throw new IllegalArgumentException("ExCache size " + sizeBytes + " bytes is too large");
        }
        if (ways < 1 || lineCount % ways != 0)
        {
            throw new IllegalArgumentException(
                "ExCache of " + lineCount + " lines cannot be split into sets of " + ways + " ways");
        }
        if (victims < 0 || victims > 4096)
        {
            throw new IllegalArgumentException("ExCache victim buffer of " + victims + " lines (expected 0 to 4096)");
        }
        this.ways = ways;
        this.sets = (int)(lineCount / ways);
        final int n = (int)lineCount;
        this.lines = new byte[n][];
        this.tagVpn = new long[n];
        this.tagPid = new int[n];
        this.prot = new byte[n];
        this.dirty = new boolean[n];
        Arrays.fill(tagVpn, INVALID);
        this.policy = policy;
        policy.init(sets, ways);
        this.victims = new VictimBuffer(victims);
        if (victims > 0)
        {
            flusher = new Thread(this::flushLoop, "excache-flusher");
            flusher.setDaemon(true);
            flusher.start();
        }
        else
        {
            flusher = null;
        }
    }

    /** Number of sets. */
    public int sets()
    {
        return sets;
    }

    /** Associativity. */
    public int ways()
    {
        return ways;
    }

    /** Capacity of the ExCache proper in lines. */
    public int lineCount()
    {
        return tagVpn.length;
    }

    /** Capacity of the victim buffer in lines (0: none). */
    public int victimCapacity()
    {
        return victims.capacity();
    }

    /**
     * Whether a write-back that a miss must do rides on the miss request when both lines have the same owner
     * (LegoOS §4.3 piggyback; on by default). Off, it is sent as its own P2M_PCACHE_FLUSH first (for measuring
     * what piggybacking saves).
     */
    public void piggyback(final boolean enabled)
    {
        lock.lock();
        try
        {
            piggyback = enabled;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Whether a miss on a page its backend reports fresh ({@link LineBackend#claimFresh}) creates the line zeroed
     * on the pComponent instead of fetching it ("p-local" zero-fill; on by default). Off, every miss is fetched.
     */
    public void zeroFill(final boolean enabled)
    {
        lock.lock();
        try
        {
            zeroFill = enabled;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Tells {@code observer} (the timing model) of every lookup, eviction, invalidation and detach from now on;
     * {@link ExCacheObserver#NONE} for none.
     */
    public void observer(final ExCacheObserver observer)
    {
        lock.lock();
        try
        {
            this.observer = observer;
        }
        finally
        {
            lock.unlock();
        }
    }

    /** Counters of the whole cache (every process). */
    public ExCacheStats stats()
    {
        return stats;
    }

    /**
     * Makes {@code pid}'s lines come from and go to {@code backend}.
     *
     * @return the process's own counters (which also add into {@link #stats()}); they stay readable after
     * {@link #detach}.
     */
    public ExCacheStats attach(final int pid, final LineBackend backend)
    {
        lock.lock();
        try
        {
            final Tenant tenant = new Tenant(backend, new ExCacheStats(stats));
            tenants.put(pid, tenant);
            return tenant.stats;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Removes every line of {@code pid}, from the ExCache proper and the victim buffer, without writing it back
     * (the process is gone), and forgets its backend. Waits for a write-back of the process's line that the
     * flusher has in flight, so nothing of the process reaches its mComponent afterwards.
     *
     * @return the number of lines dropped.
     */
    public int detach(final int pid)
    {
        lock.lock();
        try
        {
            awaitFlushOutside(pid, 0, Long.MAX_VALUE);
            observer.onDetach(pid);
            int dropped = 0;
            for (int slot = 0; slot < tagVpn.length; slot++)
            {
                if (tagVpn[slot] != INVALID && tagPid[slot] == pid)
                {
                    tagVpn[slot] = INVALID;
                    dirty[slot] = false;
                    dropped++;
                }
            }
            for (int e = 0; e < victims.capacity(); e++)
            {
                if (victims.vpn[e] != VictimBuffer.EMPTY && victims.pid[e] == pid)
                {
                    victims.clear(e);
                    dropped++;
                }
            }
            tenants.remove(pid);
            return dropped;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * The line holding {@code vaddr} of process {@code pid}, fetched on a miss, checked against {@code access}
     * and marked dirty for a write.
     *
     * @return the line's 4096 bytes, valid until the line is shot down.
     * @throws GuestFault SIGSEGV when the line's VMA does not permit {@code access} or there is no VMA.
     * @throws WriteBackException when a dirty line of the process could not be written back (its data is lost).
     */
    public byte[] access(final int pid, final long vaddr, final int access)
    {
        final long vpn = vaddr >>> GuestMemory.PAGE_SHIFT;
        final int set = (int)Long.remainderUnsigned(vpn, sets);
        final int base = set * ways;
        lock.lock();
        try
        {
            while (true)
            {
                for (int way = 0; way < ways; way++)
                {
                    final int slot = base + way;
                    if (tagVpn[slot] == vpn && tagPid[slot] == pid)
                    {
                        final Tenant tenant = tenants.get(pid);
                        if (tenant != null)
                        {
                            tenant.stats.countHit();
                        }
                        observer.onHit(pid, vpn, access);
                        policy.onHit(set, way);
                        return permit(slot, vaddr, access);
                    }
                }
                final byte[] line = miss(pid, vpn, vaddr, access, set, base);
                if (line != null)
                {
                    return line;
                }
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Copies {@code length} bytes at {@code vaddr} (within one line) out of the cache under its lock, so no
     * eviction by another thread can tear the copy (the kernel side's reads of guest memory).
     *
     * @throws GuestFault as {@link #access} for a read.
     */
    public void copyOut(final int pid, final long vaddr, final byte[] dst, final int offset, final int length)
    {
        lock.lock();
        try
        {
            System.arraycopy(access(pid, vaddr, GuestMemory.ACCESS_READ), (int)(vaddr & GuestMemory.PAGE_MASK), dst,
                offset, length);
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Copies {@code length} bytes to {@code vaddr} (within one line) under the cache's lock, marking the line dirty.
     *
     * @throws GuestFault as {@link #access} for a write.
     */
    public void copyIn(final int pid, final long vaddr, final byte[] src, final int offset, final int length)
    {
        lock.lock();
        try
        {
            System.arraycopy(src, offset, access(pid, vaddr, GuestMemory.ACCESS_WRITE),
                (int)(vaddr & GuestMemory.PAGE_MASK), length);
        }
        finally
        {
            lock.unlock();
        }
    }

    /** Serves a miss; null when it had to wait for the flusher and the lookup must be redone. */
    private byte[] miss(
        final int pid, final long vpn, final long vaddr, final int access, final int set, final int base)
    {
        final Tenant tenant = tenants.get(pid);
        if (tenant == null)
        {
            throw GuestFault.segv(vaddr, "process " + pid + " has no address space on this pComponent");
        }
        throwIfWriteBackFailed(tenant);
        final int buffered = victims.find(pid, vpn);
        if (buffered >= 0 && buffered == victims.flushing())
        {
            flushDone.awaitUninterruptibly();
            return null;
        }
        int way = freeWay(base);
        if (buffered >= 0)
        {
            int evictedPid = 0;
            long evictedVpn = INVALID;
            if (way < 0)
            {
                way = policy.victim(set);
                evictedPid = tagPid[base + way];
                evictedVpn = tagVpn[base + way];
                evict(base + way);
            }
            swap(base + way, buffered);
            if (victims.vpn[buffered] != VictimBuffer.EMPTY && victims.dirty[buffered])
            {
                flushWork.signal();
            }
            tenant.stats.countVictimHit();
            observer.onMiss(pid, vpn, access, evictedPid, evictedVpn, false);
            policy.onFill(set, way);
            return permit(base + way, vaddr, access);
        }
        final boolean full = way < 0;
        final int entry = full && victims.capacity() > 0 ? victims.reclaimable() : -1;
        if (full && victims.capacity() > 0 && entry < 0)
        {
            flushDone.awaitUninterruptibly();
            return null;
        }
        if (full)
        {
            way = policy.victim(set);
        }
        final int slot = base + way;
        if (lines[slot] == null)
        {
            lines[slot] = new byte[LINE_SIZE];
        }
        final long fetchAddress = vpn << GuestMemory.PAGE_SHIFT;
        final int freshProt = zeroFill ? tenant.backend.claimFresh(fetchAddress, access) : -1;
        final int evictedPid = tagPid[slot];
        final long evictedVpn = tagVpn[slot];
        final long startNs = System.nanoTime();
        final int lineProt = emptyAndFill(tenant, slot, entry, fetchAddress, vaddr, access, freshProt);
        if (freshProt >= 0)
        {
            tenant.stats.countZeroFill();
        }
        else
        {
            tenant.stats.countFetch(System.nanoTime() - startNs);
        }
        tagVpn[slot] = vpn;
        tagPid[slot] = pid;
        prot[slot] = (byte)lineProt;
        dirty[slot] = false;
        observer.onMiss(pid, vpn, access, evictedPid, evictedVpn, freshProt >= 0);
        policy.onFill(set, way);
        return permit(slot, vaddr, access);
    }

    /**
     * Empties {@code slot} (moving its line to victim buffer {@code entry}, or dropping it when {@code entry} is
     * -1) and fills it: zeroed when {@code freshProt} is a claimed fresh page's protection, else fetched from
     * {@code fetchAddress}'s owner. A dirty line that must leave the pComponent now (the evicted line when there is
     * no buffer, or the dirty line {@code entry} held) is written back first, riding on the miss request when it
     * has the same owner and there is a request to ride on.
     *
     * @param freshProt the PROT_ bits of a claimed fresh page, or -1 to fetch.
     * @return the line's PROT_ bits.
     */
    private int emptyAndFill(
        final Tenant tenant, final int slot, final int entry, final long fetchAddress, final long vaddr,
        final int access, final int freshProt)
    {
        int pendingPid = 0;
        long pendingVpn = INVALID;
        if (tagVpn[slot] != INVALID)
        {
            evict(slot);
            if (entry >= 0)
            {
                swap(slot, entry);
                if (victims.dirty[entry])
                {
                    flushWork.signal();
                }
            }
            if (dirty[slot])
            {
                pendingPid = tagPid[slot];
                pendingVpn = tagVpn[slot];
            }
            tagVpn[slot] = INVALID;
            dirty[slot] = false;
        }
        final byte[] line = lines[slot];
        try
        {
            if (freshProt >= 0)
            {
                if (pendingVpn != INVALID)
                {
                    writeBack(tenants.get(pendingPid), pendingVpn << GuestMemory.PAGE_SHIFT, line);
                }
                Arrays.fill(line, (byte)0);
                return freshProt;
            }
            if (pendingVpn == INVALID)
            {
                return tenant.backend.fetch(fetchAddress, access, line);
            }
            final long pendingAddress = pendingVpn << GuestMemory.PAGE_SHIFT;
            final Tenant owner = tenants.get(pendingPid);
            if (piggyback && owner == tenant && tenant.backend.sharesOwner(fetchAddress, pendingAddress))
            {
                final int lineProt =
                    tenant.backend.fetchWithWriteBack(fetchAddress, access, line, pendingAddress, line);
                tenant.stats.countFlush(true);
                return lineProt;
            }
            writeBack(owner, pendingAddress, line);
            return tenant.backend.fetch(fetchAddress, access, line);
        }
        catch (final GuestFault fault)
        {
            throw new GuestFault(fault.signal(), vaddr, -1, 0, fault.getMessage());
        }
    }

    /** Counts the eviction of {@code slot}'s line and shoots it down: it leaves the ExCache proper. */
    private void evict(final int slot)
    {
        final Tenant owner = tenants.get(tagPid[slot]);
        if (owner != null)
        {
            owner.stats.countEviction(!dirty[slot]);
            owner.backend.shootdown(tagVpn[slot]);
        }
    }

    /**
     * Exchanges the line (bytes, tag, protection, dirty bit) of {@code slot} with that of victim buffer
     * {@code entry}; an empty side becomes empty on the other side. The arrays are swapped, not copied.
     */
    private void swap(final int slot, final int entry)
    {
        final byte[] array = lines[slot];
        lines[slot] = victims.line[entry];
        victims.line[entry] = array == null ? new byte[LINE_SIZE] : array;
        final long vpn = victims.vpn[entry];
        final int pid = victims.pid[entry];
        final byte lineProt = victims.prot[entry];
        final boolean lineDirty = victims.dirty[entry];
        if (tagVpn[slot] == INVALID)
        {
            victims.clear(entry);
        }
        else
        {
            victims.fill(entry, tagPid[slot], tagVpn[slot], prot[slot], dirty[slot]);
        }
        tagVpn[slot] = vpn;
        tagPid[slot] = pid;
        prot[slot] = lineProt;
        dirty[slot] = lineDirty;
    }

    private int freeWay(final int base)
    {
        for (int w = 0; w < ways; w++)
        {
            if (tagVpn[base + w] == INVALID)
            {
                return w;
            }
        }
        return -1;
    }

    private byte[] permit(final int slot, final long vaddr, final int access)
    {
        if ((prot[slot] & access) == 0)
        {
            throw GuestFault.segv(vaddr, accessName(access) + " not permitted by the mapping");
        }
        if (access == GuestMemory.ACCESS_WRITE)
        {
            dirty[slot] = true;
        }
        return lines[slot];
    }

    /** A synchronous write-back by the accessing thread; the line is lost for a detached process. */
    private static void writeBack(final Tenant owner, final long vaddr, final byte[] line)
    {
        if (owner != null)
        {
            owner.backend.flush(vaddr, line);
            owner.stats.countFlush(false);
        }
    }

    private static void throwIfWriteBackFailed(final Tenant tenant)
    {
        if (tenant.failedWriteBack != null)
        {
            throw tenant.failedWriteBack;
        }
    }

    /**
     * Removes {@code pid}'s lines in {@code [start, end)} from the ExCache proper (shooting down TLB entries) and
     * from the victim buffer; dirty lines are written back first when {@code writeBack} (mprotect(2): the data
     * stays, only its permissions change), dropped otherwise (munmap(2): the data no longer exists). Waits for a
     * write-back of a line in the range that the flusher has in flight, so none arrives after this returns.
     *
     * @return the number of lines removed.
     * @throws WriteBackException if a write-back fails.
     */
    public int invalidate(final int pid, final long start, final long end, final boolean writeBack)
    {
        final long firstVpn = start >>> GuestMemory.PAGE_SHIFT;
        final long endVpn = (end + GuestMemory.PAGE_MASK) >>> GuestMemory.PAGE_SHIFT;
        lock.lock();
        try
        {
            awaitFlushOutside(pid, firstVpn, endVpn);
            observer.onInvalidate(pid, firstVpn, endVpn, writeBack);
            final Tenant owner = tenants.get(pid);
            int removed = 0;
            if (endVpn - firstVpn < tagVpn.length)
            {
                for (long vpn = firstVpn; vpn < endVpn; vpn++)
                {
                    final int base = (int)Long.remainderUnsigned(vpn, sets) * ways;
                    for (int w = 0; w < ways; w++)
                    {
                        if (tagVpn[base + w] == vpn && tagPid[base + w] == pid)
                        {
                            removeLine(base + w, owner, writeBack);
                            removed++;
                        }
                    }
                }
            }
            else
            {
                for (int slot = 0; slot < tagVpn.length; slot++)
                {
                    final long vpn = tagVpn[slot];
                    if (vpn != INVALID && tagPid[slot] == pid && vpn >= firstVpn && vpn < endVpn)
                    {
                        removeLine(slot, owner, writeBack);
                        removed++;
                    }
                }
            }
            for (int e = 0; e < victims.capacity(); e++)
            {
                final long vpn = victims.vpn[e];
                if (vpn != VictimBuffer.EMPTY && victims.pid[e] == pid && vpn >= firstVpn && vpn < endVpn)
                {
                    if (writeBack && victims.dirty[e])
                    {
                        writeBack(owner, vpn << GuestMemory.PAGE_SHIFT, victims.line[e]);
                    }
                    victims.clear(e);
                    removed++;
                }
            }
            return removed;
        }
        finally
        {
            lock.unlock();
        }
    }

    /** Waits (lock released) until the flusher is not writing back a line of {@code pid} in the range. */
    private void awaitFlushOutside(final int pid, final long firstVpn, final long endVpn)
    {
        while (victims.flushingIn(pid, firstVpn, endVpn))
        {
            flushDone.awaitUninterruptibly();
        }
    }

    private void removeLine(final int slot, final Tenant owner, final boolean writeBack)
    {
        final long vpn = tagVpn[slot];
        if (owner != null)
        {
            owner.backend.shootdown(vpn);
            if (writeBack && dirty[slot])
            {
                writeBack(owner, vpn << GuestMemory.PAGE_SHIFT, lines[slot]);
            }
        }
        tagVpn[slot] = INVALID;
        dirty[slot] = false;
    }

    /** The flusher: writes back the oldest dirty victim-buffer line, one at a time, until closed. */
    private void flushLoop()
    {
        lock.lock();
        try
        {
            while (!closed)
            {
                final int entry = victims.oldestDirty();
                if (entry < 0)
                {
                    flushWork.await();
                    continue;
                }
                final Tenant owner = tenants.get(victims.pid[entry]);
                if (owner == null)
                {
                    victims.clear(entry);
                    continue;
                }
                victims.flushing(entry);
                final long vaddr = victims.vpn[entry] << GuestMemory.PAGE_SHIFT;
                final byte[] line = victims.line[entry];
                RuntimeException failure = null;
                lock.unlock();
                try
                {
                    owner.backend.backgroundFlush(vaddr, line);
                }
                catch (final RuntimeException ex)
                {
                    failure = ex;
                }
                finally
                {
                    lock.lock();
                }
                victims.flushing(-1);
                if (failure == null)
                {
                    victims.dirty[entry] = false;
                    owner.stats.countFlush(false);
                }
                else
                {
                    LOG.warn("write-back of line 0x{} failed: {}", Long.toHexString(vaddr), failure.toString());
                    victims.clear(entry);
                    if (owner.failedWriteBack == null)
                    {
                        owner.failedWriteBack = failure instanceof WriteBackException
                            ? (WriteBackException)failure
                            : new WriteBackException("write-back of line 0x" + Long.toHexString(vaddr) + " failed: "
                                + failure.getMessage(), failure);
                    }
                }
                flushDone.signalAll();
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        finally
        {
            victims.flushing(-1);
            flushDone.signalAll();
            lock.unlock();
        }
    }

    /**
     * Stops the flusher thread after the write-back it has in flight; lines still dirty in the victim buffer are
     * written back by later misses or invalidations, if any.
     */
    @Override
    public void close()
    {
        lock.lock();
        try
        {
            closed = true;
            flushWork.signalAll();
        }
        finally
        {
            lock.unlock();
        }
        if (flusher != null && flusher != Thread.currentThread())
        {
            try
            {
                flusher.join(TimeUnit.SECONDS.toMillis(30));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Number of valid lines in the ExCache proper (occupancy). */
    public int validLines()
    {
        lock.lock();
        try
        {
            return countValidLocked();
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * {@link #validLines()} without waiting: while another thread holds the ExCache (a long write-back, e.g. fork's
     * or munmap's), the figure last counted. For the heartbeat, which must not miss its interval.
     */
    public int validLinesNow()
    {
        if (!lock.tryLock())
        {
            return lastValidLines;
        }
        try
        {
            return countValidLocked();
        }
        finally
        {
            lock.unlock();
        }
    }

    private int countValidLocked()
    {
        int n = 0;
        for (final long vpn : tagVpn)
        {
            if (vpn != INVALID)
            {
                n++;
            }
        }
        lastValidLines = n;
        return n;
    }

    /** Number of valid lines in the ExCache proper that are dirty. */
    public int dirtyLines()
    {
        lock.lock();
        try
        {
            int n = 0;
            for (int slot = 0; slot < tagVpn.length; slot++)
            {
                if (tagVpn[slot] != INVALID && dirty[slot])
                {
                    n++;
                }
            }
            return n;
        }
        finally
        {
            lock.unlock();
        }
    }

    /** Number of lines held in the victim buffer. */
    public int victimLines()
    {
        lock.lock();
        try
        {
            return victims.occupied();
        }
        finally
        {
            lock.unlock();
        }
    }

    private static String accessName(final int access)
    {
        switch (access)
        {
            case GuestMemory.ACCESS_WRITE:
                return "write";
            case GuestMemory.ACCESS_EXEC:
                return "execute";
            default:
                return "read";
        }
    }
}
