package org.legoemu.fabric;

import org.agrona.DirectBuffer;

/** The calling side of a connection to one peer. Safe for concurrent use by several threads. */
public interface Client extends AutoCloseable
{
    /**
     * Sends one request and blocks the calling thread until its reply arrives.
     *
     * @param request   buffer holding one SBE message (messageHeader then body) at {@code [offset, offset+length)}.
     * @param offset    of the message in {@code request}, bytes.
     * @param length    of the message, bytes.
     * @param reply     receives the reply message; its contents are valid until its next use.
     * @param timeoutNs how long to wait for the reply.
     * @throws RemoteErrorException when the peer answered with ErrorReply (carries its errno and text).
     * @throws FabricException      on timeout (errno ETIMEDOUT), refused or lost connection (ECONNREFUSED, EIO).
     */
    void call(DirectBuffer request, int offset, int length, Reply reply, long timeoutNs);

    /** The peer this client calls. */
    Endpoint peer();

    @Override
    void close();
}
