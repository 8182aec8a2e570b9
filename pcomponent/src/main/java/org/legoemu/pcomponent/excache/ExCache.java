package org.legoemu.pcomponent.excache;

import org.agrona.collections.Int2ObjectHashMap;
import org.legoemu.abi.GuestFault;
import org.legoemu.abi.GuestMemory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
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
    private static final Logger LOG = LoggerFactory.getLogger(ExCache.class);
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
    /**
     * A way a prefetch is filling: its tag names the incoming line, whose bytes are not there yet. A lookup of the
     * line waits for it; a miss in the set, an invalidation of the line and a prefetch into the set wait until no way
     * of the set is pending, so which way a miss takes never depends on how fast the prefetch thread was.
     */
    private final boolean[] pending;
    /** A way filled by a prefetch and not yet used by a demand access. */
    private final boolean[] prefetched;
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
    /** Marks {@link #bringIn}'s result as a line taken back from the victim buffer. */
    private static final int TAKEN_BACK = 0x200;
    /** Marks {@link #bringIn}'s result as a dirty line (taken back dirty from the victim buffer). */
    private static final int LINE_DIRTY = 0x400;
    /** {@link #fetchOrZero}: claim a fresh page now (a demand miss) rather than use a claim made at issue. */
    private static final int CLAIM_NOW = -2;
    /** {@link #awaitPending}: wait for every way of the set rather than one. */
    private static final int ANY_WAY = -1;
    /** {@link #awaitPending}: wait for room in the prefetch worker. */
    private static final int WORKER_FULL = -2;
    /** {@link #poll}: wait for the next change of the MSHR table. */
    private static final int CHANGE = -3;
    /** How long a wait for a prefetch or a table change yields before it parks, ns (as the fabric's waits, docs/architecture.md). */
    private static final long PENDING_YIELD_NS = 50_000;
    /** How long such a wait then parks between two looks, ns. */
    private static final long PENDING_PARK_NS = 50_000;
    private static final VarHandle PENDING = MethodHandles.arrayElementVarHandle(boolean[].class);
    /** Per-hart streams of the prefetcher; null when prefetching is off. */
    private volatile ThreadLocal<PrefetchStream> streams;
    private volatile PrefetchWorker prefetchWorker;
    /** Lines whose prefetch failed, not to be issued again (guarded by the table's lock). */
    private final FailedPrefetches failedPrefetches = new FailedPrefetches();
    private PrefetchMode prefetchMode = PrefetchMode.NONE;
    private int prefetchDepth = PrefetchMode.DEFAULT_DEPTH;

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
        this.pending = new boolean[n];
        this.prefetched = new boolean[n];
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
     * Turns the prefetcher on or off ({@code --excache-prefetch}, off by default; LegoOS has none). On a demand miss,
     * and on the first use of a prefetched line, the faulting hart's {@link PrefetchStream} chooses up to
     * {@code depth} further lines of the process ({@link PrefetchMode#SEQUENTIAL}: the next ones;
     * {@link PrefetchMode#STRIDE}: along the majority stride of its recent triggers, {@link StrideDetector}); the hart
     * issues them once it has let go of the line it missed on, and the {@code excache-prefetch} thread fetches them
     * ({@link PrefetchWorker}), so a prefetch does not stall the hart. A prefetch takes a way like a miss (the old line
     * goes to the victim buffer or is written back, never lost) and an MSHR entry, so a demand access to a line being
     * prefetched waits for it rather than fetching it again; a prefetch that fails is dropped, not retried. Call
     * before the first access.
     *
     * @param depth lines fetched ahead per trigger, 1 to {@value PrefetchMode#MAX_DEPTH}.
     * @throws IllegalArgumentException if {@code depth} is out of range.
     */
    public void prefetch(final PrefetchMode mode, final int depth)
    {
        PrefetchMode.checkDepth(depth);
        prefetchMode = mode;
        prefetchDepth = depth;
        if (mode == PrefetchMode.NONE)
        {
            streams = null;
            return;
        }
        if (prefetchWorker == null)
        {
            prefetchWorker = new PrefetchWorker(table, MshrTable.DEFAULT_ENTRIES, this::completePrefetch);
        }
        streams = ThreadLocal.withInitial(() -> new PrefetchStream(mode, depth));
    }

    /**
     * Holds off (true) or allows again (false) the prefetches of {@code pid} while one of its VM system calls runs
     * (calls nest); see {@code ProcessLines.beginVmChange}.
     */
    public void holdPrefetches(final int pid, final boolean hold)
    {
        if (prefetchWorker == null)
        {
            return;
        }
        PolledLock.lock(table.lock);
        try
        {
            final Tenant tenant = tenants.get(pid);
            if (tenant != null)
            {
                tenant.vmChanges += hold ? 1 : -1;
            }
        }
        finally
        {
            table.lock.unlock();
        }
    }

    /** The prefetcher's mode ({@link PrefetchMode#NONE} when off). */
    public PrefetchMode prefetchMode()
    {
        return prefetchMode;
    }

    /** Lines fetched ahead per trigger. */
    public int prefetchDepth()
    {
        return prefetchDepth;
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
        PolledLock.lock(table.lock);
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
        final Tenant gone = tenants.get(pid);
        PolledLock.lock(table.lock);
        try
        {
            final Int2ObjectHashMap<Tenant> next = new Int2ObjectHashMap<>(tenants);
            next.remove(pid);
            tenants = next;
            awaitQuiet(pid, 0, Long.MAX_VALUE);
            failedPrefetches.remove(pid, 0, Long.MAX_VALUE);
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
            PolledLock.lock(setLock);
            try
            {
                for (int slot = set * ways; slot < (set + 1) * ways; slot++)
                {
                    if (tagVpn[slot] != INVALID && tagPid[slot] == pid)
                    {
                        tagVpn[slot] = INVALID;
                        dirty[slot] = false;
                        if (prefetched[slot] && gone != null)
                        {
                            gone.stats.countPrefetchUnused();
                        }
                        prefetched[slot] = false;
                        dropped++;
                    }
                }
            }
            finally
            {
                setLock.unlock();
            }
        }
        PolledLock.lock(table.lock);
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
        if (tenants.isEmpty())
        {
            forgetReplacementState();
        }
        return dropped;
    }

    /**
     * The last process left: the ExCache is empty, so its replacement state starts afresh too (LRU hands, FIFO
     * pointers, the random policy's seed), and the next process meets the cache a fresh pComponent has. Without it,
     * a process run after another took other victims than in a fresh cluster, and its modeled time differed by up to
     * 0.2 % (SequentialProcessesModelTest). Takes every set lock, in order; a process attached meanwhile waits.
     */
    private void forgetReplacementState()
    {
        for (final ReentrantLock setLock : setLocks)
        {
            PolledLock.lock(setLock);
        }
        try
        {
            if (tenants.isEmpty())
            {
                policy.reset();
            }
        }
        finally
        {
            for (int i = setLocks.length - 1; i >= 0; i--)
            {
                setLocks[i].unlock();
            }
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
        final int slot = lockLine(pid, vaddr, access);
        final byte[] line = lines[slot];
        lockOf(slot / ways).unlock();
        issuePrefetches();
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
        issuePrefetches();
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
        issuePrefetches();
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
            PolledLock.lock(setLock);
            int slot = -1;
            boolean triggered = false;
            for (int way = 0; way < ways; way++)
            {
                if (tagVpn[base + way] == vpn && tagPid[base + way] == pid)
                {
                    if (pending[base + way])
                    {
                        PolledLock.lock(table.lock); // being prefetched: wait for its bytes, then look again
                        slot = awaitPending(setLock, base, base + way) - 1;
                        break;
                    }
                    final Tenant tenant = tenants.get(pid);
                    if (tenant != null)
                    {
                        tenant.stats.countHit();
                        if (prefetched[base + way])
                        {
                            prefetched[base + way] = false;
                            tenant.stats.countPrefetchHit();
                            triggered = true;
                        }
                    }
                    observer.onHit(pid, vpn, access);
                    policy.onHit(set, way);
                    slot = base + way;
                    break;
                }
            }
            if (slot == -2)
            {
                continue;
            }
            if (slot < 0)
            {
                slot = miss(pid, vpn, vaddr, access, set, setLock);
                triggered = slot >= 0;
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
                if (triggered)
                {
                    trigger(pid, vpn);
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
        PolledLock.lock(table.lock);
        if (tenants.get(pid) != tenant)
        {
            table.lock.unlock(); // detached or re-attached meanwhile: look again (nothing to wait for)
            setLock.unlock();
            return -1;
        }
        if (hasPending(base))
        {
            return awaitPending(setLock, base, ANY_WAY);
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
            prefetched[slot] = false;
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
        if (prefetched[slot])
        {
            countUnused(oldPid);
            prefetched[slot] = false;
        }
        busy[slot] = true;
        tagVpn[slot] = INVALID;
        dirty[slot] = false;
        table.lock.unlock();
        setLock.unlock();
        return fill(tenant, pid, vpn, vaddr, access, set, way, entry, buffered, oldPid, oldVpn, oldProt, oldDirty);
    }

    /**
     * Waits until {@code slot} is not pending, or with {@link #ANY_WAY} until no way of the set at {@code base} is, or
     * with {@link #WORKER_FULL} until the prefetch worker has room (set lock and table lock held on entry, both
     * released on return); -1.
     */
    private int awaitPending(final ReentrantLock setLock, final int base, final int slot)
    {
        setLock.unlock();
        table.lock.unlock();
        poll(base, slot, 0);
        return -1;
    }

    /**
     * Waits for a change of the table (set lock and table lock held on entry, both released on return); -1. Polled
     * like {@link #awaitPending}: the flusher or another hart's transfer usually ends within microseconds.
     */
    private int awaitChange(final ReentrantLock setLock)
    {
        final long seen = table.changes();
        setLock.unlock();
        table.lock.unlock();
        poll(0, CHANGE, seen);
        return -1;
    }

    /**
     * Returns once {@link #stillWaiting} is false. A transfer over the in-JVM fabric takes microseconds, so it first
     * yields its core for up to {@value #PENDING_YIELD_NS} ns, then parks {@value #PENDING_PARK_NS} ns at a time,
     * looking without a lock between; it allocates nothing (a wait on the table's condition would allocate the JDK's
     * queue node each time, and under load the flusher or the prefetch thread is often late by more than the yield:
     * ExCacheAllocationTest failed so, with 10 to 26 KB per run).
     */
    private void poll(final int base, final int slot, final long seen)
    {
        final long deadline = System.nanoTime() + PENDING_YIELD_NS;
        do
        {
            Thread.yield();
            if (!stillWaiting(base, slot, seen))
            {
                return;
            }
        }
        while (System.nanoTime() - deadline < 0);
        while (stillWaiting(base, slot, seen))
        {
            LockSupport.parkNanos(PENDING_PARK_NS);
        }
    }

    /** {@link #poll}'s condition, read without a lock (a hint; the caller looks again under its locks). */
    private boolean stillWaiting(final int base, final int slot, final long seen)
    {
        if (slot == CHANGE)
        {
            return table.changes() == seen;
        }
        if (slot == WORKER_FULL)
        {
            final PrefetchWorker worker = prefetchWorker;
            return worker != null && worker.full();
        }
        if (slot != ANY_WAY)
        {
            return (boolean)PENDING.getVolatile(pending, slot);
        }
        for (int w = 0; w < ways; w++)
        {
            if ((boolean)PENDING.getVolatile(pending, base + w))
            {
                return true;
            }
        }
        return false;
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
        final int got;
        try
        {
            got = bringIn(tenant, vpn, access, slot, entry, buffered, oldPid, oldVpn, oldProt, oldDirty, false,
                CLAIM_NOW, false);
        }
        catch (final RuntimeException ex)
        {
            final ReentrantLock setLock = lockOf(set);
            PolledLock.lock(setLock);
            PolledLock.lock(table.lock);
            try
            {
                if (buffered >= 0)
                {
                    victims.unreserve(buffered); // bringIn throws only before taking the line back
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
        PolledLock.lock(setLock);
        PolledLock.lock(table.lock);
        tagVpn[slot] = vpn;
        tagPid[slot] = pid;
        prot[slot] = (byte)got;
        dirty[slot] = (got & LINE_DIRTY) != 0;
        prefetched[slot] = false;
        busy[slot] = false;
        failedPrefetches.remove(pid, vpn, vpn + 1); // fetched on demand: mapped now
        table.release(entry);
        table.lock.unlock();
        observer.onMiss(pid, vpn, access, oldPid, oldVpn, (got & ZERO_FILLED) != 0);
        policy.onFill(set, way);
        if ((got & TAKEN_BACK) != 0)
        {
            tenant.stats.countVictimHit();
        }
        return slot;
    }

    /**
     * The data movement of a fill, with no lock held and {@code slot} reserved under MSHR {@code entry} (busy for a
     * miss, pending for a prefetch): the line {@code (oldPid, oldVpn)} that held the way leaves (shot down unless
     * {@code shotDown}, then into the victim buffer, whose reclaimed dirty line, or else the old line itself, is
     * written back when it must leave now), and the slot's array gets line {@code vpn}: taken back from victim-buffer
     * entry {@code buffered} (reserved) when not -1, else zeroed or fetched ({@link #fetchOrZero}). Throws only before
     * taking a line back.
     *
     * @return the line's PROT_ bits, with {@link #ZERO_FILLED}, {@link #TAKEN_BACK} and {@link #LINE_DIRTY} as they
     * apply.
     */
    private int bringIn(
        final Tenant tenant, final long vpn, final int access, final int slot, final int entry, final int buffered,
        final int oldPid, final long oldVpn, final byte oldProt, final boolean oldDirty, final boolean shotDown,
        final int freshProt, final boolean prefetch)
    {
        if (oldVpn != INVALID && !shotDown)
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
        int got = 0;
        PolledLock.lock(table.lock);
        try
        {
            if (buffered >= 0)
            {
                got = (victims.prot[buffered] & 0xFF) | TAKEN_BACK | (victims.dirty[buffered] ? LINE_DIRTY : 0);
                takeBack(slot, buffered, oldVpn, oldPid, oldProt, oldDirty);
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
                if (flusher != null)
                {
                    flusher.offer();
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
        if (buffered < 0)
        {
            got = fetchOrZero(tenant, vpn, access, slot, leavingPid, leavingVpn, freshProt, prefetch);
        }
        return got;
    }

    /**
     * Fills {@code slot}'s array with line {@code vpn}: read from its file for an untouched page of a file mapping,
     * zeroed for a claimed fresh page, else fetched from its owner.
     * The dirty line {@code (leavingPid, leavingVpn)} in that array, if any, is written back first, riding on the
     * miss request when it has the same owner (never on a prefetch, which is sent once and may fail).
     *
     * @param freshProt {@link #CLAIM_NOW} to claim a fresh page now, else the claim made when the prefetch was
     *                  issued (-1: not fresh).
     * @return the line's PROT_ bits, with {@link #ZERO_FILLED} set for a zero-filled or file-filled line, and
     * {@link #LINE_DIRTY} for a file-filled one.
     */
    private int fetchOrZero(
        final Tenant tenant, final long vpn, final int access, final int slot, final int leavingPid,
        final long leavingVpn, final int freshProt, final boolean prefetch)
    {
        final byte[] line = lines[slot];
        final long fetchAddress = vpn << GuestMemory.PAGE_SHIFT;
        final Tenant leavingOwner = leavingVpn == NONE ? null : tenants.get(leavingPid);
        final long leavingAddress = leavingVpn << GuestMemory.PAGE_SHIFT;
        if (freshProt == CLAIM_NOW) // a prefetch never names an untouched file page (LineBackend#prefetchable)
        {
            final int fileClaim = tenant.backend.claimFile(fetchAddress, access);
            if (fileClaim >= 0)
            {
                writeBack(leavingOwner, leavingAddress, line);
                final int fileProt = tenant.backend.fillFromFile(fetchAddress, fileClaim, line);
                tenant.stats.countFileFill();
                return fileProt | ZERO_FILLED | LINE_DIRTY; // installed dirty: the owner holds nothing of it yet
            }
        }
        final int fresh = freshProt != CLAIM_NOW ? freshProt :
            zeroFill ? tenant.backend.claimFresh(fetchAddress, access) : -1;
        if (fresh >= 0)
        {
            writeBack(leavingOwner, leavingAddress, line);
            Arrays.fill(line, (byte)0);
            if (!prefetch)
            {
                tenant.stats.countZeroFill();
            }
            return fresh | ZERO_FILLED;
        }
        if (prefetch)
        {
            writeBack(leavingOwner, leavingAddress, line);
            final int lineProt = tenant.backend.prefetch(fetchAddress, line);
            tenant.stats.countPrefetchFetch();
            return lineProt;
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

    /** Records a trigger of the calling hart's prefetch stream: a demand miss, or the first use of a prefetched line. */
    private void trigger(final int pid, final long vpn)
    {
        final ThreadLocal<PrefetchStream> s = streams;
        if (s != null)
        {
            s.get().trigger(pid, vpn);
        }
    }

    /** Issues the lines the calling hart's stream chose at its latest trigger; no lock held. */
    private void issuePrefetches()
    {
        final ThreadLocal<PrefetchStream> s = streams;
        if (s == null)
        {
            return;
        }
        final PrefetchStream stream = s.get();
        final int n = stream.count();
        for (int i = 0; i < n; i++)
        {
            prefetch(stream.pid(), stream.chosen(i), stream.triggerVpn());
        }
        stream.taken();
    }

    /**
     * Issues the prefetch of {@code pid}'s line {@code vpn} on the calling hart's thread, unless the page is fresh
     * ({@link LineBackend#prefetchable}: its miss zero-fills it), in the ExCache proper or being filled: takes an MSHR
     * entry and a way (a free one, else the policy's victim, as a miss does), names the line in the way (pending),
     * shoots the way's old line down (on this thread, as a miss does, so that when TLBs are shot down depends only on
     * the guest), and queues the rest
     * for the {@link PrefetchWorker}. Gives up when the way's line is {@code keepVpn}, the line whose access triggered
     * the prefetch (its hart is using it). Waits (host time only) while a way of the set is pending or the worker is
     * full, so that what the ExCache proper holds never depends on how fast the worker was.
     */
    private void prefetch(final int pid, final long vpn, final long keepVpn)
    {
        final Tenant tenant = tenants.get(pid);
        final PrefetchWorker worker = prefetchWorker;
        if (tenant == null || worker == null)
        {
            return;
        }
        if (!tenant.backend.prefetchable(vpn << GuestMemory.PAGE_SHIFT) && zeroFill)
        {
            return; // fresh: its demand miss zero-fills it without a network trip
        }
        final int set = (int)Long.remainderUnsigned(vpn, sets);
        final int base = set * ways;
        final ReentrantLock setLock = lockOf(set);
        while (true)
        {
            PolledLock.lock(setLock);
            for (int way = 0; way < ways; way++)
            {
                if (tagVpn[base + way] == vpn && tagPid[base + way] == pid)
                {
                    setLock.unlock();
                    return;
                }
            }
            PolledLock.lock(table.lock);
            if (tenants.get(pid) != tenant || tenant.vmChanges > 0 || table.filling(pid, vpn) ||
                failedPrefetches.contains(pid, vpn))
            {
                table.lock.unlock();
                setLock.unlock();
                return;
            }
            if (hasPending(base))
            {
                awaitPending(setLock, base, ANY_WAY);
                continue;
            }
            if (!worker.reserve())
            {
                awaitPending(setLock, base, WORKER_FULL);
                continue;
            }
            final int entry = table.register(pid, vpn);
            int way = entry < 0 ? -1 : freeWay(base);
            if (entry >= 0 && way < 0)
            {
                way = victimWay(set, base);
                if (way < 0)
                {
                    table.release(entry);
                }
            }
            if (way < 0)
            {
                worker.unreserve();
                awaitChange(setLock);
                continue;
            }
            final int slot = base + way;
            if (tagVpn[slot] == keepVpn && tagPid[slot] == pid)
            {
                table.release(entry);
                worker.unreserve();
                table.lock.unlock();
                setLock.unlock();
                return;
            }
            final long oldVpn = tagVpn[slot];
            final int oldPid = tagPid[slot];
            final Tenant old = oldVpn == INVALID ? null : tenants.get(oldPid);
            if (old != null)
            {
                old.stats.countEviction(!dirty[slot]);
                if (prefetched[slot])
                {
                    old.stats.countPrefetchUnused();
                }
            }
            table.leaving(entry, oldPid, oldVpn == INVALID ? NONE : oldVpn);
            worker.slot[entry] = slot;
            worker.tenant[entry] = tenant;
            worker.vpn[entry] = vpn;
            worker.oldVpn[entry] = oldVpn;
            worker.oldPid[entry] = oldPid;
            worker.oldProt[entry] = prot[slot];
            worker.oldDirty[entry] = dirty[slot];
            tagVpn[slot] = vpn;
            tagPid[slot] = pid;
            prot[slot] = 0;
            dirty[slot] = false;
            pending[slot] = true;
            prefetched[slot] = true;
            policy.onFill(set, way);
            table.lock.unlock();
            setLock.unlock();
            tenant.stats.countPrefetchIssued();
            observer.onPrefetch(pid, vpn, oldPid, oldVpn == INVALID ? -1 : oldVpn);
            try
            {
                if (old != null)
                {
                    old.backend.shootdown(oldVpn);
                }
            }
            finally
            {
                PolledLock.lock(table.lock);
                worker.enqueue(entry);
                table.lock.unlock();
            }
            return;
        }
    }

    /**
     * Completes the prefetch queued under MSHR {@code entry}, on the {@link PrefetchWorker}'s thread with no lock
     * held: waits until no other transfer moves the line and its victim-buffer entry (if any) is not busy, then
     * brings it in ({@link #bringIn}: the old line leaves through the victim buffer or a write-back; the new one is
     * taken back from the buffer, zeroed, or fetched once). On a failure the way is left empty and the prefetch is
     * dropped; a failed write-back is kept for the process's next miss to throw, as the flusher's.
     */
    private void completePrefetch(final int entry)
    {
        final PrefetchWorker worker = prefetchWorker;
        final int slot = worker.slot[entry];
        final Tenant tenant = worker.tenant[entry];
        final long vpn = worker.vpn[entry];
        final int pid = tenant.pid;
        int buffered = -1;
        int got = 0;
        RuntimeException failure = null;
        try
        {
            PolledLock.lock(table.lock);
            try
            {
                while (true)
                {
                    buffered = victims.find(pid, vpn);
                    if (!table.leavingElsewhere(entry, pid, vpn) && (buffered < 0 || !victims.busy(buffered)))
                    {
                        break;
                    }
                    table.changed.awaitUninterruptibly();
                }
                if (buffered >= 0)
                {
                    victims.reserve(buffered);
                }
            }
            finally
            {
                table.lock.unlock();
            }
            got = bringIn(tenant, vpn, GuestMemory.ACCESS_READ, slot, entry, buffered, worker.oldPid[entry],
                worker.oldVpn[entry], worker.oldProt[entry], worker.oldDirty[entry], true, -1, true);
        }
        catch (final RuntimeException ex)
        {
            failure = ex;
        }
        final ReentrantLock setLock = lockOf(slot / ways);
        PolledLock.lock(setLock);
        PolledLock.lock(table.lock);
        try
        {
            if (failure == null)
            {
                prot[slot] = (byte)got;
                dirty[slot] = (got & LINE_DIRTY) != 0;
            }
            else
            {
                if (buffered >= 0)
                {
                    victims.unreserve(buffered);
                }
                tagVpn[slot] = INVALID;
                dirty[slot] = false;
                prefetched[slot] = false;
                tenant.stats.countPrefetchDropped();
                failedPrefetches.add(pid, vpn);
                if (failure instanceof WriteBackException lost)
                {
                    final Tenant owner = tenants.get(table.leavePid(entry));
                    if (owner != null && owner.failedWriteBack == null)
                    {
                        owner.failedWriteBack = lost;
                    }
                }
            }
            PENDING.setVolatile(pending, slot, false); // read without a lock by awaitPending
            table.release(entry);
        }
        finally
        {
            table.lock.unlock();
            setLock.unlock();
        }
        if (failure != null)
        {
            LOG.debug("prefetch of pid {} line 0x{} dropped: {}", pid, Long.toHexString(vpn << GuestMemory.PAGE_SHIFT),
                failure.getMessage());
        }
    }

    /** Whether a way of the set at {@code base} is being filled by a prefetch. Set lock held. */
    private boolean hasPending(final int base)
    {
        for (int w = 0; w < ways; w++)
        {
            if (pending[base + w])
            {
                return true;
            }
        }
        return false;
    }

    private void countUnused(final int pid)
    {
        final Tenant old = tenants.get(pid);
        if (old != null)
        {
            old.stats.countPrefetchUnused();
        }
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
                flusher.offer();
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
            PolledLock.lock(table.lock);
            try
            {
                waited = awaitQuiet(pid, firstVpn, endVpn);
                failedPrefetches.remove(pid, firstVpn, endVpn);
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
            PolledLock.lock(setLock);
            final long vpn = tagVpn[slot];
            if (vpn == INVALID || tagPid[slot] != pid || vpn < firstVpn || vpn >= endVpn)
            {
                setLock.unlock();
                continue;
            }
            final boolean wasDirty = dirty[slot];
            PolledLock.lock(table.lock);
            if (pending[slot])
            {
                awaitPending(setLock, base, slot); // a prefetch is filling it: remove it once its bytes are there
                way--;
                continue;
            }
            if (prefetched[slot])
            {
                prefetched[slot] = false;
                if (owner != null)
                {
                    owner.stats.countPrefetchUnused();
                }
            }
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
                PolledLock.lock(setLock);
                PolledLock.lock(table.lock);
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
                    PolledLock.lock(table.lock);
                    victims.clear(e);
                    table.signalChanged();
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
        final PrefetchWorker worker = prefetchWorker;
        if (worker != null)
        {
            worker.close();
        }
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
            PolledLock.lock(setLock);
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
            PolledLock.lock(setLock);
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
        PolledLock.lock(table.lock);
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
        PolledLock.lock(table.lock);
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
