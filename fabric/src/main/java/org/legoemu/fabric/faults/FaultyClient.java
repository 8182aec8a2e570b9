package org.legoemu.fabric.faults;

import java.util.concurrent.locks.LockSupport;

import org.agrona.DirectBuffer;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.Reply;
import org.legoemu.fabric.RemoteErrorException;

/**
 * A client that applies the injector's plan to each request before and after handing it to the real client:
 * a crashed sender is refused at once (ESHUTDOWN); a lost request, a lost reply, a crashed or partitioned receiver
 * make the call wait out its whole timeout and fail with ETIMEDOUT, as a dead peer would (with
 * {@link FaultInjector#closeConnectionsOnCrash} a crashed receiver's connections are closed instead, and the call
 * goes to the real client, which fails as against a dead process: ECONNREFUSED or EIO); delays park the calling
 * thread; a REORDER hold waits until another request on the same link has been delivered; a duplicate is sent
 * again right after the original, its reply discarded.
 */
final class FaultyClient implements Client
{
    private static final long HOLD_POLL_NS = 20_000;
    private static final ThreadLocal<Reply> DUPLICATE_REPLIES = ThreadLocal.withInitial(Reply::new);

    private final FaultInjector injector;
    private final String sender;
    private final Client delegate;
    private Link link;

    FaultyClient(final FaultInjector injector, final String sender, final Client delegate)
    {
        this.injector = injector;
        this.sender = sender;
        this.delegate = delegate;
    }

    /** {@inheritDoc} */
    @Override
    public void call(
        final DirectBuffer request, final int offset, final int length, final Reply reply, final long timeoutNs)
    {
        final Link l = link();
        final FaultInjector.Plan plan = injector.plan(l);
        if (plan == null)
        {
            deliver(l, request, offset, length, reply, System.nanoTime() + timeoutNs);
            return;
        }
        final long deadlineNs = System.nanoTime() + timeoutNs;
        if (plan.senderCrashed)
        {
            injector.countFailure();
            throw new FabricException(Errnos.ESHUTDOWN, sender + " has crashed (injected fault)");
        }
        if (plan.receiverCrashed)
        {
            callCrashedReceiver(request, offset, length, reply, deadlineNs);
            return;
        }
        if (plan.blackHole != null || plan.dropRequest)
        {
            timeOut(deadlineNs, plan.blackHole != null ? plan.blackHole.label() : "drop");
        }
        final boolean duplicate = plan.duplicate;
        final boolean dropReply = plan.dropReply;
        final long holdNs = plan.holdNs;
        if (plan.delayNs > 0)
        {
            parkFor(plan.delayNs);
        }
        if (holdNs > 0)
        {
            hold(l, holdNs);
        }
        deliver(l, request, offset, length, reply, deadlineNs);
        if (duplicate)
        {
            try
            {
                delegate.call(request, offset, length, DUPLICATE_REPLIES.get(), timeoutNs);
            }
            catch (final FabricException ex)
            {
                // the duplicate's outcome is not the caller's: only its effect on the receiver matters
            }
        }
        if (dropReply)
        {
            timeOut(deadlineNs, "drop");
        }
    }

    /** {@inheritDoc} */
    @Override
    public Endpoint peer()
    {
        return delegate.peer();
    }

    /** {@inheritDoc} */
    @Override
    public void close()
    {
        delegate.close();
    }

    private Link link()
    {
        Link l = link;
        if (l == null)
        {
            final String receiver = injector.nameOf(delegate.peer());
            l = injector.link(sender, receiver);
            if (!receiver.equals(delegate.peer().toString()))
            {
                link = l;
            }
        }
        return l;
    }

    /**
     * A call to a component whose process crashed over TCP: once its connections are closed, the real client
     * fails the way a dead peer's sockets make it fail (ECONNREFUSED on connect, EIO on a connection reset). A
     * call the real client still got an answer to (its connections were not closed in time) times out instead.
     */
    private void callCrashedReceiver(
        final DirectBuffer request, final int offset, final int length, final Reply reply, final long deadlineNs)
    {
        if (injector.awaitCrashClosed(injector.nameOf(delegate.peer()), deadlineNs - System.nanoTime()))
        {
            try
            {
                delegate.call(request, offset, length, reply, remainingNs(deadlineNs));
            }
            catch (final FabricException ex)
            {
                injector.countFailure();
                throw ex;
            }
        }
        timeOut(deadlineNs, "crash");
    }

    /**
     * A reply that arrives after its receiver crashed was sent by a dead component: a crashed process answers
     * nothing, not even the requests it had started, so the reply is lost (a timeout, or over TCP a lost connection).
     */
    /**
     * Sends the request and takes its reply, unless the receiver crashed before the reply arrived: a dead component
     * answers nothing, neither a reply nor an ErrorReply.
     */
    private void deliver(
        final Link l, final DirectBuffer request, final int offset, final int length, final Reply reply,
        final long deadlineNs)
    {
        try
        {
            delegate.call(request, offset, length, reply, remainingNs(deadlineNs));
        }
        catch (final RemoteErrorException ex)
        {
            l.delivered.incrementAndGet();
            dropReplyOfCrashed(l, deadlineNs);
            throw ex;
        }
        l.delivered.incrementAndGet();
        dropReplyOfCrashed(l, deadlineNs);
    }

    private void dropReplyOfCrashed(final Link l, final long deadlineNs)
    {
        if (!injector.isCrashed(l.receiver))
        {
            return;
        }
        if (injector.closesConnectionsOnCrash())
        {
            injector.countFailure();
            throw new FabricException(Errnos.EIO, l.receiver + " crashed before answering (injected fault)");
        }
        timeOut(deadlineNs, "crash");
    }

    private void timeOut(final long deadlineNs, final String cause)
    {
        long remaining;
        while ((remaining = deadlineNs - System.nanoTime()) > 0)
        {
            LockSupport.parkNanos(this, remaining);
        }
        injector.countTimeout();
        throw new FabricException(Errnos.ETIMEDOUT,
            "no reply from " + delegate.peer() + " within the timeout (injected " + cause + ")");
    }

    private static long remainingNs(final long deadlineNs)
    {
        final long remaining = deadlineNs - System.nanoTime();
        return Math.max(1, remaining);
    }

    private static void parkFor(final long durationNs)
    {
        final long until = System.nanoTime() + durationNs;
        long remaining;
        while ((remaining = until - System.nanoTime()) > 0)
        {
            LockSupport.parkNanos(remaining);
        }
    }

    private static void hold(final Link l, final long holdNs)
    {
        final long seen = l.delivered.get();
        final long until = System.nanoTime() + holdNs;
        while (l.delivered.get() == seen && until - System.nanoTime() > 0)
        {
            LockSupport.parkNanos(HOLD_POLL_NS);
        }
    }

    @Override
    public String toString()
    {
        return "FaultyClient{" + sender + "->" + delegate.peer() + "}";
    }
}
