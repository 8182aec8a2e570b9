package org.legoemu.pcomponent.linux;

import org.legoemu.abi.Signal;
import org.legoemu.abi.linux.Errno;
import org.legoemu.pcomponent.model.HartTimer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The children a process forked and has not waited for yet (wait(2)): running ones, and ended ones with their status
 * (zombies) until a wait4/waitid reaps them. Every process of the pComponent is in one process group here, so
 * "any child in the caller's process group" (pid 0) is any child. Thread-safe.
 */
public final class ChildProcesses
{
    /** wait4/waitid: return at once if no child has ended (wait(2)). */
    static final int WNOHANG = 1;
    /** waitid: leave the child waitable (wait(2)). */
    static final int WNOWAIT = 0x0100_0000;

    /** A child's end: its pid and status word as wait(2) encodes it. */
    public record Reaped(int pid, int waitStatus)
    {
        /** Exited normally: WIFEXITED; else killed by a signal. */
        public boolean exited()
        {
            return (waitStatus & 0x7f) == 0;
        }
    }

    /** pid to status word; null while the child runs. Insertion order: the oldest child is reaped first. */
    private final Map<Integer, Integer> children = new LinkedHashMap<>();
    /** pid of an ended child to its modeled and local-baseline end, ns: a wait ends no earlier. */
    private final Map<Integer, long[]> endTimes = new LinkedHashMap<>();

    /**
     * The status word wait(2) reports (the layout of include/uapi/linux/wait.h's macros): {@code status << 8} for
     * an exit, the signal number (with 0x80 when it dumps core: SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGABRT)
     * for a death by signal.
     */
    public static int waitStatus(final int exitStatus, final Signal signal)
    {
        if (signal == null)
        {
            return (exitStatus & 0xff) << 8;
        }
        final boolean core = signal == Signal.SIGSEGV || signal == Signal.SIGBUS || signal == Signal.SIGILL ||
            signal == Signal.SIGFPE || signal == Signal.SIGTRAP || signal == Signal.SIGABRT;
        return (signal.number() & 0x7f) | (core ? 0x80 : 0);
    }

    /** A new running child. */
    synchronized void add(final int pid)
    {
        children.put(pid, null);
    }

    /** A child ended with {@code waitStatus}; wakes the waiters. */
    public synchronized void ended(final int pid, final int waitStatus)
    {
        ended(pid, waitStatus, 0, 0);
    }

    /**
     * A child ended with {@code waitStatus} at modeled time {@code endNs} ({@code localEndNs} on the local baseline);
     * the wait that reaps it ends no earlier in modeled time. Wakes the waiters.
     */
    public synchronized void ended(final int pid, final int waitStatus, final long endNs, final long localEndNs)
    {
        if (children.containsKey(pid))
        {
            children.put(pid, waitStatus);
            endTimes.put(pid, new long[] {endNs, localEndNs});
            notifyAll();
        }
    }

    /**
     * Waits for a child to end (wait4(2), waitid(2)).
     *
     * @param pid     -1 or 0: any child; {@code > 0}: that child.
     * @param options WNOHANG, WNOWAIT.
     * @return the reaped child; null with WNOHANG when children run but none has ended.
     * @throws WaitError ECHILD when there is no such child, EINTR when the caller's process is ending.
     */
    synchronized Reaped await(final int pid, final int options)
    {
        while (true)
        {
            boolean any = false;
            for (final Map.Entry<Integer, Integer> child : children.entrySet())
            {
                if (pid > 0 && child.getKey() != pid)
                {
                    continue;
                }
                any = true;
                if (child.getValue() != null)
                {
                    final Reaped reaped = new Reaped(child.getKey(), child.getValue());
                    final long[] end = endTimes.get(child.getKey());
                    final HartTimer timer = HartTimer.current();
                    if (timer != null && end != null)
                    {
                        timer.blockUntil(end[0], end[1]);
                    }
                    if ((options & WNOWAIT) == 0)
                    {
                        children.remove(child.getKey());
                        endTimes.remove(child.getKey());
                    }
                    return reaped;
                }
            }
            if (!any)
            {
                throw new WaitError(Errno.ECHILD);
            }
            if ((options & WNOHANG) != 0)
            {
                return null;
            }
            try
            {
                TimeUnit.MILLISECONDS.timedWait(this, 100);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new WaitError(Errno.EINTR);
            }
        }
    }

    /** A wait that fails with {@link #errno()}. */
    static final class WaitError extends RuntimeException
    {
        private final int errno;

        WaitError(final int errno)
        {
            super(null, null, false, false);
            this.errno = errno;
        }

        int errno()
        {
            return errno;
        }
    }
}
