package org.legoemu.fabric.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.transport.PendingCall;
import org.legoemu.fabric.transport.PendingCalls;
import org.legoemu.fabric.transport.ProtocolErrorLog;

/**
 * Client side of one TCP connection, after the frame decoder (one instance per channel): matches reply frames to
 * pending calls by correlationId and copies each reply into its caller's holder. A reply nobody waits for (the call
 * timed out) is dropped. A malformed frame closes the connection; losing the connection fails every pending call
 * with EIO.
 */
final class ClientFrameHandler extends ChannelInboundHandlerAdapter
{
    private final PendingCalls pendingCalls = new PendingCalls();
    private final ProtocolErrorLog protocolErrorLog;

    ClientFrameHandler(final ProtocolErrorLog protocolErrorLog)
    {
        this.protocolErrorLog = protocolErrorLog;
    }

    PendingCalls pendingCalls()
    {
        return pendingCalls;
    }

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

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        pendingCalls.failAll(Errnos.EIO, "connection to " + ctx.channel().remoteAddress() + " lost");
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        protocolErrorLog.record("closing connection to " + ctx.channel().remoteAddress() + " after " + cause);
        ctx.close();
    }

    private void onFrame(final ChannelHandlerContext ctx, final ByteBuf frame)
    {
        final int readable = frame.readableBytes();
        final int start = frame.readerIndex();
        if (readable < FrameCodec.ENVELOPE_LENGTH ||
            frame.getByte(start + FrameCodec.KIND_OFFSET) != FrameCodec.KIND_REPLY)
        {
            protocolErrorLog.record("closing connection to " + ctx.channel().remoteAddress() +
                ": malformed reply frame of " + readable + " bytes");
            ctx.close();
            return;
        }
        final long correlationId = frame.getLongLE(start + FrameCodec.CORRELATION_ID_OFFSET);
        final PendingCall call = pendingCalls.remove(correlationId);
        if (call == null)
        {
            return;
        }
        final int lengthBytes = readable - FrameCodec.ENVELOPE_LENGTH;
        try
        {
            FrameCodec.readMessage(
                frame, start + FrameCodec.ENVELOPE_LENGTH, lengthBytes, call.reply().mutableBuffer());
            call.reply().length(lengthBytes);
            call.signalReplied();
        }
        catch (final RuntimeException ex)
        {
            call.signalFailed(Errnos.EIO, "reply of " + lengthBytes + " bytes could not be stored: " + ex);
        }
    }
}
