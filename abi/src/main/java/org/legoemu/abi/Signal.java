package org.legoemu.abi;

/**
 * Linux signal numbers (asm-generic/signal.h, which riscv64 uses) whose default action terminates the process:
 * the ones guest faults and self-raised signals are reported with.
 */
public enum Signal
{
    SIGHUP(1), SIGINT(2), SIGQUIT(3), SIGILL(4), SIGTRAP(5), SIGABRT(6), SIGBUS(7), SIGFPE(8), SIGKILL(9),
    SIGUSR1(10), SIGSEGV(11), SIGUSR2(12), SIGPIPE(13), SIGALRM(14), SIGTERM(15);

    private final int number;

    Signal(final int number)
    {
        this.number = number;
    }

    /** The Linux signal number. */
    public int number()
    {
        return number;
    }

    /** The signal with Linux number {@code number}, or null if it is not one of these. */
    public static Signal of(final int number)
    {
        for (final Signal s : values())
        {
            if (s.number == number)
            {
                return s;
            }
        }
        return null;
    }

    /** The exit status a POSIX shell shows for a process killed by this signal: 128 + number. */
    public int shellExitStatus()
    {
        return 128 + number;
    }
}
