package org.legoemu.pcomponent.linux;

import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.GuestMemoryAccess;
import org.legoemu.abi.linux.Errno;

/**
 * Turns a guest's (dirfd, pathname) pair of the *at(2) syscalls into an absolute namespace path (openat(2),
 * "The dirfd argument"): absolute paths ignore dirfd, AT_FDCWD means the process's cwd, otherwise dirfd must be
 * an open directory. On failure the methods return null and {@link #lastError()} holds the negated errno.
 */
final class GuestPaths
{
    /** openat(2): relative to the current working directory. */
    static final int AT_FDCWD = -100;
    /** Largest path including its NUL, bytes (limits.h). */
    static final int PATH_MAX = 4096;

    private final LinuxProcess process;
    private final GuestMemory memory;
    private long lastError;

    GuestPaths(final LinuxProcess process)
    {
        this.process = process;
        this.memory = process.memory();
    }

    /** The negated errno of the last failed call: ENAMETOOLONG, ENOENT (empty path), EBADF or ENOTDIR. */
    long lastError()
    {
        return lastError;
    }

    /** The NUL-terminated path at {@code pathAddr}, or null (ENAMETOOLONG) if PATH_MAX bytes hold no NUL. */
    String read(final long pathAddr)
    {
        final String raw = GuestMemoryAccess.readCString(memory, pathAddr, PATH_MAX - 1);
        if (raw == null)
        {
            lastError = -Errno.ENAMETOOLONG;
        }
        return raw;
    }

    /** Reads and resolves a non-empty path; null with ENAMETOOLONG, ENOENT, EBADF or ENOTDIR. */
    String resolve(final long dirfd, final long pathAddr)
    {
        final String raw = read(pathAddr);
        if (raw == null)
        {
            return null;
        }
        if (raw.isEmpty())
        {
            lastError = -Errno.ENOENT;
            return null;
        }
        return resolveAt(dirfd, raw);
    }

    /** Resolves {@code raw} against dirfd; null with EBADF or ENOTDIR. */
    String resolveAt(final long dirfd, final String raw)
    {
        if (raw.startsWith("/") || (int)dirfd == AT_FDCWD)
        {
            return LinuxProcess.resolve(process.cwd(), raw);
        }
        final OpenFile dir = process.fds().get(dirfd);
        if (dir == null)
        {
            lastError = -Errno.EBADF;
            return null;
        }
        if (dir.path() == null)
        {
            lastError = -Errno.ENOTDIR;
            return null;
        }
        return LinuxProcess.resolve(dir.path(), raw);
    }
}
