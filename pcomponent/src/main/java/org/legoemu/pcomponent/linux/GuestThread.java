package org.legoemu.pcomponent.linux;

import org.legoemu.abi.GuestFault;
import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.GuestMemoryAccess;
import org.legoemu.abi.Signal;
import org.legoemu.abi.hart.Hart;
import org.legoemu.pcomponent.excache.WriteBackException;
import org.legoemu.pcomponent.memory.ProcessMemory;
import org.legoemu.pcomponent.model.HartTimer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One thread of a guest process (a Linux task sharing its thread group's address space, files and cwd): a tid, a
 * hart, and the per-thread addresses set by clone(2) and set_tid_address(2). Runs its hart on its own Java thread
 * until the guest thread exits, the group is stopped, or the hart faults (which kills the whole group, as a fatal
 * signal does on Linux).
 */
public final class GuestThread implements Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(GuestThread.class);
    /**
     * Instructions per {@link Hart#run} call; the loop between calls checks for a stop and paces the hart. Fairly
     * short, because the hart's instret (and so its modeled clock, {@link HartTimer}) is brought up to date at the end
     * of each slice: an ExCache lookup sees the hart's modeled time at most this many instructions late (27 us at
     * 2.4 GHz). 4096 would be 1.7 us but cost about 10 % of guest MIPS (docs/performance.md, "Modeled time").
     */
    static final long RUN_SLICE_INSTRUCTIONS = 1L << 16;
    /**
     * Longest host time a hart waits between slices for the slowest other hart to advance in modeled time ({@link
     * org.legoemu.pcomponent.model.HartPacer}): a hart blocked in a way the model is not told of holds it back no
     * longer. While the slowest one advances the wait goes on, however long in host time: giving up on a hart that
     * is only descheduled (a loaded 2-core host) let the other run ahead and changed the modeled queueing.
     */
    private static final long PACE_LIMIT_NS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long PACE_PARK_NS = TimeUnit.MICROSECONDS.toNanos(20);
    /** Yields before parking: the wait is usually one miss of another hart, tens of us of host time. */
    private static final int PACE_YIELDS = 100;

    private final int tid;
    private final GuestThreads group;
    private Hart hart;
    private HartTimer timer;
    private volatile Thread runner;
    private volatile long clearChildTid;
    private long robustListHead;

    GuestThread(final int tid, final GuestThreads group)
    {
        this.tid = tid;
        this.group = group;
    }

    void hart(final Hart hart)
    {
        this.hart = hart;
    }

    void timer(final HartTimer timer)
    {
        this.timer = timer;
    }

    /** This thread's modeled clock. */
    public HartTimer timer()
    {
        return timer;
    }

    /** This thread's hart. */
    public Hart hart()
    {
        return hart;
    }

    /** The thread id (gettid(2)); the first thread's tid is the pid. */
    public int tid()
    {
        return tid;
    }

    /** The address cleared and futex-woken when this thread exits (CLONE_CHILD_CLEARTID, set_tid_address(2)). */
    void clearChildTid(final long address)
    {
        this.clearChildTid = address;
    }

    /** Head of the robust futex list (set_robust_list(2)); kept for get_robust_list, not walked at exit. */
    void robustListHead(final long head)
    {
        this.robustListHead = head;
    }

    long robustListHead()
    {
        return robustListHead;
    }

    /** Wakes the thread from a blocking system call (futex, nanosleep) so it sees a stop; not itself. */
    void interrupt()
    {
        final Thread t = runner;
        if (t != null && t != Thread.currentThread())
        {
            t.interrupt();
        }
    }

    @Override
    public void run()
    {
        runner = Thread.currentThread();
        timer.yieldRequest(hart::requestYield);
        timer.bindToCurrentThread();
        final long cpuStartNs = HartClock.cpuNs();
        try
        {
            while (!hart.exited() && !hart.stopRequested())
            {
                hart.run(RUN_SLICE_INSTRUCTIONS);
                pace();
            }
            if (hart.exited())
            {
                clearTidAndWake();
            }
        }
        catch (final GuestFault fault)
        {
            group.kill(fault.signal(), fault.withPc(hart.pc).describe());
        }
        catch (final RaisedSignal raised)
        {
            group.kill(raised.signal(), raised.getMessage());
        }
        catch (final WriteBackException ex)
        {
            if (ex.outOfMemory())
            {
                group.kill(Signal.SIGKILL, WriteBackException.outOfMemoryReason(ex.getMessage()));
            }
            else
            {
                group.kill(Signal.SIGBUS, ex.getMessage());
            }
        }
        catch (final RuntimeException | Error ex)
        {
            LOG.error("pid {} tid {}: emulator error at pc 0x{}", group.pid(), tid, Long.toHexString(hart.pc), ex);
            group.kill(Signal.SIGKILL, "emulator error at pc 0x" + Long.toHexString(hart.pc) + ": " + ex);
        }
        finally
        {
            hart.detach();
            group.process().clock().ended(timer);
            HartTimer.unbindCurrentThread();
            group.ended(this, hart.instructionsRetired(), HartClock.cpuNs() - cpuStartNs);
        }
    }

    /** Waits, holding no lock, while this hart is too far ahead of the others in modeled time (bounded). */
    private void pace()
    {
        timer.publish();
        if (timer.aheadNs() <= 0)
        {
            return;
        }
        long slowestNs = timer.slowestOtherNs();
        long giveUpNs = System.nanoTime() + PACE_LIMIT_NS;
        int spins = 0;
        while (timer.aheadNs() > 0 && !hart.stopRequested())
        {
            final long nowNs = System.nanoTime();
            final long slowest = timer.slowestOtherNs();
            if (slowest != slowestNs)
            {
                slowestNs = slowest; // the hart waited for advances: slow on the host, not stuck
                giveUpNs = nowNs + PACE_LIMIT_NS;
            }
            else if (nowNs - giveUpNs >= 0)
            {
                return;
            }
            if (++spins < PACE_YIELDS)
            {
                Thread.yield(); // the hart it waits for needs this core, on a 2-core host
            }
            else
            {
                LockSupport.parkNanos(PACE_PARK_NS);
            }
        }
    }

    /** CLONE_CHILD_CLEARTID at exit: write 0 to the tid word and wake one waiter (what pthread_join waits for). */
    private void clearTidAndWake()
    {
        final long address = clearChildTid;
        if (address == 0)
        {
            return;
        }
        try
        {
            final GuestMemory memory = group.process().memory();
            group.process().clock().processor().threadExited(group.pid(), address, timer);
            GuestMemoryAccess.writeInt(memory, address, 0);
            if (memory instanceof ProcessMemory process)
            {
                // the other harts' next read of the word misses their TLB, so the model sees the join (above)
                process.lines().shootdown(address >>> GuestMemory.PAGE_SHIFT);
            }
            group.futexes().wake(address, 1, Futexes.MATCH_ANY);
        }
        catch (final GuestFault ignored)
        {
            // Linux ignores a bad clear_child_tid address at exit as well.
        }
    }
}
