package org.legoemu.mcomponent;

/** The Linux errno values the memory monitor answers with (include/uapi/asm-generic/errno-base.h, errno.h). */
public final class Errno
{
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EIO = 5;
    public static final int ENOEXEC = 8;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ENOSYS = 38;
    public static final int EPROTO = 71;

    private Errno()
    {
    }
}
