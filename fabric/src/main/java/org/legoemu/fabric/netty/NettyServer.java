package org.legoemu.fabric.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;

import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.RequestHandler;
import org.legoemu.fabric.Server;
import org.legoemu.fabric.transport.DispatchLoop;
import org.legoemu.fabric.transport.ProtocolErrorLog;
import org.legoemu.fabric.transport.RequestQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP server: a listening channel whose connections each authenticate ({@link ServerHandshakeHandler}), then get
 * the pipeline of {@link #configurePipeline} and feed one {@link DispatchLoop}.
 */
final class NettyServer implements Server
{
    /** Name of the {@link ServerHandshakeHandler} in a connection's pipeline until it removes itself. */
    static final String HANDSHAKE_HANDLER_NAME = "handshake";
    /** Name of the TLS {@link io.netty.handler.ssl.SslHandler}, first in a pipeline when TLS is on. */
    static final String TLS_HANDLER_NAME = "tls";

    private static final Logger LOG = LoggerFactory.getLogger(NettyServer.class);

    private final NettyTransport transport;
    private final String name;
    private final DispatchLoop dispatchLoop;
    private final ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel serverChannel;
    private final Endpoint endpoint;
    private boolean closed;

    NettyServer(final NettyTransport transport, final Endpoint at, final String name, final RequestHandler handler)
    {
        this.transport = transport;
        this.name = name;
        final NettyTransport.Context context = transport.context();
        this.dispatchLoop = new DispatchLoop(name, handler, context.dispatchQueueCapacity());
        final ProtocolErrorLog protocolErrorLog = new ProtocolErrorLog(LOG, name);
        final ProtocolErrorLog authenticationFailures = new ProtocolErrorLog(LOG, name, "authentication failure");
        final int maxFrameLengthBytes = context.maxFrameLengthBytes();
        if (context.tls() != null && !context.tls().canServe())
        {
            dispatchLoop.close();
            throw new IllegalArgumentException(name + " cannot serve TLS without a certificate and key");
        }

        final ServerBootstrap bootstrap = new ServerBootstrap()
            .group(transport.group(), transport.group())
            .channel(transport.serverChannelClass())
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel channel)
                {
                    children.add(channel);
                    if (context.tls() != null)
                    {
                        channel.pipeline().addLast(TLS_HANDLER_NAME,
                            context.tls().newServerHandler(channel.alloc(), context.handshakeTimeoutMs()));
                    }
                    channel.pipeline().addLast(HANDSHAKE_HANDLER_NAME, new ServerHandshakeHandler(
                        context.secret(), context.handshakeTimeoutMs(), LOG, authenticationFailures, name));
                    configurePipeline(channel, maxFrameLengthBytes, dispatchLoop, protocolErrorLog);
                }
            });

        final ChannelFuture bind = bootstrap.bind(at.host(), at.port()).awaitUninterruptibly();
        if (!bind.isSuccess())
        {
            dispatchLoop.close();
            throw new FabricException(Errnos.EADDRINUSE, name + " cannot listen on " + at + ": " + bind.cause(),
                bind.cause());
        }
        this.serverChannel = bind.channel();
        this.endpoint = new Endpoint(at.host(), ((InetSocketAddress)serverChannel.localAddress()).getPort());
        LOG.debug("{} listening on {}", name, endpoint);
    }

    /**
     * Sets up a server connection's pipeline: frame decoder first (with the frame limit), then a
     * {@link ServerFrameHandler} feeding {@code requestQueue}.
     */
    static void configurePipeline(
        final Channel channel,
        final int maxFrameLengthBytes,
        final RequestQueue requestQueue,
        final ProtocolErrorLog protocolErrorLog)
    {
        FrameCodec.configure(channel.pipeline(), maxFrameLengthBytes, "serverFrameHandler",
            new ServerFrameHandler(requestQueue, protocolErrorLog, maxFrameLengthBytes));
    }

    /** {@inheritDoc} */
    @Override
    public Endpoint endpoint()
    {
        return endpoint;
    }

    /**
     * Stops accepting, answers queued requests ErrorReply ESHUTDOWN, stops the dispatch thread (interrupting a
     * handler that runs past {@link DispatchLoop#CLOSE_GRACE_MS}), then closes every connection.
     */
    @Override
    public void close()
    {
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
        }
        serverChannel.close().awaitUninterruptibly();
        dispatchLoop.close();
        children.close().awaitUninterruptibly();
        transport.removed(this);
        LOG.debug("{} closed", name);
    }

    @Override
    public String toString()
    {
        return "NettyServer{" + name + "@" + endpoint + "}";
    }
}
