package org.legoemu.fabric.proxy;

/**
 * The statfs(2) figures of the filesystem that holds the sComponent's root (S2X_STATFS_REPLY): the fields of Linux's
 * {@code struct statfs}, as the storage host reports them.
 *
 * @param filesystemType  f_type: the host filesystem's magic number (statfs(2), e.g. 0xEF53 ext4, 0x01021994 tmpfs).
 * @param blockSizeBytes  f_bsize: optimal transfer block size, bytes.
 * @param blocks          f_blocks: data blocks, in units of {@code fragmentSizeBytes}.
 * @param blocksFree      f_bfree: free blocks.
 * @param blocksAvailable f_bavail: free blocks available to an unprivileged user.
 * @param files           f_files: inodes.
 * @param filesFree       f_ffree: free inodes.
 * @param filesystemId    f_fsid, val[0] in the low 32 bits, val[1] in the high ones.
 * @param nameMaxBytes    f_namelen: longest file name, bytes.
 * @param fragmentSizeBytes f_frsize: fragment size, bytes.
 * @param mountFlags      f_flags: ST_ mount flags (ST_RDONLY 1, ST_NOSUID 2, ST_VALID 0x20, ...).
 */
public record FileSystemInfo(
    long filesystemType, long blockSizeBytes, long blocks, long blocksFree, long blocksAvailable, long files,
    long filesFree, long filesystemId, long nameMaxBytes, long fragmentSizeBytes, long mountFlags)
{
    /** sizeof(struct statfs) on riscv64 (and x86_64, aarch64) Linux, bytes. */
    public static final int STRUCT_BYTES = 120;

    /**
     * This record as Linux's {@code struct statfs} on a 64-bit little-endian target (asm-generic/statfs.h: f_type,
     * f_bsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree, f_fsid (two s32), f_namelen, f_frsize, f_flags,
     * f_spare[4], each 8 bytes but f_fsid's halves).
     */
    public byte[] toStruct()
    {
        final java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(STRUCT_BYTES).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong(filesystemType).putLong(blockSizeBytes).putLong(blocks).putLong(blocksFree).putLong(blocksAvailable)
            .putLong(files).putLong(filesFree).putLong(filesystemId).putLong(nameMaxBytes).putLong(fragmentSizeBytes)
            .putLong(mountFlags);
        return b.array();
    }

    /** The inverse of {@link #toStruct()} (from the host's statfs(2) buffer). */
    public static FileSystemInfo fromStruct(final byte[] struct)
    {
        final java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(struct).order(java.nio.ByteOrder.nativeOrder());
        return new FileSystemInfo(b.getLong(0), b.getLong(8), b.getLong(16), b.getLong(24), b.getLong(32),
            b.getLong(40), b.getLong(48), b.getLong(56), b.getLong(64), b.getLong(72), b.getLong(80));
    }
}
