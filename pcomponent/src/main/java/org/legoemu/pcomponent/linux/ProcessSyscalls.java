package org.legoemu.pcomponent.linux;

import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.GuestMemoryAccess;
import org.legoemu.abi.Signal;
import org.legoemu.abi.linux.Errno;
import org.legoemu.abi.linux.LinuxStructs;
import org.legoemu.pcomponent.model.GuestClock;
import org.legoemu.pcomponent.model.HartTimer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;

/**
 * Process, identity, time and resource syscalls: getpid(2) and friends, uname(2), clock_gettime(2),
 * clock_getres(2), nanosleep(2), clock_nanosleep(2), gettimeofday(2), times(2), getrusage(2), prlimit64(2),
 * sysinfo(2), getrandom(2), sched_yield(2), sched_getaffinity(2) (one CPU: the hart), and the minimal signal
 * calls abort(3) needs. With the modeled guest clock ({@link GuestClock#MODELED}) every clock reads the calling hart's
 * modeled time (CLOCK_REALTIME from the epoch time the process started at), so a program that times itself measures
 * the modeled hardware.
 */
final class ProcessSyscalls
{
    private static final int RLIMIT_STACK = 3;
    private static final int RLIMIT_NOFILE = 7;
    private static final long STACK_LIMIT_BYTES = 8L << 20;
    private static final int SYSINFO_SIZE = 112;
    private static final int RUSAGE_SIZE = 144;
    private static final int TMS_SIZE = 32;
    private static final long CLOCK_TICKS_PER_SECOND = 100;
    private static final int TIMER_ABSTIME = 1;
    private static final long NS_PER_SECOND = 1_000_000_000L;

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

    /** The calling hart's modeled time since its process's origin, ns, or -1 when the guest reads the host's clocks. */
    private long modeledNowNs()
    {
        final HartTimer timer = HartTimer.current();
        return process.clock().guestClock() == GuestClock.MODELED && timer != null ?
            timer.nowNs() - process.clock().originNs() : -1;
    }

    /** Host time since the process started or, with the modeled guest clock, the hart's modeled time, ns. */
    private long elapsedNs()
    {
        final long modeledNs = modeledNowNs();
        return modeledNs >= 0 ? modeledNs : System.nanoTime() - startNs;
    }

    /** Ns since the epoch: the host's CLOCK_REALTIME, or the process's start plus its modeled time. */
    private long realtimeNs()
    {
        final long modeledNs = modeledNowNs();
        if (modeledNs >= 0)
        {
            return process.clock().realtimeBaseNs() + modeledNs;
        }
        final java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * NS_PER_SECOND + now.getNano();
    }

    long clockGettime(final int clockId, final long tpAddr)
    {
        final long nowNs = clockNowNs(clockId);
        if (nowNs == Long.MIN_VALUE)
        {
            return -Errno.EINVAL;
        }
        if (tpAddr != 0)
        {
            final byte[] ts = LinuxStructs.timespec(
                Math.floorDiv(nowNs, NS_PER_SECOND), Math.floorMod(nowNs, NS_PER_SECOND));
            GuestMemoryAccess.write(memory, tpAddr, ts, 0, ts.length);
        }
        return 0;
    }

    /** The time of clock {@code clockId} (clock_gettime(2) ids), ns; Long.MIN_VALUE for an unknown clock. */
    private long clockNowNs(final int clockId)
    {
        switch (clockId)
        {
            case 0: // CLOCK_REALTIME
            case 5: // CLOCK_REALTIME_COARSE
            case 8: // CLOCK_REALTIME_ALARM
            case 11: // CLOCK_TAI
                return realtimeNs();
            case 1: // CLOCK_MONOTONIC
            case 4: // CLOCK_MONOTONIC_RAW
            case 6: // CLOCK_MONOTONIC_COARSE
            case 7: // CLOCK_BOOTTIME
            case 9: // CLOCK_BOOTTIME_ALARM
            {
                final long modeledNs = modeledNowNs();
                return modeledNs >= 0 ? modeledNs : System.nanoTime();
            }
            case 2: // CLOCK_PROCESS_CPUTIME_ID
            case 3: // CLOCK_THREAD_CPUTIME_ID
                return elapsedNs();
            default:
                return Long.MIN_VALUE;
        }
    }

    /** clock_getres(2): 1 ns for every clock clock_gettime knows; EINVAL otherwise. */
    long clockGetres(final int clockId, final long resAddr)
    {
        if (clockNowNs(clockId) == Long.MIN_VALUE)
        {
            return -Errno.EINVAL;
        }
        if (resAddr != 0)
        {
            final byte[] ts = LinuxStructs.timespec(0, 1);
            GuestMemoryAccess.write(memory, resAddr, ts, 0, ts.length);
        }
        return 0;
    }

    /** times(2): the process's CPU time as user time, in clock ticks of 1/100 s; returns ticks since start. */
    long times(final long bufAddr)
    {
        final long ticks = elapsedNs() / (NS_PER_SECOND / CLOCK_TICKS_PER_SECOND);
        if (bufAddr != 0)
        {
            final ByteBuffer b = ByteBuffer.allocate(TMS_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(0, ticks);
            GuestMemoryAccess.write(memory, bufAddr, b.array(), 0, TMS_SIZE);
        }
        return ticks;
    }

    /** getrusage(2) for RUSAGE_SELF (0), RUSAGE_CHILDREN (-1), RUSAGE_THREAD (1): user time so far, rest 0. */
    long getrusage(final int who, final long usageAddr)
    {
        if (who != 0 && who != -1 && who != 1)
        {
            return -Errno.EINVAL;
        }
        final ByteBuffer b = ByteBuffer.allocate(RUSAGE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        if (who != -1)
        {
            final long elapsedUs = elapsedNs() / 1000;
            b.putLong(0, elapsedUs / 1_000_000L).putLong(8, elapsedUs % 1_000_000L);
        }
        GuestMemoryAccess.write(memory, usageAddr, b.array(), 0, RUSAGE_SIZE);
        return 0;
    }

    long gettimeofday(final long tvAddr)
    {
        if (tvAddr != 0)
        {
            final long nowNs = realtimeNs();
            final byte[] tv = LinuxStructs.timeval(nowNs / NS_PER_SECOND, nowNs % NS_PER_SECOND / 1000);
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
        final ByteBuffer b = ByteBuffer.allocate(SYSINFO_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, elapsedNs() / NS_PER_SECOND);
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
