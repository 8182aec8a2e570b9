package org.legoemu.scomponent;

import org.junit.jupiter.api.Test;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.proxy.FileLock;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The sComponent's lock table across pComponents: owners on two pComponents with the same pid exclude each other,
 * a cycle of POSIX waiters across pComponents is EDEADLK, and the locks of a pComponent that left are dropped; after
 * a restart with locks held, only reclaims are granted for the grace period, and a sComponent started on the same
 * state directory opens a grace period only if its predecessor held locks when it stopped.
 */
class LockTableTest
{
    private static final long INODE = 42;
    private final AtomicLong nowNs = new AtomicLong();
    private final LockTable table = new LockTable(nowNs::get);

    @Test
    void samePidOnTwoPComponentsIsTwoOwners()
    {
        table.lock(INODE, FileLock.POSIX, 1, 1000, 1000, FileLock.F_WRLCK, false, 0, 10);
        final StorageException conflict = assertThrows(StorageException.class,
            () -> table.lock(INODE, FileLock.POSIX, 2, 1000, 1000, FileLock.F_WRLCK, false, 5, 1));
        assertEquals(Errnos.EAGAIN, conflict.errno());
        assertEquals(new FileLock(FileLock.F_WRLCK, 0, 10, 1000),
            table.conflicting(INODE, FileLock.POSIX, 2, 1000, FileLock.F_RDLCK, 0, 0));
        // the same owner changes its own lock freely
        table.lock(INODE, FileLock.POSIX, 1, 1000, 1000, FileLock.F_RDLCK, false, 0, 10);
        table.lock(INODE, FileLock.POSIX, 2, 1000, 1000, FileLock.F_RDLCK, false, 5, 1);
        // flock locks do not see POSIX ones
        table.lock(INODE, FileLock.FLOCK, 2, 7, 1000, FileLock.F_WRLCK, false, 0, 0);
        assertEquals(3, table.size());
    }

    @Test
    void duringTheGracePeriodOnlyReclaimsAreGranted()
    {
        table.beginGrace(1_000);
        assertEquals(Errnos.ENOLCK, assertThrows(StorageException.class,
            () -> table.lock(INODE, FileLock.POSIX, 2, 20, 20, FileLock.F_WRLCK, false, 0, 1)).errno(),
            "a new lock before the holder has reclaimed");
        assertEquals(Errnos.ENOLCK, assertThrows(StorageException.class,
            () -> table.conflicting(INODE, FileLock.POSIX, 2, 20, FileLock.F_WRLCK, 0, 1)).errno(),
            "F_GETLK would miss a lock not yet reclaimed");
        table.lock(INODE, FileLock.POSIX, 1, 10, 10, FileLock.F_WRLCK, false, 0, 0, true);
        table.lock(INODE, FileLock.POSIX, 2, 20, 20, FileLock.F_UNLCK, false, 0, 0); // releases are served
        nowNs.addAndGet(1_000);
        assertEquals(Errnos.EAGAIN, assertThrows(StorageException.class,
            () -> table.lock(INODE, FileLock.POSIX, 2, 20, 20, FileLock.F_WRLCK, false, 7, 1)).errno(),
            "the reclaimed lock excludes others after the grace");
        assertEquals(new FileLock(FileLock.F_WRLCK, 0, 0, 10),
            table.conflicting(INODE, FileLock.POSIX, 2, 20, FileLock.F_WRLCK, 7, 1));
    }

    @Test
    void aRestartOpensAGracePeriodOnlyIfLocksWereHeld(@org.junit.jupiter.api.io.TempDir final java.nio.file.Path dir)
    {
        final LockHolderRecord first = new LockHolderRecord(dir);
        assertEquals(false, first.heldBefore(), "a fresh state directory");
        table.heldListener(first::held);
        table.lock(INODE, FileLock.OFD, 1, 5, 10, FileLock.F_RDLCK, false, 0, 0);
        assertEquals(true, new LockHolderRecord(dir).heldBefore(), "stopped while a lock was held");
        table.unlockAll(-1, FileLock.OFD, 1, 5);
        assertEquals(false, new LockHolderRecord(dir).heldBefore(), "stopped with no lock held");
    }

    @Test
    void aCycleOfWaitersAcrossPComponentsIsDeadlock()
    {
        table.lock(INODE, FileLock.POSIX, 1, 10, 10, FileLock.F_WRLCK, false, 0, 1);
        table.lock(INODE, FileLock.POSIX, 2, 20, 20, FileLock.F_WRLCK, false, 1, 1);
        assertEquals(Errnos.EAGAIN, assertThrows(StorageException.class,
            () -> table.lock(INODE, FileLock.POSIX, 1, 10, 10, FileLock.F_WRLCK, true, 1, 1)).errno());
        assertEquals(Errnos.EDEADLK, assertThrows(StorageException.class,
            () -> table.lock(INODE, FileLock.POSIX, 2, 20, 20, FileLock.F_WRLCK, true, 0, 1)).errno());
        // a wait no longer renewed is forgotten: no deadlock then
        nowNs.addAndGet(LockTable.WAIT_EXPIRY_NS + 1);
        assertEquals(Errnos.EAGAIN, assertThrows(StorageException.class,
            () -> table.lock(INODE, FileLock.POSIX, 2, 20, 20, FileLock.F_WRLCK, true, 0, 1)).errno());
    }

    @Test
    void locksOfAPComponentThatLeftAreDropped()
    {
        table.lock(INODE, FileLock.POSIX, 1, 10, 10, FileLock.F_WRLCK, false, 0, 0);
        table.lock(INODE + 1, FileLock.OFD, 1, 3, 10, FileLock.F_WRLCK, false, 0, 0);
        table.lock(INODE, FileLock.FLOCK, 2, 4, 20, FileLock.F_WRLCK, false, 0, 0);
        assertEquals(2, table.releaseComponents(id -> id == 2));
        table.lock(INODE, FileLock.POSIX, 3, 30, 30, FileLock.F_WRLCK, false, 0, 0);
        assertEquals(1, table.unlockAll(-1, FileLock.FLOCK, 2, 4));
        assertEquals(1, table.size());
    }

    @Test
    void unlockSplitsAndGetlkReportsTheFirstConflict()
    {
        table.lock(INODE, FileLock.POSIX, 1, 10, 10, FileLock.F_RDLCK, false, 20, 5);
        table.lock(INODE, FileLock.POSIX, 1, 10, 10, FileLock.F_WRLCK, false, 0, 10);
        table.lock(INODE, FileLock.POSIX, 1, 10, 10, FileLock.F_UNLCK, false, 2, 3);
        assertEquals(new FileLock(FileLock.F_WRLCK, 0, 2, 10),
            table.conflicting(INODE, FileLock.POSIX, 2, 10, FileLock.F_WRLCK, 0, 0));
        table.lock(INODE, FileLock.POSIX, 2, 10, 10, FileLock.F_WRLCK, false, 2, 3);
        assertEquals(4, table.size());
    }
}
