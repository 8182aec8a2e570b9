package org.legoemu.pcomponent.linux;

import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.GuestMemoryAccess;
import org.legoemu.abi.Signal;
import org.legoemu.abi.hart.HartState;
import org.legoemu.abi.linux.Errno;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.proxy.ExecImage;
import org.legoemu.fabric.proxy.StatInfo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Process creation and reaping of one guest thread: fork(2) and vfork(2) through clone(2)/clone3(2) without CLONE_VM
 * (or with CLONE_VM|CLONE_VFORK), wait4(2), waitid(2) and execve(2). The child runs on this pComponent, its address
 * space an eager copy the home mComponent makes ({@link ProcessLauncher}).
 */
final class ProcessLifeSyscalls
{
    /** Exit signal in clone's low byte: only SIGCHLD (17) or none. */
    private static final long SIGCHLD = 17;
    private static final long CLONE_VFORK = 0x4000;
    private static final long FORK_FLAGS = 0xFF | CLONE_VFORK | ThreadSyscalls.CLONE_VM | ThreadSyscalls.CLONE_SETTLS |
        ThreadSyscalls.CLONE_PARENT_SETTID | ThreadSyscalls.CLONE_CHILD_CLEARTID | ThreadSyscalls.CLONE_CHILD_SETTID;
    private static final int WEXITED = 4;
    private static final int WSTOPPED = 2;
    private static final int WCONTINUED = 8;
    /** __WNOTHREAD, __WALL, __WCLONE: accepted, meaningless without ptrace and clone children. */
    private static final int WAIT_KERNEL_BITS = 0x2000_0000 | 0x4000_0000 | 0x8000_0000;
    private static final int P_ALL = 0;
    private static final int P_PID = 1;
    private static final int P_PGID = 2;
    private static final int CLD_EXITED = 1;
    private static final int CLD_KILLED = 2;
    private static final int CLD_DUMPED = 3;
    private static final int SIGINFO_SIZE = 128;
    private static final int RUSAGE_SIZE = 144;
    /** Most argv + envp strings execve(2) accepts (MAX_ARG_STRINGS is larger; the stack limit binds first). */
    private static final int MAX_EXEC_STRINGS = 32 * 1024;
    /** Most argv + envp bytes execve(2) accepts: a quarter of the 8 MiB stack limit, as Linux (E2BIG). */
    private static final long MAX_EXEC_BYTES = 2L << 20;

    private final LinuxProcess process;
    private final GuestThread self;
    private final GuestMemory memory;
    private final GuestPaths paths;

    ProcessLifeSyscalls(final LinuxProcess process, final GuestThread self, final GuestPaths paths)
    {
        this.process = process;
        this.self = self;
        this.memory = process.memory();
        this.paths = paths;
    }

    /** Whether clone(2) {@code flags} ask for a new process (fork, vfork) rather than a thread. */
    static boolean isFork(final long flags)
    {
        return (flags & ThreadSyscalls.CLONE_VM) == 0 || (flags & CLONE_VFORK) != 0;
    }

    /**
     * fork(2) as clone(2) (riscv64 order: flags, newsp, parent_tid, tls, child_tid): the child gets a copy of the
     * caller's registers with a0 = 0, sp = {@code stack} if non-zero, tp = {@code tls} with CLONE_SETTLS. With
     * CLONE_VFORK the caller blocks until the child execs or ends; its memory is a copy even with CLONE_VM (what the
     * child writes before execve is not seen by the parent, unlike Linux). The caller's other threads are held still
     * from the write-back of its dirty lines to the end of the copy (those inside a system call finish it first).
     *
     * @return the child's pid, -EINVAL for flags other than those fork, vfork and posix_spawn use, -ENOSYS when no
     * launcher runs children, -EAGAIN/-ENOMEM when the cluster cannot place or copy the child, -EINTR when the process
     * ends while a vfork parent waits.
     */
    long fork(final HartState parent, final long flags, final long stack, final long parentTid, final long tls,
        final long childTid)
    {
        if ((flags & ~FORK_FLAGS) != 0 || ((flags & 0xFF) != 0 && (flags & 0xFF) != SIGCHLD))
        {
            return -Errno.EINVAL;
        }
        final ProcessLauncher launcher = process.launcher();
        if (launcher == null)
        {
            return -Errno.ENOSYS;
        }
        final LinuxProcess child;
        final List<GuestThread> paused = process.threads().pauseOthers(self);
        try
        {
            process.lines().writeBackAll();
            child = launcher.fork(process);
            // untouched file-mapping pages are in the file, not at the owners the home copied from
            process.lines().copyFilePagesTo(child.lines());
        }
        catch (final ProcessLauncher.Refused ex)
        {
            return -ex.errno();
        }
        finally
        {
            GuestThreads.resume(paused);
        }
        final GuestThread main = child.threads().create();
        final HartState state = main.hart();
        System.arraycopy(parent.x, 0, state.x, 0, 32);
        System.arraycopy(parent.f, 0, state.f, 0, 32);
        state.fflags = parent.fflags;
        state.frm = parent.frm;
        state.x[10] = 0;
        if (stack != 0)
        {
            state.x[2] = stack;
        }
        if ((flags & ThreadSyscalls.CLONE_SETTLS) != 0)
        {
            state.x[4] = tls;
        }
        state.pc = parent.pc + 4;
        if ((flags & ThreadSyscalls.CLONE_CHILD_SETTID) != 0)
        {
            GuestMemoryAccess.writeInt(child.memory(), childTid, child.pid());
        }
        if ((flags & ThreadSyscalls.CLONE_CHILD_CLEARTID) != 0)
        {
            main.clearChildTid(childTid);
        }
        if ((flags & ThreadSyscalls.CLONE_PARENT_SETTID) != 0)
        {
            GuestMemoryAccess.writeInt(memory, parentTid, child.pid());
        }
        process.children().add(child.pid());
        launcher.start(child, main);
        if ((flags & CLONE_VFORK) != 0)
        {
            try
            {
                child.awaitVforkDone();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return -Errno.EINTR;
            }
        }
        return child.pid();
    }

    /** clone3(2) of a process: struct clone_args read by the caller; see {@link #fork}. */
    long fork3(final HartState parent, final long flags, final long exitSignal, final long stack, final long tls,
        final long parentTid, final long childTid)
    {
        if ((flags & 0xFF) != 0 || (exitSignal != 0 && exitSignal != SIGCHLD))
        {
            return -Errno.EINVAL;
        }
        return fork(parent, flags | exitSignal, stack, parentTid, tls, childTid);
    }

    /**
     * wait4(2): waits for a child to end. pid -1, 0 or below -1: any child (every process here is in one process
     * group); pid &gt; 0: that child. Options WNOHANG (and the __W kernel bits) only; the rusage is zeroed.
     *
     * @return the child's pid; 0 with WNOHANG when none has ended; -ECHILD, -EINVAL, -EINTR.
     */
    long wait4(final long pid, final long statusAddr, final long options, final long rusageAddr)
    {
        if ((options & ~(ChildProcesses.WNOHANG | WSTOPPED | WCONTINUED | WAIT_KERNEL_BITS)) != 0)
        {
            return -Errno.EINVAL;
        }
        final ChildProcesses.Reaped reaped;
        try
        {
            reaped = process.children().await(pid > 0 ? (int)pid : -1, (int)options & ChildProcesses.WNOHANG);
        }
        catch (final ChildProcesses.WaitError ex)
        {
            return -ex.errno();
        }
        if (reaped == null)
        {
            return 0;
        }
        if (statusAddr != 0)
        {
            GuestMemoryAccess.writeInt(memory, statusAddr, reaped.waitStatus());
        }
        if (rusageAddr != 0)
        {
            GuestMemoryAccess.write(memory, rusageAddr, new byte[RUSAGE_SIZE], 0, RUSAGE_SIZE);
        }
        return reaped.pid();
    }

    /**
     * waitid(2) for P_ALL, P_PID and P_PGID (any child) with WEXITED, WNOHANG and WNOWAIT: fills the siginfo_t
     * (si_signo SIGCHLD, si_code CLD_EXITED/CLD_KILLED/CLD_DUMPED, si_pid, si_uid 0, si_status); with WNOHANG and no
     * ended child, zeroes those fields as Linux does.
     *
     * @return 0; -EINVAL without WEXITED or for another idtype; -ECHILD; -EINTR.
     */
    long waitid(final long idtype, final long id, final long infoAddr, final long options, final long rusageAddr)
    {
        final int known = ChildProcesses.WNOHANG | ChildProcesses.WNOWAIT | WEXITED | WSTOPPED | WCONTINUED |
            WAIT_KERNEL_BITS;
        if ((options & ~known) != 0 || (options & WEXITED) == 0)
        {
            return -Errno.EINVAL;
        }
        final int pid;
        if (idtype == P_ALL || idtype == P_PGID)
        {
            pid = -1;
        }
        else if (idtype == P_PID && id > 0)
        {
            pid = (int)id;
        }
        else
        {
            return -Errno.EINVAL;
        }
        final ChildProcesses.Reaped reaped;
        try
        {
            reaped = process.children().await(pid, (int)options & (ChildProcesses.WNOHANG | ChildProcesses.WNOWAIT));
        }
        catch (final ChildProcesses.WaitError ex)
        {
            return -ex.errno();
        }
        if (infoAddr != 0)
        {
            final byte[] info = new byte[SIGINFO_SIZE];
            if (reaped != null)
            {
                final int status = reaped.waitStatus();
                final int code = reaped.exited() ? CLD_EXITED : (status & 0x80) != 0 ? CLD_DUMPED : CLD_KILLED;
                putInt(info, 0, (int)SIGCHLD);
                putInt(info, 8, code);
                putInt(info, 16, reaped.pid());
                putInt(info, 24, reaped.exited() ? (status >>> 8) & 0xff : status & 0x7f);
            }
            GuestMemoryAccess.write(memory, infoAddr, info, 0, 32);
        }
        if (rusageAddr != 0)
        {
            GuestMemoryAccess.write(memory, rusageAddr, new byte[RUSAGE_SIZE], 0, RUSAGE_SIZE);
        }
        return 0;
    }

    /**
     * execve(2): replaces the process image with the static ELF at {@code pathAddr} (resolved like open(2)), argv and
     * envp read from guest memory. Checks come first, so a failure leaves the process as it was: ENOENT, EACCES (not
     * a regular file or no execute bit), ENOEXEC (not an ELF), E2BIG, EFAULT. Then every other thread ends, the
     * home loads the image (P2M_EXECVE; the old address space is freed on every owner), descriptors with FD_CLOEXEC
     * close, and the calling thread resumes at the entry point with the new stack; the pid stays. A failure past
     * that point kills the process with SIGKILL, as Linux does.
     *
     * @return 0 (the new image's a0), or -errno before the point of no return.
     */
    long execve(final HartState s, final long pathAddr, final long argvAddr, final long envpAddr)
    {
        final String path = paths.resolve(GuestPaths.AT_FDCWD, pathAddr);
        if (path == null)
        {
            return paths.lastError();
        }
        final List<String> argv = new ArrayList<>();
        final List<String> envp = new ArrayList<>();
        final long bytes = readStrings(argvAddr, argv);
        if (bytes < 0)
        {
            return bytes;
        }
        final long envBytes = readStrings(envpAddr, envp);
        if (envBytes < 0)
        {
            return envBytes;
        }
        if (bytes + envBytes > MAX_EXEC_BYTES)
        {
            return -Errno.E2BIG;
        }
        final long checked = checkExecutable(path);
        if (checked != 0)
        {
            return checked;
        }
        if (!process.threads().stopOthers(self))
        {
            return -Errno.EINTR;
        }
        process.lines().invalidate(0, GuestMemory.TASK_SIZE, false);
        final ExecImage image;
        try
        {
            image = process.home().execve(process.pid(), process.lines().pcomponentId(), path, argv, envp);
        }
        catch (final FabricException ex)
        {
            throw new RaisedSignal(Signal.SIGKILL, "execve of " + path + " failed after the old image was freed: " +
                ex.getMessage());
        }
        process.fds().closeOnExecDescriptors();
        process.execPath(path);
        process.brk(image.brk());
        self.clearChildTid(0);
        self.robustListHead(0);
        Arrays.fill(s.x, 0);
        Arrays.fill(s.f, 0);
        s.fflags = 0;
        s.frm = 0;
        s.x[2] = image.stackPointer();
        s.pc = image.entry() - 4; // the hart continues at pc + 4 after an ecall
        self.hart().flushTlb();
        process.vforkDone();
        return 0;
    }

    /** ENOENT, EACCES or ENOEXEC as execve(2) would, 0 if {@code path} is a regular, executable ELF file. */
    private long checkExecutable(final String path)
    {
        try
        {
            final StatInfo stat = process.storage().stat(path, true);
            if (!stat.isExecutableFile())
            {
                return -Errno.EACCES;
            }
            final byte[] magic = new byte[4];
            final int n = process.storage().read(path, 0, magic, 0, 4);
            if (n < 4 || magic[0] != 0x7f || magic[1] != 'E' || magic[2] != 'L' || magic[3] != 'F')
            {
                return -Errno.ENOEXEC;
            }
            return 0;
        }
        catch (final FabricException ex)
        {
            return -ex.errno();
        }
    }

    /**
     * Reads a NULL-terminated array of C strings (argv, envp); a null array is empty.
     *
     * @return the bytes they take (NULs included), or -E2BIG; a bad pointer faults (EFAULT for the caller).
     */
    private long readStrings(final long arrayAddr, final List<String> out)
    {
        if (arrayAddr == 0)
        {
            return 0;
        }
        long bytes = 0;
        for (int i = 0; ; i++)
        {
            if (i >= MAX_EXEC_STRINGS)
            {
                return -Errno.E2BIG;
            }
            final long ptr = GuestMemoryAccess.readLong(memory, arrayAddr + 8L * i);
            if (ptr == 0)
            {
                return bytes;
            }
            final String string = GuestMemoryAccess.readCString(memory, ptr, (int)MAX_EXEC_BYTES);
            if (string == null)
            {
                return -Errno.E2BIG;
            }
            bytes += string.getBytes(StandardCharsets.UTF_8).length + 1;
            if (bytes > MAX_EXEC_BYTES)
            {
                return -Errno.E2BIG;
            }
            out.add(string);
        }
    }

    private static void putInt(final byte[] dst, final int at, final int value)
    {
        dst[at] = (byte)value;
        dst[at + 1] = (byte)(value >>> 8);
        dst[at + 2] = (byte)(value >>> 16);
        dst[at + 3] = (byte)(value >>> 24);
    }
}
