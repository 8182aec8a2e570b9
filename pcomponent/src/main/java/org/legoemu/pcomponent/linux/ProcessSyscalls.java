package org.legoemu.pcomponent.linux;

import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.GuestMemoryAccess;
import org.legoemu.abi.Signal;
import org.legoemu.abi.linux.Errno;
import org.legoemu.abi.linux.LinuxStructs;

import java.security.SecureRandom;

/**
 * Process, identity, time and resource syscalls: getpid(2) and friends, uname(2), clock_gettime(2),
 * gettimeofday(2), prlimit64(2), sysinfo(2), getrandom(2), and the minimal signal calls abort(3) needs.
 */
final class ProcessSyscalls
{
    private static final int RLIMIT_STACK = 3;
    private static final int RLIMIT_NOFILE = 7;
    private static final long STACK_LIMIT_BYTES = 8L << 20;
    private static final int SYSINFO_SIZE = 112;

    private final LinuxProcess process;
    private final GuestMemory memory;
    private final SecureRandom random = new SecureRandom();
    private final long startNs = System.nanoTime();

    ProcessSyscalls(final LinuxProcess process)
    {
        this.process = process;
        this.memory = process.memory();
    }

    long uname(final long bufAddr)
    {
        final byte[] uts = LinuxStructs.utsname("Linux", "legoemu", "6.1.0-legoemu", "#1 SMP LegoEmu", "riscv64", "(none)");
        GuestMemoryAccess.write(memory, bufAddr, uts, 0, uts.length);
        return 0;
    }

    long clockGettime(final int clockId, final long tpAddr)
    {
        final long nowNs;
        switch (clockId)
        {
            case 0: // CLOCK_REALTIME
            case 5: // CLOCK_REALTIME_COARSE
            case 8: // CLOCK_REALTIME_ALARM
            case 11: // CLOCK_TAI
                final java.time.Instant now = java.time.Instant.now();
                nowNs = now.getEpochSecond() * 1_000_000_000L + now.getNano();
                break;
            case 1: // CLOCK_MONOTONIC
            case 4: // CLOCK_MONOTONIC_RAW
            case 6: // CLOCK_MONOTONIC_COARSE
            case 7: // CLOCK_BOOTTIME
            case 9: // CLOCK_BOOTTIME_ALARM
                nowNs = System.nanoTime();
                break;
            case 2: // CLOCK_PROCESS_CPUTIME_ID
            case 3: // CLOCK_THREAD_CPUTIME_ID
                nowNs = System.nanoTime() - startNs;
                break;
            default:
                return -Errno.EINVAL;
        }
        if (tpAddr != 0)
        {
            final byte[] ts = LinuxStructs.timespec(Math.floorDiv(nowNs, 1_000_000_000L), Math.floorMod(nowNs, 1_000_000_000L));
            GuestMemoryAccess.write(memory, tpAddr, ts, 0, ts.length);
        }
        return 0;
    }

    long gettimeofday(final long tvAddr)
    {
        if (tvAddr != 0)
        {
            final java.time.Instant now = java.time.Instant.now();
            final byte[] tv = LinuxStructs.timeval(now.getEpochSecond(), now.getNano() / 1000);
            GuestMemoryAccess.write(memory, tvAddr, tv, 0, tv.length);
        }
        return 0;
    }

    long prlimit64(final long pid, final int resource, final long newAddr, final long oldAddr)
    {
        if (pid != 0 && pid != process.pid())
        {
            return -Errno.ESRCH;
        }
        if (resource < 0 || resource > 15)
        {
            return -Errno.EINVAL;
        }
        if (oldAddr != 0)
        {
            final byte[] limit;
            if (resource == RLIMIT_STACK)
            {
                limit = LinuxStructs.rlimit(STACK_LIMIT_BYTES, LinuxStructs.RLIM_INFINITY);
            }
            else if (resource == RLIMIT_NOFILE)
            {
                limit = LinuxStructs.rlimit(FdTable.MAX_FDS, FdTable.MAX_FDS);
            }
            else
            {
                limit = LinuxStructs.rlimit(LinuxStructs.RLIM_INFINITY, LinuxStructs.RLIM_INFINITY);
            }
            GuestMemoryAccess.write(memory, oldAddr, limit, 0, limit.length);
        }
        return 0;
    }

    /** struct sysinfo for riscv64 (include/uapi/linux/sysinfo.h); memory figures in bytes (mem_unit 1). */
    long sysinfo(final long infoAddr)
    {
        final java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(SYSINFO_SIZE).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, (System.nanoTime() - startNs) / 1_000_000_000L);
        b.putLong(32, process.memoryBytes());
        b.putLong(40, process.memoryBytes());
        b.putShort(80, (short)1);
        b.putInt(104, 1);
        GuestMemoryAccess.write(memory, infoAddr, b.array(), 0, SYSINFO_SIZE);
        return 0;
    }

    long getrandom(final long bufAddr, final long length)
    {
        if (length < 0)
        {
            return -Errno.EINVAL;
        }
        final int n = (int)Math.min(length, 1 << 25);
        final byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        GuestMemoryAccess.write(memory, bufAddr, bytes, 0, n);
        return n;
    }

    /**
     * tgkill(2)/kill(2) aimed at the process itself: no handlers are delivered yet, so a signal whose default
     * action terminates kills the guest, reported as a death by that signal. Others are ignored.
     */
    long killSelf(final long targetPid, final int signal)
    {
        if (targetPid != process.pid())
        {
            return -Errno.ESRCH;
        }
        if (signal == 0)
        {
            return 0;
        }
        final Signal s = Signal.of(signal);
        if (s != null)
        {
            throw new RaisedSignal(s);
        }
        return 0;
    }
}
