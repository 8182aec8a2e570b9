package org.legoemu.pcomponent.linux;

import org.legoemu.abi.GuestFault;
import org.legoemu.abi.GuestMemoryAccess;
import org.legoemu.abi.Signal;
import org.legoemu.abi.hart.Hart;
import org.legoemu.pcomponent.excache.WriteBackException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread of a guest process (a Linux task sharing its thread group's address space, files and cwd): a tid, a
 * hart, and the per-thread addresses set by clone(2) and set_tid_address(2). Runs its hart on its own Java thread
 * until the guest thread exits, the group is stopped, or the hart faults (which kills the whole group, as a fatal
 * signal does on Linux).
 */
public final class GuestThread implements Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(GuestThread.class);
    /** Instructions per {@link Hart#run} call; the loop between calls checks for a stop. */
    static final long RUN_SLICE_INSTRUCTIONS = 1L << 22;

    private final int tid;
    private final GuestThreads group;
    private Hart hart;
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
        final long cpuStartNs = HartClock.cpuNs();
        try
        {
            while (!hart.exited() && !hart.stopRequested())
            {
                hart.run(RUN_SLICE_INSTRUCTIONS);
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
            group.ended(this, hart.instructionsRetired(), HartClock.cpuNs() - cpuStartNs);
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
            GuestMemoryAccess.writeInt(group.process().memory(), address, 0);
            group.futexes().wake(address, 1, Futexes.MATCH_ANY);
        }
        catch (final GuestFault ignored)
        {
            // Linux ignores a bad clear_child_tid address at exit as well.
        }
    }
}
