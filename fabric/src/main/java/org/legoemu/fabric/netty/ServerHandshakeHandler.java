package org.legoemu.fabric.netty;

import org.legoemu.fabric.transport.ProtocolErrorLog;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.auth.ClusterSecret;
import org.legoemu.fabric.auth.HandshakeTranscript;
import org.legoemu.fabric.auth.HandshakeTranscript.Role;
import org.legoemu.fabric.sbe.X2X_AUTH_HELLODecoder;
import org.legoemu.fabric.sbe.X2X_AUTH_RESPONSEDecoder;
import org.slf4j.Logger;

/**
 * The accepting end of the connection handshake: waits for HELLO, answers CHALLENGE with a fresh nonce, checks the
 * client's RESPONSE, and only then sends CONFIRM with its own proof and opens the normal pipeline. A client that
 * sends anything else first, a wrong proof, or nothing in time is disconnected having received at most the
 * CHALLENGE nonce (nothing derived from the secret).
 */
final class ServerHandshakeHandler extends HandshakeHandler
{
    private byte[] clientNonce;
    private byte[] serverNonce;

    ServerHandshakeHandler(
        final ClusterSecret secret, final long timeoutMs, final Logger log, final ProtocolErrorLog failures,
        final String name)
    {
        super(secret, timeoutMs, log, failures, name);
    }

    @Override
    void onActive(final ChannelHandlerContext ctx)
    {
    }

    @Override
    void onBytes(final ChannelHandlerContext ctx, final ByteBuf in) throws HandshakeCodec.BadHandshakeException
    {
        if (clientNonce == null)
        {
            final HandshakeCodec.Received hello =
                codec.decode(in, FrameCodec.KIND_REQUEST, X2X_AUTH_HELLODecoder.TEMPLATE_ID);
            if (hello == null)
            {
                return;
            }
            if (hello.version() != HandshakeTranscript.VERSION)
            {
                fail(ctx, Errnos.EPROTO, "handshake version " + hello.version() + " is not " +
                    HandshakeTranscript.VERSION);
                return;
            }
            clientNonce = hello.value();
            serverNonce = HandshakeTranscript.newNonce();
            ctx.writeAndFlush(codec.challenge(ctx.alloc(), serverNonce), ctx.voidPromise());
        }
        final HandshakeCodec.Received response =
            codec.decode(in, FrameCodec.KIND_REQUEST, X2X_AUTH_RESPONSEDecoder.TEMPLATE_ID);
        if (response == null)
        {
            return;
        }
        if (!HandshakeTranscript.verify(secret, Role.CLIENT, clientNonce, serverNonce, response.value()))
        {
            fail(ctx, Errnos.EACCES, "wrong proof of the cluster secret");
            return;
        }
        ctx.writeAndFlush(codec.confirm(ctx.alloc(),
            HandshakeTranscript.proof(secret, Role.SERVER, clientNonce, serverNonce)), ctx.voidPromise());
        succeed(ctx);
    }
}
