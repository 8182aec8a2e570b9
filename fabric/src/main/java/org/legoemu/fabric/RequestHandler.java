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
}
