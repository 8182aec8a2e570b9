package org.legoemu.fabric.inproc;

import java.util.ArrayList;
import java.util.List;

import org.agrona.collections.Int2ObjectHashMap;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.RequestHandler;
import org.legoemu.fabric.Server;
import org.legoemu.fabric.Transport;
import org.legoemu.fabric.transport.DispatchLoop;

/**
 * Transport inside one JVM with the semantics of the TCP one: endpoints are {@code inproc:N}; every request and
 * reply is SBE bytes copied between buffers (no object is shared between caller and server); each server has one
 * dispatch thread fed by a single FIFO queue ({@link DispatchLoop}), so requests from all clients are handled one
 * at a time in arrival order; except that a handler which {@linkplain RequestHandler#runsOnCallerThread() allows it}
 * (thread-safe, never waits for another server: the mComponent's) runs on each calling thread, with no thread
 * hand-off. Same errors: ECONNREFUSED for an endpoint nothing serves, ETIMEDOUT, EIO for calls
 * pending when their server closes, ErrorReply as RemoteErrorException. Serving at port 0 picks the next free N,
 * counting from 1; N is never reused by this transport's automatic choice.
 */
public final class InJvmTransport implements Transport
{
    /** Host name of every in-JVM endpoint. */
    public static final String HOST = "inproc";

    private final Int2ObjectHashMap<InJvmServer> servers = new Int2ObjectHashMap<>();
    private final List<InJvmClient> clients = new ArrayList<>();
    private final int dispatchQueueCapacity;
    private int nextPort = 1;
    private boolean closed;

    /** A transport whose servers queue up to {@link DispatchLoop#DEFAULT_QUEUE_CAPACITY} requests. */
    public InJvmTransport()
    {
        this(DispatchLoop.DEFAULT_QUEUE_CAPACITY);
    }

    /**
     * @param dispatchQueueCapacity requests a server queues before answering EAGAIN.
     */
    public InJvmTransport(final int dispatchQueueCapacity)
    {
        if (dispatchQueueCapacity < 2)
        {
            throw new IllegalArgumentException("dispatchQueueCapacity " + dispatchQueueCapacity + " < 2");
        }
        this.dispatchQueueCapacity = dispatchQueueCapacity;
    }

    /**
     * {@inheritDoc}
     *
     * @throws FabricException EINVAL if the host is not {@value #HOST}, EADDRINUSE if N is served already.
     */
    @Override
    public Server serve(final Endpoint at, final String name, final RequestHandler handler)
    {
        final InJvmServer server;
        synchronized (this)
        {
            ensureOpen();
            if (!HOST.equals(at.host()))
            {
                throw new FabricException(Errnos.EINVAL, "in-JVM endpoint " + at + " is not " + HOST + ":N");
            }
            int port = at.port();
            if (port == 0)
            {
                while (servers.containsKey(nextPort))
                {
                    nextPort++;
                }
                port = nextPort++;
            }
            else if (servers.containsKey(port))
            {
                throw new FabricException(Errnos.EADDRINUSE, "in-JVM endpoint " + at + " is served already");
            }
            server = new InJvmServer(this, new Endpoint(HOST, port), name, handler, dispatchQueueCapacity);
            servers.put(port, server);
        }
        return server;
    }

    /** {@inheritDoc} */
    @Override
    public synchronized Client connect(final Endpoint peer)
    {
        ensureOpen();
        final InJvmClient client = new InJvmClient(this, peer);
        clients.add(client);
        return client;
    }

    /** {@inheritDoc} */
    @Override
    public void close()
    {
        final List<InJvmServer> serversToClose;
        final List<InJvmClient> clientsToClose;
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            serversToClose = new ArrayList<>(servers.values());
            clientsToClose = new ArrayList<>(clients);
        }
        serversToClose.forEach(InJvmServer::close);
        clientsToClose.forEach(InJvmClient::close);
    }

    /** The live server at {@code peer}, or null. */
    synchronized InJvmServer lookup(final Endpoint peer)
    {
        if (!HOST.equals(peer.host()))
        {
            return null;
        }
        return servers.get(peer.port());
    }

    synchronized void removed(final InJvmServer server)
    {
        final int port = server.endpoint().port();
        if (servers.get(port) == server)
        {
            servers.remove(port);
        }
    }

    synchronized void removed(final InJvmClient client)
    {
        clients.remove(client);
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new FabricException(Errnos.ESHUTDOWN, "transport is closed");
        }
    }
}
