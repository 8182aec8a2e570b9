package org.legoemu.pcomponent.excache;

import org.agrona.collections.Int2ObjectHashMap;
import org.legoemu.abi.GuestFault;
import org.legoemu.abi.GuestMemory;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The pComponent's software-managed virtual cache of remote memory (LegoOS §4.3 "ExCache"): set-associative,
 * 4 KiB lines, tagged by (pid, virtual page number), with dirty tracking, a victim buffer and write-back of dirty
 * victims.
 *
 * <p>Set index = vpn modulo the number of sets (the low bits of the virtual page number, as in LegoOS). A lookup that
 * hits returns the line's bytes, which the hart keeps in its TLB until the line leaves the ExCache proper
 * ({@link LineBackend#shootdown}). A miss reads top-down in one direction, as LegoOS's {@code pcache/fault.c}:
 * <ol>
 * <li><b>fault</b> ({@link #lockLine}): look the line up in its set; on a miss, look for it among the transfers in
 * flight (the {@link MshrTable}) and wait for it there, or in the victim buffer (fully associative, LegoOS §4.3),
 * and take a way of the set: a free one, or the {@link EvictionPolicy}'s victim;</li>
 * <li><b>fill</b> ({@link #fill}): shoot the evicted line down, move it into the victim buffer (or, with no room
 * there, write it back), then fill the way: from the victim buffer without a network trip, zeroed for a fresh page
 * ({@link LineBackend#claimFresh}, "p-local" zero-fill), or from the owner;</li>
 * <li><b>owner, send</b>: the process's {@link LineBackend} finds the vRegion's owner and sends P2M_PCACHE_MISS,
 * carrying a dirty line that must leave now when both have the same owner ("piggyback"), else after its own
 * P2M_PCACHE_FLUSH.</li>
 * </ol>
 * Dirty lines in the victim buffer are written back by the {@link Flusher} thread, so a miss writes back only when
 * the buffer holds nothing but dirty lines. With no victim buffer every dirty victim is written back by the miss
 * that evicts it.
 *
 * <p><b>Threads and locks.</b> Each set has its own lock (sets share one of at most {@value #MAX_SET_LOCKS} locks
 * when there are more sets), held only to look a set up and to change its tags; the {@link MshrTable}'s lock guards
 * the transfers in flight and the victim buffer. Lock order: set lock, then table lock. No lock is held across a
 * network round trip or a TLB shootdown: a way being filled is <i>busy</i> (no hit, no victim) and the lines moving
 * through it are named in its MSHR entry, so misses to different lines proceed in parallel, and concurrent misses to
 * one line fetch it once (the later ones wait for the entry, then hit). A shootdown waits for every hart of the
 * process to reach a safepoint, so it must not be made under a lock that a hart paused by fork(2) could be waiting
 * for. The only call from the cache up into its user is that shootdown.
 *
 * <p>Nothing on the hit or miss path allocates once every way has its line array (each way's array is allocated on
 * its first fill); waiting (a contended lock, a line in flight) may allocate the JDK's queue node.
 */
public final class ExCache implements AutoCloseable
{
    public static final int LINE_SIZE = GuestMemory.PAGE_SIZE;
    /** Default victim buffer size, lines (LegoOS uses 8). */
    public static final int DEFAULT_VICTIMS = 8;
    /** Most set locks; more sets share them (set modulo the lock count). */
    static final int MAX_SET_LOCKS = 4096;
    private static final long INVALID = -1;
    private static final long NONE = -1;

    private final int sets;
    private final int ways;
    private final byte[][] lines;
    private final long[] tagVpn;
    private final int[] tagPid;
    private final byte[] prot;
    private final boolean[] dirty;
    /** A way reserved by a transfer in flight (a fill, or an invalidation's write-back): no hit, no victim. */
    private final boolean[] busy;
    private final ReentrantLock[] setLocks;
    private final EvictionPolicy policy;
    private final MshrTable table = new MshrTable(MshrTable.DEFAULT_ENTRIES);
    private final VictimBuffer victims;
    private final Flusher flusher;
    private final ExCacheStats stats = new ExCacheStats();
    /** Attached processes; replaced (copy on write) under the table's lock, read without a lock. */
    private volatile Int2ObjectHashMap<Tenant> tenants = new Int2ObjectHashMap<>();
    private volatile boolean piggyback = true;
    private volatile boolean zeroFill = true;
    private volatile ExCacheObserver observer = ExCacheObserver.NONE;
    /** Marks {@link #fetchOrZero}'s result as a zero-filled line; above every PROT_ bit. */
    private static final int ZERO_FILLED = 0x100;
    /** With {@link #ZERO_FILLED}: the line was filled from its file mapping's file and is installed dirty. */
    private static final int FILE_FILLED = 0x200;

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
        this.busy = new boolean[n];
        Arrays.fill(tagVpn, INVALID);
        this.setLocks = new ReentrantLock[Math.min(sets, MAX_SET_LOCKS)];
        for (int i = 0; i < setLocks.length; i++)
        {
            setLocks[i] = new ReentrantLock();
        }
        this.policy = policy;
        policy.init(sets, ways);
        this.victims = new VictimBuffer(victims);
        this.flusher = victims > 0 ? new Flusher(table, this.victims, this::tenant) : null;
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
        piggyback = enabled;
    }

    /**
     * Whether a miss on a page its backend reports fresh ({@link LineBackend#claimFresh}) creates the line zeroed
     * on the pComponent instead of fetching it ("p-local" zero-fill; on by default). Off, every miss is fetched.
     */
    public void zeroFill(final boolean enabled)
    {
        zeroFill = enabled;
    }

    /**
     * Tells {@code observer} (the timing model) of every lookup, eviction, invalidation and detach from now on;
     * {@link ExCacheObserver#NONE} for none. Misses to different sets call it concurrently: it must be thread-safe.
     */
    public void observer(final ExCacheObserver observer)
    {
        this.observer = observer;
    }

    /** Counters of the whole cache (every process). */
    public ExCacheStats stats()
    {
        return stats;
    }

    private Tenant tenant(final int pid)
    {
        return tenants.get(pid);
    }

    /**
     * Makes {@code pid}'s lines come from and go to {@code backend}.
     *
     * @return the process's own counters (which also add into {@link #stats()}); they stay readable after
     * {@link #detach}.
     */
    public ExCacheStats attach(final int pid, final LineBackend backend)
    {
        final Tenant tenant = new Tenant(pid, backend, new ExCacheStats(stats));
        table.lock.lock();
        try
        {
            final Int2ObjectHashMap<Tenant> next = new Int2ObjectHashMap<>(tenants);
            next.put(pid, tenant);
            tenants = next;
            return tenant.stats;
        }
        finally
        {
            table.lock.unlock();
        }
    }

    /**
     * Removes every line of {@code pid}, from the ExCache proper and the victim buffer, without writing it back
     * (the process is gone), and forgets its backend. Waits for the process's transfers in flight (misses, and a
     * write-back the flusher has in flight), so nothing of the process reaches its mComponent afterwards. Its harts
     * must have ended: no TLB is shot down.
     *
     * @return the number of lines dropped.
     */
    public int detach(final int pid)
    {
        table.lock.lock();
        try
        {
            final Int2ObjectHashMap<Tenant> next = new Int2ObjectHashMap<>(tenants);
            next.remove(pid);
            tenants = next;
            awaitQuiet(pid, 0, Long.MAX_VALUE);
            observer.onDetach(pid);
        }
        finally
        {
            table.lock.unlock();
        }
        int dropped = 0;
        for (int set = 0; set < sets; set++)
        {
            final ReentrantLock setLock = lockOf(set);
            setLock.lock();
            try
            {
                for (int slot = set * ways; slot < (set + 1) * ways; slot++)
                {
                    if (tagVpn[slot] != INVALID && tagPid[slot] == pid)
                    {
                        tagVpn[slot] = INVALID;
                        dirty[slot] = false;
                        dropped++;
                    }
                }
            }
            finally
            {
                setLock.unlock();
            }
        }
        table.lock.lock();
        try
        {
            for (int e = 0; e < victims.capacity(); e++)
            {
                if (victims.vpn[e] != VictimBuffer.EMPTY && victims.pid[e] == pid)
                {
                    victims.clear(e);
                    dropped++;
                }
            }
        }
        finally
        {
            table.lock.unlock();
        }
        return dropped;
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
        final int slot = lockLine(pid, vaddr, access);
        final byte[] line = lines[slot];
        lockOf(slot / ways).unlock();
        return line;
    }

    /**
     * Copies {@code length} bytes at {@code vaddr} (within one line) out of the cache under its set's lock, so no
     * eviction by another thread can tear the copy (the kernel side's reads of guest memory).
     *
     * @throws GuestFault as {@link #access} for a read.
     */
    public void copyOut(final int pid, final long vaddr, final byte[] dst, final int offset, final int length)
    {
        final int slot = lockLine(pid, vaddr, GuestMemory.ACCESS_READ);
        try
        {
            System.arraycopy(lines[slot], (int)(vaddr & GuestMemory.PAGE_MASK), dst, offset, length);
        }
        finally
        {
            lockOf(slot / ways).unlock();
        }
    }

    /**
     * Copies {@code length} bytes to {@code vaddr} (within one line) under its set's lock, marking the line dirty.
     *
     * @throws GuestFault as {@link #access} for a write.
     */
    public void copyIn(final int pid, final long vaddr, final byte[] src, final int offset, final int length)
    {
        final int slot = lockLine(pid, vaddr, GuestMemory.ACCESS_WRITE);
        try
        {
            System.arraycopy(src, offset, lines[slot], (int)(vaddr & GuestMemory.PAGE_MASK), length);
        }
        finally
        {
            lockOf(slot / ways).unlock();
        }
    }

    private ReentrantLock lockOf(final int set)
    {
        return setLocks[set % setLocks.length];
    }

    /**
     * Fault: the slot holding the line of {@code vaddr}, permitted for {@code access} (and marked dirty for a write),
     * returned with its set's lock held; a miss fills it first.
     */
    private int lockLine(final int pid, final long vaddr, final int access)
    {
        final long vpn = vaddr >>> GuestMemory.PAGE_SHIFT;
        final int set = (int)Long.remainderUnsigned(vpn, sets);
        final int base = set * ways;
        final ReentrantLock setLock = lockOf(set);
        while (true)
        {
            setLock.lock();
            int slot = -1;
            for (int way = 0; way < ways; way++)
            {
                if (tagVpn[base + way] == vpn && tagPid[base + way] == pid)
                {
                    final Tenant tenant = tenants.get(pid);
                    if (tenant != null)
                    {
                        tenant.stats.countHit();
                    }
                    observer.onHit(pid, vpn, access);
                    policy.onHit(set, way);
                    slot = base + way;
                    break;
                }
            }
            if (slot < 0)
            {
                slot = miss(pid, vpn, vaddr, access, set, setLock);
            }
            if (slot >= 0)
            {
                try
                {
                    permit(slot, vaddr, access);
                }
                catch (final GuestFault fault)
                {
                    setLock.unlock();
                    throw fault;
                }
                return slot;
            }
        }
    }

    /**
     * Serves a miss, entered with {@code setLock} held. Returns the filled slot with {@code setLock} held, or -1 with
     * it released when it had to wait (for a line in flight, a busy victim-buffer entry, a free way or MSHR) and the
     * lookup must be redone.
     */
    private int miss(
        final int pid, final long vpn, final long vaddr, final int access, final int set, final ReentrantLock setLock)
    {
        final int base = set * ways;
        final Tenant tenant = tenants.get(pid);
        if (tenant == null)
        {
            setLock.unlock();
            throw GuestFault.segv(vaddr, "process " + pid + " has no address space on this pComponent");
        }
        final WriteBackException failed = tenant.failedWriteBack;
        if (failed != null)
        {
            setLock.unlock();
            throw failed;
        }
        table.lock.lock();
        if (tenants.get(pid) != tenant)
        {
            table.lock.unlock(); // detached or re-attached meanwhile: look again (nothing to wait for)
            setLock.unlock();
            return -1;
        }
        final int buffered = victims.find(pid, vpn);
        if (table.inFlight(pid, vpn) || (buffered >= 0 && victims.busy(buffered)))
        {
            return awaitChange(setLock);
        }
        int way = freeWay(base);
        if (buffered >= 0 && way >= 0)
        {
            final int slot = base + way;
            tagVpn[slot] = vpn;
            tagPid[slot] = pid;
            prot[slot] = victims.prot[buffered];
            dirty[slot] = victims.dirty[buffered];
            takeBack(slot, buffered, INVALID, 0, (byte)0, false);
            table.lock.unlock();
            tenant.stats.countVictimHit();
            observer.onMiss(pid, vpn, access, 0, INVALID, false);
            policy.onFill(set, way);
            return base + way;
        }
        if (way < 0)
        {
            way = victimWay(set, base);
        }
        final int entry = way < 0 ? -1 : table.register(pid, vpn);
        if (entry < 0)
        {
            return awaitChange(setLock);
        }
        final int slot = base + way;
        final long oldVpn = tagVpn[slot];
        final int oldPid = tagPid[slot];
        final byte oldProt = prot[slot];
        final boolean oldDirty = dirty[slot];
        table.leaving(entry, oldPid, oldVpn);
        if (buffered >= 0)
        {
            victims.reserve(buffered);
        }
        busy[slot] = true;
        tagVpn[slot] = INVALID;
        dirty[slot] = false;
        table.lock.unlock();
        setLock.unlock();
        return fill(tenant, pid, vpn, vaddr, access, set, way, entry, buffered, oldPid, oldVpn, oldProt, oldDirty);
    }

    /** Waits for a change of the table (set lock and table lock held on entry, both released on return); -1. */
    private int awaitChange(final ReentrantLock setLock)
    {
        setLock.unlock();
        table.changed.awaitUninterruptibly();
        table.lock.unlock();
        return -1;
    }

    /**
     * Fill, with no lock held and {@code slot = set * ways + way} busy under MSHR {@code entry}: the line
     * {@code (oldPid, oldVpn)} that held the way leaves the ExCache proper (shot down, then into the victim buffer or
     * written back), and the way is filled with line {@code (pid, vpn)}, from victim-buffer entry {@code buffered}
     * (reserved) when not -1. Returns the slot with its set lock held; on a failure the way is left empty.
     */
    private int fill(
        final Tenant tenant, final int pid, final long vpn, final long vaddr, final int access, final int set,
        final int way, final int entry, final int buffered, final int oldPid, final long oldVpn, final byte oldProt,
        final boolean oldDirty)
    {
        final int slot = set * ways + way;
        int lineProt = 0;
        boolean lineDirty = false;
        boolean taken = false;
        try
        {
            if (oldVpn != INVALID)
            {
                final Tenant old = tenants.get(oldPid);
                if (old != null)
                {
                    old.stats.countEviction(!oldDirty);
                    old.backend.shootdown(oldVpn);
                }
            }
            long leavingVpn = NONE;
            int leavingPid = 0;
            table.lock.lock();
            try
            {
                if (buffered >= 0)
                {
                    lineProt = victims.prot[buffered];
                    lineDirty = victims.dirty[buffered];
                    takeBack(slot, buffered, oldVpn, oldPid, oldProt, oldDirty);
                    taken = true;
                    table.leaving(entry, 0, NONE);
                }
                else if (oldVpn != INVALID)
                {
                    final int reclaimed = victims.capacity() > 0 ? victims.reclaimable() : -1;
                    if (reclaimed >= 0)
                    {
                        if (victims.vpn[reclaimed] != VictimBuffer.EMPTY && victims.dirty[reclaimed])
                        {
                            leavingVpn = victims.vpn[reclaimed];
                            leavingPid = victims.pid[reclaimed];
                        }
                        final byte[] array = victims.line[reclaimed];
                        victims.line[reclaimed] = lines[slot];
                        lines[slot] = array;
                        victims.fill(reclaimed, oldPid, oldVpn, oldProt, oldDirty);
                    }
                    else if (oldDirty)
                    {
                        leavingVpn = oldVpn;
                        leavingPid = oldPid;
                    }
                    table.leaving(entry, leavingPid, leavingVpn);
                    if (flusher != null && victims.hasFlushWork())
                    {
                        flusher.signal();
                    }
                }
            }
            finally
            {
                table.lock.unlock();
            }
            if (lines[slot] == null)
            {
                lines[slot] = new byte[LINE_SIZE];
            }
            if (!taken)
            {
                lineProt = fetchOrZero(tenant, vpn, vaddr, access, slot, leavingPid, leavingVpn);
                lineDirty = (lineProt & FILE_FILLED) != 0;
            }
        }
        catch (final RuntimeException ex)
        {
            final ReentrantLock setLock = lockOf(set);
            setLock.lock();
            table.lock.lock();
            try
            {
                if (buffered >= 0 && !taken)
                {
                    victims.unreserve(buffered);
                }
                busy[slot] = false;
                table.release(entry);
            }
            finally
            {
                table.lock.unlock();
                setLock.unlock();
            }
            if (ex instanceof GuestFault fault)
            {
                throw new GuestFault(fault.signal(), vaddr, -1, 0, fault.getMessage());
            }
            throw ex;
        }
        final ReentrantLock setLock = lockOf(set);
        setLock.lock();
        table.lock.lock();
        tagVpn[slot] = vpn;
        tagPid[slot] = pid;
        prot[slot] = (byte)(lineProt & ~(ZERO_FILLED | FILE_FILLED));
        dirty[slot] = lineDirty;
        busy[slot] = false;
        table.release(entry);
        table.lock.unlock();
        observer.onMiss(pid, vpn, access, oldPid, oldVpn, (lineProt & ZERO_FILLED) != 0);
        policy.onFill(set, way);
        if (taken)
        {
            tenant.stats.countVictimHit();
        }
        return slot;
    }

    /**
     * Fills {@code slot}'s array with line {@code vpn}: zeroed for a claimed fresh page, else fetched from its owner.
     * The dirty line {@code (leavingPid, leavingVpn)} in that array, if any, is written back first, riding on the
     * miss request when it has the same owner.
     *
     * @return the line's PROT_ bits, with {@link #ZERO_FILLED} set for a zero-filled line.
     */
    private int fetchOrZero(
        final Tenant tenant, final long vpn, final long vaddr, final int access, final int slot, final int leavingPid,
        final long leavingVpn)
    {
        final byte[] line = lines[slot];
        final long fetchAddress = vpn << GuestMemory.PAGE_SHIFT;
        final Tenant leavingOwner = leavingVpn == NONE ? null : tenants.get(leavingPid);
        final long leavingAddress = leavingVpn << GuestMemory.PAGE_SHIFT;
        final int fileClaim = tenant.backend.claimFile(fetchAddress, access);
        if (fileClaim >= 0)
        {
            writeBack(leavingOwner, leavingAddress, line);
            final int fileProt = tenant.backend.fillFromFile(fetchAddress, fileClaim, line);
            tenant.stats.countFileFill();
            return fileProt | ZERO_FILLED | FILE_FILLED;
        }
        final int freshProt = zeroFill ? tenant.backend.claimFresh(fetchAddress, access) : -1;
        if (freshProt >= 0)
        {
            writeBack(leavingOwner, leavingAddress, line);
            Arrays.fill(line, (byte)0);
            tenant.stats.countZeroFill();
            return freshProt | ZERO_FILLED;
        }
        final long startNs = System.nanoTime();
        final int lineProt;
        if (leavingOwner != null && piggyback && leavingOwner == tenant &&
            tenant.backend.sharesOwner(fetchAddress, leavingAddress))
        {
            lineProt = tenant.backend.fetchWithWriteBack(fetchAddress, access, line, leavingAddress, line);
            tenant.stats.countFlush(true);
        }
        else
        {
            writeBack(leavingOwner, leavingAddress, line);
            lineProt = tenant.backend.fetch(fetchAddress, access, line);
        }
        tenant.stats.countFetch(System.nanoTime() - startNs);
        return lineProt;
    }

    /**
     * Moves the bytes of victim-buffer {@code entry}'s line into {@code slot} (arrays swapped, not copied); the line
     * {@code (oldPid, oldVpn)} that {@code slot}'s array held, if any, takes the entry, else the entry becomes empty.
     * Table lock held; the slot's tag, protection and dirty bit are the caller's to set under the set lock.
     */
    private void takeBack(
        final int slot, final int entry, final long oldVpn, final int oldPid, final byte oldProt,
        final boolean oldDirty)
    {
        final byte[] array = lines[slot];
        lines[slot] = victims.line[entry];
        victims.line[entry] = array == null ? new byte[LINE_SIZE] : array;
        if (oldVpn == INVALID)
        {
            victims.clear(entry);
        }
        else
        {
            victims.unreserve(entry);
            victims.fill(entry, oldPid, oldVpn, oldProt, oldDirty);
            if (flusher != null && oldDirty)
            {
                flusher.signal();
            }
        }
    }

    private int freeWay(final int base)
    {
        for (int w = 0; w < ways; w++)
        {
            if (tagVpn[base + w] == INVALID && !busy[base + w])
            {
                return w;
            }
        }
        return -1;
    }

    /** The policy's victim in a full set, or another valid way when it names a busy one; -1 when all are busy. */
    private int victimWay(final int set, final int base)
    {
        final int chosen = policy.victim(set);
        if (!busy[base + chosen])
        {
            return chosen;
        }
        for (int w = 0; w < ways; w++)
        {
            if (!busy[base + w] && tagVpn[base + w] != INVALID)
            {
                return w;
            }
        }
        return -1;
    }

    private void permit(final int slot, final long vaddr, final int access)
    {
        if ((prot[slot] & access) == 0)
        {
            throw GuestFault.segv(vaddr, accessName(access) + " not permitted by the mapping");
        }
        if (access == GuestMemory.ACCESS_WRITE)
        {
            dirty[slot] = true;
        }
    }

    /** A synchronous write-back by the calling thread; nothing for a null owner (none, or a detached process). */
    private static void writeBack(final Tenant owner, final long vaddr, final byte[] line)
    {
        if (owner != null)
        {
            owner.backend.flush(vaddr, line);
            owner.stats.countFlush(false);
        }
    }

    /**
     * Removes {@code pid}'s lines in {@code [start, end)} from the ExCache proper (shooting down TLB entries) and
     * from the victim buffer; dirty lines are written back first when {@code writeBack} (mprotect(2), fork(2): the
     * data stays, only its permissions change or it is copied), dropped otherwise (munmap(2): the data no longer
     * exists). Waits for the transfers in flight of lines in the range (misses, evictions, the flusher's write-back),
     * so no write-back of the range arrives after this returns. Holds no lock while it shoots down or writes back.
     *
     * @return the number of lines removed.
     * @throws WriteBackException if a write-back fails.
     */
    public int invalidate(final int pid, final long start, final long end, final boolean writeBack)
    {
        final long firstVpn = start >>> GuestMemory.PAGE_SHIFT;
        final long endVpn = (end + GuestMemory.PAGE_MASK) >>> GuestMemory.PAGE_SHIFT;
        final Tenant owner = tenants.get(pid);
        observer.onInvalidate(pid, firstVpn, endVpn, writeBack);
        int removed = 0;
        for (int pass = 0; pass < 2; pass++)
        {
            final int before = removed;
            if (endVpn - firstVpn < sets)
            {
                for (long vpn = firstVpn; vpn < endVpn; vpn++)
                {
                    removed += invalidateSet((int)Long.remainderUnsigned(vpn, sets), pid, vpn, vpn + 1, owner,
                        writeBack);
                }
            }
            else
            {
                for (int set = 0; set < sets; set++)
                {
                    removed += invalidateSet(set, pid, firstVpn, endVpn, owner, writeBack);
                }
            }
            final boolean waited;
            table.lock.lock();
            try
            {
                waited = awaitQuiet(pid, firstVpn, endVpn);
                removed += invalidateVictims(pid, firstVpn, endVpn, owner, writeBack);
            }
            finally
            {
                table.lock.unlock();
            }
            if (!waited && removed == before)
            {
                break;
            }
        }
        return removed;
    }

    /** Removes {@code pid}'s lines in {@code [firstVpn, endVpn)} from {@code set}, one at a time; the count. */
    private int invalidateSet(
        final int set, final int pid, final long firstVpn, final long endVpn, final Tenant owner,
        final boolean writeBack)
    {
        final ReentrantLock setLock = lockOf(set);
        final int base = set * ways;
        int removed = 0;
        for (int way = 0; way < ways; way++)
        {
            final int slot = base + way;
            setLock.lock();
            final long vpn = tagVpn[slot];
            if (vpn == INVALID || tagPid[slot] != pid || vpn < firstVpn || vpn >= endVpn)
            {
                setLock.unlock();
                continue;
            }
            final boolean wasDirty = dirty[slot];
            table.lock.lock();
            final int entry = table.register(pid, NONE);
            if (entry < 0)
            {
                awaitChange(setLock);
                way--;
                continue;
            }
            table.leaving(entry, pid, vpn);
            busy[slot] = true;
            tagVpn[slot] = INVALID;
            dirty[slot] = false;
            table.lock.unlock();
            setLock.unlock();
            removed++;
            try
            {
                if (owner != null)
                {
                    owner.backend.shootdown(vpn);
                    if (writeBack && wasDirty)
                    {
                        writeBack(owner, vpn << GuestMemory.PAGE_SHIFT, lines[slot]);
                    }
                }
            }
            finally
            {
                setLock.lock();
                table.lock.lock();
                busy[slot] = false;
                table.release(entry);
                table.lock.unlock();
                setLock.unlock();
            }
        }
        return removed;
    }

    /** Removes {@code pid}'s victim-buffer lines in the range; table lock held, released around write-backs. */
    private int invalidateVictims(
        final int pid, final long firstVpn, final long endVpn, final Tenant owner, final boolean writeBack)
    {
        int removed = 0;
        for (int e = 0; e < victims.capacity(); e++)
        {
            final long vpn = victims.vpn[e];
            if (vpn == VictimBuffer.EMPTY || victims.pid[e] != pid || vpn < firstVpn || vpn >= endVpn)
            {
                continue;
            }
            if (writeBack && victims.dirty[e] && owner != null)
            {
                victims.reserve(e);
                table.lock.unlock();
                try
                {
                    writeBack(owner, vpn << GuestMemory.PAGE_SHIFT, victims.line[e]);
                }
                finally
                {
                    table.lock.lock();
                    victims.clear(e);
                    table.changed.signalAll();
                }
            }
            else
            {
                victims.clear(e);
            }
            removed++;
        }
        return removed;
    }

    /**
     * Waits (table lock held, released while waiting) until no transfer in flight and no busy victim-buffer entry
     * concerns a line of {@code pid} in {@code [firstVpn, endVpn)}.
     *
     * @return whether it had to wait.
     */
    private boolean awaitQuiet(final int pid, final long firstVpn, final long endVpn)
    {
        boolean waited = false;
        while (table.inFlight(pid, firstVpn, endVpn) || victims.busyIn(pid, firstVpn, endVpn))
        {
            waited = true;
            table.changed.awaitUninterruptibly();
        }
        return waited;
    }

    /**
     * Stops the flusher thread after the write-back it has in flight; lines still dirty in the victim buffer are
     * written back by later misses or invalidations, if any.
     */
    @Override
    public void close()
    {
        if (flusher != null)
        {
            flusher.close();
        }
    }

    /** Number of valid lines in the ExCache proper (occupancy), counted set by set under each set's lock. */
    public int validLines()
    {
        int n = 0;
        for (int set = 0; set < sets; set++)
        {
            final ReentrantLock setLock = lockOf(set);
            setLock.lock();
            try
            {
                for (int slot = set * ways; slot < (set + 1) * ways; slot++)
                {
                    if (tagVpn[slot] != INVALID)
                    {
                        n++;
                    }
                }
            }
            finally
            {
                setLock.unlock();
            }
        }
        return n;
    }

    /**
     * {@link #validLines()} without waiting for any lock (a racy count, exact when no miss is in flight). For the
     * heartbeat, which must not miss its interval.
     */
    public int validLinesNow()
    {
        int n = 0;
        for (final long vpn : tagVpn)
        {
            if (vpn != INVALID)
            {
                n++;
            }
        }
        return n;
    }

    /** Number of valid lines in the ExCache proper that are dirty. */
    public int dirtyLines()
    {
        int n = 0;
        for (int set = 0; set < sets; set++)
        {
            final ReentrantLock setLock = lockOf(set);
            setLock.lock();
            try
            {
                for (int slot = set * ways; slot < (set + 1) * ways; slot++)
                {
                    if (tagVpn[slot] != INVALID && dirty[slot])
                    {
                        n++;
                    }
                }
            }
            finally
            {
                setLock.unlock();
            }
        }
        return n;
    }

    /** Number of lines held in the victim buffer. */
    public int victimLines()
    {
        table.lock.lock();
        try
        {
            return victims.occupied();
        }
        finally
        {
            table.lock.unlock();
        }
    }

    /** Number of line transfers in flight (MSHR entries in use). */
    public int transfersInFlight()
    {
        table.lock.lock();
        try
        {
            return table.inUse();
        }
        finally
        {
            table.lock.unlock();
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
