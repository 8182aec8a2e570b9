package org.legoemu.scomponent;

/** Linux errno values (asm-generic/errno-base.h, errno.h) the sComponent puts in ErrorReply. */
public final class Errno
{
    /** No such file or directory. */
    public static final int ENOENT = 2;
    /** I/O error. */
    public static final int EIO = 5;
    /** Permission denied. */
    public static final int EACCES = 13;
    /** File exists. */
    public static final int EEXIST = 17;
    /** Not a directory. */
    public static final int ENOTDIR = 20;
    /** Is a directory. */
    public static final int EISDIR = 21;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** File too large. */
    public static final int EFBIG = 27;
    /** No space left on device. */
    public static final int ENOSPC = 28;
    /** File name too long. */
    public static final int ENAMETOOLONG = 36;
    /** Too many levels of symbolic links. */
    public static final int ELOOP = 40;
    /** Protocol error: malformed message. */
    public static final int EPROTO = 71;

    private Errno()
    {
    }
}
