package org.legoemu.emulator;

import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Catches POSIX signals (SIGINT, SIGTERM, ...) sent to this JVM and hands them to a handler instead of their
 * default action (ending the JVM with status 128+N), until {@link #close()} puts the previous handlers back. If
 * signals keep coming (the handler's work hangs), the N-th one ends the JVM at once with status 128+signal.
 * Uses the JDK's sun.misc.Signal (module jdk.unsupported); where a signal cannot be caught, it keeps its default
 * action.
 */
public final class SignalTraps implements AutoCloseable
{
    /** A handler replaced by this class. */
    private record Replaced(sun.misc.Signal signal, sun.misc.SignalHandler handler)
    {
    }

    private final List<Replaced> previous = new ArrayList<>();
    private volatile boolean closed;

    private SignalTraps()
    {
    }

    /**
     * @param haltAfter the signal count (over all the names) at which the JVM halts instead of calling the handler.
     * @param handler   gets the Linux signal number, on a JDK signal thread.
     * @param names     signal names without "SIG", e.g. "INT", "TERM".
     */
    public static SignalTraps install(final int haltAfter, final IntConsumer handler, final String... names)
    {
        final SignalTraps traps = new SignalTraps();
        final AtomicInteger received = new AtomicInteger();
        for (final String name : names)
        {
            try
            {
                final sun.misc.Signal signal = new sun.misc.Signal(name);
                final sun.misc.SignalHandler old = sun.misc.Signal.handle(signal, s ->
                {
                    if (traps.closed)
                    {
                        // closed traps restored by a later close (several traps in one JVM, tests): default action
                        Runtime.getRuntime().exit(128 + s.getNumber());
                    }
                    if (received.incrementAndGet() >= haltAfter)
                    {
                        Runtime.getRuntime().halt(128 + s.getNumber());
                    }
                    handler.accept(s.getNumber());
                });
                traps.previous.add(new Replaced(signal, old));
            }
            catch (final IllegalArgumentException | LinkageError ex)
            {
                LoggerFactory.getLogger(SignalTraps.class).debug("cannot catch SIG{}: {}", name, ex.toString());
            }
        }
        return traps;
    }

    /** Gives the signals their previous handlers back. */
    @Override
    public void close()
    {
        closed = true;
        for (final Replaced entry : previous)
        {
            sun.misc.Signal.handle(entry.signal(), entry.handler());
        }
    }
}
