package org.legoemu.pcomponent.linux;

import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.LongHashSet;
import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.GuestMemoryAccess;
import org.legoemu.abi.linux.Errno;
import org.legoemu.abi.linux.LinuxStructs;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.proxy.FileLock;

/**
 * File locks of this pComponent's processes, held at the sComponent (P2S_LOCK, P2S_GETLK, P2S_UNLOCK_ALL) so that
 * processes on different pComponents exclude each other: fcntl(2) POSIX record locks (F_GETLK, F_SETLK, F_SETLKW;
 * owned by the process, released when it closes any descriptor of the file and at exit), open file description
 * locks (F_OFD_*; owned by the description, released at its last close) and flock(2) (whole file, owned by the
 * description). A waiting request (F_SETLKW, F_OFD_SETLKW, flock without LOCK_NB) is retried here with a growing
 * pause until it is granted, fails (EDEADLK for POSIX locks), or the thread is interrupted (EINTR: the process is
 * ending).
 * <p>
 * <b>Reclaim</b> (NLM's recovery after a server reboot). The granted locks are mirrored here ({@link HeldLocks});
 * when the {@link LockReclaimer} sees a new sComponent it calls {@link #reclaim}, which re-asserts every one of them
 * (P2S_LOCK reclaim = 1) while no other lock request of this pComponent is in flight (a read-write lock: requests
 * share it, the reclaim excludes them), so that a range released meanwhile is not reclaimed. A restarted sComponent
 * refuses other lock requests and F_GETLK with ENOLCK for its grace period; they are retried here, with the pause
 * of a waiting request, as the NFS client does (even F_SETLK: the guest never sees ENOLCK). One instance per
 * pComponent; thread-safe.
 */
public final class FileLocks
{
    static final int F_GETLK = 5;
    static final int F_SETLK = 6;
    static final int F_SETLKW = 7;
    static final int F_OFD_GETLK = 36;
    static final int F_OFD_SETLK = 37;
    static final int F_OFD_SETLKW = 38;
    static final int LOCK_SH = 1;
    static final int LOCK_EX = 2;
    static final int LOCK_NB = 4;
    static final int LOCK_UN = 8;
    /** sizeof(struct flock) on riscv64: l_type s16 @0, l_whence s16 @2, l_start @8, l_len @16, l_pid s32 @24. */
    static final int FLOCK_BYTES = 32;
    /** First and longest pause between two tries of a waiting lock, ns: guesses (a lock hand-over within ~1 ms). */
    private static final long FIRST_PAUSE_NS = TimeUnit.MICROSECONDS.toNanos(200);
    private static final long LONGEST_PAUSE_NS = TimeUnit.MILLISECONDS.toNanos(20);

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FileLocks.class);

    private final IntSupplier componentId;
    private final HeldLocks held = new HeldLocks();
    private final java.util.concurrent.locks.ReentrantReadWriteLock reclaiming =
        new java.util.concurrent.locks.ReentrantReadWriteLock();
    /** The inodes each process (pid) holds POSIX locks on, so that close(2) asks the sComponent only then. */
    private final Int2ObjectHashMap<LongHashSet> posixHeld = new Int2ObjectHashMap<>();

    /** @param componentId this pComponent's component id (-1 before it joins). */
    public FileLocks(final IntSupplier componentId)
    {
        this.componentId = componentId;
    }

    /** Locks for a process outside any pComponent (tests): owner component -1. */
    static FileLocks standalone()
    {
        return new FileLocks(() -> -1);
    }

    /**
     * fcntl(2) lock commands on {@code file}: EBADF (a lock type the access mode does not allow), EINVAL (bad
     * l_type, l_whence, range, or l_pid for OFD), EAGAIN, EDEADLK, EINTR; F_GETLK fills the struct.
     */
    long fcntl(final LinuxProcess process, final StorageFile file, final int cmd, final long flockAddr)
    {
        final GuestMemory memory = process.memory();
        final byte[] raw = new byte[FLOCK_BYTES];
        GuestMemoryAccess.read(memory, flockAddr, raw, 0, FLOCK_BYTES);
        final java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        final int type = b.getShort(0);
        final int whence = b.getShort(2);
        long start = b.getLong(8);
        long length = b.getLong(16);
        final boolean ofd = cmd >= F_OFD_GETLK;
        if (ofd && b.getInt(24) != 0)
        {
            return -Errno.EINVAL;
        }
        final long base;
        switch (whence)
        {
            case 0:
                base = 0;
                break;
            case 1:
                base = file.offset();
                break;
            case 2:
                final LinuxStructs.Stat st = file.stat();
                if (st == null)
                {
                    return -file.lastErrno();
                }
                base = st.size();
                break;
            default:
                return -Errno.EINVAL;
        }
        start += base;
        if (length < 0)
        {
            start += length;
            length = -length;
        }
        if (start < 0)
        {
            return -Errno.EINVAL;
        }
        final int kind = ofd ? FileLock.OFD : FileLock.POSIX;
        final long owner = ofd ? file.id() : process.pid();
        if (cmd == F_GETLK || cmd == F_OFD_GETLK)
        {
            if (type != FileLock.F_RDLCK && type != FileLock.F_WRLCK)
            {
                return -Errno.EINVAL;
            }
            try
            {
                final FileLock found = getlk(file, kind, owner, type, start, length);
                b.putShort(0, (short)found.type());
                if (found.type() != FileLock.F_UNLCK)
                {
                    b.putShort(2, (short)0).putLong(8, found.start()).putLong(16, found.length())
                        .putInt(24, found.pid());
                }
                GuestMemoryAccess.write(memory, flockAddr, raw, 0, FLOCK_BYTES);
                return 0;
            }
            catch (final FabricException ex)
            {
                return -ex.errno();
            }
        }
        final long checked = checkAccess(file, type);
        if (checked < 0)
        {
            return checked;
        }
        final long result = take(process, file, kind, owner, type, cmd == F_SETLKW || cmd == F_OFD_SETLKW, start,
            length);
        if (result == 0 && type != FileLock.F_UNLCK)
        {
            if (ofd)
            {
                file.heldDescriptionLocks(this);
            }
            else
            {
                synchronized (posixHeld)
                {
                    posixHeld.computeIfAbsent(process.pid(), pid -> new LongHashSet()).add(file.inode());
                }
            }
        }
        return result;
    }

    /** flock(2): LOCK_SH, LOCK_EX or LOCK_UN, with LOCK_NB not to wait; EINVAL for other operations. */
    long flock(final LinuxProcess process, final StorageFile file, final int operation)
    {
        final int type;
        switch (operation & ~LOCK_NB)
        {
            case LOCK_SH:
                type = FileLock.F_RDLCK;
                break;
            case LOCK_EX:
                type = FileLock.F_WRLCK;
                break;
            case LOCK_UN:
                type = FileLock.F_UNLCK;
                break;
            default:
                return -Errno.EINVAL;
        }
        final long result = take(process, file, FileLock.FLOCK, file.id(), type, (operation & LOCK_NB) == 0, 0, 0);
        if (result == 0 && type != FileLock.F_UNLCK)
        {
            file.heldDescriptionLocks(this);
        }
        return result;
    }

    /** Process {@code pid} closed a descriptor of {@code file}: its POSIX locks on the file go (fcntl(2), NOTES). */
    void closedBy(final int pid, final OpenFile file)
    {
        if (!(file instanceof StorageFile storageFile))
        {
            return;
        }
        synchronized (posixHeld)
        {
            final LongHashSet inodes = posixHeld.get(pid);
            if (inodes == null || !inodes.remove(storageFile.inode()))
            {
                return;
            }
            if (inodes.isEmpty())
            {
                posixHeld.remove(pid);
            }
        }
        unlockAll(storageFile, FileLock.POSIX, pid);
    }

    /** F_GETLK at the sComponent, retried while it is in its grace period (ENOLCK). */
    private FileLock getlk(
        final StorageFile file, final int kind, final long owner, final int type, final long start, final long length)
    {
        long pauseNs = FIRST_PAUSE_NS;
        while (true)
        {
            try
            {
                return file.storage().getlk(file.path(), kind, componentId.getAsInt(), owner, type, start, length);
            }
            catch (final FabricException ex)
            {
                if (ex.errno() != Errno.ENOLCK || !pause(pauseNs))
                {
                    throw ex;
                }
            }
            pauseNs = Math.min(pauseNs * 2, LONGEST_PAUSE_NS);
        }
    }

    /** The last descriptor of a description that took OFD or flock locks closed: they go. */
    void descriptionClosed(final StorageFile file)
    {
        unlockAll(file, FileLock.OFD, file.id());
        unlockAll(file, FileLock.FLOCK, file.id());
    }

    private void unlockAll(final StorageFile file, final int kind, final long owner)
    {
        reclaiming.readLock().lock();
        try
        {
            held.released(kind, owner, file.inode());
            file.storage().unlockAll(file.path(), kind, componentId.getAsInt(), owner);
        }
        catch (final FabricException ex)
        {
            // an unreachable sComponent: its locks of this pComponent go when it leaves the cluster
        }
        finally
        {
            reclaiming.readLock().unlock();
        }
    }

    /**
     * Re-asserts every lock this pComponent's owners hold at a restarted sComponent, through {@code storage}, with
     * no other lock request in flight. A lock refused (another owner took it after the grace period, or its file is
     * gone) is lost: logged, and kept here so that its release still reaches the sComponent.
     *
     * @return the ranges reclaimed.
     * @throws FabricException EIO if the sComponent cannot be reached (the caller tries again later).
     */
    public int reclaim(final org.legoemu.fabric.proxy.StorageProxy storage)
    {
        reclaiming.writeLock().lock();
        try
        {
            final int[] reclaimed = new int[1];
            held.forEach((file, kind, owner, pid, type, start, length) ->
            {
                try
                {
                    storage.reclaim(file.path(), kind, componentId.getAsInt(), owner, pid, type, start, length);
                    reclaimed[0]++;
                }
                catch (final org.legoemu.fabric.RemoteErrorException ex)
                {
                    LOG.warn("lock [{}, +{}) of {} owner {} on {} lost at the restarted sComponent: {}", start, length,
                        kind == FileLock.POSIX ? "pid" : "description", owner, file.path(), ex.getMessage());
                }
            });
            return reclaimed[0];
        }
        finally
        {
            reclaiming.writeLock().unlock();
        }
    }

    /** True if this pComponent's owners hold no lock. */
    boolean isEmpty()
    {
        return held.isEmpty();
    }

    /** The ranges held by this pComponent's owners (tests, reclaim logging). */
    public int heldRanges()
    {
        return held.size();
    }

    private long take(
        final LinuxProcess process, final StorageFile file, final int kind, final long owner, final int type,
        final boolean wait, final long start, final long length)
    {
        long pauseNs = FIRST_PAUSE_NS;
        while (true)
        {
            reclaiming.readLock().lock();
            try
            {
                file.storage().lock(file.path(), kind, componentId.getAsInt(), owner, process.pid(), type, wait,
                    start, length);
                held.granted(file, kind, owner, process.pid(), type, start, length);
                return 0;
            }
            catch (final FabricException ex)
            {
                if (ex.errno() != Errno.ENOLCK && (ex.errno() != Errno.EAGAIN || !wait))
                {
                    return -ex.errno();
                }
            }
            finally
            {
                reclaiming.readLock().unlock();
            }
            if (!pause(pauseNs))
            {
                return -Errno.EINTR;
            }
            pauseNs = Math.min(pauseNs * 2, LONGEST_PAUSE_NS);
        }
    }

    /** Sleeps {@code pauseNs}; false if interrupted (the flag is set again). */
    private static boolean pause(final long pauseNs)
    {
        try
        {
            TimeUnit.NANOSECONDS.sleep(pauseNs);
            return true;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static long checkAccess(final StorageFile file, final int type)
    {
        final int mode = file.statusFlags() & 3;
        if (type == FileLock.F_RDLCK && mode == 1 || type == FileLock.F_WRLCK && mode == 0)
        {
            return -Errno.EBADF;
        }
        return type == FileLock.F_RDLCK || type == FileLock.F_WRLCK || type == FileLock.F_UNLCK ? 0 : -Errno.EINVAL;
    }
}
