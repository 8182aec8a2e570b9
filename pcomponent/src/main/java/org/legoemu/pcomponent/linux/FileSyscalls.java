package org.legoemu.pcomponent.linux;

import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.GuestMemoryAccess;
import org.legoemu.abi.linux.Errno;
import org.legoemu.abi.linux.LinuxStructs;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.proxy.StatInfo;

import java.nio.charset.StandardCharsets;

/**
 * File and console syscalls (openat(2), close(2), read(2), write(2), readv/writev(2), lseek(2), newfstatat(2),
 * fstat(2), readlinkat(2), ioctl(2), getcwd(2)). Returns results or negated errnos; guest pointers that fault
 * are turned into EFAULT by the caller.
 */
final class FileSyscalls
{
    static final int AT_FDCWD = -100;
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int AT_EMPTY_PATH = 0x1000;
    static final int PATH_MAX = 4096;
    private static final int O_CREAT = 0x40;
    private static final int O_DIRECTORY = 0x10000;
    private static final int TCGETS = 0x5401;
    private static final int TERMIOS_SIZE = 60;
    private static final int IOV_MAX = 1024;

    private final LinuxProcess process;
    private final GuestMemory memory;

    FileSyscalls(final LinuxProcess process)
    {
        this.process = process;
        this.memory = process.memory();
    }

    long openat(final long dirfd, final long pathAddr, final int flags, final int mode)
    {
        final String path = resolvePath(dirfd, pathAddr);
        if (path == null)
        {
            return lastPathError;
        }
        try
        {
            final StatInfo info = process.storage().open(path, flags, mode);
            if ((flags & O_DIRECTORY) != 0 && !info.isDirectory())
            {
                return -Errno.ENOTDIR;
            }
            final int fd = process.fds().install(new StorageFile(process.storage(), path, flags, info.isDirectory()));
            return fd < 0 ? -Errno.EMFILE : fd;
        }
        catch (final FabricException ex)
        {
            return -ex.errno();
        }
    }

    long close(final long fd)
    {
        return process.fds().close(fd) ? 0 : -Errno.EBADF;
    }

    long read(final long fd, final long bufAddr, final long count)
    {
        final OpenFile file = process.fds().get(fd);
        if (file == null)
        {
            return -Errno.EBADF;
        }
        final int length = (int)Math.min(Math.max(count, 0), StorageFile.MAX_IO_BYTES);
        final byte[] buffer = new byte[length];
        final long n = file.read(buffer, length);
        if (n > 0)
        {
            GuestMemoryAccess.write(memory, bufAddr, buffer, 0, (int)n);
        }
        return n;
    }

    long write(final long fd, final long bufAddr, final long count)
    {
        final OpenFile file = process.fds().get(fd);
        if (file == null)
        {
            return -Errno.EBADF;
        }
        if (count < 0)
        {
            return -Errno.EINVAL;
        }
        final int length = (int)Math.min(count, Integer.MAX_VALUE - 8);
        final byte[] buffer = new byte[length];
        GuestMemoryAccess.read(memory, bufAddr, buffer, 0, length);
        return file.write(buffer, length);
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
        final String raw = GuestMemoryAccess.readCString(memory, pathAddr, PATH_MAX - 1);
        if (raw == null)
        {
            return -Errno.ENAMETOOLONG;
        }
        if (raw.isEmpty())
        {
            return (flags & AT_EMPTY_PATH) != 0 ? fstat(dirfd, statAddr) : -Errno.ENOENT;
        }
        final String path = resolveAt(dirfd, raw);
        if (path == null)
        {
            return lastPathError;
        }
        try
        {
            final StatInfo info = process.storage().stat(path, (flags & AT_SYMLINK_NOFOLLOW) == 0);
            final byte[] bytes = LinuxStructs.stat(StorageFile.toStat(info));
            GuestMemoryAccess.write(memory, statAddr, bytes, 0, bytes.length);
            return 0;
        }
        catch (final FabricException ex)
        {
            return -ex.errno();
        }
    }

    long readlinkat(final long dirfd, final long pathAddr, final long bufAddr, final long size)
    {
        final String raw = GuestMemoryAccess.readCString(memory, pathAddr, PATH_MAX - 1);
        if (raw == null)
        {
            return -Errno.ENAMETOOLONG;
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

    private long lastPathError;

    private String resolvePath(final long dirfd, final long pathAddr)
    {
        final String raw = GuestMemoryAccess.readCString(memory, pathAddr, PATH_MAX - 1);
        if (raw == null)
        {
            lastPathError = -Errno.ENAMETOOLONG;
            return null;
        }
        if (raw.isEmpty())
        {
            lastPathError = -Errno.ENOENT;
            return null;
        }
        return resolveAt(dirfd, raw);
    }

    private String resolveAt(final long dirfd, final String raw)
    {
        if (raw.startsWith("/") || (int)dirfd == AT_FDCWD)
        {
            return LinuxProcess.resolve(process.cwd(), raw);
        }
        final OpenFile dir = process.fds().get(dirfd);
        if (dir == null)
        {
            lastPathError = -Errno.EBADF;
            return null;
        }
        if (dir.path() == null)
        {
            lastPathError = -Errno.ENOTDIR;
            return null;
        }
        return LinuxProcess.resolve(dir.path(), raw);
    }
}
