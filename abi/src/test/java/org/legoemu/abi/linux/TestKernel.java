package org.legoemu.abi.linux;

import org.legoemu.abi.FlatGuestMemory;
import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.SyscallHandler;
import org.legoemu.abi.hart.HartState;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The smallest Linux a static glibc program needs to start, print and exit, over a {@link FlatGuestMemory}.
 * Unknown calls return -ENOSYS and are recorded.
 */
public final class TestKernel implements SyscallHandler
{
    private static final long MMAP_TOP = 0x20_0000_0000L;
    private static final int MAP_FIXED = 0x10;
    private static final int MAP_ANONYMOUS = 0x20;

    private final FlatGuestMemory memory;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final List<String> unknown = new ArrayList<>();
    private final long initialBrk;
    private long brk;
    private long mmapNext = MMAP_TOP;
    private int exitStatus = -1;
    private long randomCounter = 0x1234;

    public TestKernel(final FlatGuestMemory memory, final long initialBrk)
    {
        this.memory = memory;
        this.initialBrk = initialBrk;
        this.brk = initialBrk;
    }

    public String stdout()
    {
        return stdout.toString(StandardCharsets.UTF_8);
    }

    public String stderr()
    {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    public int exitStatus()
    {
        return exitStatus;
    }

    public List<String> unknownCalls()
    {
        return unknown;
    }

    @Override
    public int ecall(final HartState s)
    {
        final int nr = (int)s.x[17];
        final long a0 = s.x[10];
        final long a1 = s.x[11];
        final long a2 = s.x[12];
        final long a3 = s.x[13];
        long result;
        switch (nr)
        {
            case Syscalls.EXIT:
            case Syscalls.EXIT_GROUP:
                exitStatus = (int)a0 & 0xFF;
                return EXIT;
            case Syscalls.WRITE:
                result = write((int)a0, a1, (int)a2);
                break;
            case Syscalls.WRITEV:
            {
                result = 0;
                for (int i = 0; i < (int)a2; i++)
                {
                    final long base = memory.readLong(a1 + 16L * i);
                    final long len = memory.readLong(a1 + 16L * i + 8);
                    final long n = write((int)a0, base, (int)len);
                    if (n < 0)
                    {
                        result = n;
                        break;
                    }
                    result += n;
                }
                break;
            }
            case Syscalls.BRK:
                result = brk(a0);
                break;
            case Syscalls.MMAP:
                result = mmap(a0, a1, (int)a2, (int)a3, (int)s.x[14]);
                break;
            case Syscalls.MUNMAP:
                memory.unmap(a0 & -GuestMemory.PAGE_SIZE, pageUp(a1));
                result = 0;
                break;
            case Syscalls.MPROTECT:
                memory.protect(a0, pageUp(a1), (int)a2 & 7);
                result = 0;
                break;
            case Syscalls.SET_TID_ADDRESS:
            case Syscalls.GETPID:
            case Syscalls.GETTID:
                result = 1;
                break;
            case Syscalls.SET_ROBUST_LIST:
            case Syscalls.GETUID:
            case Syscalls.GETEUID:
            case Syscalls.GETGID:
            case Syscalls.GETEGID:
            case Syscalls.RT_SIGPROCMASK:
            case Syscalls.RT_SIGACTION:
                result = 0;
                break;
            case Syscalls.PRLIMIT64:
                if (a3 != 0)
                {
                    final byte[] rl = (int)a1 == 3 ?
                        LinuxStructs.rlimit(8L << 20, LinuxStructs.RLIM_INFINITY) :
                        LinuxStructs.rlimit(LinuxStructs.RLIM_INFINITY, LinuxStructs.RLIM_INFINITY);
                    memory.write(a3, rl, 0, rl.length);
                }
                result = 0;
                break;
            case Syscalls.GETRANDOM:
            {
                final byte[] bytes = new byte[(int)a1];
                for (int i = 0; i < bytes.length; i++)
                {
                    randomCounter = randomCounter * 6364136223846793005L + 1442695040888963407L;
                    bytes[i] = (byte)(randomCounter >>> 56);
                }
                memory.write(a0, bytes, 0, bytes.length);
                result = a1;
                break;
            }
            case Syscalls.UNAME:
            {
                final byte[] uts = LinuxStructs.utsname("Linux", "legoemu", "6.1.0", "#1 SMP", "riscv64", "(none)");
                memory.write(a0, uts, 0, uts.length);
                result = 0;
                break;
            }
            case Syscalls.IOCTL:
                result = -Errno.ENOTTY;
                break;
            case Syscalls.RSEQ:
            case Syscalls.READLINKAT:
            default:
                if (nr != Syscalls.RSEQ && nr != Syscalls.READLINKAT)
                {
                    unknown.add(Syscalls.name(nr));
                }
                result = -Errno.ENOSYS;
                break;
        }
        s.x[10] = result;
        return CONTINUE;
    }

    private long write(final int fd, final long buf, final int len)
    {
        if (fd != 1 && fd != 2)
        {
            return -Errno.EBADF;
        }
        final byte[] bytes = memory.read(buf, len);
        (fd == 1 ? stdout : stderr).write(bytes, 0, bytes.length);
        return len;
    }

    private long brk(final long requested)
    {
        if (requested < initialBrk)
        {
            return brk;
        }
        final long mappedEnd = pageUp(brk);
        final long newEnd = pageUp(requested);
        if (newEnd > mappedEnd)
        {
            memory.map(mappedEnd, newEnd - mappedEnd, GuestMemory.ACCESS_READ | GuestMemory.ACCESS_WRITE);
        }
        brk = requested;
        return brk;
    }

    private long mmap(final long addr, final long length, final int prot, final int flags, final int fd)
    {
        if ((flags & MAP_ANONYMOUS) == 0 || fd != -1 && fd != 0 && (flags & MAP_ANONYMOUS) == 0)
        {
            return -Errno.ENODEV;
        }
        final long len = pageUp(length);
        if (len == 0)
        {
            return -Errno.EINVAL;
        }
        final long at;
        if ((flags & MAP_FIXED) != 0)
        {
            at = addr;
        }
        else
        {
            mmapNext -= len;
            at = mmapNext;
        }
        memory.map(at, len, prot & 7);
        return at;
    }

    private static long pageUp(final long value)
    {
        return (value + GuestMemory.PAGE_SIZE - 1) & -GuestMemory.PAGE_SIZE;
    }
}
