package org.legoemu.fabric.proxy;

/**
 * One directory entry as the sComponent lists it (S2X_DIR_ENTRIES), in the terms of getdents64(2).
 *
 * @param inode      d_ino on the storage host.
 * @param nextCookie d_off: the cookie that continues the listing after this entry.
 * @param type       d_type: {@link #DT_DIR}, {@link #DT_REG}, {@link #DT_LNK} or {@link #DT_UNKNOWN}.
 * @param name       d_name, without a path.
 */
public record DirEntry(long inode, long nextCookie, int type, String name)
{
    /** Unknown type (sockets, devices, FIFOs are reported so). */
    public static final int DT_UNKNOWN = 0;
    /** Directory. */
    public static final int DT_DIR = 4;
    /** Regular file. */
    public static final int DT_REG = 8;
    /** Symbolic link. */
    public static final int DT_LNK = 10;
}
