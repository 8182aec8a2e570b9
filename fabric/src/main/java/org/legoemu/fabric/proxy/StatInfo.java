package org.legoemu.fabric.proxy;

/**
 * The stat(2) fields the sComponent reports (S2X_STAT_REPLY).
 *
 * @param mode      st_mode: file type ({@link #S_IFREG}, {@link #S_IFDIR}, {@link #S_IFLNK}) and permission bits.
 * @param nlink     number of hard links.
 * @param sizeBytes st_size, bytes.
 * @param inode     st_ino on the storage host.
 * @param mtimeNs   last modification, nanoseconds since the epoch.
 * @param atimeNs   last access, nanoseconds since the epoch.
 * @param ctimeNs   last status change, nanoseconds since the epoch.
 */
public record StatInfo(int mode, int nlink, long sizeBytes, long inode, long mtimeNs, long atimeNs, long ctimeNs)
{
    /** File type mask of st_mode (inode(7)). */
    public static final int S_IFMT = 0170000;
    /** Regular file. */
    public static final int S_IFREG = 0100000;
    /** Directory. */
    public static final int S_IFDIR = 0040000;
    /** Symbolic link. */
    public static final int S_IFLNK = 0120000;

    /** True for a regular file. */
    public boolean isRegularFile()
    {
        return (mode & S_IFMT) == S_IFREG;
    }

    /**
     * True for a regular file with an execute bit for someone (S_IXUSR, S_IXGRP or S_IXOTH): what execve(2) needs
     * of the file itself (guests run with uid 0, which may execute a file if any execute bit is set).
     */
    public boolean isExecutableFile()
    {
        return isRegularFile() && (mode & 0111) != 0;
    }

    /** True for a directory. */
    public boolean isDirectory()
    {
        return (mode & S_IFMT) == S_IFDIR;
    }

    /** True for a symbolic link (only from stat with followSymlinks false). */
    public boolean isSymbolicLink()
    {
        return (mode & S_IFMT) == S_IFLNK;
    }
}
