package org.legoemu.fabric;

import org.agrona.MutableDirectBuffer;

/** The answering side of one request. */
public interface Responder
{
    /** Where to encode the reply message (messageHeader then body), starting at offset 0. Grows as needed. */
    MutableDirectBuffer buffer();

    /** Sends the reply encoded in {@link #buffer()} at {@code [0, length)}. */
    void reply(int length);

    /** Sends ErrorReply with a positive Linux errno and a short text. */
    void error(int errno, String text);

    /**
     * Takes the answer out of the handler: the handler may return without answering, and the request is answered
     * through the returned {@link DeferredReply} later, from any thread. The server's dispatch thread is free for the
     * next request meanwhile.
     *
     * @throws IllegalStateException         if this request was already answered or deferred.
     * @throws UnsupportedOperationException if this responder cannot defer (test doubles).
     */
    default DeferredReply defer()
    {
        throw new UnsupportedOperationException("this responder cannot defer its answer");
    }

    /**
     * Whether this request is served on the calling client's own thread (the in-JVM transport runs a handler that
     * {@linkplain RequestHandler#runsOnCallerThread() allows it} there), rather than on the server's dispatch thread.
     * There, and only there, a handler may finish work it would otherwise hand to a thread of its own and that may
     * wait for another server (it must not on a dispatch thread: two servers waiting for each other's dispatch
     * threads deadlock). Default false.
     */
    default boolean onCallerThread()
    {
        return false;
    }
}
