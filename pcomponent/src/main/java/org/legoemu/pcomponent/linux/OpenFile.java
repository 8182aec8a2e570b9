package org.legoemu.pcomponent.linux;

import org.legoemu.abi.linux.Errno;
import org.legoemu.abi.linux.LinuxStructs;

/**
 * An open file description (open(2)): what a guest file descriptor refers to. Every method returns a
 * non-negative result or a negated Linux errno, as the syscall would.
 */
public interface OpenFile
{
    /** read(2) into {@code dst[0..length)}: bytes read, 0 at end of file, or -errno. */
    long read(byte[] dst, int length);

    /** write(2) of {@code src[0..length)}: bytes written or -errno. */
    long write(byte[] src, int length);

    /** lseek(2): the new offset or -errno (ESPIPE for streams). */
    long seek(long offset, int whence);

    /** pread(2): like {@link #read} at {@code fileOffset}, leaving the offset alone; -ESPIPE for streams. */
    default long pread(final byte[] dst, final int length, final long fileOffset)
    {
        return -Errno.ESPIPE;
    }

    /** pwrite(2): like {@link #write} at {@code fileOffset}, leaving the offset alone; -ESPIPE for streams. */
    default long pwrite(final byte[] src, final int length, final long fileOffset)
    {
        return -Errno.ESPIPE;
    }

    /** ftruncate(2) to {@code lengthBytes}: 0 or -errno (EINVAL when not a regular file open for writing). */
    default long truncate(final long lengthBytes)
    {
        return -Errno.EINVAL;
    }

    /** fsync(2): 0 or -errno (streams have nothing to sync: EINVAL, as for pipes). */
    default long fsync()
    {
        return -Errno.EINVAL;
    }

    /** The status flags fcntl(F_GETFL) reports: access mode, O_APPEND, O_NONBLOCK (open(2)). */
    int statusFlags();

    /**
     * fcntl(F_SETFL): takes O_APPEND and O_NONBLOCK from {@code flags} where the file supports them; other bits
     * are ignored, as Linux ignores the access mode and creation flags there.
     */
    default void statusFlags(final int flags)
    {
    }

    /** fstat(2) fields, or null with {@link #lastErrno()} set. */
    LinuxStructs.Stat stat();

    /** The errno of the last failed {@link #stat()}. */
    default int lastErrno()
    {
        return 0;
    }

    /** The namespace path, or null for streams. */
    default String path()
    {
        return null;
    }

    /** True for a character device that answers ioctl(TCGETS). */
    default boolean isTerminal()
    {
        return false;
    }

    /** close(2); the description is no longer used. */
    default void close()
    {
    }
}
