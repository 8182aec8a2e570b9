package org.legoemu.emulator.daemon;

import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.Transport;
import org.legoemu.fabric.netty.NettyTransport;
import org.legoemu.emulator.ExitCodes;
import org.legoemu.emulator.LogLines;
import org.legoemu.emulator.SignalTraps;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * Runs one monitor in the foreground until SIGINT/SIGTERM (or {@link #stop()}), then closes it, which leaves the
 * cluster cleanly (X2G_DEREGISTER) and stops serving; a daemon stopped that way exits 0. Other ways the JVM ends
 * (SIGHUP, System.exit) still close the monitor, through a shutdown hook.
 */
public final class Daemon
{
    private static final long SHUTDOWN_WAIT_MS = 5_000;

    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);

    /** Asks a running {@link #run} to close its monitor and return. */
    public void stop()
    {
        stopped.countDown();
    }

    /** On SIGINT/SIGTERM: lets the daemon leave the cluster before the JVM exits (at most 5 s). */
    private void stopAndWait()
    {
        stop();
        try
        {
            closed.await(SHUTDOWN_WAIT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Starts a monitor on a Netty TCP transport and blocks until stopped.
     *
     * @param kind      e.g. "mcomponent", for messages.
     * @param transport the monitor's transport (with the cluster secret); closed when this returns.
     * @param starter builds and starts the monitor on the given transport; returns it and the endpoint it bound.
     * @param out     where the bound address is printed, one line: {@code lego KIND listening on HOST:PORT}.
     * @param err     where a start failure is reported, one line.
     * @return 0 after a clean stop, {@link ExitCodes#INTERNAL_ERROR} if the monitor could not start.
     */
    public int run(
        final String kind,
        final NettyTransport transport,
        final Function<Transport, Started> starter,
        final PrintWriter out,
        final PrintWriter err)
    {
        LogLines.component(kind);
        final Started started;
        try
        {
            started = starter.apply(transport);
        }
        catch (final FabricException | IllegalArgumentException | IllegalStateException ex)
        {
            err.println("lego " + kind + ": cannot start: " + ex.getMessage());
            err.flush();
            transport.close();
            return ExitCodes.INTERNAL_ERROR;
        }
        if (started.componentId() >= 0)
        {
            LogLines.component(kind + "-" + started.componentId());
        }
        out.println("lego " + kind + " listening on " + started.endpoint());
        out.flush();
        final Thread hook = new Thread(this::stopAndWait, "lego-" + kind + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        // SIGINT/SIGTERM stop the daemon, which then exits 0; a second one while it stops halts the JVM
        final SignalTraps signals = SignalTraps.install(2, signal -> stop(), "INT", "TERM");
        try
        {
            stopped.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        try
        {
            started.monitor().close();
        }
        catch (final Exception ex)
        {
            LoggerFactory.getLogger(Daemon.class).warn("{} did not stop cleanly: {}", kind, ex.toString());
        }
        transport.close();
        signals.close();
        closed.countDown();
        try
        {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (final IllegalStateException ignored)
        {
            // the JVM is already shutting down because of a signal: the hook is what called stop()
        }
        return 0;
    }

    /**
     * A started monitor.
     *
     * @param monitor     closed when the daemon stops.
     * @param endpoint    where it serves.
     * @param componentId the id the GMM gave it, or -1 (the GMM itself).
     */
    public record Started(AutoCloseable monitor, Endpoint endpoint, int componentId)
    {
        /** A monitor without a component id (the GMM). */
        public Started(final AutoCloseable monitor, final Endpoint endpoint)
        {
            this(monitor, endpoint, -1);
        }
    }
}
