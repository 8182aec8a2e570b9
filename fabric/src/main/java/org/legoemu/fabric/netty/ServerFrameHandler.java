package org.legoemu.fabric.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ReferenceCountUtil;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.transport.InboundRequest;
import org.legoemu.fabric.transport.ProtocolErrorLog;
import org.legoemu.fabric.transport.ReplySink;
import org.legoemu.fabric.transport.RequestQueue;

/**
 * Server side of one TCP connection, after the frame decoder (one instance per channel). On the event loop it only
 * checks the envelope, copies the message out of the frame into a request holder from this connection's pool (no
 * allocation once the pool holds as many as are in flight) and queues it for the server's dispatch thread; the frame
 * is always released here. As the connection's {@link ReplySink}, it encodes reply frames and writes them from
 * any thread. See {@link FrameCodec} for the format and the handling of bad input.
 */
public final class ServerFrameHandler extends ChannelInboundHandlerAdapter implements ReplySink
{
    /** Request holders kept per connection for reuse; more in flight at once are allocated and then dropped. */
    static final int REQUEST_POOL_CAPACITY = 64;
    private static final int INITIAL_REQUEST_CAPACITY = 8192;

    private final RequestQueue requestQueue;
    private final ProtocolErrorLog protocolErrorLog;
    private final int maxMessageLengthBytes;
    private final ManyToOneConcurrentArrayQueue<InboundRequest> requestPool =
        new ManyToOneConcurrentArrayQueue<>(REQUEST_POOL_CAPACITY);
    private volatile Channel channel;

    /**
     * @param requestQueue          where requests go (the server's dispatch loop).
     * @param protocolErrorLog      the server's rate-limited log of bad input.
     * @param maxFrameLengthBytes   frame limit, length field included; larger replies become ErrorReply EMSGSIZE.
     */
    public ServerFrameHandler(
        final RequestQueue requestQueue, final ProtocolErrorLog protocolErrorLog, final int maxFrameLengthBytes)
    {
        this.requestQueue = requestQueue;
        this.protocolErrorLog = protocolErrorLog;
        this.maxMessageLengthBytes = FrameCodec.maxMessageLength(maxFrameLengthBytes);
    }

    /** {@inheritDoc} */
    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        channel = ctx.channel();
    }

    /** {@inheritDoc} */
    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        if (!(msg instanceof ByteBuf))
        {
            ReferenceCountUtil.release(msg);
            return;
        }
        final ByteBuf frame = (ByteBuf)msg;
        try
        {
            onFrame(ctx, frame);
        }
        finally
        {
            frame.release();
        }
    }

    /** {@inheritDoc} */
    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        if (cause instanceof TooLongFrameException)
        {
            protocolErrorLog.record("closing " + ctx.channel().remoteAddress() + ": " + cause.getMessage());
        }
        else
        {
            protocolErrorLog.record("closing " + ctx.channel().remoteAddress() + " after " + cause);
        }
        ctx.close();
    }

    /** {@inheritDoc} */
    @Override
    public void sendReply(final long correlationId, final DirectBuffer message, final int offset, final int lengthBytes)
    {
        final Channel ch = channel;
        if (ch == null || !ch.isActive())
        {
            return;
        }
        if (lengthBytes > maxMessageLengthBytes)
        {
            sendError(correlationId, Errnos.EMSGSIZE,
                "reply of " + lengthBytes + " bytes exceeds the frame limit of " + maxMessageLengthBytes);
            return;
        }
        ch.writeAndFlush(FrameCodec.encode(ch.alloc(), correlationId, FrameCodec.KIND_REPLY, message, offset,
            lengthBytes), ch.voidPromise());
    }

    private void onFrame(final ChannelHandlerContext ctx, final ByteBuf frame)
    {
        final int readable = frame.readableBytes();
        final int start = frame.readerIndex();
        if (readable < Long.BYTES)
        {
            protocolErrorLog.record("closing " + ctx.channel().remoteAddress() + ": frame of " + readable +
                " bytes has no correlationId");
            ctx.close();
            return;
        }
        final long correlationId = frame.getLongLE(start + FrameCodec.CORRELATION_ID_OFFSET);
        if (readable < FrameCodec.ENVELOPE_LENGTH)
        {
            reject(correlationId, "frame of " + readable + " bytes is shorter than the envelope");
            return;
        }
        final byte kind = frame.getByte(start + FrameCodec.KIND_OFFSET);
        if (kind != FrameCodec.KIND_REQUEST)
        {
            reject(correlationId, "frame kind " + kind + " is not REQUEST");
            return;
        }
        final int lengthBytes = readable - FrameCodec.ENVELOPE_LENGTH;
        InboundRequest request = requestPool.poll();
        if (request == null)
        {
            request = InboundRequest.pooled(INITIAL_REQUEST_CAPACITY, requestPool);
        }
        frame.getBytes(start + FrameCodec.ENVELOPE_LENGTH, request.claim(this, correlationId, lengthBytes), 0,
            lengthBytes);
        requestQueue.enqueue(request);
    }

    private void reject(final long correlationId, final String reason)
    {
        protocolErrorLog.record(reason);
        sendError(correlationId, Errnos.EPROTO, reason);
    }
}
