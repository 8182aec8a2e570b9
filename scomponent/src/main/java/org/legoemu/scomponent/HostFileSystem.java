package org.legoemu.scomponent;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;

import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.proxy.FileSystemInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The statfs(2) figures of the host filesystem holding the storage root, asked of the host's C library through
 * jnr-ffi on each call (free space changes). Where the C library cannot be bound (not Linux), the figures come from
 * {@link FileStore} instead: sizes and block size as Java reports them, f_type {@link #UNKNOWN_TYPE}, no inode
 * counts (0), f_namelen {@link #FALLBACK_NAME_MAX}, f_flags ST_VALID.
 */
final class HostFileSystem
{
    /** f_type when the host's is not known (the fallback): 0, which no Linux filesystem uses. */
    static final long UNKNOWN_TYPE = 0;
    /** f_namelen of the fallback, bytes: NAME_MAX of limits.h. */
    static final long FALLBACK_NAME_MAX = 255;
    /** statfs(2) f_flags: the f_flags field is valid. */
    static final long ST_VALID = 0x20;

    private static final Logger LOG = LoggerFactory.getLogger(HostFileSystem.class);

    /** The one libc call, bound through jnr-ffi. */
    public interface LibC
    {
        /** statfs(2) into {@code buf} (at least {@link FileSystemInfo#STRUCT_BYTES}); 0 or -1 with errno set. */
        @SaveError
        int statfs(String path, @Out byte[] buf);
    }

    /** The binding, made once per JVM (jnr-ffi generates a class for it); null where it cannot be made. */
    private static final class Binding
    {
        static final LibC LIBC = bind();
    }

    private final Path root;
    private final LibC libc;

    /** @param root the storage root, whose filesystem is reported. */
    HostFileSystem(final Path root)
    {
        this.root = root;
        this.libc = Binding.LIBC;
    }

    private static LibC bind()
    {
        if (!System.getProperty("os.name", "").startsWith("Linux"))
        {
            return null;
        }
        try
        {
            return LibraryLoader.create(LibC.class).load("c");
        }
        catch (final LinkageError | RuntimeException ex)
        {
            LOG.warn("statfs(2) of the host cannot be bound ({}); statfs figures come from java.nio FileStore", ex);
            return null;
        }
    }

    /**
     * The figures of the root's filesystem now.
     *
     * @throws StorageException EIO if the host cannot report them.
     */
    FileSystemInfo figures()
    {
        if (libc != null)
        {
            final byte[] buf = new byte[FileSystemInfo.STRUCT_BYTES + 8];
            if (libc.statfs(root.toString(), buf) == 0)
            {
                return FileSystemInfo.fromStruct(buf);
            }
            final int errno = Runtime.getRuntime(libc).getLastError();
            throw new StorageException(Errnos.EIO, "statfs(" + root + ") failed on the host: errno " + errno);
        }
        try
        {
            final FileStore store = Files.getFileStore(root);
            final long blockSize = store.getBlockSize();
            return new FileSystemInfo(UNKNOWN_TYPE, blockSize, store.getTotalSpace() / blockSize,
                store.getUnallocatedSpace() / blockSize, store.getUsableSpace() / blockSize, 0, 0, 0,
                FALLBACK_NAME_MAX, blockSize, ST_VALID);
        }
        catch (final IOException | UnsupportedOperationException ex)
        {
            throw new StorageException(Errnos.EIO, "statfs(" + root + "): " + ex.getMessage());
        }
    }
}
