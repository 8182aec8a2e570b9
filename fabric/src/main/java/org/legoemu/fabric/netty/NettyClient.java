package org.legoemu.fabric.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.DirectBuffer;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.Reply;
import org.legoemu.fabric.transport.PendingCall;
import org.legoemu.fabric.transport.PendingCalls;
import org.legoemu.fabric.transport.ProtocolErrorLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP client for one peer: one connection, opened on first use and reopened on the next call after it was lost,
 * each authenticated ({@link ClientHandshakeHandler}) before the call that opened it is sent; concurrent calls are
 * multiplexed by correlationId. The calling thread encodes and writes its frame and then waits on its own pooled
 * {@link PendingCall}; no allocation per call besides the frame buffer from Netty's pool.
 */
final class NettyClient implements Client
{
    /** Beyond the handshake timeout (enforced on the event loop), how long a caller waits for the outcome, ms. */
    private static final long HANDSHAKE_WAIT_MARGIN_MS = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(NettyClient.class);
    private static final AttributeKey<Future<Void>> HANDSHAKE = AttributeKey.valueOf(NettyClient.class, "handshake");

    private final NettyTransport transport;
    private final Endpoint peer;
    private final Bootstrap bootstrap;
    private final int maxMessageLengthBytes;
    private final long handshakeWaitMs;
    private final AtomicLong nextCorrelationId = new AtomicLong();
    private final Object connectLock = new Object();
    private volatile Connection connection;
    private volatile boolean closed;

    NettyClient(final NettyTransport transport, final Endpoint peer)
    {
        this.transport = transport;
        this.peer = peer;
        final NettyTransport.Context context = transport.context();
        final int maxFrameLengthBytes = context.maxFrameLengthBytes();
        this.maxMessageLengthBytes = FrameCodec.maxMessageLength(maxFrameLengthBytes);
        this.handshakeWaitMs = context.handshakeTimeoutMs() + HANDSHAKE_WAIT_MARGIN_MS;
        final ProtocolErrorLog protocolErrorLog = new ProtocolErrorLog(LOG, "client of " + peer);
        this.bootstrap = new Bootstrap()
            .group(transport.group())
            .channel(transport.channelClass())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, context.connectTimeoutMs())
            .handler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel channel)
                {
                    final ClientHandshakeHandler handshake = new ClientHandshakeHandler(context.secret(),
                        context.handshakeTimeoutMs(), LOG, channel.eventLoop().newPromise(), peer.toString());
                    channel.attr(HANDSHAKE).set(handshake.result());
                    if (context.tls() != null)
                    {
                        channel.pipeline().addLast(NettyServer.TLS_HANDLER_NAME,
                            context.tls().newClientHandler(channel.alloc(), peer, context.handshakeTimeoutMs()));
                    }
                    channel.pipeline().addLast(NettyServer.HANDSHAKE_HANDLER_NAME, handshake);
                    FrameCodec.configure(channel.pipeline(), maxFrameLengthBytes, "clientFrameHandler",
                        new ClientFrameHandler(protocolErrorLog));
                }
            });
    }

    /** {@inheritDoc} */
    @Override
    public void call(
        final DirectBuffer request, final int offset, final int length, final Reply reply, final long timeoutNs)
    {
        if (length > maxMessageLengthBytes)
        {
            throw new FabricException(Errnos.EMSGSIZE,
                "request of " + length + " bytes exceeds the frame limit of " + maxMessageLengthBytes);
        }
        final long deadlineNs = System.nanoTime() + timeoutNs;
        final PendingCall call = PendingCall.forCurrentThread().prepare(nextCorrelationId.incrementAndGet(), reply);
        try
        {
            Connection current = connection();
            if (!current.pendingCalls.add(call))
            {
                current = connection();
                if (!current.pendingCalls.add(call))
                {
                    throw new FabricException(Errnos.EIO, "connection to " + peer + " lost");
                }
            }
            final Channel channel = current.channel;
            channel.writeAndFlush(FrameCodec.encode(channel.alloc(), call.correlationId(), FrameCodec.KIND_REQUEST,
                request, offset, length), channel.voidPromise());
            current.pendingCalls.await(call, deadlineNs, peer);
        }
        finally
        {
            call.finish();
        }
    }

    /** {@inheritDoc} */
    @Override
    public Endpoint peer()
    {
        return peer;
    }

    /** Closes the connection; calls still pending fail with EIO, later calls with ESHUTDOWN. */
    @Override
    public void close()
    {
        final Connection current;
        synchronized (connectLock)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            current = connection;
            connection = null;
        }
        if (current != null)
        {
            current.channel.close().awaitUninterruptibly();
            current.pendingCalls.failAll(Errnos.EIO, "client of " + peer + " closed");
        }
        transport.removed(this);
    }

    private Connection connection()
    {
        final Connection current = connection;
        if (current != null && !current.pendingCalls.isClosed() && current.channel.isActive())
        {
            return current;
        }
        synchronized (connectLock)
        {
            if (closed)
            {
                throw new FabricException(Errnos.ESHUTDOWN, "client of " + peer + " is closed");
            }
            final Connection again = connection;
            if (again != null && !again.pendingCalls.isClosed() && again.channel.isActive())
            {
                return again;
            }
            final ChannelFuture connect = bootstrap.connect(peer.host(), peer.port()).awaitUninterruptibly();
            if (!connect.isSuccess())
            {
                final Throwable cause = connect.cause();
                final int errno = cause instanceof ConnectTimeoutException ? Errnos.ETIMEDOUT : Errnos.ECONNREFUSED;
                throw new FabricException(errno, "cannot connect to " + peer + ": " + cause, cause);
            }
            final Channel channel = connect.channel();
            authenticate(channel);
            final Connection created = new Connection(
                channel, channel.pipeline().get(ClientFrameHandler.class).pendingCalls());
            connection = created;
            return created;
        }
    }

    /** Waits for the connection's handshake; on failure closes the channel and throws its FabricException. */
    private void authenticate(final Channel channel)
    {
        final Future<Void> handshake = channel.attr(HANDSHAKE).get();
        if (!handshake.awaitUninterruptibly(handshakeWaitMs))
        {
            channel.close();
            throw new FabricException(Errnos.ETIMEDOUT, "authentication with " + peer + " did not complete");
        }
        if (!handshake.isSuccess())
        {
            channel.close();
            final Throwable cause = handshake.cause();
            if (cause instanceof FabricException)
            {
                throw (FabricException)cause;
            }
            throw new FabricException(Errnos.EIO, "authentication with " + peer + " failed: " + cause, cause);
        }
    }

    @Override
    public String toString()
    {
        return "NettyClient{" + peer + "}";
    }

    private static final class Connection
    {
        final Channel channel;
        final PendingCalls pendingCalls;

        Connection(final Channel channel, final PendingCalls pendingCalls)
        {
            this.channel = channel;
            this.pendingCalls = pendingCalls;
        }
    }
}
