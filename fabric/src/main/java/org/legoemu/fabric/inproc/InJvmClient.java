package org.legoemu.fabric.inproc;

import java.util.concurrent.atomic.AtomicLong;

import org.agrona.DirectBuffer;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.Reply;
import org.legoemu.fabric.transport.PendingCall;
import org.legoemu.fabric.transport.PendingCalls;

/**
 * An in-JVM client for one peer: connects on first use and after its server went away. When the server's handler
 * {@linkplain org.legoemu.fabric.RequestHandler#runsOnCallerThread() allows it}, a call runs the handler on the
 * calling thread over the caller's request bytes ({@link CallerRuns}); otherwise it copies the request once, into the
 * calling thread's reusable {@link org.legoemu.fabric.transport.InboundRequest}, and queues that to the server's
 * dispatch thread. Either way it waits on the thread's pooled {@link PendingCall} (at once done when the handler
 * answered on the caller's thread); the server's reply is copied once, into the caller's {@link Reply}. A call
 * allocates nothing.
 */
final class InJvmClient implements Client
{
    private final InJvmTransport transport;
    private final Endpoint peer;
    private final AtomicLong nextCorrelationId = new AtomicLong();
    private final Object connectLock = new Object();
    private volatile InJvmConnection connection;
    private volatile boolean closed;

    InJvmClient(final InJvmTransport transport, final Endpoint peer)
    {
        this.transport = transport;
        this.peer = peer;
    }

    /** {@inheritDoc} */
    @Override
    public void call(
        final DirectBuffer request, final int offset, final int length, final Reply reply, final long timeoutNs)
    {
        final long deadlineNs = System.nanoTime() + timeoutNs;
        final PendingCall call = PendingCall.forCurrentThread().prepare(nextCorrelationId.incrementAndGet(), reply);
        try
        {
            InJvmConnection current = connection();
            if (!current.pendingCalls().add(call))
            {
                current = connection();
                if (!current.pendingCalls().add(call))
                {
                    throw new FabricException(Errnos.EIO, "connection to " + peer + " lost");
                }
            }
            final CallerRuns callerRuns = current.server().callerRuns();
            if (callerRuns != null)
            {
                callerRuns.invoke(current, call.correlationId(), request, offset, length);
            }
            else
            {
                current.server().dispatchLoop().enqueue(
                    call.request().fill(current, call.correlationId(), request, offset, length));
            }
            current.pendingCalls().await(call, deadlineNs, peer);
        }
        finally
        {
            call.finish();
        }
    }

    /** {@inheritDoc} */
    @Override
    public Endpoint peer()
    {
        return peer;
    }

    /** Drops the connection; calls still pending fail with EIO, later calls with ESHUTDOWN. */
    @Override
    public void close()
    {
        final InJvmConnection current;
        synchronized (connectLock)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            current = connection;
            connection = null;
        }
        if (current != null)
        {
            current.server().disconnected(current);
            current.pendingCalls().failAll(Errnos.EIO, "client of " + peer + " closed");
        }
        transport.removed(this);
    }

    private InJvmConnection connection()
    {
        final InJvmConnection current = connection;
        if (current != null && !current.pendingCalls().isClosed())
        {
            return current;
        }
        synchronized (connectLock)
        {
            if (closed)
            {
                throw new FabricException(Errnos.ESHUTDOWN, "client of " + peer + " is closed");
            }
            final InJvmConnection again = connection;
            if (again != null && !again.pendingCalls().isClosed())
            {
                return again;
            }
            final InJvmServer server = transport.lookup(peer);
            final InJvmConnection created = server == null ? null : server.accept();
            if (created == null)
            {
                throw new FabricException(Errnos.ECONNREFUSED, "nothing serves " + peer);
            }
            connection = created;
            return created;
        }
    }

    @Override
    public String toString()
    {
        return "InJvmClient{" + peer + "}";
    }
}
