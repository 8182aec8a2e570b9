package org.legoemu.fabric.inproc;

import org.agrona.DirectBuffer;
import org.legoemu.fabric.transport.PendingCall;
import org.legoemu.fabric.transport.PendingCalls;
import org.legoemu.fabric.transport.ReplySink;

/**
 * One client's connection to one in-JVM server: holds the client's pending calls and, as the server's
 * {@link ReplySink}, copies each reply into its caller's holder. A reply nobody waits for is dropped.
 */
final class InJvmConnection implements ReplySink
{
    private final InJvmServer server;
    private final PendingCalls pendingCalls = new PendingCalls();

    InJvmConnection(final InJvmServer server)
    {
        this.server = server;
    }

    InJvmServer server()
    {
        return server;
    }

    PendingCalls pendingCalls()
    {
        return pendingCalls;
    }

    @Override
    public void sendReply(final long correlationId, final DirectBuffer message, final int offset, final int lengthBytes)
    {
        final PendingCall call = pendingCalls.remove(correlationId);
        if (call != null)
        {
            call.reply().set(message, offset, lengthBytes);
            call.signalReplied();
        }
    }
}
