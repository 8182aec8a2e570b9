package org.legoemu.abi.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Builders of the kernel structures riscv64 user space reads, as little-endian byte arrays ready to be copied
 * into guest memory. Layouts: include/uapi/asm-generic/stat.h ({@code struct stat}),
 * include/uapi/linux/utsname.h ({@code struct new_utsname}), include/uapi/linux/time_types.h
 * ({@code struct __kernel_timespec}), include/uapi/linux/time.h ({@code struct timeval} with 64-bit fields on
 * riscv64), include/uapi/linux/resource.h ({@code struct rlimit}).
 */
public final class LinuxStructs
{
    /** sizeof(struct stat) on riscv64 (asm-generic), bytes. */
    public static final int STAT_SIZE = 128;
    /** Length of each field of struct new_utsname, bytes including the NUL. */
    public static final int UTSNAME_FIELD = 65;
    /** sizeof(struct new_utsname), bytes: six fields. */
    public static final int UTSNAME_SIZE = 6 * UTSNAME_FIELD;
    /** sizeof(struct __kernel_timespec), bytes. */
    public static final int TIMESPEC_SIZE = 16;
    /** sizeof(struct timeval) on riscv64, bytes. */
    public static final int TIMEVAL_SIZE = 16;
    /** sizeof(struct rlimit) on riscv64, bytes. */
    public static final int RLIMIT_SIZE = 16;
    /** RLIM_INFINITY. */
    public static final long RLIM_INFINITY = -1L;

    /** File type bits of st_mode (include/uapi/linux/stat.h). */
    public static final int S_IFMT = 0170000;
    public static final int S_IFSOCK = 0140000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFIFO = 0010000;

    private LinuxStructs()
    {
    }

    /**
     * The fields of {@code struct stat}; times are seconds and nanoseconds since the epoch.
     *
     * @param dev       st_dev.
     * @param ino       st_ino.
     * @param mode      st_mode: file type ({@link #S_IFREG} etc.) and permission bits.
     * @param nlink     st_nlink.
     * @param uid       st_uid.
     * @param gid       st_gid.
     * @param rdev      st_rdev.
     * @param size      st_size, bytes.
     * @param blksize   st_blksize, bytes.
     * @param blocks    st_blocks, 512-byte units.
     * @param atimeSec  st_atime, seconds.
     * @param atimeNsec st_atime_nsec.
     * @param mtimeSec  st_mtime, seconds.
     * @param mtimeNsec st_mtime_nsec.
     * @param ctimeSec  st_ctime, seconds.
     * @param ctimeNsec st_ctime_nsec.
     */
    public record Stat(
        long dev, long ino, int mode, int nlink, int uid, int gid, long rdev, long size, int blksize,
        long blocks, long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec, long ctimeSec, long ctimeNsec)
    {
    }

    /**
     * Encodes {@code struct stat} for riscv64 (asm-generic/stat.h): st_dev u64 @0, st_ino u64 @8, st_mode u32
     * @16, st_nlink u32 @20, st_uid u32 @24, st_gid u32 @28, st_rdev u64 @32, pad @40, st_size i64 @48,
     * st_blksize i32 @56, pad @60, st_blocks i64 @64, st_atime @72, st_atime_nsec @80, st_mtime @88,
     * st_mtime_nsec @96, st_ctime @104, st_ctime_nsec @112, unused @120.
     *
     * @param st the values.
     * @return {@value #STAT_SIZE} bytes.
     */
    public static byte[] stat(final Stat st)
    {
        final ByteBuffer b = le(STAT_SIZE);
        b.putLong(0, st.dev());
        b.putLong(8, st.ino());
        b.putInt(16, st.mode());
        b.putInt(20, st.nlink());
        b.putInt(24, st.uid());
        b.putInt(28, st.gid());
        b.putLong(32, st.rdev());
        b.putLong(48, st.size());
        b.putInt(56, st.blksize());
        b.putLong(64, st.blocks());
        b.putLong(72, st.atimeSec());
        b.putLong(80, st.atimeNsec());
        b.putLong(88, st.mtimeSec());
        b.putLong(96, st.mtimeNsec());
        b.putLong(104, st.ctimeSec());
        b.putLong(112, st.ctimeNsec());
        return b.array();
    }

    /** Size of {@code struct statx}, bytes. */
    public static final int STATX_SIZE = 256;
    /** statx(2) stx_mask: every field of STATX_BASIC_STATS (type, mode, nlink, uid, gid, times, ino, size, blocks). */
    public static final int STATX_BASIC_STATS = 0x7ff;

    /**
     * Encodes {@code struct statx} (include/uapi/linux/stat.h): stx_mask u32 @0 ({@link #STATX_BASIC_STATS}),
     * stx_blksize u32 @4, stx_attributes @8, stx_nlink u32 @16, stx_uid @20, stx_gid @24, stx_mode u16 @28,
     * stx_ino @32, stx_size @40, stx_blocks @48, stx_attributes_mask @56, then statx_timestamp {i64 tv_sec, u32
     * tv_nsec, pad} stx_atime @64, stx_btime @80 (not reported), stx_ctime @96, stx_mtime @112, stx_rdev_major
     * @128, stx_rdev_minor @132, stx_dev_major @136, stx_dev_minor @140; zeros up to 256 bytes.
     *
     * @param st the values (the same as for {@link #stat(Stat)}).
     * @return {@value #STATX_SIZE} bytes.
     */
    public static byte[] statx(final Stat st)
    {
        final ByteBuffer b = le(STATX_SIZE);
        b.putInt(0, STATX_BASIC_STATS);
        b.putInt(4, st.blksize());
        b.putInt(16, st.nlink());
        b.putInt(20, st.uid());
        b.putInt(24, st.gid());
        b.putShort(28, (short)st.mode());
        b.putLong(32, st.ino());
        b.putLong(40, st.size());
        b.putLong(48, st.blocks());
        b.putLong(64, st.atimeSec());
        b.putInt(72, (int)st.atimeNsec());
        b.putLong(96, st.ctimeSec());
        b.putInt(104, (int)st.ctimeNsec());
        b.putLong(112, st.mtimeSec());
        b.putInt(120, (int)st.mtimeNsec());
        b.putInt(128, (int)(st.rdev() >>> 8));
        b.putInt(132, (int)(st.rdev() & 0xff));
        b.putInt(136, (int)(st.dev() >>> 8));
        b.putInt(140, (int)(st.dev() & 0xff));
        return b.array();
    }

    /**
     * Encodes {@code struct new_utsname}: six NUL-padded 65-byte fields; longer values are truncated to 64 bytes.
     *
     * @param sysname    e.g. {@code "Linux"}.
     * @param nodename   host name.
     * @param release    e.g. {@code "6.1.0"}.
     * @param version    e.g. {@code "#1 SMP"}.
     * @param machine    {@code "riscv64"}.
     * @param domainname e.g. {@code "(none)"}.
     * @return {@value #UTSNAME_SIZE} bytes.
     */
    public static byte[] utsname(
        final String sysname, final String nodename, final String release, final String version,
        final String machine, final String domainname)
    {
        final byte[] out = new byte[UTSNAME_SIZE];
        final String[] fields = { sysname, nodename, release, version, machine, domainname };
        for (int i = 0; i < fields.length; i++)
        {
            final byte[] utf8 = fields[i].getBytes(StandardCharsets.UTF_8);
            System.arraycopy(utf8, 0, out, i * UTSNAME_FIELD, Math.min(utf8.length, UTSNAME_FIELD - 1));
        }
        return out;
    }

    /**
     * Encodes {@code struct __kernel_timespec}.
     *
     * @param seconds     tv_sec.
     * @param nanoseconds tv_nsec, 0..999,999,999.
     * @return {@value #TIMESPEC_SIZE} bytes.
     */
    public static byte[] timespec(final long seconds, final long nanoseconds)
    {
        return pair(seconds, nanoseconds);
    }

    /**
     * Encodes {@code struct timeval} (64-bit tv_sec and tv_usec on riscv64).
     *
     * @param seconds      tv_sec.
     * @param microseconds tv_usec, 0..999,999.
     * @return {@value #TIMEVAL_SIZE} bytes.
     */
    public static byte[] timeval(final long seconds, final long microseconds)
    {
        return pair(seconds, microseconds);
    }

    /**
     * Encodes {@code struct rlimit} (also {@code struct rlimit64} for prlimit64).
     *
     * @param current rlim_cur, or {@link #RLIM_INFINITY}.
     * @param maximum rlim_max, or {@link #RLIM_INFINITY}.
     * @return {@value #RLIMIT_SIZE} bytes.
     */
    public static byte[] rlimit(final long current, final long maximum)
    {
        return pair(current, maximum);
    }

    /**
     * Decodes a little-endian 64-bit value, e.g. from a struct the guest passed in.
     *
     * @param bytes  source.
     * @param offset byte offset.
     * @return the value.
     */
    public static long getLong(final byte[] bytes, final int offset)
    {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(offset);
    }

    private static byte[] pair(final long first, final long second)
    {
        final ByteBuffer b = le(16);
        b.putLong(0, first);
        b.putLong(8, second);
        return b.array();
    }

    private static ByteBuffer le(final int size)
    {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
