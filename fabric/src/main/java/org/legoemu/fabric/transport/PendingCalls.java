package org.legoemu.fabric.transport;

import org.agrona.collections.Long2ObjectHashMap;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.Messages;

/**
 * The outstanding calls of one connection, by correlation id. Guarded by its own monitor; completers remove a call
 * before touching its reply holder, so a caller that times out and finds its call already removed knows a
 * completion is under way and waits for it. Once {@link #failAll failed} (connection lost or closed) no call can
 * be added.
 */
public final class PendingCalls
{
    private final Long2ObjectHashMap<PendingCall> calls = new Long2ObjectHashMap<>();
    private boolean closed;

    /**
     * Registers a call before its request is sent.
     *
     * @return false if the connection is already closed (the call was not registered).
     */
    public synchronized boolean add(final PendingCall call)
    {
        if (closed)
        {
            return false;
        }
        calls.put(call.correlationId(), call);
        return true;
    }

    /** Removes and returns the call with {@code correlationId}, or null if it timed out or was never made. */
    public synchronized PendingCall remove(final long correlationId)
    {
        return calls.remove(correlationId);
    }

    /** Outstanding calls. */
    public synchronized int size()
    {
        return calls.size();
    }

    /** True once {@link #failAll} ran. */
    public synchronized boolean isClosed()
    {
        return closed;
    }

    /** Closes this table and fails every outstanding call with {@code errno}. */
    public void failAll(final int errno, final String text)
    {
        final PendingCall[] failed;
        synchronized (this)
        {
            closed = true;
            failed = calls.values().toArray(new PendingCall[0]);
            calls.clear();
        }
        for (final PendingCall call : failed)
        {
            call.signalFailed(errno, text);
        }
    }

    /**
     * Waits for {@code call} to complete and turns its outcome into the caller's result.
     *
     * @param deadlineNs System.nanoTime after which the call times out.
     * @param peer       for error texts.
     * @throws FabricException      ETIMEDOUT on timeout, or the failure's errno (EIO when the connection was lost).
     * @throws org.legoemu.fabric.RemoteErrorException if the reply is an ErrorReply.
     */
    public void await(final PendingCall call, final long deadlineNs, final Endpoint peer)
    {
        int state = call.awaitUntil(deadlineNs);
        if (state == PendingCall.WAITING)
        {
            if (remove(call.correlationId()) != null)
            {
                throw new FabricException(Errnos.ETIMEDOUT, "no reply from " + peer + " within the timeout");
            }
            state = call.awaitCompletionInProgress();
        }
        if (state == PendingCall.FAILED)
        {
            throw new FabricException(call.failureErrno(), call.failureText());
        }
        Messages.throwIfError(call.reply());
    }
}
