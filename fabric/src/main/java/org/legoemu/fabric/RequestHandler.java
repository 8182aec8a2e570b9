package org.legoemu.fabric;

import org.agrona.DirectBuffer;

/** Serves requests: decodes by templateId and answers through the responder. */
@FunctionalInterface
public interface RequestHandler
{
    /**
     * Handles one request message (messageHeader then body) at {@code [offset, offset+length)}. Must call
     * {@link Responder#reply} or {@link Responder#error} exactly once before returning; if it returns without
     * answering or throws, the fabric answers ErrorReply EIO and logs it.
     */
    void onRequest(DirectBuffer buffer, int offset, int length, Responder responder);

    /**
     * Whether an in-JVM client may run this handler on its own calling thread, on several threads at once, instead
     * of handing the request to the server's dispatch thread (two thread hand-offs per call). Only a handler that
     * guards its own state (it is safe on any number of threads at once, and against the dispatch thread) and that
     * never waits for another server may say yes; it may still {@link Responder#defer()} its answer. The bytes it
     * sees are the same SBE message as over TCP. Default false: the handler runs on the dispatch thread only.
     */
    default boolean runsOnCallerThread()
    {
        return false;
    }
}
