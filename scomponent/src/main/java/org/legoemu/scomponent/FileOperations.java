package org.legoemu.scomponent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.proxy.UnlinkedNames;
import org.legoemu.fabric.faults.StorageFaults;
import org.legoemu.fabric.proxy.DirEntry;
import org.legoemu.fabric.proxy.FileSystemInfo;
import org.legoemu.fabric.proxy.StatInfo;

/**
 * The sComponent's stateless file operations on paths inside its root (LegoOS §4.6: storage requests carry path,
 * offset and length; no open-file state lives on the storage side). Each call resolves its path with the
 * {@link RootedPathResolver}, opens a {@link FileChannel} without following a final symlink, does positional
 * I/O and closes it again. Errors are Linux errnos as open(2), read(2), write(2), stat(2), truncate(2) and
 * fsync(2) give them, thrown as {@link StorageException}.
 * <p>
 * Not thread-safe: used by the single dispatch thread of the sComponent's server.
 */
public final class FileOperations
{
    /** open(2) access mode mask. */
    public static final int O_ACCMODE = 3;
    /** open(2) read only. */
    public static final int O_RDONLY = 0;
    /** open(2) write only. */
    public static final int O_WRONLY = 1;
    /** open(2) read and write. */
    public static final int O_RDWR = 2;
    /** open(2) create if missing (0100 octal). */
    public static final int O_CREAT = 0x40;
    /** open(2) with O_CREAT: fail if it exists (0200 octal). */
    public static final int O_EXCL = 0x80;
    /** open(2) truncate a writable regular file (01000 octal). */
    public static final int O_TRUNC = 0x200;
    /** open(2) fail unless a directory (0200000 octal). */
    public static final int O_DIRECTORY = 0x10000;
    /** open(2) fail with ELOOP if the final component is a symlink (0400000 octal). */
    public static final int O_NOFOLLOW = 0x20000;
    /** renameat2(2): fail with EEXIST instead of replacing the target. */
    public static final int RENAME_NOREPLACE = 1;
    /** Largest number of directory entries served in one request. */
    public static final int MAX_DIR_ENTRIES = 1024;
    /** Largest read or write served in one request, bytes. */
    public static final int MAX_TRANSFER_BYTES = 1024 * 1024;

    private static final String UNIX_ATTRIBUTES = "unix:mode,ino,nlink,size,lastModifiedTime,lastAccessTime,ctime";
    private static final OpenOption[] READ_OPTIONS = { StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS };
    private static final OpenOption[] WRITE_OPTIONS = { StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS };

    private final RootedPathResolver resolver;
    private final StorageFaults faults;
    private final UnlinkedFiles unlinkedFiles;
    private final HostFileSystem hostFileSystem;
    private boolean unixAttributesSupported = true;

    /**
     * @param resolver confines every path to the storage root.
     */
    public FileOperations(final RootedPathResolver resolver)
    {
        this(resolver, StorageFaults.NONE);
    }

    /**
     * @param resolver confines every path to the storage root.
     * @param faults   asked before each read, write, truncate and fsync whether to fail it with EIO instead
     *                 (injected storage errors; {@link StorageFaults#NONE} in production).
     */
    public FileOperations(final RootedPathResolver resolver, final StorageFaults faults)
    {
        this.resolver = resolver;
        this.faults = faults;
        this.unlinkedFiles = new UnlinkedFiles(resolver);
        this.hostFileSystem = new HostFileSystem(resolver.root());
    }

    /** The hidden files of unlinked-while-open files under the root ({@link UnlinkedFiles}). */
    public UnlinkedFiles unlinkedFiles()
    {
        return unlinkedFiles;
    }

    /** The resolver confining paths to the root. */
    public RootedPathResolver resolver()
    {
        return resolver;
    }

    /**
     * open(2) without keeping the file open: checks access, creates ({@code O_CREAT}, permissions {@code mode &
     * 07777}), refuses ({@code O_EXCL}, {@code O_DIRECTORY}, {@code O_NOFOLLOW}) or truncates ({@code O_TRUNC}).
     *
     * @return the stat of the opened file.
     * @throws StorageException EINVAL (bad access mode, O_CREAT|O_DIRECTORY, special file), ENOENT, EEXIST,
     *                          ENOTDIR, EISDIR, ELOOP, EACCES, ENAMETOOLONG, EIO.
     */
    public StatInfo open(final String path, final int flags, final int mode)
    {
        final int accessMode = flags & O_ACCMODE;
        if (accessMode == O_ACCMODE)
        {
            throw new StorageException(Errnos.EINVAL, path + ": invalid access mode");
        }
        final boolean create = (flags & O_CREAT) != 0;
        final boolean exclusive = create && (flags & O_EXCL) != 0;
        final boolean directory = (flags & O_DIRECTORY) != 0;
        if (create && directory)
        {
            throw new StorageException(Errnos.EINVAL, path + ": O_CREAT with O_DIRECTORY");
        }
        final boolean followFinal = !exclusive && (flags & O_NOFOLLOW) == 0;
        final ResolvedPath resolved = resolver.resolve(path, followFinal);
        try
        {
            if (!resolved.exists())
            {
                if (!create)
                {
                    throw new StorageException(Errnos.ENOENT, path + ": no such file or directory");
                }
                Files.createFile(resolved.hostPath());
                unlinkedFiles.created(resolved.hostPath());
                setPermissions(resolved, mode);
                return stat(resolved);
            }
            if (exclusive)
            {
                throw new StorageException(Errnos.EEXIST, path + ": file exists");
            }
            if (resolved.isSymbolicLink())
            {
                throw new StorageException(Errnos.ELOOP, path + ": final symlink with O_NOFOLLOW");
            }
            if (resolved.isDirectory())
            {
                if (accessMode != O_RDONLY || create || (flags & O_TRUNC) != 0)
                {
                    throw new StorageException(Errnos.EISDIR, path + ": is a directory");
                }
                return stat(resolved);
            }
            if (directory)
            {
                throw new StorageException(Errnos.ENOTDIR, path + ": not a directory");
            }
            requireRegular(resolved);
            checkAccess(resolved, accessMode);
            if ((flags & O_TRUNC) != 0 && accessMode != O_RDONLY)
            {
                try (FileChannel channel = FileChannel.open(resolved.hostPath(), WRITE_OPTIONS))
                {
                    channel.truncate(0);
                }
            }
            return stat(resolved);
        }
        catch (final IOException ex)
        {
            throw StorageException.fromIo(ex, path);
        }
    }

    /**
     * pread(2): reads up to {@code dst.remaining()} bytes at {@code fileOffset} into {@code dst}, fewer at end of
     * file, none at or past it.
     *
     * @return the file size, bytes.
     * @throws StorageException EINVAL (negative offset, more than {@link #MAX_TRANSFER_BYTES}, special file),
     *                          ENOENT, EISDIR, ENOTDIR, ELOOP, EACCES, EIO.
     */
    public long read(final String path, final long fileOffset, final ByteBuffer dst)
    {
        if (fileOffset < 0)
        {
            throw new StorageException(Errnos.EINVAL, path + ": negative offset " + fileOffset);
        }
        if (dst.remaining() > MAX_TRANSFER_BYTES)
        {
            throw new StorageException(Errnos.EINVAL, path + ": read of more than " + MAX_TRANSFER_BYTES + " bytes");
        }
        final ResolvedPath resolved = requireExisting(path);
        requireRegular(resolved);
        injectedError(path, StorageFaults.Operation.READ);
        try (FileChannel channel = FileChannel.open(resolved.hostPath(), READ_OPTIONS))
        {
            final long sizeBytes = channel.size();
            long position = fileOffset;
            while (dst.hasRemaining() && position < sizeBytes)
            {
                final int n = channel.read(dst, position);
                if (n <= 0)
                {
                    break;
                }
                position += n;
            }
            return sizeBytes;
        }
        catch (final IOException ex)
        {
            throw StorageException.fromIo(ex, path);
        }
    }

    /**
     * pwrite(2) of all of {@code src} at {@code fileOffset}, or at the end of file when it is -1 (O_APPEND).
     *
     * @return the file size after the write, bytes.
     * @throws StorageException EINVAL (offset below -1, more than {@link #MAX_TRANSFER_BYTES}, special file),
     *                          ENOENT, EISDIR, ENOTDIR, ELOOP, EACCES, ENOSPC, EIO.
     */
    public long write(final String path, final long fileOffset, final ByteBuffer src)
    {
        if (fileOffset < -1)
        {
            throw new StorageException(Errnos.EINVAL, path + ": invalid offset " + fileOffset);
        }
        if (src.remaining() > MAX_TRANSFER_BYTES)
        {
            throw new StorageException(Errnos.EINVAL, path + ": write of more than " + MAX_TRANSFER_BYTES + " bytes");
        }
        final ResolvedPath resolved = requireExisting(path);
        requireRegular(resolved);
        injectedError(path, StorageFaults.Operation.WRITE);
        try (FileChannel channel = FileChannel.open(resolved.hostPath(), WRITE_OPTIONS))
        {
            long position = fileOffset == -1 ? channel.size() : fileOffset;
            while (src.hasRemaining())
            {
                position += channel.write(src, position);
            }
            return channel.size();
        }
        catch (final IOException ex)
        {
            throw StorageException.fromIo(ex, path);
        }
    }

    /** Throws EIO if the injected storage faults fail this operation (the file is left untouched). */
    private void injectedError(final String path, final StorageFaults.Operation op)
    {
        if (faults.fails(op))
        {
            throw new StorageException(Errnos.EIO, path + ": " + op.label() + ": I/O error (injected storage fault)");
        }
    }

    /**
     * stat(2) ({@code followSymlinks}) or lstat(2).
     *
     * @throws StorageException ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, EACCES, EIO.
     */
    public StatInfo stat(final String path, final boolean followSymlinks)
    {
        final ResolvedPath resolved = resolver.resolve(path, followSymlinks);
        if (!resolved.exists())
        {
            throw new StorageException(Errnos.ENOENT, path + ": no such file or directory");
        }
        try
        {
            return stat(resolved);
        }
        catch (final IOException ex)
        {
            throw StorageException.fromIo(ex, path);
        }
    }

    /**
     * statfs(2) (P2S_STATFS): the figures of the host filesystem that holds the root ({@link HostFileSystem}), once
     * {@code path} is found to exist (following symlinks, as statfs(2) does). Every path of the namespace lies on that
     * one filesystem: the emulator has no mount table.
     *
     * @throws StorageException ENOENT, ENOTDIR, ELOOP, EACCES, ENAMETOOLONG, EIO.
     */
    public FileSystemInfo statfs(final String path)
    {
        stat(path, true);
        return hostFileSystem.figures();
    }

    /** {@link #setattr} time: keep it (UTIME_OMIT). */
    public static final long TIME_OMIT = -1;
    /** {@link #setattr} time: now (UTIME_NOW). */
    public static final long TIME_NOW = -2;

    /**
     * chmod(2) and utimensat(2) (P2S_SETATTR): sets the permission bits ({@code mode & 07777}; -1 keeps them) and the
     * access and modification times (ns since the epoch, {@link #TIME_OMIT} or {@link #TIME_NOW}).
     *
     * @throws StorageException ENOENT, ENOTDIR, ELOOP, EACCES, ENAMETOOLONG, EIO.
     */
    public void setattr(
        final String path, final boolean followSymlinks, final int mode, final long atimeNs, final long mtimeNs)
    {
        final ResolvedPath resolved = resolver.resolve(path, followSymlinks);
        if (!resolved.exists())
        {
            throw new StorageException(Errnos.ENOENT, path + ": no such file or directory");
        }
        try
        {
            if (mode >= 0)
            {
                setPermissions(resolved, mode);
            }
            if (atimeNs != TIME_OMIT || mtimeNs != TIME_OMIT)
            {
                final FileTime now = FileTime.from(java.time.Instant.now());
                final java.nio.file.attribute.BasicFileAttributeView view = followSymlinks
                    ? Files.getFileAttributeView(resolved.hostPath(), java.nio.file.attribute.BasicFileAttributeView.class)
                    : Files.getFileAttributeView(resolved.hostPath(),
                        java.nio.file.attribute.BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
                view.setTimes(time(mtimeNs, now), time(atimeNs, now), null);
            }
        }
        catch (final IOException ex)
        {
            throw StorageException.fromIo(ex, path);
        }
    }

    private static FileTime time(final long ns, final FileTime now)
    {
        return ns == TIME_OMIT ? null : ns == TIME_NOW ? now : FileTime.from(ns, TimeUnit.NANOSECONDS);
    }

    /**
     * truncate(2): shrinks the file, or extends it with zeros.
     *
     * @throws StorageException EINVAL (negative length, special file), ENOENT, EISDIR, ENOTDIR, ELOOP, EACCES,
     *                          ENOSPC, EIO.
     */
    public void truncate(final String path, final long lengthBytes)
    {
        if (lengthBytes < 0)
        {
            throw new StorageException(Errnos.EINVAL, path + ": negative length " + lengthBytes);
        }
        final ResolvedPath resolved = requireExisting(path);
        requireRegular(resolved);
        injectedError(path, StorageFaults.Operation.TRUNCATE);
        try (FileChannel channel = FileChannel.open(resolved.hostPath(), WRITE_OPTIONS))
        {
            final long sizeBytes = channel.size();
            if (lengthBytes < sizeBytes)
            {
                channel.truncate(lengthBytes);
            }
            else if (lengthBytes > sizeBytes)
            {
                final ByteBuffer zero = ByteBuffer.allocate(1);
                while (zero.hasRemaining())
                {
                    channel.write(zero, lengthBytes - 1);
                }
            }
        }
        catch (final IOException ex)
        {
            throw StorageException.fromIo(ex, path);
        }
    }

    /**
     * fsync(2): forces the file's data and metadata to the storage device ({@link FileChannel#force(boolean)}).
     *
     * @throws StorageException ENOENT, ENOTDIR, ELOOP, EACCES, EIO.
     */
    public void fsync(final String path)
    {
        final ResolvedPath resolved = requireExisting(path);
        injectedError(path, StorageFaults.Operation.FSYNC);
        try (FileChannel channel = FileChannel.open(resolved.hostPath(), READ_OPTIONS))
        {
            channel.force(true);
        }
        catch (final IOException ex)
        {
            throw StorageException.fromIo(ex, path);
        }
    }

    /**
     * mkdir(2): creates a directory with permissions {@code mode & 07777}.
     *
     * @throws StorageException EEXIST, ENOENT (missing parent), ENOTDIR, ELOOP, EACCES, ENAMETOOLONG, ENOSPC, EIO.
     */
    public void mkdir(final String path, final int mode)
    {
        final ResolvedPath resolved = resolver.resolve(path, false);
        if (resolved.exists())
        {
            throw new StorageException(Errnos.EEXIST, path + ": file exists");
        }
        try
        {
            Files.createDirectory(resolved.hostPath());
            setPermissions(resolved, mode);
        }
        catch (final IOException ex)
        {
            throw StorageException.fromIo(ex, path);
        }
    }

    /**
     * unlink(2) of a non-directory (a final symlink itself is removed), or rmdir(2) of an empty directory when
     * {@code removeDirectory}.
     *
     * @throws StorageException ENOENT, EISDIR (unlink of a directory), ENOTDIR (rmdir of a non-directory),
     *                          ENOTEMPTY, EBUSY (the root), ELOOP, EACCES, EIO.
     */
    public void unlink(final String path, final boolean removeDirectory)
    {
        final ResolvedPath resolved = resolver.resolve(path, false);
        if (!resolved.exists())
        {
            throw new StorageException(Errnos.ENOENT, path + ": no such file or directory");
        }
        if (resolved.isDirectory() != removeDirectory)
        {
            throw new StorageException(removeDirectory ? Errnos.ENOTDIR : Errnos.EISDIR,
                path + (removeDirectory ? ": not a directory" : ": is a directory"));
        }
        requireNotRoot(resolved);
        try
        {
            Files.delete(resolved.hostPath());
            unlinkedFiles.removed(resolved.hostPath());
        }
        catch (final IOException ex)
        {
            throw StorageException.fromIo(ex, path);
        }
    }

    /**
     * rename(2) / renameat2(2) with {@code flags} 0 or {@link #RENAME_NOREPLACE}: atomically replaces an existing
     * target of a compatible type (a directory only by an empty directory).
     *
     * @throws StorageException ENOENT, EEXIST (RENAME_NOREPLACE), EISDIR, ENOTDIR, ENOTEMPTY, EINVAL (a directory
     *                          into itself, unknown flags), EBUSY (the root), ELOOP, EACCES, EIO.
     */
    public void rename(final String fromPath, final String toPath, final int flags)
    {
        if ((flags & ~RENAME_NOREPLACE) != 0)
        {
            throw new StorageException(Errnos.EINVAL, fromPath + ": unsupported rename flags " + flags);
        }
        final ResolvedPath from = resolver.resolve(fromPath, false);
        if (!from.exists())
        {
            throw new StorageException(Errnos.ENOENT, fromPath + ": no such file or directory");
        }
        final ResolvedPath to = resolver.resolve(toPath, false);
        requireNotRoot(from);
        if (to.exists())
        {
            requireNotRoot(to);
            if ((flags & RENAME_NOREPLACE) != 0)
            {
                throw new StorageException(Errnos.EEXIST, toPath + ": file exists");
            }
            if (from.isDirectory() && !to.isDirectory())
            {
                throw new StorageException(Errnos.ENOTDIR, toPath + ": not a directory");
            }
            if (!from.isDirectory() && to.isDirectory())
            {
                throw new StorageException(Errnos.EISDIR, toPath + ": is a directory");
            }
        }
        if (from.isDirectory() && !to.hostPath().equals(from.hostPath()) && to.hostPath().startsWith(from.hostPath()))
        {
            throw new StorageException(Errnos.EINVAL, toPath + ": inside " + fromPath);
        }
        try
        {
            Files.move(from.hostPath(), to.hostPath(), StandardCopyOption.ATOMIC_MOVE);
            unlinkedFiles.removed(from.hostPath());
            unlinkedFiles.created(to.hostPath());
        }
        catch (final IOException ex)
        {
            throw StorageException.fromIo(ex, toPath);
        }
    }

    /**
     * Lists a directory for getdents64(2), statelessly: entries in name order, "." and ".." first, from the
     * {@code cookie}-th on (0 = the first), at most {@code maxEntries} (and {@link #MAX_DIR_ENTRIES}). Each
     * entry's {@link DirEntry#nextCookie()} continues after it.
     *
     * @return the entries; empty at the end of the directory.
     * @throws StorageException ENOENT, ENOTDIR, ELOOP, EACCES, EINVAL (negative cookie or count), EIO.
     */
    public List<DirEntry> readdir(final String path, final long cookie, final int maxEntries)
    {
        if (cookie < 0 || maxEntries < 0)
        {
            throw new StorageException(Errnos.EINVAL, path + ": cookie " + cookie + ", count " + maxEntries);
        }
        final ResolvedPath resolved = resolver.resolve(path, true);
        if (!resolved.exists())
        {
            throw new StorageException(Errnos.ENOENT, path + ": no such file or directory");
        }
        if (!resolved.isDirectory())
        {
            throw new StorageException(Errnos.ENOTDIR, path + ": not a directory");
        }
        try
        {
            final List<String> names = new ArrayList<>();
            try (DirectoryStream<Path> children = Files.newDirectoryStream(resolved.hostPath()))
            {
                for (final Path child : children)
                {
                    // Silly-renamed files are not shown, as if already unlinked (UnlinkedNames).
                    if (!resolver.isHidden(child) && !UnlinkedNames.isUnlinked(child.getFileName().toString()))
                    {
                        names.add(child.getFileName().toString());
                    }
                }
            }
            names.sort(null);
            names.add(0, "..");
            names.add(0, ".");
            final List<DirEntry> entries = new ArrayList<>();
            final int limit = Math.min(maxEntries, MAX_DIR_ENTRIES);
            for (long i = cookie; i < names.size() && entries.size() < limit; i++)
            {
                final String name = names.get((int)i);
                final Path host = i == 1 && resolved.hostPath().equals(resolver.root())
                    ? resolved.hostPath() : resolved.hostPath().resolve(name).normalize();
                entries.add(new DirEntry(inode(host), i + 1, typeOf(host), name));
            }
            return entries;
        }
        catch (final IOException ex)
        {
            throw StorageException.fromIo(ex, path);
        }
    }

    private long inode(final Path host) throws IOException
    {
        if (unixAttributesSupported)
        {
            try
            {
                return (Long)Files.getAttribute(host, "unix:ino", LinkOption.NOFOLLOW_LINKS);
            }
            catch (final UnsupportedOperationException | IllegalArgumentException ex)
            {
                unixAttributesSupported = false;
            }
        }
        final Object key = Files.readAttributes(host, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        return key != null ? key.hashCode() & 0xFFFF_FFFFL : host.hashCode() & 0xFFFF_FFFFL;
    }

    private static int typeOf(final Path host) throws IOException
    {
        final BasicFileAttributes a = Files.readAttributes(host, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return a.isDirectory() ? DirEntry.DT_DIR
            : a.isRegularFile() ? DirEntry.DT_REG
            : a.isSymbolicLink() ? DirEntry.DT_LNK
            : DirEntry.DT_UNKNOWN;
    }

    private void requireNotRoot(final ResolvedPath resolved)
    {
        if (resolved.hostPath().equals(resolver.root()))
        {
            throw new StorageException(Errnos.EBUSY, resolved.namespacePath() + ": the namespace root");
        }
    }

    private ResolvedPath requireExisting(final String path)
    {
        final ResolvedPath resolved = resolver.resolve(path, true);
        if (!resolved.exists())
        {
            throw new StorageException(Errnos.ENOENT, path + ": no such file or directory");
        }
        if (resolved.isDirectory())
        {
            throw new StorageException(Errnos.EISDIR, path + ": is a directory");
        }
        return resolved;
    }

    private static void requireRegular(final ResolvedPath resolved)
    {
        if (!resolved.isRegularFile())
        {
            throw new StorageException(Errnos.EINVAL, resolved.namespacePath() + ": not a regular file");
        }
    }

    private static void checkAccess(final ResolvedPath resolved, final int accessMode)
    {
        final boolean needRead = accessMode == O_RDONLY || accessMode == O_RDWR;
        final boolean needWrite = accessMode == O_WRONLY || accessMode == O_RDWR;
        if ((needRead && !Files.isReadable(resolved.hostPath())) || (needWrite && !Files.isWritable(resolved.hostPath())))
        {
            throw new StorageException(Errnos.EACCES, resolved.namespacePath() + ": permission denied");
        }
    }

    private static void setPermissions(final ResolvedPath resolved, final int mode) throws IOException
    {
        final Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        final PosixFilePermission[] all = PosixFilePermission.values();
        for (int i = 0; i < all.length; i++)
        {
            if ((mode & (0400 >> i)) != 0)
            {
                permissions.add(all[i]);
            }
        }
        try
        {
            Files.setPosixFilePermissions(resolved.hostPath(), permissions);
        }
        catch (final UnsupportedOperationException ignore)
        {
            // A host file system without POSIX permissions keeps its default permissions.
        }
    }

    private StatInfo stat(final ResolvedPath resolved) throws IOException
    {
        if (unixAttributesSupported)
        {
            try
            {
                final Map<String, Object> a =
                    Files.readAttributes(resolved.hostPath(), UNIX_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                return new StatInfo(
                    (Integer)a.get("mode"),
                    (Integer)a.get("nlink"),
                    (Long)a.get("size"),
                    (Long)a.get("ino"),
                    toNs((FileTime)a.get("lastModifiedTime")),
                    toNs((FileTime)a.get("lastAccessTime")),
                    toNs((FileTime)a.get("ctime")));
            }
            catch (final UnsupportedOperationException | IllegalArgumentException ex)
            {
                unixAttributesSupported = false;
            }
        }
        return posixStat(resolved);
    }

    private static StatInfo posixStat(final ResolvedPath resolved) throws IOException
    {
        final PosixFileAttributes a =
            Files.readAttributes(resolved.hostPath(), PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        int mode = a.isDirectory() ? StatInfo.S_IFDIR : a.isSymbolicLink() ? StatInfo.S_IFLNK : StatInfo.S_IFREG;
        final PosixFilePermission[] all = PosixFilePermission.values();
        for (int i = 0; i < all.length; i++)
        {
            if (a.permissions().contains(all[i]))
            {
                mode |= 0400 >> i;
            }
        }
        final Object fileKey = a.fileKey();
        final long inode = fileKey != null ? fileKey.hashCode() & 0xFFFF_FFFFL : resolved.hostPath().hashCode();
        final long mtimeNs = toNs(a.lastModifiedTime());
        return new StatInfo(mode, 1, a.size(), inode, mtimeNs, toNs(a.lastAccessTime()), mtimeNs);
    }

    private static long toNs(final FileTime time)
    {
        return time.to(TimeUnit.NANOSECONDS);
    }
}
