package org.legoemu.pcomponent.linux;

import org.legoemu.abi.Signal;
import org.legoemu.abi.hart.Hart;
import org.legoemu.pcomponent.model.GuestClock;
import org.legoemu.pcomponent.model.HartThread;
import org.legoemu.pcomponent.model.HartTimer;
import org.legoemu.pcomponent.model.ModeledCounters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The thread group of one guest process on this pComponent (all threads of a process run on the pComponent it was
 * placed on and share its ExCache, as in LegoOS §4.2). Creates threads for clone(2), ends the group on exit_group(2)
 * or a fatal signal, and tells the launcher how the process ended once its last thread is gone.
 */
public final class GuestThreads
{
    private final LinuxProcess process;
    private final Futexes futexes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition allEnded = lock.newCondition();
    private final List<GuestThread> live = new ArrayList<>();
    private int nextTid;
    private int started;
    private long instructions;
    private long cpuNs;
    private Signal fatalSignal;
    private String fatalDescription;
    private boolean groupExiting;

    /** How the process ended. */
    public record Outcome(Signal signal, String description, long instructions, long hartCpuNs, int threads)
    {
    }

    GuestThreads(final LinuxProcess process)
    {
        this.process = process;
        this.futexes = new Futexes(process.memory());
        this.nextTid = process.pid();
    }

    LinuxProcess process()
    {
        return process;
    }

    int pid()
    {
        return process.pid();
    }

    /** The process's futex queues. */
    public Futexes futexes()
    {
        return futexes;
    }

    /**
     * Creates a thread whose hart runs this process's Linux syscalls; the first one created gets tid = pid.
     * Its registers are all zero; the caller sets them before {@link #start}.
     */
    public GuestThread create()
    {
        final int tid;
        lock.lock();
        try
        {
            tid = nextTid++;
        }
        finally
        {
            lock.unlock();
        }
        final GuestThread thread = new GuestThread(tid, this);
        final Hart hart = new Hart(process.memory(), new LinuxKernel(process, thread));
        thread.hart(hart);
        final HartTimer timer = process.clock().newTimer(hart::instructionsRetired);
        timer.registerWithPacer();
        thread.timer(timer);
        if (process.clock().guestClock() == GuestClock.MODELED)
        {
            hart.counters(new ModeledCounters(timer)); // rdtime and rdcycle read what clock_gettime reads
        }
        return thread;
    }

    /**
     * Starts {@code thread} on a new Java thread, unless the group is already ending.
     *
     * @return false if the group is ending (the thread was not started).
     */
    public boolean start(final GuestThread thread)
    {
        lock.lock();
        try
        {
            if (groupExiting)
            {
                thread.hart().detach();
                if (thread.timer() != null)
                {
                    thread.timer().deregisterFromPacer();
                }
                return false;
            }
            live.add(thread);
            started++;
        }
        finally
        {
            lock.unlock();
        }
        final Thread java = new HartThread(thread, "guest-" + process.pid() + "-" + thread.tid());
        java.setDaemon(true);
        java.start();
        return true;
    }

    /** exit_group(2): records the status and stops every thread. */
    void exitGroup(final int status)
    {
        lock.lock();
        try
        {
            if (!groupExiting)
            {
                process.exitStatus(status);
            }
            stopAllLocked();
        }
        finally
        {
            lock.unlock();
        }
    }

    /** _exit(2) of one thread: its status becomes the process's if it is the last thread to go. */
    void exitThread(final int status)
    {
        lock.lock();
        try
        {
            if (!groupExiting)
            {
                process.exitStatus(status);
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * A fatal signal (a fault, or kill(2) from outside the process): the first one decides how the process ended;
     * every thread is stopped and interrupted.
     *
     * @param description one line for the user, e.g. "SIGSEGV: address 0x10 pc 0x10486".
     */
    public void kill(final Signal signal, final String description)
    {
        lock.lock();
        try
        {
            if (fatalSignal == null && !groupExiting)
            {
                fatalSignal = signal;
                fatalDescription = description;
            }
            stopAllLocked();
        }
        finally
        {
            lock.unlock();
        }
    }

    private void stopAllLocked()
    {
        groupExiting = true;
        for (final GuestThread thread : live)
        {
            thread.hart().requestStop();
        }
        for (final GuestThread thread : live)
        {
            thread.interrupt();
        }
    }

    void ended(final GuestThread thread, final long retired, final long threadCpuNs)
    {
        lock.lock();
        try
        {
            live.remove(thread);
            instructions += retired;
            cpuNs += threadCpuNs;
            if (live.isEmpty())
            {
                groupExiting = true;
            }
            allEnded.signalAll();
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * riscv_flush_icache(2): every thread's hart drops its decoded instructions (and TLB), as fence.i on every
     * hart of the process would. Waits for each running hart to reach a safepoint.
     */
    void flushInstructionCaches()
    {
        final List<GuestThread> threads;
        lock.lock();
        try
        {
            threads = new ArrayList<>(live);
        }
        finally
        {
            lock.unlock();
        }
        for (final GuestThread thread : threads)
        {
            thread.hart().flushTlb();
        }
    }

    /**
     * execve(2) ("All threads other than the calling thread are destroyed"): stops every other thread and waits until
     * each has ended.
     *
     * @return false if the group is ending meanwhile (a fatal signal, exit_group) or the caller is interrupted.
     */
    boolean stopOthers(final GuestThread self)
    {
        lock.lock();
        try
        {
            for (final GuestThread thread : live)
            {
                if (thread != self)
                {
                    thread.hart().requestStop();
                    thread.interrupt();
                }
            }
            while (live.size() > 1)
            {
                if (groupExiting)
                {
                    return false;
                }
                allEnded.await();
            }
            return !groupExiting;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * fork(2): holds every thread but {@code self} still ({@link org.legoemu.abi.hart.Hart#pause}) so that the copy
     * sees one moment of the address space. A thread inside a system call runs on until that call returns.
     *
     * @return the held threads, for {@link #resume}.
     */
    List<GuestThread> pauseOthers(final GuestThread self)
    {
        final List<GuestThread> others = new ArrayList<>();
        lock.lock();
        try
        {
            for (final GuestThread thread : live)
            {
                if (thread != self)
                {
                    others.add(thread);
                }
            }
        }
        finally
        {
            lock.unlock();
        }
        for (final GuestThread thread : others)
        {
            thread.hart().pause();
        }
        return others;
    }

    /** Lets the threads {@link #pauseOthers} held run on. */
    static void resume(final List<GuestThread> paused)
    {
        for (final GuestThread thread : paused)
        {
            thread.hart().resume();
        }
    }

    /** Whether {@code tid} is a live thread of this process. */
    boolean isLive(final int tid)
    {
        lock.lock();
        try
        {
            for (final GuestThread thread : live)
            {
                if (thread.tid() == tid)
                {
                    return true;
                }
            }
            return false;
        }
        finally
        {
            lock.unlock();
        }
    }

    /** Number of live threads. */
    public int liveThreads()
    {
        lock.lock();
        try
        {
            return live.size();
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Waits until every started thread has ended.
     *
     * @throws InterruptedException if the caller is interrupted; the group is then stopped.
     */
    public Outcome await() throws InterruptedException
    {
        lock.lock();
        try
        {
            while (!live.isEmpty())
            {
                try
                {
                    allEnded.await();
                }
                catch (final InterruptedException ex)
                {
                    stopAllLocked();
                    throw ex;
                }
            }
            return new Outcome(fatalSignal, fatalDescription, instructions, cpuNs, started);
        }
        finally
        {
            lock.unlock();
        }
    }
}
