package org.legoemu.pcomponent.linux;

import org.legoemu.abi.linux.Errno;
import org.legoemu.abi.linux.LinuxStructs;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.proxy.StatInfo;
import org.legoemu.fabric.proxy.StorageProxy;

/**
 * A regular file (or directory) in the sComponent's namespace. The sComponent is stateless, so the offset and
 * flags of the open file description live here, and every request carries path, offset and length.
 */
public final class StorageFile implements OpenFile
{
    /** Largest single P2S_READ/P2S_WRITE payload, bytes. */
    public static final int MAX_IO_BYTES = 1 << 20;
    private static final int O_ACCMODE = 3;
    private static final int O_WRONLY = 1;
    private static final int O_RDWR = 2;
    private static final int O_APPEND = 0x400;

    private final StorageProxy storage;
    private final String path;
    private final int flags;
    private final boolean directory;
    private long offset;
    private int lastErrno;

    public StorageFile(final StorageProxy storage, final String path, final int flags, final boolean directory)
    {
        this.storage = storage;
        this.path = path;
        this.flags = flags;
        this.directory = directory;
    }

    @Override
    public String path()
    {
        return path;
    }

    /** True if the file was opened for reading (O_RDONLY or O_RDWR): what mmap(2) of it requires. */
    public boolean readable()
    {
        return (flags & O_ACCMODE) != O_WRONLY;
    }

    /** True for a directory opened with open(2). */
    public boolean isDirectory()
    {
        return directory;
    }

    @Override
    public long read(final byte[] dst, final int length)
    {
        if ((flags & O_ACCMODE) == O_WRONLY)
        {
            return -Errno.EBADF;
        }
        if (directory)
        {
            return -Errno.EISDIR;
        }
        try
        {
            final int n = storage.read(path, offset, dst, 0, Math.min(length, MAX_IO_BYTES));
            offset += n;
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
        final int mode = flags & O_ACCMODE;
        if (mode != O_WRONLY && mode != O_RDWR)
        {
            return -Errno.EBADF;
        }
        try
        {
            int done = 0;
            while (done < length)
            {
                final int chunk = Math.min(length - done, MAX_IO_BYTES);
                final byte[] part = done == 0 && chunk == src.length ? src : java.util.Arrays.copyOfRange(src, done, done + chunk);
                final boolean append = (flags & O_APPEND) != 0;
                final long size = storage.write(path, append ? -1 : offset, part, 0, chunk);
                offset = append ? size : offset + chunk;
                done += chunk;
            }
            return length;
        }
        catch (final FabricException ex)
        {
            return -ex.errno();
        }
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
        if (target < 0)
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
            return toStat(storage.stat(path, true));
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
