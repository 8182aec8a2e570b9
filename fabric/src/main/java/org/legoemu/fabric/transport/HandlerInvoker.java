package org.legoemu.fabric.transport;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.IntHashSet;
import org.legoemu.fabric.DeferredReply;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.Messages;
import org.legoemu.fabric.RequestHandler;
import org.legoemu.fabric.Responder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link RequestHandler} safely for one server, on one thread. Shared by every
 * transport:
 * <ul>
 *     <li>the request header is checked by {@link RequestValidator}; a bad one is answered ErrorReply EPROTO and
 *     logged (rate-limited) without reaching the handler;</li>
 *     <li>if the handler throws or returns without answering, ErrorReply EIO is sent and logged once per
 *     templateId;</li>
 *     <li>a second answer to the same request is ignored and logged once per templateId;</li>
 *     <li>a handler may {@link Responder#defer()} its answer and send it later from any thread.</li>
 * </ul>
 * This object is the {@link Responder} handed to the handler; it is valid only during
 * {@link RequestHandler#onRequest}. Runs on the server's dispatch thread, or, one instance per thread, on the calling
 * threads of an in-JVM client ({@link Responder#onCallerThread()}).
 */
public final class HandlerInvoker implements Responder
{
    private static final Logger LOG = LoggerFactory.getLogger(HandlerInvoker.class);

    private final String serverName;
    private final RequestHandler handler;
    private final ProtocolErrorLog protocolErrorLog;
    private final ExpandableArrayBuffer replyBuffer = new ExpandableArrayBuffer(8192);
    private final ExpandableArrayBuffer errorBuffer = new ExpandableArrayBuffer(256);
    private final IntHashSet loggedFailureTemplateIds = new IntHashSet();
    private final IntHashSet loggedDoubleAnswerTemplateIds = new IntHashSet();
    private final boolean callerThread;

    private ReplySink replySink;
    private long correlationId;
    private int templateId;
    private boolean answered;

    /**
     * @param serverName for log lines.
     * @param handler    the application's handler.
     */
    public HandlerInvoker(final String serverName, final RequestHandler handler)
    {
        this(serverName, handler, false);
    }

    /**
     * @param serverName   for log lines.
     * @param handler      the application's handler.
     * @param callerThread whether this invoker runs the handler on a calling client's thread rather than the
     *                     server's dispatch thread (see {@link Responder#onCallerThread()}).
     */
    public HandlerInvoker(final String serverName, final RequestHandler handler, final boolean callerThread)
    {
        this.serverName = serverName;
        this.handler = handler;
        this.callerThread = callerThread;
        this.protocolErrorLog = new ProtocolErrorLog(LOG, serverName);
    }

    /**
     * Validates one request and runs the handler on it; exactly one reply or ErrorReply goes to {@code sink}.
     *
     * @param sink          where the answer goes.
     * @param correlationId echoed with the answer.
     * @param message       buffer holding the request at {@code [offset, offset+length)}.
     */
    public void invoke(
        final ReplySink sink, final long correlationId, final DirectBuffer message, final int offset, final int length)
    {
        final String invalid = RequestValidator.check(message, offset, length);
        if (invalid != null)
        {
            protocolErrorLog.record(invalid);
            sink.sendError(correlationId, Errnos.EPROTO, invalid);
            return;
        }

        this.replySink = sink;
        this.correlationId = correlationId;
        this.templateId = Messages.templateId(message, offset, length);
        this.answered = false;
        try
        {
            handler.onRequest(message, offset, length, this);
            if (!answered)
            {
                if (loggedFailureTemplateIds.add(templateId))
                {
                    LOG.error("{}: handler returned without answering templateId {}", serverName, templateId);
                }
                error(Errnos.EIO, "handler did not answer templateId " + templateId);
            }
        }
        catch (final Throwable ex)
        {
            if (loggedFailureTemplateIds.add(templateId))
            {
                LOG.error("{}: handler failed on templateId {}", serverName, templateId, ex);
            }
            if (!answered)
            {
                error(Errnos.EIO, "handler failed on templateId " + templateId + ": " + ex);
            }
        }
        finally
        {
            this.replySink = null;
        }
    }

    /**
     * {@link #invoke(ReplySink, long, DirectBuffer, int, int) Invokes} the handler on a queued request, then lets go
     * of the request's bytes ({@link InboundRequest#release()}), even if the handler or the reply failed.
     */
    public void invoke(final InboundRequest request)
    {
        try
        {
            invoke(request.replySink(), request.correlationId(), request.message(), 0, request.lengthBytes());
        }
        finally
        {
            request.release();
        }
    }

    /** Protocol errors (invalid headers) seen so far. */
    public long protocolErrorCount()
    {
        return protocolErrorLog.count();
    }

    /** {@inheritDoc} */
    @Override
    public MutableDirectBuffer buffer()
    {
        return replyBuffer;
    }

    /** {@inheritDoc} */
    @Override
    public void reply(final int length)
    {
        if (checkFirstAnswer())
        {
            replySink.sendReply(correlationId, replyBuffer, 0, length);
        }
    }

    /** {@inheritDoc} */
    @Override
    public void error(final int errno, final String text)
    {
        if (checkFirstAnswer())
        {
            final int length = Messages.encodeError(errorBuffer, errno, text);
            replySink.sendReply(correlationId, errorBuffer, 0, length);
        }
    }

    /** {@inheritDoc} */
    @Override
    public boolean onCallerThread()
    {
        return callerThread;
    }

    /** {@inheritDoc} */
    @Override
    public DeferredReply defer()
    {
        if (replySink == null)
        {
            throw new IllegalStateException(serverName + ": responder used outside onRequest");
        }
        if (answered)
        {
            throw new IllegalStateException(serverName + ": templateId " + templateId + " already answered");
        }
        answered = true;
        return new DeferredAnswer(replySink, correlationId);
    }

    private boolean checkFirstAnswer()
    {
        if (replySink == null)
        {
            throw new IllegalStateException(serverName + ": responder used outside onRequest");
        }
        if (answered)
        {
            if (loggedDoubleAnswerTemplateIds.add(templateId))
            {
                LOG.error("{}: handler answered templateId {} more than once; extra answers dropped",
                    serverName, templateId);
            }
            return false;
        }
        answered = true;
        return true;
    }
}
