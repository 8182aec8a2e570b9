package org.legoemu.emulator.client;

import org.legoemu.abi.Signal;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * While {@code lego exec} runs, SIGINT (Ctrl-C) and SIGTERM sent to it are forwarded to the remote guest instead of
 * ending the JVM, so that the guest's exit status (130, 143) is still collected and returned. A third signal ends
 * the client at once (status 130), in case the pComponent no longer answers. Uses the JDK's sun.misc.Signal
 * (module jdk.unsupported); where it is missing, signals keep their default action.
 */
final class ExitSignals
{
    private static final int GIVE_UP_AFTER = 3;

    /** A handler replaced by this class. */
    private record Replaced(sun.misc.Signal signal, sun.misc.SignalHandler handler)
    {
    }

    private final List<Replaced> previous = new ArrayList<>();

    private ExitSignals()
    {
    }

    /** Starts forwarding SIGINT and SIGTERM to {@code remote}. */
    static ExitSignals forward(final RemoteConsole remote)
    {
        final ExitSignals signals = new ExitSignals();
        final AtomicInteger received = new AtomicInteger();
        for (final Signal signal : new Signal[] {Signal.SIGINT, Signal.SIGTERM})
        {
            try
            {
                final sun.misc.Signal jdkSignal = new sun.misc.Signal(signal.name().substring(3));
                final sun.misc.SignalHandler old = sun.misc.Signal.handle(jdkSignal, s ->
                {
                    if (received.incrementAndGet() >= GIVE_UP_AFTER)
                    {
                        Runtime.getRuntime().halt(signal.shellExitStatus());
                    }
                    remote.kill(signal);
                });
                signals.previous.add(new Replaced(jdkSignal, old));
            }
            catch (final IllegalArgumentException | LinkageError ex)
            {
                LoggerFactory.getLogger(ExitSignals.class).debug("cannot forward {}: {}", signal, ex.toString());
            }
        }
        return signals;
    }

    /** Gives the signals their previous handlers back. */
    void restore()
    {
        for (final Replaced entry : previous)
        {
            sun.misc.Signal.handle(entry.signal(), entry.handler());
        }
    }
}
