package org.legoemu.emulator.client;

import org.legoemu.abi.Signal;

import java.util.function.IntConsumer;

/**
 * Hands the signals {@code lego exec} receives (SIGINT, SIGTERM) to its guest. Installed before the process is
 * placed: a signal that arrives before the guest has started is kept (the first one) and delivered as soon as it
 * has, so no Ctrl-C is lost between placement and start.
 */
final class SignalRelay implements IntConsumer
{
    private RemoteConsole target;
    private int pendingSignal;

    /** Called on a JDK signal thread with the Linux signal number. */
    @Override
    public synchronized void accept(final int signal)
    {
        if (target == null)
        {
            if (pendingSignal == 0)
            {
                pendingSignal = signal;
            }
            return;
        }
        target.kill(Signal.of(signal));
    }

    /** The guest has started: delivers a signal kept so far, and every later one. */
    synchronized void attach(final RemoteConsole console)
    {
        target = console;
        if (pendingSignal != 0)
        {
            console.kill(Signal.of(pendingSignal));
        }
    }
}
