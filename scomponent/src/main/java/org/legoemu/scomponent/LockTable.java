package org.legoemu.scomponent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;

import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.NanoClock;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.proxy.FileLock;

/**
 * The file locks of the cluster, kept by the sComponent so that processes on different pComponents exclude each
 * other (fcntl(2) record locks, open file description locks, flock(2)), by inode. Semantics follow Linux
 * (fs/locks.c): a lock's owner is a process (POSIX) or an open file description (OFD, flock); locks of one owner
 * never conflict with each other and are split, replaced and merged by range as it changes them; two locks conflict
 * when their ranges overlap and one is a write lock; POSIX and OFD locks see each other, flock locks see only flock
 * locks. Waiting (F_SETLKW) is done by the pComponent, which retries; each retry of a POSIX lock records whom it
 * waits for, and a request whose wait would close a cycle of POSIX waiters fails with EDEADLK (Linux's
 * posix_locks_deadlock). A wait not renewed within {@link #WAIT_EXPIRY_NS} is forgotten. Locks of a pComponent that
 * left the cluster are dropped by {@link #releaseComponents}.
 * <p>
 * <b>Grace period</b> (NLM's, after a server reboot): a restarted sComponent starts with an empty table while the
 * pComponents still hold their locks; during {@link #beginGrace} only reclaims (P2S_LOCK reclaim = 1, sent by each
 * pComponent for the locks its processes hold once it sees a new sComponent) and releases are served, every other
 * lock or test is refused {@link Errnos#ENOLCK} and retried by the pComponent. After the grace a reclaim is an
 * ordinary request. Thread-safe (one lock).
 */
public final class LockTable
{
    /** How long a recorded wait lasts without a retry, ns: a guess, 100 retries of the pComponent's longest pause. */
    static final long WAIT_EXPIRY_NS = 2_000_000_000L;
    private static final long TO_END = Long.MAX_VALUE;

    /** An owner: kind (flock apart from the other two), pComponent and pid or description id. */
    private record Owner(int kind, int componentId, long id)
    {
        boolean sees(final Owner other)
        {
            return (kind == FileLock.FLOCK) == (other.kind == FileLock.FLOCK);
        }
    }

    /** One lock: [start, end) with end {@link #TO_END} for "to the end". */
    private record Lock(Owner owner, int pid, int type, long start, long end)
    {
        boolean overlaps(final long otherStart, final long otherEnd)
        {
            return start < otherEnd && otherStart < end;
        }
    }

    private record Wait(Owner waiter, Set<Owner> blockers, long sinceNs)
    {
    }

    private final Long2ObjectHashMap<List<Lock>> locks = new Long2ObjectHashMap<>();
    private final Map<Owner, Wait> waits = new HashMap<>();
    private final NanoClock clock;
    private long graceEndNs;
    private boolean inGrace;
    private java.util.function.Consumer<Boolean> heldListener = held -> { };
    private boolean held;

    /** @param clock for the expiry of recorded waits and of the grace period. */
    public LockTable(final NanoClock clock)
    {
        this.clock = clock;
    }

    /**
     * Starts a grace period of {@code graceNs} from now, in which only reclaims and releases are served.
     *
     * @param graceNs ns; 0 or less: none.
     */
    public synchronized void beginGrace(final long graceNs)
    {
        inGrace = graceNs > 0;
        graceEndNs = clock.nanoTime() + graceNs;
    }

    /** True while the grace period lasts. */
    public synchronized boolean inGrace()
    {
        if (inGrace && clock.nanoTime() - graceEndNs >= 0)
        {
            inGrace = false;
        }
        return inGrace;
    }

    /**
     * Told {@code true} when the table goes from no lock to some, {@code false} when its last lock goes (so that a
     * restarted sComponent knows whether locks may have to be reclaimed: {@link LockHolderRecord}).
     */
    public synchronized void heldListener(final java.util.function.Consumer<Boolean> listener)
    {
        this.heldListener = listener;
    }

    private void noteHeld()
    {
        final boolean now = !locks.isEmpty();
        if (now != held)
        {
            held = now;
            heldListener.accept(now);
        }
    }

    /**
     * {@link #lock(long, int, int, long, int, int, boolean, long, long, boolean)} of a request that is not a reclaim.
     */
    public void lock(
        final long inode, final int kind, final int componentId, final long ownerId, final int pid, final int type,
        final boolean waiting, final long start, final long length)
    {
        lock(inode, kind, componentId, ownerId, pid, type, waiting, start, length, false);
    }

    /**
     * Takes, changes or releases a lock (P2S_LOCK).
     *
     * @param reclaim true for a lock the owner held at the previous sComponent (served during the grace period).
     * @throws StorageException EAGAIN on a conflict, EDEADLK if a POSIX waiter's wait would close a cycle, EINVAL for
     *                          a bad kind, type or range, ENOLCK for a lock that is not a reclaim during the grace
     *                          period.
     */
    public synchronized void lock(
        final long inode, final int kind, final int componentId, final long ownerId, final int pid, final int type,
        final boolean waiting, final long start, final long length, final boolean reclaim)
    {
        final Owner owner = owner(kind, componentId, ownerId);
        final long end = end(start, length);
        if (type == FileLock.F_UNLCK)
        {
            final List<Lock> list = locks.get(inode);
            if (list != null)
            {
                remove(list, owner, start, end);
                forgetIfEmpty(inode, list);
                noteHeld();
            }
            return;
        }
        if (type != FileLock.F_RDLCK && type != FileLock.F_WRLCK)
        {
            throw new StorageException(Errnos.EINVAL, "lock type " + type);
        }
        if (!reclaim && inGrace())
        {
            throw new StorageException(Errnos.ENOLCK, "grace period after a restart: only reclaims are granted");
        }
        final List<Lock> list = locks.computeIfAbsent(inode, k -> new ArrayList<>(2));
        final Set<Owner> blockers = new HashSet<>();
        for (final Lock held : list)
        {
            if (conflicts(held, owner, type, start, end))
            {
                blockers.add(held.owner);
            }
        }
        if (!blockers.isEmpty())
        {
            forgetIfEmpty(inode, list);
            if (waiting && kind == FileLock.POSIX)
            {
                expireWaits();
                if (waitsFor(blockers, owner))
                {
                    waits.remove(owner);
                    throw new StorageException(Errnos.EDEADLK, "waiting for the lock would deadlock");
                }
                waits.put(owner, new Wait(owner, blockers, clock.nanoTime()));
            }
            throw new StorageException(Errnos.EAGAIN, "conflicting lock held");
        }
        waits.remove(owner);
        remove(list, owner, start, end);
        list.add(new Lock(owner, pid, type, start, end));
        merge(list, owner, type);
        noteHeld();
    }

    /**
     * The conflicting lock of another owner that starts first (P2S_GETLK), or a {@link FileLock#F_UNLCK} lock if none.
     *
     * @throws StorageException EINVAL for a bad kind, type or range, ENOLCK during the grace period (a lock not yet
     *                          reclaimed would go unseen).
     */
    public synchronized FileLock conflicting(
        final long inode, final int kind, final int componentId, final long ownerId, final int type, final long start,
        final long length)
    {
        final Owner owner = owner(kind, componentId, ownerId);
        final long end = end(start, length);
        if (type != FileLock.F_RDLCK && type != FileLock.F_WRLCK)
        {
            throw new StorageException(Errnos.EINVAL, "lock type " + type);
        }
        if (inGrace())
        {
            throw new StorageException(Errnos.ENOLCK, "grace period after a restart: locks are being reclaimed");
        }
        final List<Lock> list = locks.get(inode);
        Lock first = null;
        if (list != null)
        {
            for (final Lock held : list)
            {
                if (conflicts(held, owner, type, start, end) && (first == null || held.start < first.start))
                {
                    first = held;
                }
            }
        }
        if (first == null)
        {
            return new FileLock(FileLock.F_UNLCK, start, length, 0);
        }
        return new FileLock(first.type, first.start, first.end == TO_END ? 0 : first.end - first.start,
            first.owner.kind == FileLock.POSIX ? first.pid : -1);
    }

    /**
     * Releases every lock of an owner on one inode, or on all ({@code inode} -1).
     *
     * @return the locks released.
     */
    public synchronized long unlockAll(final long inode, final int kind, final int componentId, final long ownerId)
    {
        final Owner owner = owner(kind, componentId, ownerId);
        waits.remove(owner);
        long released = 0;
        final Iterator<Map.Entry<Long, List<Lock>>> files = locks.entrySet().iterator();
        while (files.hasNext())
        {
            final Map.Entry<Long, List<Lock>> file = files.next();
            if (inode >= 0 && file.getKey() != inode)
            {
                continue;
            }
            final int before = file.getValue().size();
            file.getValue().removeIf(lock -> lock.owner.equals(owner));
            released += before - file.getValue().size();
            if (file.getValue().isEmpty())
            {
                files.remove();
            }
        }
        noteHeld();
        return released;
    }

    /**
     * Drops every lock and wait of the pComponents {@code live} rejects (they left the cluster).
     *
     * @return the locks dropped.
     */
    public synchronized long releaseComponents(final IntPredicate live)
    {
        waits.keySet().removeIf(owner -> !live.test(owner.componentId));
        long released = 0;
        final Iterator<Map.Entry<Long, List<Lock>>> files = locks.entrySet().iterator();
        while (files.hasNext())
        {
            final List<Lock> list = files.next().getValue();
            final int before = list.size();
            list.removeIf(lock -> !live.test(lock.owner.componentId));
            released += before - list.size();
            if (list.isEmpty())
            {
                files.remove();
            }
        }
        noteHeld();
        return released;
    }

    /** How many locks are held, over every file. */
    public synchronized int size()
    {
        int n = 0;
        for (final List<Lock> list : locks.values())
        {
            n += list.size();
        }
        return n;
    }

    private static Owner owner(final int kind, final int componentId, final long ownerId)
    {
        if (kind != FileLock.POSIX && kind != FileLock.OFD && kind != FileLock.FLOCK)
        {
            throw new StorageException(Errnos.EINVAL, "lock kind " + kind);
        }
        return new Owner(kind, componentId, ownerId);
    }

    private static long end(final long start, final long length)
    {
        if (start < 0 || length < 0 || (length > 0 && start > Long.MAX_VALUE - length))
        {
            throw new StorageException(Errnos.EINVAL, "lock range " + start + "+" + length);
        }
        return length == 0 ? TO_END : start + length;
    }

    private static boolean conflicts(
        final Lock held, final Owner owner, final int type, final long start, final long end)
    {
        return !held.owner.equals(owner) && held.owner.sees(owner) && held.overlaps(start, end) &&
            (held.type == FileLock.F_WRLCK || type == FileLock.F_WRLCK);
    }

    /** Removes {@code [start, end)} from the owner's locks, splitting those that stick out. */
    private static void remove(final List<Lock> list, final Owner owner, final long start, final long end)
    {
        final List<Lock> pieces = new ArrayList<>(2);
        final Iterator<Lock> it = list.iterator();
        while (it.hasNext())
        {
            final Lock lock = it.next();
            if (!lock.owner.equals(owner) || !lock.overlaps(start, end))
            {
                continue;
            }
            it.remove();
            if (lock.start < start)
            {
                pieces.add(new Lock(owner, lock.pid, lock.type, lock.start, start));
            }
            if (lock.end > end)
            {
                pieces.add(new Lock(owner, lock.pid, lock.type, end, lock.end));
            }
        }
        list.addAll(pieces);
    }

    /** Merges the owner's locks of {@code type} that touch or overlap, as Linux coalesces them. */
    private static void merge(final List<Lock> list, final Owner owner, final int type)
    {
        boolean merged = true;
        while (merged)
        {
            merged = false;
            for (int i = 0; i < list.size() && !merged; i++)
            {
                final Lock a = list.get(i);
                for (int j = i + 1; j < list.size(); j++)
                {
                    final Lock b = list.get(j);
                    if (a.owner.equals(owner) && b.owner.equals(owner) && a.type == type && b.type == type &&
                        a.start <= b.end && b.start <= a.end)
                    {
                        list.set(i, new Lock(owner, b.pid, type, Math.min(a.start, b.start), Math.max(a.end, b.end)));
                        list.remove(j);
                        merged = true;
                        break;
                    }
                }
            }
        }
    }

    /** True if one of {@code blockers} waits, directly or through other waiters, for {@code owner}. */
    private boolean waitsFor(final Set<Owner> blockers, final Owner owner)
    {
        final Set<Owner> seen = new HashSet<>();
        final ArrayList<Owner> pending = new ArrayList<>(blockers);
        while (!pending.isEmpty())
        {
            final Owner next = pending.remove(pending.size() - 1);
            if (next.equals(owner))
            {
                return true;
            }
            final Wait wait = waits.get(next);
            if (wait != null && seen.add(next))
            {
                pending.addAll(wait.blockers);
            }
        }
        return false;
    }

    private void expireWaits()
    {
        final long nowNs = clock.nanoTime();
        waits.values().removeIf(wait -> nowNs - wait.sinceNs > WAIT_EXPIRY_NS);
    }

    private void forgetIfEmpty(final long inode, final List<Lock> list)
    {
        if (list.isEmpty())
        {
            locks.remove(inode);
        }
    }
}
