package org.legoemu.pcomponent.linux;

import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.GuestMemoryAccess;
import org.legoemu.abi.hart.HartState;
import org.legoemu.abi.linux.Errno;
import org.legoemu.abi.linux.LinuxStructs;
import org.legoemu.pcomponent.model.GuestClock;
import org.legoemu.pcomponent.model.HartTimer;
import org.legoemu.pcomponent.model.TimeBucket;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Thread, futex, scheduling and sleep syscalls of one guest thread: clone(2) and clone3(2) for threads (the flags
 * glibc's pthread_create uses), futex(2), set_tid_address(2), set_robust_list(2), sched_getaffinity(2),
 * sched_setaffinity(2), sched_yield(2), nanosleep(2) and clock_nanosleep(2).
 */
final class ThreadSyscalls
{
    private static final long NS_PER_SECOND = 1_000_000_000L;
    static final long CLONE_VM = 0x100;
    static final long CLONE_FS = 0x200;
    static final long CLONE_FILES = 0x400;
    static final long CLONE_SIGHAND = 0x800;
    static final long CLONE_THREAD = 0x10000;
    static final long CLONE_SYSVSEM = 0x40000;
    static final long CLONE_SETTLS = 0x80000;
    static final long CLONE_PARENT_SETTID = 0x100000;
    static final long CLONE_CHILD_CLEARTID = 0x200000;
    static final long CLONE_DETACHED = 0x400000;
    static final long CLONE_CHILD_SETTID = 0x1000000;
    private static final long THREAD_FLAGS = CLONE_VM | CLONE_SIGHAND | CLONE_THREAD;
    private static final long SUPPORTED_FLAGS = THREAD_FLAGS | CLONE_FS | CLONE_FILES | CLONE_SYSVSEM | CLONE_SETTLS |
        CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_DETACHED | CLONE_CHILD_SETTID;
    /** CLONE_ARGS_SIZE_VER0: the smallest struct clone_args clone3(2) accepts, in bytes. */
    private static final int CLONE_ARGS_SIZE_VER0 = 64;

    static final int FUTEX_WAIT = 0;
    static final int FUTEX_WAKE = 1;
    static final int FUTEX_REQUEUE = 3;
    static final int FUTEX_CMP_REQUEUE = 4;
    static final int FUTEX_WAIT_BITSET = 9;
    static final int FUTEX_WAKE_BITSET = 10;
    static final int FUTEX_PRIVATE_FLAG = 128;
    static final int FUTEX_CLOCK_REALTIME = 256;
    /** sizeof(struct robust_list_head) on riscv64. */
    private static final int ROBUST_LIST_HEAD_SIZE = 24;
    private static final int TIMER_ABSTIME = 1;
    private static final int CLOCK_REALTIME = 0;
    private static final int CLOCK_MONOTONIC = 1;

    private final LinuxProcess process;
    private final GuestThread self;
    private final GuestMemory memory;
    private final ProcessLifeSyscalls life;

    ThreadSyscalls(final LinuxProcess process, final GuestThread self, final ProcessLifeSyscalls life)
    {
        this.process = process;
        this.self = self;
        this.memory = process.memory();
        this.life = life;
    }

    int tid()
    {
        return self.tid();
    }

    /**
     * clone(2) (riscv64 argument order: flags, newsp, parent_tid, tls, child_tid). A thread needs CLONE_VM |
     * CLONE_SIGHAND | CLONE_THREAD; without CLONE_VM, or with CLONE_VFORK, it is a new process
     * ({@link ProcessLifeSyscalls#fork}).
     *
     * @return the new thread's tid (or child's pid), or -EINVAL for an inconsistent or unknown flag, -EAGAIN if the
     * process is exiting.
     */
    long clone(final HartState parent, final long flags, final long stack, final long parentTid, final long tls,
        final long childTid)
    {
        if (ProcessLifeSyscalls.isFork(flags))
        {
            return life.fork(parent, flags, stack, parentTid, tls, childTid);
        }
        if ((flags & THREAD_FLAGS) != THREAD_FLAGS)
        {
            return -Errno.EINVAL;
        }
        if ((flags & ~SUPPORTED_FLAGS & ~0xFFL) != 0)
        {
            return -Errno.EINVAL;
        }
        final GuestThreads group = process.threads();
        final GuestThread child = group.create();
        final HartState state = child.hart();
        System.arraycopy(parent.x, 0, state.x, 0, 32);
        System.arraycopy(parent.f, 0, state.f, 0, 32);
        state.fflags = parent.fflags;
        state.frm = parent.frm;
        state.x[10] = 0;
        if (stack != 0)
        {
            state.x[2] = stack;
        }
        if ((flags & CLONE_SETTLS) != 0)
        {
            state.x[4] = tls;
        }
        state.pc = parent.pc + 4;
        if ((flags & CLONE_PARENT_SETTID) != 0)
        {
            GuestMemoryAccess.writeInt(memory, parentTid, child.tid());
        }
        if ((flags & CLONE_CHILD_SETTID) != 0)
        {
            GuestMemoryAccess.writeInt(memory, childTid, child.tid());
        }
        if ((flags & CLONE_CHILD_CLEARTID) != 0)
        {
            child.clearChildTid(childTid);
        }
        return group.start(child) ? child.tid() : -Errno.EAGAIN;
    }

    /** clone3(2): reads struct clone_args and clones as {@link #clone}; the child's sp is stack + stack_size. */
    long clone3(final HartState parent, final long argsAddr, final long size)
    {
        if (size < CLONE_ARGS_SIZE_VER0 || size > 4096)
        {
            return -Errno.EINVAL;
        }
        final long flags = GuestMemoryAccess.readLong(memory, argsAddr);
        final long childTid = GuestMemoryAccess.readLong(memory, argsAddr + 16);
        final long parentTid = GuestMemoryAccess.readLong(memory, argsAddr + 24);
        final long exitSignal = GuestMemoryAccess.readLong(memory, argsAddr + 32);
        final long stack = GuestMemoryAccess.readLong(memory, argsAddr + 40);
        final long stackSize = GuestMemoryAccess.readLong(memory, argsAddr + 48);
        final long tls = GuestMemoryAccess.readLong(memory, argsAddr + 56);
        if (ProcessLifeSyscalls.isFork(flags))
        {
            return life.fork3(parent, flags, exitSignal, stack == 0 ? 0 : stack + stackSize, tls, parentTid, childTid);
        }
        if ((flags & 0xFFL) != 0 || (exitSignal != 0 && (flags & CLONE_THREAD) != 0))
        {
            return -Errno.EINVAL; // clone3 takes the exit signal in its own field, and threads have none
        }
        return clone(parent, flags, stack == 0 ? 0 : stack + stackSize, parentTid, tls, childTid);
    }

    /** futex(2): futex(uaddr, op, val, timeout or val2, uaddr2, val3). */
    long futex(final long uaddr, final int op, final int val, final long timeoutOrVal2, final long uaddr2,
        final int val3)
    {
        final int cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
        final Futexes futexes = process.threads().futexes();
        switch (cmd)
        {
            case FUTEX_WAIT:
            case FUTEX_WAIT_BITSET:
            {
                final long deadlineNs;
                final long timeoutNs;
                if (timeoutOrVal2 == 0)
                {
                    deadlineNs = Long.MAX_VALUE;
                    timeoutNs = 0;
                }
                else
                {
                    final long ns = readTimespecNs(timeoutOrVal2);
                    if (ns < 0)
                    {
                        return -Errno.EINVAL;
                    }
                    timeoutNs = cmd == FUTEX_WAIT ? ns :
                        untilNs((op & FUTEX_CLOCK_REALTIME) != 0 ? CLOCK_REALTIME : CLOCK_MONOTONIC, ns);
                    deadlineNs = System.nanoTime() + timeoutNs;
                }
                final int result =
                    futexes.await(uaddr, val, cmd == FUTEX_WAIT ? Futexes.MATCH_ANY : val3, deadlineNs);
                if (result == -Errno.ETIMEDOUT)
                {
                    sleptInModel(timeoutNs);
                }
                return result;
            }
            case FUTEX_WAKE:
                return futexes.wake(uaddr, val, Futexes.MATCH_ANY);
            case FUTEX_WAKE_BITSET:
                return futexes.wake(uaddr, val, val3);
            case FUTEX_REQUEUE:
                return futexes.requeue(uaddr, val, (int)timeoutOrVal2, uaddr2, false, 0);
            case FUTEX_CMP_REQUEUE:
                return futexes.requeue(uaddr, val, (int)timeoutOrVal2, uaddr2, true, val3);
            default:
                return -Errno.ENOSYS;
        }
    }

    /**
     * riscv_flush_icache(start, end, flags) (arch/riscv/kernel/sys_riscv.c): makes code written by any thread
     * visible to every thread. Only flag SYS_RISCV_FLUSH_ICACHE_LOCAL (1) is defined.
     *
     * @return 0, or -EINVAL for unknown flags.
     */
    long riscvFlushIcache(final long flags)
    {
        if ((flags & ~1L) != 0)
        {
            return -Errno.EINVAL;
        }
        process.threads().flushInstructionCaches();
        return 0;
    }

    /** set_tid_address(2): remembers the clear-child-tid address; returns the caller's tid. */
    long setTidAddress(final long address)
    {
        self.clearChildTid(address);
        return self.tid();
    }

    /** set_robust_list(2): {@code length} must be sizeof(struct robust_list_head). */
    long setRobustList(final long head, final long length)
    {
        if (length != ROBUST_LIST_HEAD_SIZE)
        {
            return -Errno.EINVAL;
        }
        self.robustListHead(head);
        return 0;
    }

    /**
     * sched_getaffinity(2): every host processor is in the mask (each guest thread runs on its own host thread).
     *
     * @return the size of the mask written in bytes (a multiple of 8), or -EINVAL if {@code length} is too small.
     */
    long schedGetaffinity(final long pid, final long length, final long maskAddr)
    {
        if (pid != 0 && !process.threads().isLive((int)pid))
        {
            return -Errno.ESRCH;
        }
        final int cpus = Runtime.getRuntime().availableProcessors();
        final int bytes = ((cpus + 63) / 64) * 8;
        if (length < bytes)
        {
            return -Errno.EINVAL;
        }
        final byte[] mask = new byte[bytes];
        for (int cpu = 0; cpu < cpus; cpu++)
        {
            mask[cpu / 8] |= (byte)(1 << (cpu % 8));
        }
        GuestMemoryAccess.write(memory, maskAddr, mask, 0, bytes);
        return bytes;
    }

    /** sched_setaffinity(2): accepted and ignored for the process's own threads. */
    long schedSetaffinity(final long pid)
    {
        return pid == 0 || process.threads().isLive((int)pid) ? 0 : -Errno.ESRCH;
    }

    long schedYield()
    {
        Thread.yield();
        return 0;
    }

    /**
     * nanosleep(2). On interruption (the process is ending) returns -EINTR and writes the remainder. The hart's modeled
     * clock advances by the duration; with the modeled guest clock the host does not wait.
     */
    long nanosleep(final long reqAddr, final long remAddr)
    {
        final long ns = readTimespecNs(reqAddr);
        if (ns < 0)
        {
            return -Errno.EINVAL;
        }
        return sleepFor(ns, remAddr);
    }

    /** Sleeps {@code ns}: in modeled time always, on the host unless the guest reads the modeled clock. */
    private long sleepFor(final long ns, final long remAddr)
    {
        sleptInModel(ns);
        if (process.clock().guestClock() == GuestClock.MODELED)
        {
            Thread.yield();
            return Thread.currentThread().isInterrupted() ? -Errno.EINTR : 0;
        }
        return sleepUntil(System.nanoTime() + ns, remAddr);
    }

    /** The calling hart was blocked for {@code ns} (a sleep or a timeout) in modeled and local-baseline time. */
    private void sleptInModel(final long ns)
    {
        final HartTimer timer = self.timer();
        if (timer != null && ns > 0)
        {
            timer.charge(TimeBucket.BLOCKED, ns, ns);
        }
    }

    /**
     * How long from now until absolute time {@code absoluteNs} of {@code clockId}, ns (0 if past): on the calling
     * hart's modeled clock with the modeled guest clock (what the guest read from clock_gettime), on the host's
     * otherwise.
     */
    private long untilNs(final int clockId, final long absoluteNs)
    {
        final HartTimer timer = self.timer();
        if (process.clock().guestClock() == GuestClock.MODELED && timer != null)
        {
            final long nowNs = timer.nowNs() - process.clock().originNs() +
                (clockId == CLOCK_REALTIME ? process.clock().realtimeBaseNs() : 0);
            return Math.max(0, absoluteNs - nowNs);
        }
        return Math.max(0, absoluteToNanoTime(clockId, absoluteNs) - System.nanoTime());
    }

    /** clock_nanosleep(2) for CLOCK_REALTIME and CLOCK_MONOTONIC, relative or TIMER_ABSTIME; returns -errno. */
    long clockNanosleep(final int clockId, final int flags, final long reqAddr, final long remAddr)
    {
        if (clockId != CLOCK_REALTIME && clockId != CLOCK_MONOTONIC)
        {
            return -Errno.EINVAL;
        }
        final long ns = readTimespecNs(reqAddr);
        if (ns < 0)
        {
            return -Errno.EINVAL;
        }
        if ((flags & TIMER_ABSTIME) != 0)
        {
            return sleepFor(untilNs(clockId, ns), 0);
        }
        return sleepFor(ns, remAddr);
    }

    private long sleepUntil(final long deadlineNs, final long remAddr)
    {
        while (true)
        {
            final long leftNs = deadlineNs - System.nanoTime();
            if (leftNs <= 0)
            {
                return 0;
            }
            if (Thread.interrupted())
            {
                Thread.currentThread().interrupt();
                if (remAddr != 0)
                {
                    final byte[] ts = LinuxStructs.timespec(leftNs / NS_PER_SECOND, leftNs % NS_PER_SECOND);
                    GuestMemoryAccess.write(memory, remAddr, ts, 0, ts.length);
                }
                return -Errno.EINTR;
            }
            LockSupport.parkNanos(Math.min(leftNs, TimeUnit.MILLISECONDS.toNanos(100)));
        }
    }

    /** A struct timespec in ns, or -1 if it is not a valid duration (negative or tv_nsec out of range). */
    private long readTimespecNs(final long address)
    {
        final long seconds = GuestMemoryAccess.readLong(memory, address);
        final long nanos = GuestMemoryAccess.readLong(memory, address + 8);
        if (seconds < 0 || nanos < 0 || nanos >= 1_000_000_000L)
        {
            return -1;
        }
        return seconds > Long.MAX_VALUE / 1_000_000_000L - 1 ? Long.MAX_VALUE / 2 : seconds * 1_000_000_000L + nanos;
    }

    /** Converts an absolute time on {@code clockId} (ns since its epoch) to a {@link System#nanoTime()} deadline. */
    private static long absoluteToNanoTime(final int clockId, final long absoluteNs)
    {
        if (clockId == CLOCK_MONOTONIC)
        {
            return absoluteNs; // CLOCK_MONOTONIC is System.nanoTime() here (see ProcessSyscalls.clockGettime)
        }
        final java.time.Instant now = java.time.Instant.now();
        final long realtimeNs = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        return System.nanoTime() + (absoluteNs - realtimeNs);
    }
}
