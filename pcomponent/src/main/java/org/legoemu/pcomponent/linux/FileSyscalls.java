package org.legoemu.pcomponent.linux;

import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.GuestMemoryAccess;
import org.legoemu.abi.linux.Errno;
import org.legoemu.abi.linux.LinuxStructs;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.proxy.StatInfo;

import java.nio.charset.StandardCharsets;

/**
 * File and console syscalls (openat(2), close(2), read(2), write(2), pread64/pwrite64(2), readv/writev(2),
 * lseek(2), ftruncate(2), fsync(2), newfstatat(2), statx(2), fstat(2), readlinkat(2), ioctl(2), getcwd(2)).
 * Returns results or negated errnos; guest pointers that fault are turned into EFAULT by the caller.
 */
final class FileSyscalls
{
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int AT_EMPTY_PATH = 0x1000;
    /** Most bytes one read(2) or write(2) moves: INT_MAX rounded down to a page (Linux include/linux/fs.h). */
    static final long MAX_RW_COUNT = Integer.MAX_VALUE & ~(long)GuestMemory.PAGE_MASK;
    private static final int O_CREAT = 0x40;
    private static final int O_DIRECTORY = 0x10000;
    private static final int O_CLOEXEC = 0x80000;
    /** __O_TMPFILE; O_TMPFILE is it with O_DIRECTORY (asm-generic/fcntl.h). */
    private static final int O_TMPFILE_BIT = 0x400000;
    private static final int O_EXCL = 0x80;
    private static final int O_ACCMODE = 3;
    /** The file mode creation mask of every guest process (umask(2)); Linux's default. */
    static final int UMASK = 022;
    private static final int TCGETS = 0x5401;
    private static final int TERMIOS_SIZE = 60;
    private static final int IOV_MAX = 1024;

    /** Size of each thread's reused transfer buffer, bytes. */
    private static final int SCRATCH_BYTES = 64 << 10;
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[SCRATCH_BYTES]);

    private final LinuxProcess process;
    private final GuestMemory memory;
    private final GuestPaths paths;
    private long lookupError;

    FileSyscalls(final LinuxProcess process, final GuestPaths paths)
    {
        this.process = process;
        this.memory = process.memory();
        this.paths = paths;
    }

    long openat(final long dirfd, final long pathAddr, final int flags, final int mode)
    {
        final String path = paths.resolve(dirfd, pathAddr);
        if (path == null)
        {
            return paths.lastError();
        }
        if ((flags & O_TMPFILE_BIT) != 0)
        {
            return openTmpfile(path, flags, mode);
        }
        try
        {
            final StatInfo info = process.storage().open(path, flags, mode & ~UMASK);
            if ((flags & O_DIRECTORY) != 0 && !info.isDirectory())
            {
                return -Errno.ENOTDIR;
            }
            process.fileCache().opened(path, info);
            final StorageFile file = new StorageFile(process.storage(), process.fileCache(), process.sillyRenames(),
                info.inode(), path, flags, info.isDirectory());
            if (info.isRegularFile())
            {
                process.sillyRenames().opened(file);
            }
            return install(file, flags);
        }
        catch (final FabricException ex)
        {
            return -ex.errno();
        }
    }

    /**
     * open(2) with O_TMPFILE in directory {@code dirPath}: an unnamed regular file, created under a hidden name
     * there ({@link SillyRenames}) and removed at its last close. EINVAL unless O_WRONLY or O_RDWR (open(2)),
     * ENOENT or ENOTDIR for the directory as Linux; linkat(2) cannot give it a name here.
     */
    private long openTmpfile(final String dirPath, final int flags, final int mode)
    {
        final int accessMode = flags & O_ACCMODE;
        if (accessMode != 1 && accessMode != 2 || (flags & O_CREAT) != 0)
        {
            return -Errno.EINVAL;
        }
        try
        {
            if (!process.storage().stat(dirPath, true).isDirectory())
            {
                return -Errno.ENOTDIR;
            }
            final SillyRenames names = process.sillyRenames();
            final String hidden = names.hiddenName(dirPath);
            final int createFlags = (flags & ~(O_TMPFILE_BIT | O_DIRECTORY)) | O_CREAT | O_EXCL;
            final StatInfo info = process.storage().open(hidden, createFlags, mode & ~UMASK);
            final StorageFile file = new StorageFile(process.storage(), process.fileCache(), names, info.inode(),
                hidden, createFlags & ~(O_CREAT | O_EXCL), false);
            names.openedUnlinked(file);
            return install(file, flags);
        }
        catch (final FabricException ex)
        {
            return -ex.errno();
        }
    }

    /** Installs an opened description at the lowest free fd; EMFILE (and the description closed) if none. */
    private long install(final StorageFile file, final int flags)
    {
        final int fd = process.fds().install(file, 0, (flags & O_CLOEXEC) != 0);
        if (fd < 0)
        {
            file.close();
            return -Errno.EMFILE;
        }
        return fd;
    }

    long close(final long fd)
    {
        return process.fds().close(fd) ? 0 : -Errno.EBADF;
    }

    long read(final long fd, final long bufAddr, final long count)
    {
        return transferIn(fd, bufAddr, count, -1);
    }

    long write(final long fd, final long bufAddr, final long count)
    {
        return transferOut(fd, bufAddr, count, -1);
    }

    /** pread64(2): EINVAL for a negative offset, ESPIPE for streams. */
    long pread64(final long fd, final long bufAddr, final long count, final long fileOffset)
    {
        return fileOffset < 0 ? (process.fds().get(fd) == null ? -Errno.EBADF : -Errno.EINVAL)
            : transferIn(fd, bufAddr, count, fileOffset);
    }

    /** pwrite64(2): EINVAL for a negative offset, ESPIPE for streams. */
    long pwrite64(final long fd, final long bufAddr, final long count, final long fileOffset)
    {
        return fileOffset < 0 ? (process.fds().get(fd) == null ? -Errno.EBADF : -Errno.EINVAL)
            : transferOut(fd, bufAddr, count, fileOffset);
    }

    /** ftruncate(2): EBADF, EINVAL (negative length, not a regular file open for writing). */
    long ftruncate(final long fd, final long lengthBytes)
    {
        final OpenFile file = process.fds().get(fd);
        return file == null ? -Errno.EBADF : file.truncate(lengthBytes);
    }

    /** fsync(2) and fdatasync(2): EBADF, EINVAL for streams. */
    long fsync(final long fd)
    {
        final OpenFile file = process.fds().get(fd);
        return file == null ? -Errno.EBADF : file.fsync();
    }

    /** read(2) ({@code fileOffset} -1) or pread64(2) into guest memory. */
    private long transferIn(final long fd, final long bufAddr, final long count, final long fileOffset)
    {
        final OpenFile file = process.fds().get(fd);
        if (file == null)
        {
            return -Errno.EBADF;
        }
        if (!userRange(bufAddr, count))
        {
            return -Errno.EFAULT;
        }
        final int length = (int)Math.min(count, StorageFile.MAX_IO_BYTES);
        final byte[] buffer = scratch(length);
        final long n = fileOffset < 0 ? file.read(buffer, length) : file.pread(buffer, length, fileOffset);
        if (n > 0)
        {
            GuestMemoryAccess.write(memory, bufAddr, buffer, 0, (int)n);
        }
        return n;
    }

    /** A buffer of at least {@code length} bytes: the calling thread's reused one up to 64 KiB, else a new one. */
    private static byte[] scratch(final int length)
    {
        if (length > SCRATCH_BYTES)
        {
            return new byte[length];
        }
        return SCRATCH.get();
    }

    /** write(2) ({@code fileOffset} -1) or pwrite64(2) from guest memory. */
    private long transferOut(final long fd, final long bufAddr, final long count, final long fileOffset)
    {
        final OpenFile file = process.fds().get(fd);
        if (file == null)
        {
            return -Errno.EBADF;
        }
        if (!userRange(bufAddr, count))
        {
            return -Errno.EFAULT;
        }
        final long total = Math.min(count, MAX_RW_COUNT);
        final byte[] buffer = new byte[(int)Math.min(total, StorageFile.MAX_IO_BYTES)];
        long done = 0;
        while (done < total)
        {
            final int length = (int)Math.min(buffer.length, total - done);
            GuestMemoryAccess.read(memory, bufAddr + done, buffer, 0, length);
            final long n = fileOffset < 0 ? file.write(buffer, length) : file.pwrite(buffer, length, fileOffset + done);
            if (n < 0)
            {
                return done > 0 ? done : n;
            }
            done += n;
            if (n < length)
            {
                break;
            }
        }
        return done;
    }

    /**
     * access_ok(2)'s rule for a user buffer (Linux vfs_read/vfs_write check it before anything else, EFAULT): the
     * whole of {@code [addr, addr + count)} lies below TASK_SIZE.
     */
    private static boolean userRange(final long addr, final long count)
    {
        return count >= 0 && addr >= 0 && addr <= GuestMemory.TASK_SIZE && count <= GuestMemory.TASK_SIZE - addr;
    }

    long readv(final long fd, final long iovAddr, final long iovcnt)
    {
        if (iovcnt < 0 || iovcnt > IOV_MAX)
        {
            return -Errno.EINVAL;
        }
        long total = 0;
        for (int i = 0; i < iovcnt; i++)
        {
            final long base = GuestMemoryAccess.readLong(memory, iovAddr + 16L * i);
            final long len = GuestMemoryAccess.readLong(memory, iovAddr + 16L * i + 8);
            if (len == 0)
            {
                continue;
            }
            final long n = read(fd, base, len);
            if (n < 0)
            {
                return total > 0 ? total : n;
            }
            total += n;
            if (n < len)
            {
                break;
            }
        }
        return total;
    }

    long writev(final long fd, final long iovAddr, final long iovcnt)
    {
        if (iovcnt < 0 || iovcnt > IOV_MAX)
        {
            return -Errno.EINVAL;
        }
        final OpenFile file = process.fds().get(fd);
        if (file == null)
        {
            return -Errno.EBADF;
        }
        long total = 0;
        final java.io.ByteArrayOutputStream gathered = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < iovcnt; i++)
        {
            final long base = GuestMemoryAccess.readLong(memory, iovAddr + 16L * i);
            final long len = GuestMemoryAccess.readLong(memory, iovAddr + 16L * i + 8);
            if (len < 0 || total + len > Integer.MAX_VALUE - 8)
            {
                return -Errno.EINVAL;
            }
            final byte[] part = new byte[(int)len];
            GuestMemoryAccess.read(memory, base, part, 0, part.length);
            gathered.write(part, 0, part.length);
            total += len;
        }
        final byte[] all = gathered.toByteArray();
        return file.write(all, all.length);
    }

    long lseek(final long fd, final long offset, final int whence)
    {
        final OpenFile file = process.fds().get(fd);
        return file == null ? -Errno.EBADF : file.seek(offset, whence);
    }

    long fstat(final long fd, final long statAddr)
    {
        final OpenFile file = process.fds().get(fd);
        if (file == null)
        {
            return -Errno.EBADF;
        }
        final LinuxStructs.Stat st = file.stat();
        if (st == null)
        {
            return -file.lastErrno();
        }
        final byte[] bytes = LinuxStructs.stat(st);
        GuestMemoryAccess.write(memory, statAddr, bytes, 0, bytes.length);
        return 0;
    }

    long newfstatat(final long dirfd, final long pathAddr, final long statAddr, final int flags)
    {
        final LinuxStructs.Stat st = lookup(dirfd, pathAddr, flags);
        if (st == null)
        {
            return lookupError;
        }
        final byte[] bytes = LinuxStructs.stat(st);
        GuestMemoryAccess.write(memory, statAddr, bytes, 0, bytes.length);
        return 0;
    }

    /**
     * statx(2): the STATX_BASIC_STATS fields whatever {@code mask} asks for (stx_mask says which are filled);
     * AT_EMPTY_PATH and AT_SYMLINK_NOFOLLOW as for newfstatat; EINVAL for a mask with the reserved bit 31.
     */
    long statx(final long dirfd, final long pathAddr, final int flags, final int mask, final long statxAddr)
    {
        if (mask < 0)
        {
            return -Errno.EINVAL;
        }
        final LinuxStructs.Stat st = lookup(dirfd, pathAddr, flags);
        if (st == null)
        {
            return lookupError;
        }
        final byte[] bytes = LinuxStructs.statx(st);
        GuestMemoryAccess.write(memory, statxAddr, bytes, 0, bytes.length);
        return 0;
    }

    /** The stat of (dirfd, path) for newfstatat and statx, or null with {@link #lookupError} set. */
    private LinuxStructs.Stat lookup(final long dirfd, final long pathAddr, final int flags)
    {
        final String raw = paths.read(pathAddr);
        if (raw == null)
        {
            lookupError = paths.lastError();
            return null;
        }
        if (raw.isEmpty())
        {
            if ((flags & AT_EMPTY_PATH) == 0)
            {
                lookupError = -Errno.ENOENT;
                return null;
            }
            final OpenFile file = process.fds().get(dirfd);
            if (file == null)
            {
                lookupError = -Errno.EBADF;
                return null;
            }
            final LinuxStructs.Stat st = file.stat();
            lookupError = st == null ? -file.lastErrno() : 0;
            return st;
        }
        final String path = paths.resolveAt(dirfd, raw);
        if (path == null)
        {
            lookupError = paths.lastError();
            return null;
        }
        try
        {
            return StorageFile.toStat(process.storage().stat(path, (flags & AT_SYMLINK_NOFOLLOW) == 0));
        }
        catch (final FabricException ex)
        {
            lookupError = -ex.errno();
            return null;
        }
    }

    long readlinkat(final long dirfd, final long pathAddr, final long bufAddr, final long size)
    {
        final String raw = paths.read(pathAddr);
        if (raw == null)
        {
            return paths.lastError();
        }
        if (size <= 0)
        {
            return -Errno.EINVAL;
        }
        if (!raw.equals("/proc/self/exe"))
        {
            return -Errno.EINVAL;
        }
        final byte[] target = process.execPath().getBytes(StandardCharsets.UTF_8);
        final int n = (int)Math.min(size, target.length);
        GuestMemoryAccess.write(memory, bufAddr, target, 0, n);
        return n;
    }

    long ioctl(final long fd, final long request, final long argAddr)
    {
        final OpenFile file = process.fds().get(fd);
        if (file == null)
        {
            return -Errno.EBADF;
        }
        if (request == TCGETS && file.isTerminal())
        {
            GuestMemoryAccess.write(memory, argAddr, new byte[TERMIOS_SIZE], 0, TERMIOS_SIZE);
            return 0;
        }
        return -Errno.ENOTTY;
    }

    long getcwd(final long bufAddr, final long size)
    {
        final byte[] cwd = (process.cwd() + "\0").getBytes(StandardCharsets.UTF_8);
        if (size < cwd.length)
        {
            return -Errno.ERANGE;
        }
        GuestMemoryAccess.write(memory, bufAddr, cwd, 0, cwd.length);
        return cwd.length;
    }
}
