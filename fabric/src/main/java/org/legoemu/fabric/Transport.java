package org.legoemu.fabric;

/**
 * A way for monitors to exchange SBE-encoded request/reply frames. Two implementations: Netty TCP between
 * hosts, and in-JVM (frames are still SBE bytes, copied between buffers) for embedded runs and deterministic
 * tests.
 */
public interface Transport extends AutoCloseable
{
    /**
     * Starts serving requests at {@code at}. Requests are handed to {@code handler} on the server's own dispatch
     * thread (never on a network event loop), one at a time, in arrival order; the in-JVM transport runs a handler
     * that {@linkplain RequestHandler#runsOnCallerThread() allows it} on the calling threads instead.
     *
     * @param at      where to listen; port 0 picks a free port (see {@link Server#endpoint()}).
     * @param name    used for thread names and log lines, e.g. {@code "mcomponent-2"}.
     * @param handler answers every request exactly once.
     * @return the running server.
     * @throws FabricException if the address cannot be bound.
     */
    Server serve(Endpoint at, String name, RequestHandler handler);

    /**
     * A client for calls to {@code peer}; connects on first use and reconnects after a failure.
     */
    Client connect(Endpoint peer);

    /** Stops every server and client of this transport and releases its threads. */
    @Override
    void close();
}
