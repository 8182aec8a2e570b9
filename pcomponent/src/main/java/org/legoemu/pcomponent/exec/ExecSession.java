package org.legoemu.pcomponent.exec;

import org.legoemu.fabric.DeferredReply;
import org.legoemu.pcomponent.LaunchException;
import org.legoemu.pcomponent.ProcessControl;
import org.legoemu.pcomponent.ProcessResult;

import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;

/**
 * One process run for a remote client ({@code lego exec}): its console buffers, its control, the client's pending
 * long poll, and how it ended. Fields marked "guarded" are accessed under this object's lock.
 */
final class ExecSession
{
    final int pid;
    final ConsoleBuffer output;
    final StdinPipe stdin;
    final ProcessControl control;
    volatile boolean started;
    volatile long lastContactNs;
    /** The thread running the process. */
    Thread launcher;
    /** Answered Ack(pid) once the process has started, or the launch error. */
    DeferredReply execReply;

    /** Guarded: the client's poll waiting for output, or null. */
    DeferredReply pendingPoll;
    /** Guarded: the timer task that answers it after the poll wait, or null. */
    ScheduledFuture<?> pendingTimeout;
    /** Guarded: its byte limit. */
    int pendingMaxBytes;
    /** Guarded: when it must be answered even without output, System.nanoTime(). */
    long pendingDeadlineNs;
    /** Guarded: true once the process has ended (no more output will come). */
    boolean ended;
    /** Guarded: how it ended, or null if it failed after starting ({@link #failure}). */
    ProcessResult result;
    /** Guarded: why the pComponent lost the process after it started, or null. */
    LaunchException failure;

    /**
     * @param outputBytes capacity of the console output buffer.
     * @param stdinBytes  capacity of the stdin pipe.
     * @param onOutput    told when output arrives in the empty buffer (on the guest's thread).
     * @param onStarted   told when the process has started (on its launching thread).
     */
    ExecSession(
        final int pid, final int outputBytes, final int stdinBytes, final Consumer<ExecSession> onOutput,
        final Consumer<ExecSession> onStarted)
    {
        this.pid = pid;
        this.output = new ConsoleBuffer(outputBytes, () -> onOutput.accept(this));
        this.stdin = new StdinPipe(stdinBytes);
        this.control = new ProcessControl(() ->
        {
            started = true;
            onStarted.accept(this);
        });
        this.lastContactNs = System.nanoTime();
    }

    void touch()
    {
        lastContactNs = System.nanoTime();
    }
}
