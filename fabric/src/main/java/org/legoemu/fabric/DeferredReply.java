package org.legoemu.fabric;

import org.agrona.DirectBuffer;

/**
 * The answer to one request, given later and from any thread (a long poll, or a request whose work runs elsewhere),
 * obtained through {@link Responder#defer()}. The first answer is sent; later ones are ignored and return false.
 * The caller must answer every deferred request eventually (the requester otherwise waits for its timeout).
 */
public interface DeferredReply
{
    /**
     * Sends the reply message (messageHeader then body) at {@code [offset, offset+length)}; the bytes are copied
     * before this returns.
     *
     * @return false if this request was already answered (nothing is sent).
     */
    boolean reply(DirectBuffer message, int offset, int length);

    /**
     * Sends ErrorReply with a positive Linux errno and a short text.
     *
     * @return false if this request was already answered (nothing is sent).
     */
    boolean error(int errno, String text);
}
