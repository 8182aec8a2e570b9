package org.legoemu.emulator.client;

import org.legoemu.abi.Signal;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.proxy.ConsoleSink;
import org.legoemu.fabric.proxy.ProcessExit;
import org.legoemu.fabric.proxy.ProcessorProxy;
import org.legoemu.pcomponent.linux.Console;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/**
 * The client's end of a process started with C2P_EXEC: long-polls its output onto the local stdout and stderr,
 * forwards the local stdin (a thread of its own), and forwards kill requests (Ctrl-C), until the process has ended
 * (docs/architecture.md, "The exec protocol"). A local stdout that breaks (a closed pipe) sends the guest SIGPIPE.
 */
public final class RemoteConsole
{
    /** Output bytes asked per poll. */
    public static final int POLL_BYTES = 256 * 1024;
    /** Stdin bytes sent per C2P_STDIN. */
    public static final int STDIN_CHUNK_BYTES = 32 * 1024;
    private static final long STDIN_RETRY_MS = 10;
    private static final long CALL_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    private static final Logger LOG = LoggerFactory.getLogger(RemoteConsole.class);

    private final int pid;
    private final Console console;
    private final ProcessorProxy pollProxy;
    private final ProcessorProxy stdinProxy;
    private final ProcessorProxy killProxy;
    private volatile boolean ended;
    private volatile boolean outputBroken;

    /**
     * @param pComponent connected to the pComponent running the process.
     * @param pid        the process.
     * @param console    the local stdin, stdout and stderr.
     */
    public RemoteConsole(final Client pComponent, final int pid, final Console console)
    {
        this.pid = pid;
        this.console = console;
        this.pollProxy = new ProcessorProxy(pComponent, CALL_TIMEOUT_NS);
        this.stdinProxy = new ProcessorProxy(pComponent, CALL_TIMEOUT_NS);
        this.killProxy = new ProcessorProxy(pComponent, CALL_TIMEOUT_NS);
    }

    /**
     * Streams the console until the process ends.
     *
     * @return how it ended.
     * @throws FabricException if the pComponent stops answering or has lost the process.
     */
    public ProcessExit run()
    {
        final Thread stdin = new Thread(this::forwardStdin, "lego-exec-stdin");
        stdin.setDaemon(true);
        stdin.start();
        final ConsoleSink sink = this::write;
        try
        {
            while (true)
            {
                final ProcessExit exit = pollProxy.poll(pid, POLL_BYTES, sink);
                if (exit != null)
                {
                    return exit;
                }
            }
        }
        finally
        {
            ended = true;
            stdin.interrupt();
        }
    }

    /**
     * Sends the process a fatal signal (C2P_KILL); failures are logged, not thrown (the process may have ended).
     */
    public void kill(final Signal signal)
    {
        try
        {
            killProxy.kill(pid, signal.number());
        }
        catch (final FabricException ex)
        {
            LOG.debug("pid {}: kill {} not delivered: {}", pid, signal, ex.getMessage());
        }
    }

    private void write(final int fd, final byte[] bytes, final int offset, final int length)
    {
        if (outputBroken)
        {
            return;
        }
        final OutputStream out = fd == 2 ? console.stderr() : console.stdout();
        try
        {
            out.write(bytes, offset, length);
            out.flush();
        }
        catch (final IOException ex)
        {
            outputBroken = true;
            LOG.debug("pid {}: local output broken ({}); sending SIGPIPE", pid, ex.getMessage());
            kill(Signal.SIGPIPE);
        }
    }

    private void forwardStdin()
    {
        final byte[] buffer = new byte[STDIN_CHUNK_BYTES];
        try
        {
            while (!ended)
            {
                final int n = console.stdin().read(buffer, 0, buffer.length);
                if (n < 0)
                {
                    stdinProxy.closeStdin(pid);
                    return;
                }
                int sent = 0;
                while (sent < n && !ended)
                {
                    final int accepted = stdinProxy.stdin(pid, buffer, sent, n - sent);
                    sent += accepted;
                    if (accepted == 0)
                    {
                        Thread.sleep(STDIN_RETRY_MS);
                    }
                }
            }
        }
        catch (final IOException | FabricException ex)
        {
            if (!ended)
            {
                LOG.debug("pid {}: stdin forwarding stopped: {}", pid, ex.getMessage());
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
