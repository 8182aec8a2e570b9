package org.legoemu.fabric.netty;

import org.legoemu.fabric.transport.ProtocolErrorLog;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;

import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.auth.ClusterSecret;
import org.slf4j.Logger;

/**
 * One end of the connection handshake (see {@link org.legoemu.fabric.auth.HandshakeTranscript} and
 * {@code docs/architecture.md}), first in the pipeline after TLS if any. Until the handshake succeeds it consumes every
 * inbound byte itself, in frames of at most {@link HandshakeCodec#MAX_FRAME_LENGTH_BYTES}, so nothing reaches the
 * frame decoder and dispatch behind it; then it removes itself, and bytes that arrived after the last handshake frame
 * flow on to the normal pipeline. A malformed or unexpected frame, a wrong proof, a TLS failure, or no success within
 * the timeout closes the connection without another byte written, logged with the peer's address (WARN on the
 * server). One instance per channel.
 */
abstract class HandshakeHandler extends ByteToMessageDecoder
{
    /** Default time a handshake may take from the TCP connection being established, in milliseconds. */
    static final int DEFAULT_TIMEOUT_MS = 5000;

    final ClusterSecret secret;
    final HandshakeCodec codec = new HandshakeCodec();
    private final long timeoutMs;
    private final Logger log;
    private final String name;
    private final ProtocolErrorLog failures;
    private ScheduledFuture<?> timeout;
    private boolean finished;
    private boolean failed;

    /**
     * @param secret    the cluster secret both ends must know.
     * @param timeoutMs how long the handshake may take once the connection is up, in milliseconds.
     * @param log       where failures are logged.
     * @param failures  where failures are logged at WARN, rate-limited and shared by every connection of a server
     *                  (the peer gets no other report; a flood of bad connections logs a few lines), or null to log
     *                  them at DEBUG (the client: its caller gets the same text in a FabricException).
     * @param name      the server or client, prefixed to log lines.
     */
    HandshakeHandler(
        final ClusterSecret secret,
        final long timeoutMs,
        final Logger log,
        final ProtocolErrorLog failures,
        final String name)
    {
        this.failures = failures;
        this.secret = secret;
        this.timeoutMs = timeoutMs;
        this.log = log;
        this.name = name;
    }

    /** Called once the connection is up (after the handler is in place); the client sends HELLO here. */
    abstract void onActive(ChannelHandlerContext ctx);

    /**
     * Handles what arrived; calls {@link #succeed} or {@link #fail} when the handshake is decided.
     *
     * @param in the handshake bytes received so far; consume whole frames only.
     * @throws HandshakeCodec.BadHandshakeException on a frame the handshake does not allow here.
     */
    abstract void onBytes(ChannelHandlerContext ctx, ByteBuf in) throws HandshakeCodec.BadHandshakeException;

    /** Hook: the handshake failed with this errno and reason (the connection is closing). */
    void onFailed(final int errno, final String reason)
    {
    }

    /** Hook: the handshake succeeded (the handler is already removed). */
    void onSucceeded()
    {
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        if (ctx.channel().isActive())
        {
            start(ctx);
        }
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) throws Exception
    {
        start(ctx);
        super.channelActive(ctx);
    }

    @Override
    protected final void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out)
    {
        if (failed)
        {
            in.skipBytes(in.readableBytes());
            return;
        }
        try
        {
            onBytes(ctx, in);
        }
        catch (final HandshakeCodec.BadHandshakeException ex)
        {
            fail(ctx, Errnos.EPROTO, ex.getMessage());
        }
        if (failed)
        {
            in.skipBytes(in.readableBytes());
        }
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        if (!finished)
        {
            fail(ctx, Errnos.EACCES, "connection closed by the peer during authentication");
        }
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event) throws Exception
    {
        if (event instanceof SslHandshakeCompletionEvent && !((SslHandshakeCompletionEvent)event).isSuccess())
        {
            final Throwable cause = ((SslHandshakeCompletionEvent)event).cause();
            fail(ctx, Errnos.EACCES, "TLS: " + (cause.getMessage() == null ? cause.toString() : cause.getMessage()));
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        if (!finished)
        {
            final Throwable tls = tlsFailure(cause);
            if (tls != null)
            {
                fail(ctx, Errnos.EACCES, "TLS: " + tls.getMessage());
            }
            else
            {
                fail(ctx, Errnos.EIO, cause.toString());
            }
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    /** The handshake succeeded: stop the timer, remove this handler (passing on later bytes) and run the hook. */
    final void succeed(final ChannelHandlerContext ctx)
    {
        finished = true;
        cancelTimeout();
        ctx.pipeline().remove(this);
        onSucceeded();
    }

    /** The handshake failed: log with the peer's address, close without writing, run the hook. */
    final void fail(final ChannelHandlerContext ctx, final int errno, final String reason)
    {
        if (finished)
        {
            return;
        }
        finished = true;
        failed = true;
        cancelTimeout();
        if (failures != null)
        {
            failures.record("with " + ctx.channel().remoteAddress() + ", disconnecting: " + reason);
        }
        else
        {
            log.debug("{}: authentication with {} failed, disconnecting: {}", name, ctx.channel().remoteAddress(),
                reason);
        }
        ctx.close();
        onFailed(errno, reason);
    }

    private void start(final ChannelHandlerContext ctx)
    {
        if (timeout != null || finished)
        {
            return;
        }
        timeout = ctx.executor().schedule(
            () -> fail(ctx, Errnos.ETIMEDOUT, "no handshake within " + timeoutMs + " ms"),
            timeoutMs, TimeUnit.MILLISECONDS);
        onActive(ctx);
    }

    private static Throwable tlsFailure(final Throwable cause)
    {
        for (Throwable t = cause; t != null; t = t.getCause())
        {
            if (t instanceof SSLException)
            {
                return t;
            }
        }
        return null;
    }

    private void cancelTimeout()
    {
        if (timeout != null)
        {
            timeout.cancel(false);
        }
    }
}
