package org.legoemu.pcomponent.model;

import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongHashSet;
import org.legoemu.abi.GuestMemory;
import org.legoemu.fabric.proxy.VRegionOwner;
import org.legoemu.pcomponent.excache.ExCacheObserver;

import java.util.Arrays;

/**
 * One pComponent in modeled time: its port on the fabric, and its ExCache as the model sees it. The ExCache proper's
 * lookups and evictions come from the real cache ({@link ExCacheObserver}); they are deterministic for a
 * single-threaded guest. The victim buffer, its flusher and the dirty bits are <em>shadowed</em> here in modeled time,
 * because the real flusher thread runs on host time: whether a miss finds its line in the real buffer, or finds the
 * buffer full of dirty lines, depends on how fast that thread was. In the shadow, a dirty line that enters the buffer
 * is written back by a modeled flusher (one write-back at a time, oldest first, as the real one) that starts it at
 * the later of the line's entry and the end of the previous write-back; a miss pays a synchronous write-back only
 * when, at its modeled time, every entry is dirty and not yet being flushed (LegoOS §4.3, the real
 * {@code VictimBuffer#reclaimable} rule).
 *
 * <p>Costs per event (profile numbers, docs/modeled-time.md): a hit of the ExCache proper {@code dramNs}; a shadow
 * victim-buffer hit or a zero-filled line {@code lineCopyNs}; a miss: request over the fabric, the owner's service
 * (queued), the 4 KiB reply (queued at both ports); a write-back: the 4 KiB request, the owner's service, its append
 * to the secondary when replicated, the acknowledgement. The local baseline charges {@code dramNs} for every lookup
 * but a zero-fill ({@code lineCopyNs}) and nothing for write-backs.
 *
 * <p>Thread-safe: every event runs under the {@link FabricModel}'s monitor; it is charged to the calling thread's
 * {@link HartTimer} (nothing is charged on a thread without one). Allocates nothing per event (the dirty set grows
 * with the number of dirty lines only).
 */
public final class ProcessorModel implements ExCacheObserver
{
    private static final long NONE = Long.MIN_VALUE;
    private static final int VREGION_SHIFT = VRegionOwner.VREGION_SHIFT - GuestMemory.PAGE_SHIFT;

    private final FabricModel fabric;
    private final FabricProfile profile;
    private final ModeledServer port;
    private final boolean piggyback;
    /** Dirty lines of the ExCache proper, as (pid << 32 | vpn). */
    private final LongHashSet dirty = new LongHashSet();
    private final int[] vbPid;
    private final long[] vbVpn;
    private final boolean[] vbDirty;
    private final long[] vbEnterNs;
    private final long[] vbFlushStartNs;
    private final long[] vbCleanNs;
    private final long[] vbOrder;
    /** Entries that are dirty and not yet started by the flusher: {@link #advanceFlusher} has nothing to do at 0. */
    private int unflushed;
    /**
     * Lines prefetched and not yet used, as (pid << 32 | vpn), with their modeled arrival at the pComponent; a demand
     * lookup that finds one waits until then.
     */
    private final Long2LongHashMap arrivals = new Long2LongHashMap(NONE);
    /** Set once the first prefetch is booked: from then on a read hit must look for its line's modeled arrival. */
    private volatile boolean prefetched;
    /** The dirty line {@link #makeRoom} left to write back now, -1 for none. */
    private int roomPid;
    private long roomVpn = -1;
    private long nextOrder;
    private long flusherFreeNs;
    private long lastNs;
    /** Modeled and local end times of exited threads, by the page of their clear_child_tid word (pid << 32 | vpn). */
    private final Long2LongHashMap exitNs = new Long2LongHashMap(NONE);
    private final Long2LongHashMap exitLocalNs = new Long2LongHashMap(NONE);
    /** Whether {@link #exitNs} has an entry: read without the monitor on every lookup, so kept volatile. */
    private volatile boolean exitsWatched;

    /**
     * @param name      the pComponent, for its port's name.
     * @param victims   the ExCache's victim buffer capacity, lines (0: every dirty victim is written back by the miss).
     * @param piggyback whether a miss's write-back rides on the miss request when both lines have one owner.
     */
    public ProcessorModel(final FabricModel fabric, final String name, final int victims, final boolean piggyback)
    {
        this.fabric = fabric;
        this.profile = fabric.profile();
        this.port = new ModeledServer(name + " port");
        this.piggyback = piggyback;
        vbPid = new int[victims];
        vbVpn = new long[victims];
        vbDirty = new boolean[victims];
        vbEnterNs = new long[victims];
        vbFlushStartNs = new long[victims];
        vbCleanNs = new long[victims];
        vbOrder = new long[victims];
        Arrays.fill(vbVpn, -1);
    }

    public FabricModel fabric()
    {
        return fabric;
    }

    public FabricProfile profile()
    {
        return profile;
    }

    private static long key(final int pid, final long vpn)
    {
        return ((long)pid << 32) | vpn;
    }

    private long now(final HartTimer timer)
    {
        return timer == null ? lastNs : timer.nowNs();
    }

    /**
     * A thread of {@code pid} exited at its hart's modeled time and cleared its {@code clear_child_tid} word at
     * {@code tidAddress} (CLONE_CHILD_CLEARTID, clone(2)). A joiner that finds the word already 0 makes no system call
     * (glibc's {@code pthread_join}), so the model would not see that the join waits for this exit; instead, the next
     * ExCache lookup of that page by a hart of {@code pid} (the caller shoots the page out of every hart's TLB after
     * the clear) ends no earlier than this exit ({@link HartTimer#blockUntil}). A hart that touches the page for
     * another reason is held to the exit too: a small over-serialisation (docs/modeled-time.md, "Joins").
     */
    public void threadExited(final int pid, final long tidAddress, final HartTimer exiting)
    {
        final long key = key(pid, tidAddress >>> GuestMemory.PAGE_SHIFT);
        synchronized (fabric)
        {
            exitNs.put(key, Math.max(exitNs.get(key), exiting.nowNs()));
            exitLocalNs.put(key, Math.max(exitLocalNs.get(key), exiting.localNowNs()));
            exitsWatched = true;
        }
    }

    /** Holds {@code timer} to the latest exit recorded on {@code pid}'s page {@code vpn}, if any (see above). */
    private void joinExits(final HartTimer timer, final int pid, final long vpn)
    {
        if (!exitsWatched || timer == null)
        {
            return;
        }
        final long endNs;
        final long endLocalNs;
        synchronized (fabric)
        {
            endNs = exitNs.get(key(pid, vpn));
            endLocalNs = exitLocalNs.get(key(pid, vpn));
        }
        if (endNs != NONE)
        {
            timer.blockUntil(endNs, endLocalNs);
        }
    }

    /**
     * The modeled time a process launched now starts at: after everything booked so far on this pComponent's port,
     * its flusher, and every mComponent and sComponent of the cluster, so that a process does not queue behind the
     * bookings of one that ran before it (each would otherwise start at 0), ns.
     */
    public long launchNs()
    {
        synchronized (fabric)
        {
            return Math.max(Math.max(lastNs, flusherFreeNs), Math.max(port.lastEndNs(), fabric.horizonNs()));
        }
    }

    @Override
    public void onHit(final int pid, final long vpn, final int access)
    {
        final HartTimer timer = HartTimer.current();
        joinExits(timer, pid, vpn);
        // a read hit with no prefetch booked changes no shared state: no monitor on the hart's most common path
        final long waitNs = access == GuestMemory.ACCESS_WRITE || prefetched ? sharedHit(timer, pid, vpn, access) : 0;
        if (timer != null)
        {
            if (waitNs > 0)
            {
                timer.charge(TimeBucket.MISSES, waitNs, 0);
            }
            timer.charge(TimeBucket.HITS, profile.dramNs(), profile.dramNs());
        }
    }

    /**
     * The shared state of a hit, under the monitor: a write marks the line dirty; a line prefetched but not arrived in
     * modeled time yet is waited for.
     *
     * @return how long the hart waits for the prefetched line, ns (0 if it is not one).
     */
    private long sharedHit(final HartTimer timer, final int pid, final long vpn, final int access)
    {
        synchronized (fabric)
        {
            if (access == GuestMemory.ACCESS_WRITE)
            {
                dirty.add(key(pid, vpn));
            }
            if (!arrivals.isEmpty())
            {
                final long arrival = arrivals.remove(key(pid, vpn));
                if (arrival != NONE)
                {
                    return Math.max(0, arrival - now(timer)); // prefetched, not arrived yet: wait for it
                }
            }
            return 0;
        }
    }

    @Override
    public void onMiss(
        final int pid, final long vpn, final int access, final int evictedPid, final long evictedVpn,
        final boolean zeroFilled)
    {
        final HartTimer timer = HartTimer.current();
        joinExits(timer, pid, vpn);
        synchronized (fabric)
        {
            final long t = now(timer);
            lastNs = Math.max(lastNs, t);
            advanceFlusher(t);
            if (!arrivals.isEmpty())
            {
                arrivals.remove(key(pid, vpn)); // a prefetch that was dropped
                if (evictedVpn >= 0)
                {
                    arrivals.remove(key(evictedPid, evictedVpn)); // prefetched, never used
                }
            }
            final int entry = find(pid, vpn);
            if (entry >= 0)
            {
                victimHit(timer, t, pid, vpn, entry, evictedPid, evictedVpn);
            }
            else
            {
                fill(timer, t, pid, vpn, evictedPid, evictedVpn, zeroFilled);
            }
            if (access == GuestMemory.ACCESS_WRITE)
            {
                dirty.add(key(pid, vpn));
            }
        }
    }

    /** The line is in the shadow victim buffer: taken back locally; the evicted line takes its entry. */
    private void victimHit(
        final HartTimer timer, final long t, final int pid, final long vpn, final int entry, final int evictedPid,
        final long evictedVpn)
    {
        long waitNs = 0;
        if (vbFlushStartNs[entry] != NONE && vbFlushStartNs[entry] <= t && vbCleanNs[entry] > t)
        {
            waitNs = vbCleanNs[entry] - t; // the real miss waits for the flusher's write-back of this line
        }
        if (stillDirty(entry, t + waitNs))
        {
            dirty.add(key(pid, vpn));
        }
        clear(entry);
        if (evictedVpn >= 0)
        {
            enter(entry, evictedPid, evictedVpn, dirty.remove(key(evictedPid, evictedVpn)), t + waitNs);
        }
        if (timer != null)
        {
            timer.charge(TimeBucket.WRITE_BACKS, waitNs, 0);
            timer.charge(TimeBucket.HITS, profile.lineCopyNs(), profile.dramNs());
        }
    }

    /** The line is not in the shadow buffer: zero-filled or fetched, after making room for the evicted line. */
    private void fill(
        final HartTimer timer, final long t, final int pid, final long vpn, final int evictedPid, final long evictedVpn,
        final boolean zeroFilled)
    {
        long at = makeRoom(t, evictedPid, evictedVpn);
        final int pendingPid = roomPid;
        final long pendingVpn = roomVpn;
        if (zeroFilled)
        {
            if (pendingVpn >= 0)
            {
                at = writeBack(pendingPid, pendingVpn, at);
            }
            charge(timer, TimeBucket.WRITE_BACKS, at - t, 0);
            charge(timer, TimeBucket.HITS, profile.lineCopyNs(), profile.lineCopyNs());
            return;
        }
        final int owner = fabric.ownerOf(pid, vpn >>> VREGION_SHIFT);
        boolean ride = false;
        if (pendingVpn >= 0)
        {
            ride = piggyback && pendingPid == pid && fabric.ownerOf(pendingPid, pendingVpn >>> VREGION_SHIFT) == owner;
            if (!ride)
            {
                at = writeBack(pendingPid, pendingVpn, at);
            }
        }
        charge(timer, TimeBucket.WRITE_BACKS, at - t, 0);
        final long done = fetch(owner, at, ride);
        charge(timer, TimeBucket.MISSES, done - at, profile.dramNs());
        if (timer != null)
        {
            timer.process().recordMiss(done - at);
        }
    }

    /**
     * Moves the line evicted from the ExCache proper at {@code t} into the shadow victim buffer (nothing for
     * {@code evictedVpn} -1). Leaves in {@link #roomPid}/{@link #roomVpn} the dirty line that must be written back now
     * (the reclaimed entry's, or with no buffer the evicted one; -1 for none).
     *
     * @return when the room is made (later than {@code t} when it waited for the flusher's write-back), modeled ns.
     */
    private long makeRoom(final long t, final int evictedPid, final long evictedVpn)
    {
        long at = t;
        roomPid = 0;
        roomVpn = -1;
        if (evictedVpn >= 0)
        {
            final boolean evictedDirty = dirty.remove(key(evictedPid, evictedVpn));
            if (vbVpn.length == 0)
            {
                if (evictedDirty)
                {
                    roomPid = evictedPid;
                    roomVpn = evictedVpn;
                }
            }
            else
            {
                int entry = reclaimable(at);
                if (entry < 0)
                {
                    entry = inFlight(at); // one entry, being flushed: wait for it, as the real miss does
                    at = Math.max(at, vbCleanNs[entry]);
                }
                if (vbVpn[entry] >= 0 && stillDirty(entry, at))
                {
                    roomPid = vbPid[entry];
                    roomVpn = vbVpn[entry];
                }
                clear(entry);
                enter(entry, evictedPid, evictedVpn, evictedDirty, at);
            }
        }
        return at;
    }

    /**
     * A prefetch issued at the hart's time: like a miss, it makes room for the line it evicts and fetches its line
     * (or takes it back from the shadow victim buffer; fresh pages are never prefetched), but on the prefetch thread,
     * so it occupies the pComponent's port, the owner and the links, not the hart. A write-back it must do never rides
     * on the prefetch (it is sent first). The line's arrival is remembered; the first demand lookup of it waits until then.
     */
    @Override
    public void onPrefetch(final int pid, final long vpn, final int evictedPid, final long evictedVpn)
    {
        final HartTimer timer = HartTimer.current();
        synchronized (fabric)
        {
            final long t = now(timer);
            lastNs = Math.max(lastNs, t);
            advanceFlusher(t);
            if (evictedVpn >= 0)
            {
                arrivals.remove(key(evictedPid, evictedVpn));
            }
            final long arrival;
            final int entry = find(pid, vpn);
            if (entry >= 0)
            {
                long at = t;
                if (vbFlushStartNs[entry] != NONE && vbFlushStartNs[entry] <= t && vbCleanNs[entry] > t)
                {
                    at = vbCleanNs[entry];
                }
                if (stillDirty(entry, at))
                {
                    dirty.add(key(pid, vpn));
                }
                clear(entry);
                if (evictedVpn >= 0)
                {
                    enter(entry, evictedPid, evictedVpn, dirty.remove(key(evictedPid, evictedVpn)), at);
                }
                arrival = at + profile.lineCopyNs();
            }
            else
            {
                long at = makeRoom(t, evictedPid, evictedVpn);
                if (roomVpn >= 0)
                {
                    at = writeBack(roomPid, roomVpn, at);
                }
                arrival = fetch(fabric.ownerOf(pid, vpn >>> VREGION_SHIFT), at, false);
            }
            arrivals.put(key(pid, vpn), arrival);
            prefetched = true;
        }
    }

    private static void charge(final HartTimer timer, final TimeBucket bucket, final long modeledNs, final long localNs)
    {
        if (timer != null)
        {
            timer.charge(bucket, modeledNs, localNs);
        }
    }

    /** P2M_PCACHE_MISS at {@code t} to {@code owner}, with a piggybacked write-back if {@code ride}; returns its end. */
    private long fetch(final int owner, final long t, final boolean ride)
    {
        final ModeledServer ownerPort = fabric.memoryPort(owner);
        final long arrived = ride ? fabric.line(port, ownerPort, t) : fabric.header(port, ownerPort, t);
        long answered = FabricModel.serve(fabric.memoryService(owner), arrived,
            profile.fetchServiceNs() + (ride ? profile.lineCopyNs() : 0));
        if (ride)
        {
            answered = fabric.replicate(owner, answered);
        }
        return fabric.line(ownerPort, port, answered);
    }

    /** P2M_PCACHE_FLUSH of {@code pid}'s line {@code vpn} sent at {@code t}; returns when it is acknowledged. */
    private long writeBack(final int pid, final long vpn, final long t)
    {
        final int owner = fabric.ownerOf(pid, vpn >>> VREGION_SHIFT);
        final ModeledServer ownerPort = fabric.memoryPort(owner);
        final long arrived = fabric.line(port, ownerPort, t);
        final long stored = FabricModel.serve(fabric.memoryService(owner), arrived, profile.flushServiceNs());
        return fabric.header(ownerPort, port, fabric.replicate(owner, stored));
    }

    /**
     * Runs the modeled flusher up to {@code t}: every dirty entry whose write-back would start by then (oldest entry
     * first, one at a time) is written back in the background; it occupies the port and the owner, not a hart.
     */
    private void advanceFlusher(final long t)
    {
        while (true)
        {
            final int entry = oldestUnflushed();
            if (entry < 0)
            {
                return;
            }
            final long start = Math.max(flusherFreeNs, vbEnterNs[entry]);
            if (start > t)
            {
                return;
            }
            vbFlushStartNs[entry] = start;
            unflushed--;
            vbCleanNs[entry] = writeBack(vbPid[entry], vbVpn[entry], start);
            flusherFreeNs = vbCleanNs[entry];
        }
    }

    /** The oldest dirty entry the flusher has not started, or -1. */
    private int oldestUnflushed()
    {
        if (unflushed == 0)
        {
            return -1;
        }
        int oldest = -1;
        for (int i = 0; i < vbVpn.length; i++)
        {
            if (vbVpn[i] >= 0 && vbDirty[i] && vbFlushStartNs[i] == NONE &&
                (oldest < 0 || vbOrder[i] < vbOrder[oldest]))
            {
                oldest = i;
            }
        }
        return oldest;
    }

    /** Whether the entry's data is not yet written back at {@code t} (its write-back has not started by then). */
    private boolean stillDirty(final int entry, final long t)
    {
        return vbDirty[entry] && (vbFlushStartNs[entry] == NONE || vbFlushStartNs[entry] > t);
    }

    /**
     * The entry a newly evicted line goes to at {@code t}: an empty one, else the oldest clean one (written back by
     * then), else the oldest dirty one not being flushed (the caller writes it back); -1 if only an in-flight one is
     * left.
     */
    private int reclaimable(final long t)
    {
        int oldestClean = -1;
        int oldestDirty = -1;
        for (int i = 0; i < vbVpn.length; i++)
        {
            if (vbVpn[i] < 0)
            {
                return i;
            }
            final boolean started = vbFlushStartNs[i] != NONE && vbFlushStartNs[i] <= t;
            if (!vbDirty[i] || (started && vbCleanNs[i] <= t))
            {
                oldestClean = older(oldestClean, i);
            }
            else if (!started)
            {
                oldestDirty = older(oldestDirty, i);
            }
        }
        return oldestClean >= 0 ? oldestClean : oldestDirty;
    }

    private int inFlight(final long t)
    {
        for (int i = 0; i < vbVpn.length; i++)
        {
            if (vbVpn[i] >= 0 && vbFlushStartNs[i] != NONE && vbFlushStartNs[i] <= t && vbCleanNs[i] > t)
            {
                return i;
            }
        }
        return 0;
    }

    private int older(final int current, final int candidate)
    {
        return current < 0 || vbOrder[candidate] < vbOrder[current] ? candidate : current;
    }

    private int find(final int pid, final long vpn)
    {
        for (int i = 0; i < vbVpn.length; i++)
        {
            if (vbVpn[i] == vpn && vbPid[i] == pid)
            {
                return i;
            }
        }
        return -1;
    }

    /** Puts {@code pid}'s line {@code vpn}, evicted from the ExCache proper at {@code t}, into {@code entry}. */
    private void enter(final int entry, final int pid, final long vpn, final boolean lineDirty, final long t)
    {
        clear(entry); // callers have cleared it; this keeps the unflushed count right if one did not
        vbPid[entry] = pid;
        vbVpn[entry] = vpn;
        vbDirty[entry] = lineDirty;
        vbEnterNs[entry] = t;
        vbFlushStartNs[entry] = NONE;
        vbCleanNs[entry] = lineDirty ? Long.MAX_VALUE : t;
        vbOrder[entry] = nextOrder++;
        if (lineDirty)
        {
            unflushed++;
        }
    }

    private void clear(final int entry)
    {
        if (vbVpn[entry] >= 0 && vbDirty[entry] && vbFlushStartNs[entry] == NONE)
        {
            unflushed--;
        }
        vbVpn[entry] = -1;
        vbDirty[entry] = false;
        vbFlushStartNs[entry] = NONE;
    }

    @Override
    public void onInvalidate(final int pid, final long firstVpn, final long endVpn, final boolean writeBack)
    {
        final HartTimer timer = HartTimer.current();
        synchronized (fabric)
        {
            final long t = now(timer);
            advanceFlusher(t);
            long at = t;
            final LongHashSet.LongIterator it = dirty.iterator();
            while (it.hasNext())
            {
                final long k = it.nextValue();
                final long vpn = k & 0xFFFF_FFFFL;
                if ((int)(k >>> 32) == pid && vpn >= firstVpn && vpn < endVpn)
                {
                    it.remove();
                    if (writeBack)
                    {
                        at = writeBack(pid, vpn, at);
                    }
                }
            }
            forgetArrivals(pid, firstVpn, endVpn);
            for (int i = 0; i < vbVpn.length; i++)
            {
                if (vbVpn[i] >= 0 && vbPid[i] == pid && vbVpn[i] >= firstVpn && vbVpn[i] < endVpn)
                {
                    if (vbFlushStartNs[i] != NONE && vbFlushStartNs[i] <= at && vbCleanNs[i] > at)
                    {
                        at = vbCleanNs[i];
                    }
                    else if (writeBack && stillDirty(i, at))
                    {
                        at = writeBack(pid, vbVpn[i], at);
                    }
                    clear(i);
                }
            }
            charge(timer, TimeBucket.WRITE_BACKS, at - t, 0);
        }
    }

    @Override
    public void onDetach(final int pid)
    {
        synchronized (fabric)
        {
            if (exitsWatched)
            {
                exitNs.keySet().removeIf(key -> (int)(key >>> 32) == pid);
                exitLocalNs.keySet().removeIf(key -> (int)(key >>> 32) == pid);
                exitsWatched = !exitNs.isEmpty();
            }
            final LongHashSet.LongIterator it = dirty.iterator();
            while (it.hasNext())
            {
                if ((int)(it.nextValue() >>> 32) == pid)
                {
                    it.remove();
                }
            }
            for (int i = 0; i < vbVpn.length; i++)
            {
                if (vbVpn[i] >= 0 && vbPid[i] == pid)
                {
                    clear(i);
                }
            }
            forgetArrivals(pid, 0, Long.MAX_VALUE);
            fabric.forget(pid);
        }
    }

    /** Forgets the prefetched lines of {@code pid} in {@code [firstVpn, endVpn)} (they left unused). */
    private void forgetArrivals(final int pid, final long firstVpn, final long endVpn)
    {
        if (arrivals.isEmpty())
        {
            return;
        }
        final Long2LongHashMap.KeyIterator it = arrivals.keySet().iterator();
        while (it.hasNext())
        {
            final long k = it.nextValue();
            final long vpn = k & 0xFFFF_FFFFL;
            if ((int)(k >>> 32) == pid && vpn >= firstVpn && vpn < endVpn)
            {
                it.remove();
            }
        }
    }

    /**
     * A round trip for a VM system call to {@code pid}'s home mComponent at {@code t}: request and reply of a header
     * each, the home's {@link FabricProfile#vmServiceNs}; returns its end, modeled ns.
     */
    public long homeCall(final int pid, final long t)
    {
        synchronized (fabric)
        {
            final int home = fabric.homeOf(pid);
            final long arrived = fabric.header(port, fabric.memoryPort(home), t);
            final long answered = FabricModel.serve(fabric.memoryService(home), arrived, profile.vmServiceNs());
            return fabric.header(fabric.memoryPort(home), port, answered);
        }
    }

    /**
     * A request to the sComponent at {@code t} carrying {@code requestBytes} of file data and answered with
     * {@code replyBytes} of file data; returns its end, modeled ns.
     */
    public long storageCall(final long t, final long requestBytes, final long replyBytes)
    {
        synchronized (fabric)
        {
            final long arrived = fabric.message(port, fabric.storagePort(), t, FabricModel.HEADER_BYTES + requestBytes);
            final long answered = FabricModel.serve(fabric.storageService(), arrived,
                profile.storageLatencyNs() + profile.storageNs(requestBytes + replyBytes));
            return fabric.message(fabric.storagePort(), port, answered, FabricModel.HEADER_BYTES + replyBytes);
        }
    }
}
