package org.legoemu.fabric.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.Promise;
import java.util.Arrays;

import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.auth.ClusterSecret;
import org.legoemu.fabric.auth.HandshakeTranscript;
import org.legoemu.fabric.auth.HandshakeTranscript.Role;
import org.legoemu.fabric.sbe.X2X_AUTH_CHALLENGEDecoder;
import org.legoemu.fabric.sbe.X2X_AUTH_CONFIRMDecoder;
import org.slf4j.Logger;

/**
 * The connecting end of the connection handshake: sends HELLO with a fresh nonce once connected, answers the
 * server's CHALLENGE with its RESPONSE, and checks the server's CONFIRM. {@link #result()} completes when the
 * handshake is decided: success, or failure with a {@link FabricException} (EACCES when the server rejected the
 * client or failed to prove the secret, ETIMEDOUT, EPROTO for a malformed frame).
 */
final class ClientHandshakeHandler extends HandshakeHandler
{
    private final Promise<Void> result;
    private final String peer;
    private byte[] clientNonce;
    private byte[] serverNonce;

    /**
     * @param result completed when the handshake is decided; from the channel's event loop.
     * @param peer   the server, for messages.
     */
    ClientHandshakeHandler(
        final ClusterSecret secret, final long timeoutMs, final Logger log, final Promise<Void> result,
        final String peer)
    {
        super(secret, timeoutMs, log, null, "client of " + peer);
        this.result = result;
        this.peer = peer;
    }

    /** Completed when the handshake is decided. */
    Promise<Void> result()
    {
        return result;
    }

    @Override
    void onActive(final ChannelHandlerContext ctx)
    {
        clientNonce = HandshakeTranscript.newNonce();
        ctx.writeAndFlush(codec.hello(ctx.alloc(), clientNonce), ctx.voidPromise());
    }

    @Override
    void onBytes(final ChannelHandlerContext ctx, final ByteBuf in) throws HandshakeCodec.BadHandshakeException
    {
        if (serverNonce == null)
        {
            final HandshakeCodec.Received challenge =
                codec.decode(in, FrameCodec.KIND_REPLY, X2X_AUTH_CHALLENGEDecoder.TEMPLATE_ID);
            if (challenge == null)
            {
                return;
            }
            if (Arrays.equals(challenge.value(), clientNonce))
            {
                fail(ctx, Errnos.EACCES, "the server reflected our nonce");
                return;
            }
            serverNonce = challenge.value();
            ctx.writeAndFlush(codec.response(ctx.alloc(),
                HandshakeTranscript.proof(secret, Role.CLIENT, clientNonce, serverNonce)), ctx.voidPromise());
        }
        final HandshakeCodec.Received confirm =
            codec.decode(in, FrameCodec.KIND_REPLY, X2X_AUTH_CONFIRMDecoder.TEMPLATE_ID);
        if (confirm == null)
        {
            return;
        }
        if (!HandshakeTranscript.verify(secret, Role.SERVER, clientNonce, serverNonce, confirm.value()))
        {
            fail(ctx, Errnos.EACCES, "the server did not prove the cluster secret");
            return;
        }
        succeed(ctx);
    }

    @Override
    void onFailed(final int errno, final String reason)
    {
        final String text = errno == Errnos.EACCES && reason.startsWith("connection closed") ?
            "authentication with " + peer + " failed: the server closed the connection (different cluster secret, " +
                "or not a LegoEmu fabric server)" :
            "authentication with " + peer + " failed: " + reason;
        result.tryFailure(new FabricException(errno, text));
    }

    @Override
    void onSucceeded()
    {
        result.trySuccess(null);
    }
}
