package org.legoemu.pcomponent.linux;

import org.legoemu.abi.GuestMemoryAccess;
import org.legoemu.abi.linux.Errno;
import org.legoemu.abi.linux.LinuxStructs;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.proxy.FileSystemInfo;
import org.legoemu.fabric.proxy.StorageProxy;

/**
 * The file-metadata family: fchmod(2), fchmodat(2), fchown(2), fchownat(2), utimensat(2) (and futimens(3) through
 * it), fallocate(2) and sync_file_range(2). Permission bits and times go to the sComponent (P2S_SETATTR). Ownership is
 * not modeled (every file is root's, as stat reports): the chown family checks its arguments and the file, and
 * changes nothing. statfs(2) and fstatfs(2) report the sComponent's figures of the filesystem holding its root
 * (P2S_STATFS); a stream's fstatfs reports its pseudo filesystem as Linux does (pipefs, sockfs; the console as
 * devpts), with Linux's figures of those (f_bsize and f_frsize a page, f_namelen 255, no blocks or inodes). Returns
 * results or negated errnos.
 */
final class MetadataSyscalls
{
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int AT_EMPTY_PATH = 0x1000;
    /** utimensat(2) tv_nsec values. */
    static final long UTIME_NOW = (1L << 30) - 1;
    static final long UTIME_OMIT = (1L << 30) - 2;
    static final int FALLOC_FL_KEEP_SIZE = 1;
    /** SYNC_FILE_RANGE_WAIT_BEFORE | WRITE | WAIT_AFTER. */
    static final int SYNC_FILE_RANGE_FLAGS = 7;
    private static final long NS_PER_SECOND = 1_000_000_000L;
    /** statfs(2) f_type of pipes, sockets and terminals (linux/magic.h). */
    static final long PIPEFS_MAGIC = 0x50495045L;
    static final long SOCKFS_MAGIC = 0x534F434BL;
    static final long DEVPTS_SUPER_MAGIC = 0x1CD1L;
    /** f_bsize of the pseudo filesystems: PAGE_SIZE, bytes. */
    private static final long PAGE_BYTES = 4096;
    /** f_namelen of the pseudo filesystems: NAME_MAX, bytes. */
    private static final long NAME_MAX = 255;
    /** statfs(2) f_flags: ST_VALID. */
    private static final long ST_VALID = 0x20;

    private final LinuxProcess process;
    private final GuestPaths paths;

    MetadataSyscalls(final LinuxProcess process, final GuestPaths paths)
    {
        this.process = process;
        this.paths = paths;
    }

    /** fchmod(2): EBADF; a stream's mode is not kept (0). */
    long fchmod(final long fd, final int mode)
    {
        final OpenFile file = process.fds().get(fd);
        if (file == null)
        {
            return -Errno.EBADF;
        }
        return file instanceof StorageFile storageFile ? setattr(storageFile.path(), true, mode & 07777,
            FileTimes.OMIT, FileTimes.OMIT) : 0;
    }

    /** fchmodat(2) (no flags: glibc's chmod and fchmodat without AT_SYMLINK_NOFOLLOW). */
    long fchmodat(final long dirfd, final long pathAddr, final int mode)
    {
        final String path = paths.resolve(dirfd, pathAddr);
        return path == null ? paths.lastError() : setattr(path, true, mode & 07777, FileTimes.OMIT, FileTimes.OMIT);
    }

    /** statfs(2): ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, EACCES; EFAULT (by the caller) for a bad buffer. */
    long statfs(final long pathAddr, final long bufAddr)
    {
        final String path = paths.resolve(GuestPaths.AT_FDCWD, pathAddr);
        return path == null ? paths.lastError() : statfsOf(path, bufAddr);
    }

    /** fstatfs(2): EBADF; a stream reports its pseudo filesystem (class comment). */
    long fstatfs(final long fd, final long bufAddr)
    {
        final OpenFile file = process.fds().get(fd);
        if (file == null)
        {
            return -Errno.EBADF;
        }
        if (file instanceof StorageFile storageFile)
        {
            return statfsOf(storageFile.path(), bufAddr);
        }
        final long type = file instanceof UnixSocket ? SOCKFS_MAGIC
            : file instanceof ConsoleFile ? DEVPTS_SUPER_MAGIC : PIPEFS_MAGIC;
        writeStatfs(new FileSystemInfo(type, PAGE_BYTES, 0, 0, 0, 0, 0, 0, NAME_MAX, PAGE_BYTES, ST_VALID), bufAddr);
        return 0;
    }

    private long statfsOf(final String path, final long bufAddr)
    {
        final FileSystemInfo info;
        try
        {
            info = process.storage().statfs(path);
        }
        catch (final FabricException ex)
        {
            return -ex.errno();
        }
        writeStatfs(info, bufAddr);
        return 0;
    }

    private void writeStatfs(final FileSystemInfo info, final long bufAddr)
    {
        final byte[] struct = info.toStruct();
        GuestMemoryAccess.write(process.memory(), bufAddr, struct, 0, struct.length);
    }

    /** fchown(2): EBADF; ownership is not modeled, so nothing changes. */
    long fchown(final long fd)
    {
        return process.fds().get(fd) == null ? -Errno.EBADF : 0;
    }

    /** fchownat(2): EINVAL for unknown flags, the lookup's errno (ENOENT, ENOTDIR, ...); nothing changes. */
    long fchownat(final long dirfd, final long pathAddr, final int flags)
    {
        if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) != 0)
        {
            return -Errno.EINVAL;
        }
        final String raw = paths.read(pathAddr);
        if (raw == null)
        {
            return paths.lastError();
        }
        if (raw.isEmpty())
        {
            return (flags & AT_EMPTY_PATH) == 0 ? -Errno.ENOENT : fchown(dirfd);
        }
        final String path = paths.resolveAt(dirfd, raw);
        if (path == null)
        {
            return paths.lastError();
        }
        try
        {
            process.storage().stat(path, (flags & AT_SYMLINK_NOFOLLOW) == 0);
            return 0;
        }
        catch (final FabricException ex)
        {
            return -ex.errno();
        }
    }

    /**
     * utimensat(2): {@code pathAddr} 0 sets the times of {@code dirfd} itself (futimens); {@code timesAddr} 0 sets
     * both to now; UTIME_NOW and UTIME_OMIT per field; EINVAL for another tv_nsec outside [0, 10^9) or unknown flags.
     */
    long utimensat(final long dirfd, final long pathAddr, final long timesAddr, final int flags)
    {
        if ((flags & ~AT_SYMLINK_NOFOLLOW) != 0 || (pathAddr == 0 && flags != 0))
        {
            return -Errno.EINVAL;
        }
        long atimeNs = FileTimes.NOW;
        long mtimeNs = FileTimes.NOW;
        if (timesAddr != 0)
        {
            atimeNs = FileTimes.fromTimespec(GuestMemoryAccess.readLong(process.memory(), timesAddr),
                GuestMemoryAccess.readLong(process.memory(), timesAddr + 8));
            mtimeNs = FileTimes.fromTimespec(GuestMemoryAccess.readLong(process.memory(), timesAddr + 16),
                GuestMemoryAccess.readLong(process.memory(), timesAddr + 24));
            if (atimeNs == FileTimes.INVALID || mtimeNs == FileTimes.INVALID)
            {
                return -Errno.EINVAL;
            }
        }
        final String path;
        if (pathAddr == 0)
        {
            final OpenFile file = process.fds().get(dirfd);
            if (file == null)
            {
                return -Errno.EBADF;
            }
            if (!(file instanceof StorageFile storageFile))
            {
                return 0; // a stream's times are not kept
            }
            path = storageFile.path();
        }
        else
        {
            path = paths.resolve(dirfd, pathAddr);
            if (path == null)
            {
                return paths.lastError();
            }
        }
        return setattr(path, (flags & AT_SYMLINK_NOFOLLOW) == 0, -1, atimeNs, mtimeNs);
    }

    /**
     * fallocate(2): mode 0 extends the file to {@code offset + length} if it is shorter (the blocks are not reserved
     * ahead: the sComponent's host file grows sparse), FALLOC_FL_KEEP_SIZE changes nothing; other modes
     * EOPNOTSUPP. EBADF (not open for writing), EINVAL (offset below 0, length 0 or less), ESPIPE (a stream),
     * EFBIG past the largest file.
     */
    long fallocate(final long fd, final int mode, final long offset, final long length)
    {
        final OpenFile file = process.fds().get(fd);
        if (file == null)
        {
            return -Errno.EBADF;
        }
        if (offset < 0 || length <= 0)
        {
            return -Errno.EINVAL;
        }
        if (!(file instanceof StorageFile storageFile))
        {
            return -Errno.ESPIPE;
        }
        if ((storageFile.statusFlags() & 3) == 0)
        {
            return -Errno.EBADF;
        }
        if (storageFile.isDirectory())
        {
            return -Errno.EISDIR;
        }
        if (mode == FALLOC_FL_KEEP_SIZE)
        {
            return 0;
        }
        if (mode != 0)
        {
            Unsupported.report(process.pid(), "fallocate mode 0x" + Integer.toHexString(mode), "-EOPNOTSUPP");
            return -Errno.EOPNOTSUPP;
        }
        if (length > StorageFile.MAX_FILE_BYTES - offset)
        {
            return -Errno.EFBIG;
        }
        final LinuxStructs.Stat st = storageFile.stat();
        if (st == null)
        {
            return -storageFile.lastErrno();
        }
        return st.size() >= offset + length ? 0 : storageFile.truncate(offset + length);
    }

    /** sync_file_range(2): EBADF, EINVAL (bad flags, negative offset or count), ESPIPE; data is durable already. */
    long syncFileRange(final long fd, final long offset, final long count, final int flags)
    {
        final OpenFile file = process.fds().get(fd);
        if (file == null)
        {
            return -Errno.EBADF;
        }
        if ((flags & ~SYNC_FILE_RANGE_FLAGS) != 0 || offset < 0 || count < 0)
        {
            return -Errno.EINVAL;
        }
        return file instanceof StorageFile ? 0 : -Errno.ESPIPE;
    }

    private long setattr(final String path, final boolean follow, final int mode, final long atimeNs,
        final long mtimeNs)
    {
        final StorageProxy storage = process.storage();
        try
        {
            storage.setattr(path, follow, mode, atimeNs, mtimeNs);
            process.fileCache().changed(path);
            return 0;
        }
        catch (final FabricException ex)
        {
            return -ex.errno();
        }
    }

    /** utimensat(2) time values as P2S_SETATTR carries them. */
    static final class FileTimes
    {
        static final long OMIT = -1;
        static final long NOW = -2;
        static final long INVALID = -3;

        private FileTimes()
        {
        }

        /** A timespec as ns since the epoch, {@link #OMIT}, {@link #NOW}, or {@link #INVALID}. */
        static long fromTimespec(final long seconds, final long nanoseconds)
        {
            if (nanoseconds == UTIME_OMIT)
            {
                return OMIT;
            }
            if (nanoseconds == UTIME_NOW)
            {
                return NOW;
            }
            if (nanoseconds < 0 || nanoseconds >= NS_PER_SECOND || seconds < 0 ||
                seconds > (Long.MAX_VALUE - nanoseconds) / NS_PER_SECOND)
            {
                return INVALID; // times before 1970 are not carried (P2S_SETATTR's negative values are markers)
            }
            return seconds * NS_PER_SECOND + nanoseconds;
        }
    }
}
