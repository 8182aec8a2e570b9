package org.legoemu.pcomponent.linux;

import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.GuestMemoryAccess;
import org.legoemu.abi.linux.Errno;

/**
 * rt_sigaction(2) and rt_sigprocmask(2). LegoEmu delivers no asynchronous signals to a guest (a fatal signal ends the
 * process; handlers are never run), so these calls change nothing, but they check their arguments as Linux
 * kernel/signal.c does, so a program sees the same errors: EINVAL for a {@code sigsetsize} other than 8 bytes, a
 * signal number outside 1..64, an action for SIGKILL or SIGSTOP, or an unknown {@code how}; EFAULT for an unreadable
 * {@code act} or {@code set} or an unwritable {@code oldact} or {@code oldset} (read or written before anything else
 * changes). {@code oldact} reads as SIG_DFL with no flags and an empty mask, {@code oldset} as an empty set.
 */
final class SignalSyscalls
{
    /** Bytes of the kernel's sigset_t on riscv64 (64 signals). */
    static final int SIGSET_BYTES = 8;
    /** Bytes of the kernel's struct sigaction on riscv64: sa_handler, sa_flags, sa_mask (no sa_restorer). */
    static final int SIGACTION_BYTES = 24;
    private static final int SIGKILL = 9;
    private static final int SIGSTOP = 19;
    private static final int SIG_SETMASK = 2;

    private final GuestMemory memory;

    SignalSyscalls(final LinuxProcess process)
    {
        this.memory = process.memory();
    }

    /** rt_sigaction(2); a bad pointer faults, which the kernel turns into EFAULT. */
    long rtSigaction(final long sig, final long actAddr, final long oldactAddr, final long sigsetsize)
    {
        if (sigsetsize != SIGSET_BYTES || sig < 1 || sig > 64 || (actAddr != 0 && (sig == SIGKILL || sig == SIGSTOP)))
        {
            return -Errno.EINVAL;
        }
        if (actAddr != 0)
        {
            GuestMemoryAccess.read(memory, actAddr, new byte[SIGACTION_BYTES], 0, SIGACTION_BYTES);
        }
        if (oldactAddr != 0)
        {
            GuestMemoryAccess.write(memory, oldactAddr, new byte[SIGACTION_BYTES], 0, SIGACTION_BYTES);
        }
        return 0;
    }

    /** rt_sigprocmask(2); a bad pointer faults, which the kernel turns into EFAULT. */
    long rtSigprocmask(final long how, final long setAddr, final long oldsetAddr, final long sigsetsize)
    {
        if (sigsetsize != SIGSET_BYTES)
        {
            return -Errno.EINVAL;
        }
        if (setAddr != 0)
        {
            if (how < 0 || how > SIG_SETMASK)
            {
                return -Errno.EINVAL;
            }
            GuestMemoryAccess.read(memory, setAddr, new byte[SIGSET_BYTES], 0, SIGSET_BYTES);
        }
        if (oldsetAddr != 0)
        {
            GuestMemoryAccess.write(memory, oldsetAddr, new byte[SIGSET_BYTES], 0, SIGSET_BYTES);
        }
        return 0;
    }
}
