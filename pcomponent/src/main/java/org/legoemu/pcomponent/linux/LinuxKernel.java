package org.legoemu.pcomponent.linux;

import org.legoemu.abi.GuestFault;
import org.legoemu.abi.Signal;
import org.legoemu.abi.SyscallHandler;
import org.legoemu.abi.hart.HartState;
import org.legoemu.abi.linux.Errno;
import org.legoemu.abi.linux.Syscalls;
import org.legoemu.pcomponent.model.HartTimer;


/**
 * The pComponent's Linux syscall layer for one process (riscv64 calling convention: number in a7, arguments in
 * a0..a5, result or -errno in a0). Memory syscalls go to the home mComponent, file syscalls to the sComponent,
 * the rest are answered here; each call is charged in modeled time ({@link SyscallTiming}). Any other number returns -ENOSYS and is logged once per syscall with its name
 * and number.
 */
public final class LinuxKernel implements SyscallHandler
{

    private final LinuxProcess process;
    private final FileSyscalls files;
    private final MemorySyscalls vm;
    private final ProcessSyscalls proc;
    private final ThreadSyscalls threads;
    private final ProcessLifeSyscalls life;
    private final DescriptorSyscalls descriptors;
    private final DirectorySyscalls directories;
    private final SignalSyscalls signals;
    private final SocketSyscalls sockets;
    private final MetadataSyscalls metadata;

    /**
     * Whether system call {@code number} may block for as long as another thread, a peer or a timer decides: a futex
     * wait, a read or write of a pipe or the console, a sleep, a wait for a child, a poll, a signal wait, a file lock,
     * a socket or an open of a FIFO. Only these mark the hart waiting ({@link HartTimer#waiting}), so that the pacer
     * neither holds the other harts for it nor lets them run ahead of it during the others (mmap, mprotect, clone, ...):
     * a hart in pthread_create's mmap, counted as waiting, let a sibling run ahead unpaced for as long as the loaded
     * host took, and the two-thread calibration modeled 7.5-8.1 instead of 9.0 us per step. A listed call that does
     * not block costs nothing more than before; an unlisted one that takes long on the host holds the others at most
     * 10 ms at a time (GuestThread's pacing limit).
     */
    static boolean mayBlock(final long number)
    {
        return switch ((int)number)
        {
            case Syscalls.FUTEX, Syscalls.FUTEX_WAITV, Syscalls.READ, Syscalls.READV, Syscalls.PREAD64,
                Syscalls.PREADV, Syscalls.PREADV2, Syscalls.WRITE, Syscalls.WRITEV, Syscalls.PWRITE64,
                Syscalls.PWRITEV, Syscalls.PWRITEV2, Syscalls.SENDFILE, Syscalls.NANOSLEEP, Syscalls.CLOCK_NANOSLEEP,
                Syscalls.WAIT4, Syscalls.WAITID, Syscalls.PPOLL, Syscalls.PSELECT6, Syscalls.EPOLL_PWAIT,
                Syscalls.EPOLL_PWAIT2, Syscalls.RT_SIGSUSPEND, Syscalls.RT_SIGTIMEDWAIT, Syscalls.FLOCK,
                Syscalls.FCNTL, Syscalls.ACCEPT, Syscalls.ACCEPT4, Syscalls.CONNECT, Syscalls.SENDTO,
                Syscalls.RECVFROM, Syscalls.SENDMSG, Syscalls.RECVMSG, Syscalls.SENDMMSG, Syscalls.RECVMMSG,
                Syscalls.MSGRCV, Syscalls.MSGSND, Syscalls.SEMOP, Syscalls.SEMTIMEDOP, Syscalls.OPENAT,
                Syscalls.OPENAT2, Syscalls.EXECVE, Syscalls.EXECVEAT -> true;
            default -> false;
        };
    }

    /**
     * @param process the process the calling thread belongs to.
     * @param thread  the thread whose hart calls this kernel.
     */
    public LinuxKernel(final LinuxProcess process, final GuestThread thread)
    {
        this.process = process;
        final GuestPaths paths = new GuestPaths(process);
        this.files = new FileSyscalls(process, paths);
        this.descriptors = new DescriptorSyscalls(process);
        this.directories = new DirectorySyscalls(process, paths);
        this.sockets = new SocketSyscalls(process, paths);
        this.metadata = new MetadataSyscalls(process, paths);
        this.vm = new MemorySyscalls(process);
        this.proc = new ProcessSyscalls(process);
        this.signals = new SignalSyscalls(process);
        this.life = new ProcessLifeSyscalls(process, thread, paths);
        this.threads = new ThreadSyscalls(process, thread, life);
    }

    @Override
    public int ecall(final HartState s)
    {
        final int number = (int)s.x[17];
        final long a0 = s.x[10];
        final long a1 = s.x[11];
        final long a2 = s.x[12];
        final long a3 = s.x[13];
        final long a4 = s.x[14];
        final long a5 = s.x[15];
        if (number == Syscalls.EXIT)
        {
            process.threads().exitThread((int)a0 & 0xff);
            return EXIT;
        }
        if (number == Syscalls.EXIT_GROUP)
        {
            process.threads().exitGroup((int)a0 & 0xff);
            return EXIT;
        }
        final StorageFile storageFile = SyscallTiming.onDescriptor(number) &&
            process.fds().get(a0) instanceof StorageFile file ? file : null;
        final HartTimer timer = mayBlock(number) ? HartTimer.current() : null;
        if (timer != null)
        {
            timer.waiting(true); // it may block: other harts must not wait for it in modeled time
        }
        long result;
        try
        {
            result = dispatch(s, number, a0, a1, a2, a3, a4, a5);
        }
        catch (final GuestFault fault)
        {
            if (fault.signal() != Signal.SIGSEGV)
            {
                throw fault;
            }
            result = -Errno.EFAULT; // a bad pointer argument: the syscall fails, the guest lives
        }
        finally
        {
            if (timer != null)
            {
                timer.waiting(false);
            }
        }
        SyscallTiming.charge(process, number, storageFile, result);
        s.x[10] = result;
        return CONTINUE;
    }

    private long dispatch(final HartState s,
        final int number, final long a0, final long a1, final long a2, final long a3, final long a4, final long a5)
    {
        switch (number)
        {
            case Syscalls.CLONE:
                return threads.clone(s, a0, a1, a2, a3, a4);
            case Syscalls.CLONE3:
                return threads.clone3(s, a0, a1);
            case Syscalls.RISCV_FLUSH_ICACHE:
                return threads.riscvFlushIcache(a2);
            case Syscalls.FUTEX:
                return threads.futex(a0, (int)a1, (int)a2, a3, a4, (int)a5);
            case Syscalls.SET_TID_ADDRESS:
                return threads.setTidAddress(a0);
            case Syscalls.SET_ROBUST_LIST:
                return threads.setRobustList(a0, a1);
            case Syscalls.GETTID:
                return threads.tid();
            case Syscalls.SCHED_GETAFFINITY:
                return threads.schedGetaffinity(a0, a1, a2);
            case Syscalls.SCHED_SETAFFINITY:
                return threads.schedSetaffinity(a0);
            case Syscalls.SCHED_YIELD:
                return threads.schedYield();
            case Syscalls.NANOSLEEP:
                return threads.nanosleep(a0, a1);
            case Syscalls.CLOCK_NANOSLEEP:
                return threads.clockNanosleep((int)a0, (int)a1, a2, a3);
            case Syscalls.GETCWD:
                return files.getcwd(a0, a1);
            case Syscalls.IOCTL:
                return files.ioctl(a0, a1, a2);
            case Syscalls.OPENAT:
                return files.openat(a0, a1, (int)a2, (int)a3);
            case Syscalls.CLOSE:
                return files.close(a0);
            case Syscalls.LSEEK:
                return files.lseek(a0, a1, (int)a2);
            case Syscalls.READ:
                return files.read(a0, a1, a2);
            case Syscalls.WRITE:
                return files.write(a0, a1, a2);
            case Syscalls.PREAD64:
                return files.pread64(a0, a1, a2, a3);
            case Syscalls.PWRITE64:
                return files.pwrite64(a0, a1, a2, a3);
            case Syscalls.FTRUNCATE:
                return files.ftruncate(a0, a1);
            case Syscalls.FSYNC:
            case Syscalls.FDATASYNC:
                return files.fsync(a0);
            case Syscalls.SYNC_FILE_RANGE:
                return metadata.syncFileRange(a0, a1, a2, (int)a3);
            case Syscalls.FALLOCATE:
                return metadata.fallocate(a0, (int)a1, a2, a3);
            case Syscalls.STATFS:
                return metadata.statfs(a0, a1);
            case Syscalls.FSTATFS:
                return metadata.fstatfs(a0, a1);
            case Syscalls.FCHMOD:
                return metadata.fchmod(a0, (int)a1);
            case Syscalls.FCHMODAT:
                return metadata.fchmodat(a0, a1, (int)a2);
            case Syscalls.FCHOWN:
                return metadata.fchown(a0);
            case Syscalls.FCHOWNAT:
                return metadata.fchownat(a0, a1, (int)a4);
            case Syscalls.UTIMENSAT:
                return metadata.utimensat(a0, a1, a2, (int)a3);
            case Syscalls.DUP:
                return descriptors.dup(a0);
            case Syscalls.DUP3:
                return descriptors.dup3(a0, a1, (int)a2);
            case Syscalls.FCNTL:
                return descriptors.fcntl(a0, (int)a1, a2);
            case Syscalls.MKDIRAT:
                return directories.mkdirat(a0, a1, (int)a2);
            case Syscalls.UNLINKAT:
                return directories.unlinkat(a0, a1, (int)a2);
            case Syscalls.RENAMEAT:
                return directories.renameat2(a0, a1, a2, a3, 0);
            case Syscalls.RENAMEAT2:
                return directories.renameat2(a0, a1, a2, a3, (int)a4);
            case Syscalls.FACCESSAT:
                return directories.faccessat2(a0, a1, (int)a2, 0);
            case Syscalls.FACCESSAT2:
                return directories.faccessat2(a0, a1, (int)a2, (int)a3);
            case Syscalls.PIPE2:
                return descriptors.pipe2(a0, (int)a1);
            case Syscalls.FLOCK:
                return descriptors.flock(a0, (int)a1);
            case Syscalls.SOCKET:
                return sockets.socket((int)a0, (int)a1, (int)a2);
            case Syscalls.SOCKETPAIR:
                return sockets.socketpair((int)a0, (int)a1, (int)a2, a3);
            case Syscalls.CONNECT:
                return sockets.connect(a0, a1, a2);
            case Syscalls.SENDTO:
                return sockets.isSocket(a0, a3, a4) ? files.write(a0, a1, a2) : sockets.lastError();
            case Syscalls.RECVFROM:
                return sockets.isSocket(a0, a3, a4) ? files.read(a0, a1, a2) : sockets.lastError();
            case Syscalls.CHDIR:
                return directories.chdir(a0);
            case Syscalls.FCHDIR:
                return directories.fchdir(a0);
            case Syscalls.CLOCK_GETRES:
                return proc.clockGetres((int)a0, a1);
            case Syscalls.TIMES:
                return proc.times(a0);
            case Syscalls.GETRUSAGE:
                return proc.getrusage((int)a0, a1);
            case Syscalls.GETPGID:
            case Syscalls.GETSID:
            case Syscalls.SETSID:
                return process.pid(); // the guest leads its own session and process group
            case Syscalls.GETDENTS64:
                return directories.getdents64(a0, a1, a2);
            case Syscalls.READV:
                return files.readv(a0, a1, a2);
            case Syscalls.WRITEV:
                return files.writev(a0, a1, a2);
            case Syscalls.READLINKAT:
                return files.readlinkat(a0, a1, a2, a3);
            case Syscalls.NEWFSTATAT:
                return files.newfstatat(a0, a1, a2, (int)a3);
            case Syscalls.STATX:
                return files.statx(a0, a1, (int)a2, (int)a3, a4);
            case Syscalls.FSTAT:
                return files.fstat(a0, a1);
            case Syscalls.BRK:
                return vm.brk(a0);
            case Syscalls.MMAP:
                return vm.mmap(a0, a1, (int)a2, (int)a3, a4, a5);
            case Syscalls.MUNMAP:
                return vm.munmap(a0, a1);
            case Syscalls.MREMAP:
                return vm.mremap(a0, a1, a2, (int)a3, a4);
            case Syscalls.MADVISE:
                return vm.madvise(a0, a1, (int)a2);
            case Syscalls.MPROTECT:
                return vm.mprotect(a0, a1, (int)a2);
            case Syscalls.GETPID:
                return process.pid();
            case Syscalls.GETPPID:
                return process.ppid();
            case Syscalls.WAIT4:
                return life.wait4(a0, a1, a2, a3);
            case Syscalls.WAITID:
                return life.waitid(a0, a1, a2, a3, a4);
            case Syscalls.EXECVE:
                return life.execve(s, a0, a1, a2);
            case Syscalls.GETUID:
            case Syscalls.GETEUID:
            case Syscalls.GETGID:
            case Syscalls.GETEGID:
                return 0;
            case Syscalls.UNAME:
                return proc.uname(a0);
            case Syscalls.CLOCK_GETTIME:
                return proc.clockGettime((int)a0, a1);
            case Syscalls.GETTIMEOFDAY:
                return proc.gettimeofday(a0);
            case Syscalls.PRLIMIT64:
                return proc.prlimit64(a0, (int)a1, a2, a3);
            case Syscalls.SYSINFO:
                return proc.sysinfo(a0);
            case Syscalls.GETRANDOM:
                return proc.getrandom(a0, a1);
            case Syscalls.RT_SIGACTION:
                return signals.rtSigaction(a0, a1, a2, a3);
            case Syscalls.RT_SIGPROCMASK:
                return signals.rtSigprocmask(a0, a1, a2, a3);
            case Syscalls.TGKILL:
                return a0 == process.pid() && process.threads().isLive((int)a1) ?
                    proc.killSelf(a0, (int)a2) : -Errno.ESRCH;
            case Syscalls.KILL:
                return proc.killSelf(a0, (int)a1);
            default:
                Unsupported.report(process.pid(), "syscall " + Syscalls.name(number) + " (" + number + ")", "-ENOSYS");
                return -Errno.ENOSYS;
        }
    }
}
