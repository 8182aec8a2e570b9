package org.legoemu.gmm;

/** Linux errno values (errno(3), asm-generic/errno-base.h) the GMM puts in ErrorReply. */
public final class Errno
{
    /** No such process (unknown pid). */
    public static final int ESRCH = 3;
    /** No such component. */
    public static final int ENOENT = 2;
    /** Unexpected failure inside the GMM. */
    public static final int EIO = 5;
    /** No live component to place on; try again later. */
    public static final int EAGAIN = 11;
    /** Address (vRegion) has no owner. */
    public static final int EFAULT = 14;
    /** Invalid field value. */
    public static final int EINVAL = 22;
    /** Malformed message: unknown templateId, wrong schema, truncated. */
    public static final int EPROTO = 71;

    private Errno()
    {
    }
}
