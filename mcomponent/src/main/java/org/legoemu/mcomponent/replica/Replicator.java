package org.legoemu.mcomponent.replica;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.legoemu.abi.linux.Errno;
import org.legoemu.fabric.DeferredReply;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.Transport;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.fabric.proxy.ReplicaProxy;
import org.legoemu.fabric.proxy.VRegionOwner;
import org.legoemu.fabric.sbe.VmaOp;
import org.legoemu.mcomponent.owner.OwnedPages;
import org.legoemu.mcomponent.owner.ProcessPages;
import org.legoemu.mcomponent.vm.AddressLayout;
import org.legoemu.mcomponent.vm.StateLock;
import org.legoemu.mcomponent.vm.Vma;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;

/**
 * The primary's side of memory replication (LegoOS §4.7): every page stored and every VMA change applied in a
 * replicated vRegion is appended to the vRegion's secondary (M2M_REPLICA_APPEND) before the request that caused it is
 * answered, so a flush acknowledged to a pComponent is held by two mComponents.
 *
 * <p>Records are queued under the monitor's state lock, so in the order the monitor applied the changes, and one
 * thread at a time sends them, in queue order, each append answered before the next is sent, so the secondary's log
 * replays them in that order. The sender is the replicator thread, or, over the in-JVM fabric, the pComponent's
 * thread whose request was just served on its own thread ({@link #sendQueuedOnCaller}), which then needs no
 * hand-off to the replicator thread and back. The request's handler stores locally, hands the record over with the
 * request's {@link DeferredReply} and returns; a home-thread change waits with the monitor's state lock given up. The thread learns each vRegion's secondary from the GMM (P2G_VREGION_LOOKUP) on first use and records in the
 * {@link ProcessPages} whether the vRegion is replicated, so unreplicated vRegions skip the queue. When a secondary
 * cannot be reached, the thread asks the GMM for another (M2G_REPLICA_REPLACE) and seeds it with every VMA and page of
 * the vRegion (the first record resets the new secondary's log); when the GMM has no other and still names the same one
 * (it is slow, or cut off from this primary only), the change is sent to it again for up to {@code patienceNs}; with
 * none left the vRegion runs unreplicated (one WARN line). G2M_RESEED (the GMM replaced a DEAD secondary) and a
 * promotion (this monitor became primary) seed the same way, in queue order.
 *
 * <p>Records and their page copies come from a pool, and the queue is a bounded many-to-one array queue (a full queue
 * holds the submitter back until there is room, never drops), so the steady state allocates nothing but the fabric's
 * deferred answer. An idle replicator thread yields for {@link #IDLE_YIELD_NS} after records it sent itself before
 * it parks (a submit unparks a parked thread): write-backs come in streams microseconds apart, and a wake-up from park
 * costs more than the append itself on the in-JVM fabric (docs/performance.md, "In-JVM fabric: choosing the wait").
 * A record whose submitter sends the queue itself ({@link #callerSends}) wakes nobody, and the thread parks rather
 * than spins while a caller sends.
 */
public final class Replicator implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Replicator.class);
    private static final int PAGE_SIZE = (int)AddressLayout.PAGE_SIZE;
    private static final int POOL_SIZE = 256;
    private static final int ASK_GMM = -2;
    private static final int QUEUE_CAPACITY = 64 * 1024;
    /** How long an idle replicator thread yields before it parks, ns; as the fabric's waits (Backoff). */
    private static final long IDLE_YIELD_NS = TimeUnit.MICROSECONDS.toNanos(50);
    private static final long IDLE_PARK_NS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Most records a caller sends itself in {@link #sendQueuedOnCaller}. */
    private static final int CALLER_BATCH = 16;
    /** Whether the current thread is sending for some replicator (so it does not start sending for another). */
    private static final ThreadLocal<boolean[]> SENDING_HERE = ThreadLocal.withInitial(() -> new boolean[1]);

    private final IntSupplier selfId;
    private final GmmProxy gmm;
    private final Transport transport;
    private final long timeoutNs;
    private final long patienceNs;
    private final long busyPauseNs;
    private final long gmmPauseNs;
    private final NanoClock clock;
    private final ReentrantLock stateLock;
    private final OwnedPages stores;
    private final ManyToOneConcurrentArrayQueue<Record> queue = new ManyToOneConcurrentArrayQueue<>(QUEUE_CAPACITY);
    private final ArrayBlockingQueue<Record> pool = new ArrayBlockingQueue<>(POOL_SIZE);
    private final Long2ObjectHashMap<Target> targets = new Long2ObjectHashMap<>();
    private final Int2ObjectHashMap<ReplicaProxy> proxies = new Int2ObjectHashMap<>();
    private final UnsafeBuffer seedPage = new UnsafeBuffer(new byte[PAGE_SIZE]);
    private final LongArrayList seedVpns = new LongArrayList();
    private final Thread thread;
    /** Held by the one thread sending records (the replicator thread, or a caller helping); not reentrant. */
    private final AtomicBoolean sending = new AtomicBoolean();
    private volatile boolean running = true;
    private volatile boolean parked;
    /**
     * Whether the holder of the state lock is a caller that calls {@link #sendQueuedOnCaller} once it gave the lock
     * up: what it queues meanwhile does not wake the replicator thread. Guarded by the state lock.
     */
    private boolean callerSends;

    /**
     * Starts the replicator thread.
     *
     * @param selfId    this monitor's component id.
     * @param gmm       thread-safe proxy to the GMM.
     * @param transport reaches the secondaries.
     * @param timeoutNs   per-call timeout.
     * @param patienceNs  how long one change waits for a secondary that does not answer but that the GMM still
     *                    names before it is answered unreplicated, ns ({@code MemoryContext.replicaPatienceNs}).
     * @param busyPauseNs pause before an append the secondary refused with EAGAIN (its backup is behind) is sent
     *                    again, ns ({@code MemoryContext.replicaBusyPauseNs}).
     * @param gmmPauseNs  pause before the GMM is asked again for a vRegion's secondary, ns
     *                    ({@code MemoryContext.replicaGmmPauseNs}).
     * @param stateLock   the monitor's state lock (held while reading stores to seed).
     * @param stores      the owner-side state.
     * @param clock       times the patience and the idle yield.
     * @param name        for the thread's name.
     */
    public Replicator(
        final IntSupplier selfId, final GmmProxy gmm, final Transport transport, final long timeoutNs,
        final long patienceNs, final long busyPauseNs, final long gmmPauseNs,
        final ReentrantLock stateLock, final OwnedPages stores, final NanoClock clock, final String name)
    {
        this.clock = clock;
        this.selfId = selfId;
        this.gmm = gmm;
        this.transport = transport;
        this.timeoutNs = timeoutNs;
        this.patienceNs = patienceNs;
        this.busyPauseNs = busyPauseNs;
        this.gmmPauseNs = gmmPauseNs;
        this.stateLock = stateLock;
        this.stores = stores;
        this.thread = new Thread(this::run, name + "-replicator");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Whether a change to {@code vaddr} of {@code store}'s process must be replicated before it is answered (the
     * vRegion is replicated, or not known yet). Call under the state lock.
     */
    private static boolean needed(final ProcessPages store, final long vaddr)
    {
        return store.replicaState(AddressLayout.vregion(vaddr)) != ProcessPages.UNREPLICATED;
    }

    /**
     * The pooled record replicating the page at {@code vaddr} just stored in {@code store}, or null when its vRegion
     * is not replicated (the change is answered at once). The caller encodes the answer to its request into
     * {@link Record#reply()} and hands the record over with {@link #submit}. Call under the state lock.
     */
    public Record pageStored(final ProcessPages store, final long vaddr, final DirectBuffer page)
    {
        return needed(store, vaddr) ? page(store.pid(), store.pcomponentId(), vaddr, page, 0) : null;
    }

    /**
     * The pooled record replicating a VMA change of {@code [start, end)} (within one vRegion) just applied to
     * {@code store}, or null when its vRegion is not replicated; see {@link #pageStored}.
     */
    public Record vmaApplied(
        final ProcessPages store, final VmaOp op, final long start, final long end, final int prot)
    {
        return needed(store, start) ? vma(store.pid(), store.pcomponentId(), op, start, end, prot) : null;
    }

    /** A pooled record of a page (see {@link #pageStored}), replicated or not. */
    Record page(final int pid, final int pcomponentId, final long vaddr, final DirectBuffer page, final int pageOffset)
    {
        final Record r = record(Kind.PAGE, pid, pcomponentId, AddressLayout.vregion(vaddr));
        r.start = AddressLayout.pageDown(vaddr);
        page.getBytes(pageOffset, r.page, 0, PAGE_SIZE);
        return r;
    }

    private Record vma(final int pid, final int pcomponentId, final VmaOp op, final long start, final long end,
        final int prot)
    {
        final Record r = record(Kind.VMA, pid, pcomponentId, AddressLayout.vregion(start));
        r.op = op;
        r.start = start;
        r.end = end;
        r.prot = prot;
        return r;
    }

    /**
     * Queues a record; {@code answer} is sent the {@code replyLength} bytes encoded in {@link Record#reply()} once the
     * secondary holds the record (or the vRegion turned out unreplicated).
     */
    public void submit(final Record r, final DeferredReply answer, final int replyLength)
    {
        r.answer = answer;
        r.replyLength = replyLength;
        enqueue(r);
    }

    /**
     * Queues a record and waits until the secondary holds it, with the state lock (held by the caller, the home
     * thread) given up meanwhile.
     */
    public void submitAndWait(final Record r)
    {
        r.waiter = Thread.currentThread();
        enqueue(r);
        final int holds = StateLock.releaseAll(stateLock);
        try
        {
            while (!r.done)
            {
                LockSupport.park(this);
            }
        }
        finally
        {
            StateLock.reacquire(stateLock, holds);
            recycle(r);
        }
    }

    /**
     * Queues a seeding of {@code vregion}'s new secondary {@code secondaryId} (-1: the vRegion runs unreplicated);
     * {@code answer}, if not null, gets Ack once it is done.
     */
    public void reseed(final int pid, final int vregion, final int secondaryId, final DeferredReply answer,
        final DirectBuffer ack, final int ackLength)
    {
        final Record r = record(Kind.RESEED, pid, -1, vregion);
        r.prot = secondaryId;
        if (answer != null)
        {
            r.reply.putBytes(0, ack, 0, ackLength);
        }
        r.answer = answer;
        r.replyLength = ackLength;
        enqueue(r);
    }

    /**
     * Seeds {@code vregion}'s new secondary {@code secondaryId} (-1: the vRegion runs unreplicated) after everything
     * queued before, and waits until it is done with the state lock (held by the caller) given up meanwhile: a
     * promotion answers the GMM only once the vRegion is replicated again.
     */
    void reseedAndWait(final int pid, final int vregion, final int secondaryId)
    {
        final Record r = record(Kind.RESEED, pid, -1, vregion);
        r.prot = secondaryId;
        submitAndWait(r);
    }

    /**
     * Queues the seeding of the secondaries of every vRegion of {@code store}'s process this monitor holds pages or
     * VMAs in (a forked child whose frames were copied here), each secondary asked of the GMM.
     */
    public void seedAll(final ProcessPages store)
    {
        for (final int vregion : store.vregions())
        {
            final Record r = record(Kind.RESEED, store.pid(), -1, vregion);
            r.prot = ASK_GMM;
            enqueue(r);
        }
    }

    /**
     * Waits until every record queued before is done (sent to its secondary, or given up as the class comment says),
     * with the state lock (held by the caller) given up meanwhile.
     */
    public void awaitQueued()
    {
        submitAndWait(record(Kind.BARRIER, 0, -1, 0));
    }

    /** Queues the release of the process's logs on every secondary this monitor replicated it to. */
    public void processExit(final int pid)
    {
        enqueue(record(Kind.EXIT, pid, -1, 0));
    }

    /**
     * Says whether the thread that holds the state lock will call {@link #sendQueuedOnCaller} once it gives the lock
     * up ({@code HomeThreadDispatch}, for an owner request served on an in-JVM caller's thread): until it says false
     * again, what it queues does not wake the replicator thread, which would only race it for the records (measured
     * in the replicated sort of {@code lego bench replication}: half the write-backs paid a futex wake-up under the
     * state lock, and the woken thread spun while the caller sent; docs/reliability.md, "Where a replicated
     * write-back's cost went"). Call under the state lock.
     */
    public void callerSends(final boolean willSend)
    {
        callerSends = willSend;
    }

    /**
     * Queues {@code r} in order, waiting for room if the queue is full, and wakes the thread if it parked, unless
     * the submitter sends the queue itself ({@link #callerSends}). Call under the state lock.
     */
    private void enqueue(final Record r)
    {
        while (!queue.offer(r))
        {
            wake();
            Thread.yield();
        }
        if (!callerSends)
        {
            wake();
        }
    }

    /** Unparks the replicator thread if it parked (or is about to). */
    private void wake()
    {
        if (parked)
        {
            LockSupport.unpark(thread);
        }
    }




    @Override
    public void close()
    {
        running = false;
        thread.interrupt();
        try
        {
            thread.join(1000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        for (final ReplicaProxy proxy : proxies.values())
        {
            proxy.close();
        }
        proxies.clear();
    }

    private Record record(final Kind kind, final int pid, final int pcomponentId, final int vregion)
    {
        Record r = pool.poll();
        if (r == null)
        {
            r = new Record();
        }
        r.kind = kind;
        r.pid = pid;
        r.pcomponentId = pcomponentId;
        r.vregion = vregion;
        r.answer = null;
        r.waiter = null;
        r.done = false;
        return r;
    }

    private void recycle(final Record r)
    {
        r.answer = null;
        r.waiter = null;
        pool.offer(r);
    }

    /**
     * Sends what is queued on the calling thread, in queue order, if no other thread is sending: an in-JVM caller
     * (the pComponent's hart whose write-back was just stored here, {@link org.legoemu.fabric.Responder#onCallerThread()})
     * calls this after it submitted its record and gave the state lock up, so its write-back reaches the secondary
     * and is answered on its own thread, with no hand-off to the replicator thread and back (on 2 cores each
     * hand-off may wait for a core). It sends at most {@value #CALLER_BATCH} records, and none when this thread is
     * already sending for any replicator (a secondary's append served inline on a sending thread), so it never
     * recurses; what it leaves is sent by the replicator thread, which it wakes. Must not be called with the state
     * lock held, nor on a server's dispatch thread (the sends may wait for another mComponent).
     */
    public void sendQueuedOnCaller()
    {
        if (queue.isEmpty())
        {
            return;
        }
        final boolean[] here = SENDING_HERE.get();
        if (here[0])
        {
            wake();
            return;
        }
        if (!sending.compareAndSet(false, true))
        {
            // The sender holding the flag sends what is queued, or wakes the replicator thread once it lets go.
            return;
        }
        here[0] = true;
        try
        {
            sendQueued(CALLER_BATCH);
        }
        finally
        {
            here[0] = false;
            sending.set(false);
        }
        if (!queue.isEmpty())
        {
            wake();
        }
    }

    /** Sends up to {@code max} queued records in order; the sending flag is held. How many it sent. */
    private int sendQueued(final int max)
    {
        int sent = 0;
        Record r;
        while (sent < max && (r = queue.poll()) != null)
        {
            sent++;
            try
            {
                process(r);
            }
            catch (final RuntimeException ex)
            {
                LOG.error("replication of pid {} vregion {} failed", r.pid, r.vregion, ex);
            }
            finally
            {
                complete(r);
            }
        }
        return sent;
    }

    private void run()
    {
        long idleSinceNs = 0;
        while (running)
        {
            int sent = 0;
            if (!queue.isEmpty() && sending.compareAndSet(false, true))
            {
                try
                {
                    sent = sendQueued(Integer.MAX_VALUE);
                }
                finally
                {
                    sending.set(false);
                }
            }
            if (sent > 0)
            {
                idleSinceNs = 0;
                continue;
            }
            final long nowNs = clock.nanoTime();
            idleSinceNs = idleSinceNs == 0 ? nowNs : idleSinceNs;
            if (nowNs - idleSinceNs < IDLE_YIELD_NS || (!queue.isEmpty() && !sending.get()))
            {
                Thread.yield();
                continue;
            }
            // Nothing queued, or a caller is sending it: park. Whoever queues without sending, and a sender that
            // lets go of the flag with records left, reads parked after its own write and unparks (Dekker).
            parked = true;
            if ((queue.isEmpty() || sending.get()) && running)
            {
                LockSupport.parkNanos(this, IDLE_PARK_NS);
            }
            parked = false;
            if (Thread.interrupted() && !running)
            {
                return;
            }
        }
    }

    private void complete(final Record r)
    {
        if (r.answer != null)
        {
            r.answer.reply(r.reply, 0, r.replyLength);
        }
        if (r.waiter != null)
        {
            final Thread waiter = r.waiter;
            r.done = true;
            LockSupport.unpark(waiter);
            return;
        }
        recycle(r);
    }

    private void process(final Record r)
    {
        switch (r.kind)
        {
            case EXIT:
                exit(r.pid);
                return;
            case BARRIER:
                return;
            case RESEED:
                if (r.prot == ASK_GMM)
                {
                    targets.remove(key(r.pid, r.vregion));
                    final Target target = target(r.pid, r.vregion);
                    if (target != null && target.secondaryId >= 0)
                    {
                        seedNew(r.pid, r.vregion, target.secondaryId);
                    }
                    return;
                }
                seedNew(r.pid, r.vregion, r.prot);
                return;
            default:
                break;
        }
        final long deadlineNs = clock.nanoTime() + patienceNs;
        while (running)
        {
            final Target target = target(r.pid, r.vregion);
            if (target == null || target.secondaryId < 0)
            {
                return;
            }
            try
            {
                append(target.proxy, r, false);
                return;
            }
            catch (final RemoteErrorException ex)
            {
                if (ex.errno() == Errno.EAGAIN && clock.nanoTime() < deadlineNs)
                {
                    LockSupport.parkNanos(busyPauseNs);
                    continue;
                }
                LOG.warn("secondary {} refused pid {} vregion {}: {}", target.secondaryId, r.pid, r.vregion,
                    ex.getMessage());
                replace(r.pid, r.vregion, target.secondaryId);
            }
            catch (final FabricException ex)
            {
                LOG.warn("secondary {} of pid {} vregion {} unreachable: {}", target.secondaryId, r.pid, r.vregion,
                    ex.getMessage());
                replace(r.pid, r.vregion, target.secondaryId);
            }
            if (clock.nanoTime() > deadlineNs)
            {
                LOG.warn("pid {} vregion {}: no secondary took the change within {} ms; it is not replicated",
                    r.pid, r.vregion, TimeUnit.NANOSECONDS.toMillis(patienceNs));
                return;
            }
        }
    }

    private void append(final ReplicaProxy proxy, final Record r, final boolean reset)
    {
        if (r.kind == Kind.PAGE)
        {
            proxy.appendPage(r.pid, r.pcomponentId, r.vregion, reset, r.start, r.pageBuffer, 0);
        }
        else
        {
            proxy.appendVma(r.pid, r.pcomponentId, r.vregion, reset, r.op, r.start, r.end, r.prot);
        }
    }

    /** The vRegion's secondary, asked of the GMM on first use; null when the vRegion is gone. */
    private Target target(final int pid, final int vregion)
    {
        final long key = key(pid, vregion);
        Target target = targets.get(key);
        if (target != null)
        {
            return target;
        }
        final VRegionOwner owner;
        try
        {
            owner = gmm.vregionLookup(pid, vregion);
        }
        catch (final RemoteErrorException ex)
        {
            return null;
        }
        catch (final FabricException ex)
        {
            LOG.warn("GMM unreachable while looking up the secondary of pid {} vregion {}: {}", pid, vregion,
                ex.getMessage());
            LockSupport.parkNanos(gmmPauseNs);
            return null;
        }
        final int secondary = owner.secondaryId() == selfId.getAsInt() ? -1 : owner.secondaryId();
        target = setTarget(pid, vregion, secondary);
        return target;
    }

    private Target setTarget(final int pid, final int vregion, final int secondaryId)
    {
        final Target target = new Target(secondaryId, secondaryId < 0 ? null : proxy(secondaryId));
        targets.put(key(pid, vregion), target);
        stateLock.lock();
        try
        {
            final ProcessPages store = stores.get(pid);
            if (store != null)
            {
                store.replicatedTo(vregion, secondaryId);
            }
        }
        finally
        {
            stateLock.unlock();
        }
        return target;
    }

    private ReplicaProxy proxy(final int componentId)
    {
        ReplicaProxy proxy = proxies.get(componentId);
        if (proxy == null)
        {
            proxy = new ReplicaProxy(transport.connect(gmm.lookupComponent(componentId).address()), timeoutNs);
            proxies.put(componentId, proxy);
        }
        return proxy;
    }

    /** Asks the GMM for another secondary and seeds it; with none, the vRegion runs unreplicated. */
    private void replace(final int pid, final int vregion, final int unreachableId)
    {
        final ReplicaProxy dead = proxies.remove(unreachableId);
        if (dead != null)
        {
            dead.close();
        }
        final VRegionOwner owner;
        try
        {
            owner = gmm.replicaReplace(pid, vregion, unreachableId);
        }
        catch (final RemoteErrorException ex)
        {
            targets.remove(key(pid, vregion));
            return;
        }
        catch (final FabricException ex)
        {
            LOG.warn("GMM unreachable while replacing secondary {} of pid {} vregion {}: {}", unreachableId, pid,
                vregion, ex.getMessage());
            targets.remove(key(pid, vregion));
            LockSupport.parkNanos(gmmPauseNs);
            return;
        }
        if (owner.secondaryId() == unreachableId)
        {
            targets.remove(key(pid, vregion));
            LockSupport.parkNanos(busyPauseNs);
            return;
        }
        seedNew(pid, vregion, owner.secondaryId() == selfId.getAsInt() ? -1 : owner.secondaryId());
    }

    /**
     * Makes {@code secondaryId} the vRegion's secondary and sends it every VMA and page of the vRegion, the first
     * record resetting its log. A failure leaves the target unknown, so the next record asks the GMM again.
     */
    private void seedNew(final int pid, final int vregion, final int secondaryId)
    {
        if (secondaryId < 0)
        {
            setTarget(pid, vregion, -1);
            LOG.warn("pid {} vregion {} runs unreplicated: no live mComponent is left to hold its log", pid, vregion);
            return;
        }
        final Target target;
        try
        {
            target = setTarget(pid, vregion, secondaryId);
        }
        catch (final FabricException ex)
        {
            LOG.warn("cannot reach new secondary {} of pid {} vregion {}: {}", secondaryId, pid, vregion,
                ex.getMessage());
            targets.remove(key(pid, vregion));
            return;
        }
        final long start = (long)vregion << AddressLayout.VREGION_SHIFT;
        final long end = start + AddressLayout.VREGION_SIZE;
        final List<Vma> vmas;
        final int pcomponentId;
        stateLock.lock();
        try
        {
            final ProcessPages store = stores.get(pid);
            if (store == null)
            {
                return;
            }
            pcomponentId = store.pcomponentId();
            vmas = store.vmasIn(start, end);
            store.residentVpns(start, end, seedVpns);
        }
        finally
        {
            stateLock.unlock();
        }
        try
        {
            target.proxy.appendVma(pid, pcomponentId, vregion, true, VmaOp.DISCARD, start, start +
                AddressLayout.PAGE_SIZE, 0);
            for (final Vma vma : vmas)
            {
                target.proxy.appendVma(pid, pcomponentId, vregion, false, VmaOp.MAP, vma.start(), vma.end(),
                    vma.prot());
            }
            long sent = 0;
            for (int i = 0; i < seedVpns.size(); i++)
            {
                final long vaddr = seedVpns.getLong(i) << AddressLayout.PAGE_SHIFT;
                if (copyPage(pid, vaddr))
                {
                    target.proxy.appendPage(pid, pcomponentId, vregion, false, vaddr, seedPage, 0);
                    sent++;
                }
            }
            LOG.info("pid {} vregion {}: seeded secondary {} with {} VMAs and {} pages", pid, vregion, secondaryId,
                vmas.size(), sent);
        }
        catch (final FabricException ex)
        {
            LOG.warn("seeding secondary {} of pid {} vregion {} failed: {}", secondaryId, pid, vregion,
                ex.getMessage());
            targets.remove(key(pid, vregion));
        }
    }

    private boolean copyPage(final int pid, final long vaddr)
    {
        stateLock.lock();
        try
        {
            final ProcessPages store = stores.get(pid);
            return store != null && store.copyPage(vaddr, seedPage);
        }
        finally
        {
            stateLock.unlock();
        }
    }

    private void exit(final int pid)
    {
        final List<Integer> secondaries = new ArrayList<>();
        final LongArrayList keys = new LongArrayList();
        targets.forEachLong((key, target) ->
        {
            if ((int)(key >>> 32) == pid)
            {
                keys.addLong(key);
                if (target.secondaryId >= 0 && !secondaries.contains(target.secondaryId))
                {
                    secondaries.add(target.secondaryId);
                }
            }
        });
        for (int i = 0; i < keys.size(); i++)
        {
            targets.remove(keys.getLong(i));
        }
        for (final int secondary : secondaries)
        {
            try
            {
                proxy(secondary).drop(pid);
            }
            catch (final FabricException ex)
            {
                LOG.warn("secondary {} did not drop the log of pid {}: {}", secondary, pid, ex.getMessage());
            }
        }
    }



    private static long key(final int pid, final int vregion)
    {
        return ((long)pid << 32) | (vregion & 0xFFFF_FFFFL);
    }

    private enum Kind
    {
        PAGE, VMA, RESEED, EXIT, BARRIER
    }

    private record Target(int secondaryId, ReplicaProxy proxy)
    {
    }

    /** One change on its way to a secondary, with the answer to send once it is there. Pooled. */
    public static final class Record
    {
        private final byte[] page = new byte[PAGE_SIZE];
        private final UnsafeBuffer pageBuffer = new UnsafeBuffer(page);
        private final ExpandableArrayBuffer reply = new ExpandableArrayBuffer(PAGE_SIZE + 128);
        private Kind kind;
        private int pid;
        private int pcomponentId;
        private int vregion;
        private VmaOp op;
        private long start;
        private long end;
        private int prot;
        private DeferredReply answer;
        private int replyLength;
        private Thread waiter;
        private volatile boolean done;

        /** Where the answer to the request is encoded (messageHeader then body, from offset 0). */
        public MutableDirectBuffer reply()
        {
            return reply;
        }
    }
}
