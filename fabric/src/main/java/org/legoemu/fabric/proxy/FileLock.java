package org.legoemu.fabric.proxy;

/**
 * A file lock as P2S_GETLK reports it (fcntl(2) struct flock fields).
 *
 * @param type   {@link #F_RDLCK}, {@link #F_WRLCK}, or {@link #F_UNLCK} when no lock conflicts.
 * @param start  first byte.
 * @param length bytes; 0: to the end of the file and beyond.
 * @param pid    the holder's pid for a POSIX lock, -1 for an OFD lock.
 */
public record FileLock(int type, long start, long length, int pid)
{
    /** Lock kinds (P2S_LOCK lockKind): a POSIX record lock, owned by a process. */
    public static final int POSIX = 1;
    /** An open file description lock (F_OFD_SETLK), owned by the description; conflicts with POSIX locks. */
    public static final int OFD = 2;
    /** A flock(2) lock, owned by the description, whole file; sees only flock locks (as Linux). */
    public static final int FLOCK = 3;
    /** Lock types (struct flock l_type). */
    public static final int F_RDLCK = 0;
    public static final int F_WRLCK = 1;
    public static final int F_UNLCK = 2;
}
