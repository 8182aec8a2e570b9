package org.legoemu.pcomponent;

import org.legoemu.abi.Signal;
import org.legoemu.pcomponent.linux.GuestThreads;

/**
 * A handle on a launched process for other threads: learn when it has started (its ELF loaded by the home, its first
 * thread about to run) and deliver a fatal signal to it, as kill(2) would (the default action of SIGINT, SIGTERM,
 * SIGKILL: terminate, signal(7)). A signal sent before the process has started is delivered as it starts.
 */
public final class ProcessControl
{
    private final Runnable onStarted;
    private GuestThreads threads;
    private Signal pendingSignal;
    private String pendingDescription;

    /**
     * @param onStarted run once, on the launching thread, when the process has started.
     */
    public ProcessControl(final Runnable onStarted)
    {
        this.onStarted = onStarted;
    }

    /** A control nobody uses. */
    public static ProcessControl none()
    {
        return new ProcessControl(() ->
        {
        });
    }

    /** Called by the monitor once execve has succeeded, before the first thread starts. */
    void attach(final GuestThreads started)
    {
        final Signal signal;
        final String description;
        synchronized (this)
        {
            threads = started;
            signal = pendingSignal;
            description = pendingDescription;
        }
        if (signal != null)
        {
            started.kill(signal, description);
        }
        onStarted.run();
    }

    /**
     * Ends the process with {@code signal}: every thread stops, blocked system calls are interrupted, and the
     * process's result names the signal. Only the first fatal signal counts.
     *
     * @param description one line for the user, e.g. "SIGINT: interrupted by the exec client".
     */
    public void kill(final Signal signal, final String description)
    {
        final GuestThreads target;
        synchronized (this)
        {
            if (threads == null)
            {
                if (pendingSignal == null)
                {
                    pendingSignal = signal;
                    pendingDescription = description;
                }
                return;
            }
            target = threads;
        }
        target.kill(signal, description);
    }
}
