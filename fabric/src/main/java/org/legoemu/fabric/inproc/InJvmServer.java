package org.legoemu.fabric.inproc;

import java.util.ArrayList;
import java.util.List;

import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.RequestHandler;
import org.legoemu.fabric.Server;
import org.legoemu.fabric.transport.DispatchLoop;

/**
 * An in-JVM server: its connections queue copied requests into one {@link DispatchLoop}, or, when the handler
 * {@linkplain RequestHandler#runsOnCallerThread() allows it}, run the handler on the calling thread ({@link CallerRuns}).
 */
final class InJvmServer implements Server
{
    private final InJvmTransport transport;
    private final Endpoint endpoint;
    private final String name;
    private final DispatchLoop dispatchLoop;
    private final CallerRuns callerRuns;
    private final List<InJvmConnection> connections = new ArrayList<>();
    private boolean closed;

    InJvmServer(
        final InJvmTransport transport,
        final Endpoint endpoint,
        final String name,
        final RequestHandler handler,
        final int dispatchQueueCapacity)
    {
        this.transport = transport;
        this.endpoint = endpoint;
        this.name = name;
        this.dispatchLoop = new DispatchLoop(name, handler, dispatchQueueCapacity);
        this.callerRuns = handler.runsOnCallerThread() ? new CallerRuns(name, handler) : null;
    }

    /** A new connection to this server, or null if it is closed. */
    synchronized InJvmConnection accept()
    {
        if (closed)
        {
            return null;
        }
        final InJvmConnection connection = new InJvmConnection(this);
        connections.add(connection);
        return connection;
    }

    synchronized void disconnected(final InJvmConnection connection)
    {
        connections.remove(connection);
    }

    DispatchLoop dispatchLoop()
    {
        return dispatchLoop;
    }

    /** Runs the handler on the calling thread, or null when it must run on the dispatch thread. */
    CallerRuns callerRuns()
    {
        return callerRuns;
    }

    /** {@inheritDoc} */
    @Override
    public Endpoint endpoint()
    {
        return endpoint;
    }

    /**
     * Stops accepting, answers queued requests ErrorReply ESHUTDOWN, waits for handler calls running on callers'
     * threads and stops the dispatch thread, then drops every
     * connection: calls still pending on them fail with EIO.
     */
    @Override
    public void close()
    {
        final List<InJvmConnection> toDrop;
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
        }
        transport.removed(this);
        if (callerRuns != null)
        {
            callerRuns.close();
        }
        dispatchLoop.close();
        synchronized (this)
        {
            toDrop = new ArrayList<>(connections);
            connections.clear();
        }
        for (final InJvmConnection connection : toDrop)
        {
            connection.pendingCalls().failAll(Errnos.EIO, "connection to " + name + " at " + endpoint + " lost");
        }
    }

    @Override
    public String toString()
    {
        return "InJvmServer{" + name + "@" + endpoint + "}";
    }
}
