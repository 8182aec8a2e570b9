package org.legoemu.pcomponent.linux;

import org.legoemu.abi.linux.Errno;
import org.legoemu.abi.linux.LinuxStructs;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.proxy.StatInfo;
import org.legoemu.fabric.proxy.StorageProxy;
import org.legoemu.pcomponent.files.FileCache;
import org.legoemu.pcomponent.files.FileReadTally;
import org.legoemu.pcomponent.files.ReadAhead;

/**
 * A regular file (or directory) in the sComponent's namespace. The sComponent is stateless, so the offset and
 * flags of the open file description live here, and every request carries path, offset and length. Reads go
 * through the pComponent's {@link FileCache} when it is enabled (with this description's read-ahead state), writes
 * go through to the sComponent and drop the cached pages of their range. A regular file's description is registered
 * with the pComponent's {@link SillyRenames} while open, which moves it to a hidden name when its name is unlinked or
 * renamed over, and removes that name at the last close.
 */
public final class StorageFile implements OpenFile
{
    /** Largest single P2S_READ/P2S_WRITE payload, bytes. */
    public static final int MAX_IO_BYTES = 1 << 20;
    /**
     * Largest file offset lseek(2) accepts, bytes: ext4's s_maxbytes with 4 KiB blocks and extents, 2^44 - 1
     * (fs/ext4/super.c, ext4_max_size), the usual file system under an sComponent's root; beyond it lseek gives
     * EINVAL (vfs_setpos, fs/read_write.c), as qemu-riscv64 over such a file system does.
     */
    public static final long MAX_FILE_BYTES = (1L << 44) - 1;
    private static final int O_ACCMODE = 3;
    private static final int O_WRONLY = 1;
    private static final int O_RDWR = 2;
    private static final int O_APPEND = 0x400;
    private static final int O_NONBLOCK = 0x800;

    private final StorageProxy storage;
    private final FileCache cache;
    private final ReadAhead readAhead = ReadAhead.forReads();
    private final FileReadTally tally = new FileReadTally();
    private static final java.util.concurrent.atomic.AtomicLong IDS = new java.util.concurrent.atomic.AtomicLong();

    private final SillyRenames names;
    private final long id = IDS.incrementAndGet();
    private volatile FileLocks descriptionLocks;
    private final long inode;
    private volatile String path;
    private volatile boolean unlinked;
    private int flags;
    private final boolean directory;
    private long offset;
    private int lastErrno;
    private long lastSizeBytes;

    /** A file read without a file cache. */
    public StorageFile(final StorageProxy storage, final String path, final int flags, final boolean directory)
    {
        this(storage, FileCache.DISABLED, null, -1, path, flags, directory);
    }

    /**
     * A file read through {@code cache} when it is enabled.
     *
     * @param names registry that keeps a regular file alive while open ({@link SillyRenames#opened} is the
     *              caller's), or null for none.
     * @param inode st_ino of the opened file on the sComponent.
     */
    public StorageFile(
        final StorageProxy storage, final FileCache cache, final SillyRenames names, final long inode,
        final String path, final int flags, final boolean directory)
    {
        this.storage = storage;
        this.cache = cache;
        this.names = names;
        this.inode = inode;
        this.path = path;
        this.flags = flags;
        this.directory = directory;
    }

    @Override
    public String path()
    {
        return path;
    }

    /** This description's id, unique on the pComponent: the owner of its OFD and flock(2) locks. */
    long id()
    {
        return id;
    }

    /** The description took OFD or flock(2) locks through {@code locks}: its last close releases them. */
    void heldDescriptionLocks(final FileLocks locks)
    {
        descriptionLocks = locks;
    }

    /** st_ino of the file on the sComponent, -1 if unknown. */
    long inode()
    {
        return inode;
    }

    /**
     * The file's name changed under this description ({@link SillyRenames}): later requests use {@code newPath};
     * {@code nowUnlinked} says it is a hidden name (st_nlink then leaves it out).
     */
    void moved(final String newPath, final boolean nowUnlinked)
    {
        final String old = path;
        path = newPath;
        unlinked = nowUnlinked;
        cache.changed(old);
        cache.changed(newPath);
    }

    /** True once the file's last visible name was unlinked: it lives on under a hidden name. */
    boolean unlinked()
    {
        return unlinked;
    }

    @Override
    public void close()
    {
        final FileLocks locks = descriptionLocks;
        if (locks != null)
        {
            locks.descriptionClosed(this);
        }
        if (names != null)
        {
            names.closed(this);
        }
    }

    /** True if the file was opened for reading (O_RDONLY or O_RDWR): what mmap(2) of it requires. */
    public boolean readable()
    {
        return (flags & O_ACCMODE) != O_WRONLY;
    }

    @Override
    public long read(final byte[] dst, final int length)
    {
        final long n = pread(dst, length, offset);
        if (n > 0)
        {
            offset += n;
        }
        return n;
    }

    @Override
    public long pread(final byte[] dst, final int length, final long fileOffset)
    {
        if ((flags & O_ACCMODE) == O_WRONLY)
        {
            return -Errno.EBADF;
        }
        if (directory)
        {
            return -Errno.EISDIR;
        }
        if (fileOffset < 0)
        {
            return -Errno.EINVAL;
        }
        tally.reset();
        try
        {
            if (cache.enabled())
            {
                return cache.read(storage, path, fileOffset, dst, 0, Math.min(length, MAX_IO_BYTES), readAhead, tally);
            }
            final int n = storage.read(path, fileOffset, dst, 0, Math.min(length, MAX_IO_BYTES));
            tally.requests = 1;
            tally.storageBytes = n;
            tally.copiedBytes = n;
            return n;
        }
        catch (final FabricException ex)
        {
            return -ex.errno();
        }
    }

    @Override
    public long write(final byte[] src, final int length)
    {
        final boolean append = (flags & O_APPEND) != 0;
        final long result = writeAt(src, length, append ? -1 : offset);
        if (result >= 0)
        {
            offset = append ? lastSizeBytes : offset + result;
        }
        return result;
    }

    @Override
    public long pwrite(final byte[] src, final int length, final long fileOffset)
    {
        if (fileOffset < 0)
        {
            return -Errno.EINVAL;
        }
        // Linux quirk kept by pwrite(2) "BUGS": with O_APPEND the data is appended whatever the offset.
        return writeAt(src, length, (flags & O_APPEND) != 0 ? -1 : fileOffset);
    }

    /** Writes at {@code fileOffset} (-1 appends; the proxy splits large writes); sets lastSizeBytes. */
    private long writeAt(final byte[] src, final int length, final long fileOffset)
    {
        final int mode = flags & O_ACCMODE;
        if (mode != O_WRONLY && mode != O_RDWR)
        {
            return -Errno.EBADF;
        }
        try
        {
            lastSizeBytes = storage.write(path, fileOffset, src, 0, length);
            cache.written(path, fileOffset, length, lastSizeBytes);
            return length;
        }
        catch (final FabricException ex)
        {
            return -ex.errno();
        }
    }

    @Override
    public long truncate(final long lengthBytes)
    {
        final int mode = flags & O_ACCMODE;
        if (directory || (mode != O_WRONLY && mode != O_RDWR))
        {
            return -Errno.EINVAL;
        }
        if (lengthBytes < 0)
        {
            return -Errno.EINVAL;
        }
        try
        {
            storage.truncate(path, lengthBytes);
            cache.changed(path);
            return 0;
        }
        catch (final FabricException ex)
        {
            return -ex.errno();
        }
    }

    @Override
    public long fsync()
    {
        if (directory)
        {
            return 0; // directory entries are durable once the sComponent's host call returned
        }
        try
        {
            storage.fsync(path);
            return 0;
        }
        catch (final FabricException ex)
        {
            return -ex.errno();
        }
    }

    @Override
    public int statusFlags()
    {
        return flags & (O_ACCMODE | O_APPEND | O_NONBLOCK);
    }

    @Override
    public void statusFlags(final int newFlags)
    {
        flags = (flags & ~(O_APPEND | O_NONBLOCK)) | (newFlags & (O_APPEND | O_NONBLOCK));
    }

    /**
     * What the last read or pread did (sComponent reads and bytes, bytes copied), for the timing model; a read that
     * failed leaves what it did before failing.
     */
    FileReadTally lastRead()
    {
        return tally;
    }

    /** True if this description was opened on a directory (getdents64(2) reads it). */
    public boolean isDirectory()
    {
        return directory;
    }

    /** The file offset; for a directory, the cookie of the next entry getdents64(2) returns. */
    public long offset()
    {
        return offset;
    }

    /** Moves the offset (getdents64(2) advancing a directory's cookie). */
    public void offset(final long newOffset)
    {
        offset = newOffset;
    }

    /** The sComponent this file lives on. */
    public StorageProxy storage()
    {
        return storage;
    }

    @Override
    public long seek(final long requested, final int whence)
    {
        final long base;
        switch (whence)
        {
            case 0:
                base = 0;
                break;
            case 1:
                base = offset;
                break;
            case 2:
                final LinuxStructs.Stat st = stat();
                if (st == null)
                {
                    return -lastErrno;
                }
                base = st.size();
                break;
            default:
                return -Errno.EINVAL;
        }
        final long target = base + requested;
        if (target < 0 || target > MAX_FILE_BYTES)
        {
            return -Errno.EINVAL;
        }
        offset = target;
        return target;
    }

    @Override
    public LinuxStructs.Stat stat()
    {
        try
        {
            final StatInfo info = storage.stat(path, true);
            // The hidden name is not a link the guest made: Linux counts the unlinked name gone.
            return toStat(unlinked ? new StatInfo(info.mode(), info.nlink() - 1, info.sizeBytes(), info.inode(),
                info.mtimeNs(), info.atimeNs(), info.ctimeNs()) : info);
        }
        catch (final FabricException ex)
        {
            lastErrno = ex.errno();
            return null;
        }
    }

    @Override
    public int lastErrno()
    {
        return lastErrno;
    }

    /** Converts the sComponent's stat reply into {@code struct stat} fields (blocks in 512-byte units). */
    public static LinuxStructs.Stat toStat(final StatInfo info)
    {
        final long billion = 1_000_000_000L;
        return new LinuxStructs.Stat(
            0x4c45, info.inode(), info.mode(), info.nlink(), 0, 0, 0, info.sizeBytes(), 4096,
            (info.sizeBytes() + 511) / 512,
            info.atimeNs() / billion, info.atimeNs() % billion,
            info.mtimeNs() / billion, info.mtimeNs() % billion,
            info.ctimeNs() / billion, info.ctimeNs() % billion);
    }
}
