package org.legoemu.pcomponent.linux;

import org.legoemu.abi.GuestMemoryAccess;
import org.legoemu.abi.linux.Errno;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.proxy.DirEntry;
import org.legoemu.fabric.proxy.StatInfo;
import org.legoemu.fabric.proxy.StorageProxy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Namespace syscalls answered by the sComponent: mkdirat(2), unlinkat(2), renameat(2)/renameat2(2),
 * faccessat(2)/faccessat2(2), getdents64(2), chdir(2) and fchdir(2). Returns results or negated errnos. The
 * guest runs as root (getuid(2) is 0 here), so faccessat grants R_OK and W_OK, and X_OK when any execute bit is
 * set or the path is a directory (path_resolution(7), "Permission").
 */
final class DirectorySyscalls
{
    static final int AT_REMOVEDIR = 0x200;
    static final int AT_SYMLINK_NOFOLLOW = 0x100;
    static final int AT_EACCESS = 0x200;
    static final int AT_EMPTY_PATH = 0x1000;
    static final int RENAME_NOREPLACE = 1;
    static final int X_OK = 1;
    /** Smallest linux_dirent64 record: 19 header bytes, a one-byte name and its NUL, rounded up to 8. */
    private static final int MIN_DIRENT_BYTES = 24;
    private static final int DIRENT_HEADER_BYTES = 19;
    private static final int MAX_DIRENT_BATCH = 1024;

    private final LinuxProcess process;
    private final GuestPaths paths;

    DirectorySyscalls(final LinuxProcess process, final GuestPaths paths)
    {
        this.process = process;
        this.paths = paths;
    }

    /** mkdirat(2): permissions {@code mode & 07777 & ~umask}. */
    long mkdirat(final long dirfd, final long pathAddr, final int mode)
    {
        final String path = paths.resolve(dirfd, pathAddr);
        if (path == null)
        {
            return paths.lastError();
        }
        try
        {
            storage().mkdir(path, mode & 07777 & ~FileSyscalls.UMASK);
            return 0;
        }
        catch (final FabricException ex)
        {
            return -ex.errno();
        }
    }

    /** unlinkat(2): flags 0 (unlink) or AT_REMOVEDIR (rmdir); others EINVAL. */
    long unlinkat(final long dirfd, final long pathAddr, final int flags)
    {
        if ((flags & ~AT_REMOVEDIR) != 0)
        {
            return -Errno.EINVAL;
        }
        final String path = paths.resolve(dirfd, pathAddr);
        if (path == null)
        {
            return paths.lastError();
        }
        try
        {
            if ((flags & AT_REMOVEDIR) != 0)
            {
                process.sillyRenames().rmdir(storage(), path);
            }
            else
            {
                process.sillyRenames().unlink(storage(), path);
            }
            process.fileCache().changed(path);
            return 0;
        }
        catch (final FabricException ex)
        {
            return -ex.errno();
        }
    }

    /** renameat2(2) (renameat(2) is flags 0): flags 0 or RENAME_NOREPLACE; others EINVAL. */
    long renameat2(final long olddirfd, final long oldAddr, final long newdirfd, final long newAddr, final int flags)
    {
        if ((flags & ~RENAME_NOREPLACE) != 0)
        {
            return -Errno.EINVAL;
        }
        final String from = paths.resolve(olddirfd, oldAddr);
        if (from == null)
        {
            return paths.lastError();
        }
        final String to = paths.resolve(newdirfd, newAddr);
        if (to == null)
        {
            return paths.lastError();
        }
        try
        {
            process.sillyRenames().rename(storage(), from, to, flags);
            process.fileCache().changed(from);
            process.fileCache().changed(to);
            return 0;
        }
        catch (final FabricException ex)
        {
            return -ex.errno();
        }
    }

    /** faccessat2(2) (faccessat(2) is flags 0): mode F_OK or R_OK|W_OK|X_OK; EINVAL for other bits. */
    long faccessat2(final long dirfd, final long pathAddr, final int mode, final int flags)
    {
        if ((mode & ~7) != 0 || (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) != 0)
        {
            return -Errno.EINVAL;
        }
        final String path = paths.resolve(dirfd, pathAddr);
        if (path == null)
        {
            return paths.lastError();
        }
        try
        {
            final StatInfo info = storage().stat(path, (flags & AT_SYMLINK_NOFOLLOW) == 0);
            if ((mode & X_OK) != 0 && !info.isDirectory() && (info.mode() & 0111) == 0)
            {
                return -Errno.EACCES;
            }
            return 0;
        }
        catch (final FabricException ex)
        {
            return -ex.errno();
        }
    }

    /** chdir(2): ENOENT, ENOTDIR, ENAMETOOLONG; the new cwd is kept by the pComponent. */
    long chdir(final long pathAddr)
    {
        final String path = paths.resolve(GuestPaths.AT_FDCWD, pathAddr);
        if (path == null)
        {
            return paths.lastError();
        }
        return changeDirectory(path);
    }

    /** fchdir(2): EBADF, ENOTDIR. */
    long fchdir(final long fd)
    {
        final OpenFile file = process.fds().get(fd);
        if (file == null)
        {
            return -Errno.EBADF;
        }
        return file.path() == null ? -Errno.ENOTDIR : changeDirectory(file.path());
    }

    private long changeDirectory(final String path)
    {
        try
        {
            if (!storage().stat(path, true).isDirectory())
            {
                return -Errno.ENOTDIR;
            }
            process.cwd(path);
            return 0;
        }
        catch (final FabricException ex)
        {
            return -ex.errno();
        }
    }

    /**
     * getdents64(2): fills {@code dirp} with as many linux_dirent64 records (d_ino, d_off, d_reclen, d_type,
     * d_name) as fit in {@code count} bytes, continuing from the directory's offset (its cookie).
     *
     * @return bytes written, 0 at the end; EBADF, ENOTDIR, EINVAL (buffer too small for the next entry).
     */
    long getdents64(final long fd, final long dirpAddr, final long count)
    {
        final OpenFile file = process.fds().get(fd);
        if (file == null)
        {
            return -Errno.EBADF;
        }
        if (!(file instanceof StorageFile) || !((StorageFile)file).isDirectory())
        {
            return -Errno.ENOTDIR;
        }
        final StorageFile dir = (StorageFile)file;
        final int capacity = (int)Math.min(Math.max(count, 0), StorageFile.MAX_IO_BYTES);
        if (capacity < MIN_DIRENT_BYTES)
        {
            return -Errno.EINVAL;
        }
        final List<DirEntry> entries;
        try
        {
            entries = dir.storage().readdir(dir.path(), dir.offset(),
                Math.min(capacity / MIN_DIRENT_BYTES, MAX_DIRENT_BATCH));
        }
        catch (final FabricException ex)
        {
            return -ex.errno();
        }
        final ByteBuffer out = ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
        for (final DirEntry entry : entries)
        {
            final byte[] name = entry.name().getBytes(StandardCharsets.UTF_8);
            final int reclen = (DIRENT_HEADER_BYTES + name.length + 1 + 7) & ~7;
            if (reclen > out.remaining())
            {
                break;
            }
            final int start = out.position();
            out.putLong(entry.inode()).putLong(entry.nextCookie()).putShort((short)reclen).put((byte)entry.type())
                .put(name);
            out.position(start + reclen);
            dir.offset(entry.nextCookie());
        }
        if (out.position() == 0 && !entries.isEmpty())
        {
            return -Errno.EINVAL;
        }
        GuestMemoryAccess.write(process.memory(), dirpAddr, out.array(), 0, out.position());
        return out.position();
    }

    private StorageProxy storage()
    {
        return process.storage();
    }
}
