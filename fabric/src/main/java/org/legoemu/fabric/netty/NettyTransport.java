package org.legoemu.fabric.netty;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.legoemu.fabric.Client;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.RequestHandler;
import org.legoemu.fabric.Server;
import org.legoemu.fabric.Transport;
import org.legoemu.fabric.auth.ClusterSecret;
import org.legoemu.fabric.auth.HandshakeTranscript;
import org.legoemu.fabric.transport.DispatchLoop;

/**
 * TCP transport on Netty: frames as described in {@link FrameCodec}, TCP_NODELAY, Netty's pooled direct buffers
 * (the default allocator; a frame is copied once out of the socket's buffer and once into it), one event loop group
 * shared by this transport's servers and clients. The event loops are Netty's native epoll ones where the native
 * library loads (Linux x86_64 and aarch64), NIO elsewhere or with {@code -Dlegoemu.fabric.epoll=false}
 * ({@link #isEpoll()}). Event loops only frame, copy and queue; one dispatch thread per server
 * ({@link DispatchLoop}), one connection per client, multiplexing calls from many threads by correlationId.
 * <p>
 * Every connection authenticates before any other message: a mutual HMAC-SHA256 challenge-response with the
 * {@link Context#secret cluster secret} ({@link HandshakeTranscript}, docs/architecture.md). A peer that fails,
 * skips or times out the handshake is disconnected without a reply and logged at WARN. With {@link Context#tls} set,
 * TLS runs below the handshake.
 * <p>
 * Errors: connection refused gives FabricException ECONNREFUSED(111), connect or reply timeout ETIMEDOUT(110),
 * authentication rejected (by either side) EACCES(13), handshake timeout ETIMEDOUT(110),
 * connection lost with calls pending EIO(5), a request above the frame limit EMSGSIZE(90), use after close
 * ESHUTDOWN(108); an ErrorReply gives RemoteErrorException with the peer's errno.
 */
public final class NettyTransport implements Transport
{
    private static final boolean USE_EPOLL =
        Boolean.parseBoolean(System.getProperty("legoemu.fabric.epoll", "true")) && Epoll.isAvailable();

    private final Context context;
    private final boolean epoll;
    private final EventLoopGroup group;
    private final List<NettyServer> servers = new ArrayList<>();
    private final List<NettyClient> clients = new ArrayList<>();
    private boolean closed;

    /**
     * @param context settings; {@link Context#conclude()} is called here.
     * @throws IllegalArgumentException if a setting is out of range.
     */
    public NettyTransport(final Context context)
    {
        this.context = context.conclude();
        this.epoll = USE_EPOLL;
        this.group = epoll ?
            new EpollEventLoopGroup(context.ioThreads(), new DefaultThreadFactory("fabric-netty", true)) :
            new NioEventLoopGroup(context.ioThreads(), new DefaultThreadFactory("fabric-netty", true));
    }

    /** The concluded settings. */
    public Context context()
    {
        return context;
    }

    /** {@inheritDoc} */
    @Override
    public Server serve(final Endpoint at, final String name, final RequestHandler handler)
    {
        synchronized (this)
        {
            ensureOpen();
        }
        final NettyServer server = new NettyServer(this, at, name, handler);
        synchronized (this)
        {
            if (closed)
            {
                server.close();
                throw new FabricException(Errnos.ESHUTDOWN, "transport is closed");
            }
            servers.add(server);
        }
        return server;
    }

    /** {@inheritDoc} */
    @Override
    public synchronized Client connect(final Endpoint peer)
    {
        ensureOpen();
        final NettyClient client = new NettyClient(this, peer);
        clients.add(client);
        return client;
    }

    /** {@inheritDoc} */
    @Override
    public void close()
    {
        final List<NettyServer> serversToClose;
        final List<NettyClient> clientsToClose;
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            serversToClose = new ArrayList<>(servers);
            clientsToClose = new ArrayList<>(clients);
        }
        serversToClose.forEach(NettyServer::close);
        clientsToClose.forEach(NettyClient::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    EventLoopGroup group()
    {
        return group;
    }

    /** True if this transport runs on Netty's native epoll event loops, false if on NIO. */
    public boolean isEpoll()
    {
        return epoll;
    }

    Class<? extends ServerSocketChannel> serverChannelClass()
    {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    Class<? extends SocketChannel> channelClass()
    {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    synchronized void removed(final NettyServer server)
    {
        servers.remove(server);
    }

    synchronized void removed(final NettyClient client)
    {
        clients.remove(client);
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new FabricException(Errnos.ESHUTDOWN, "transport is closed");
        }
    }

    /**
     * Settings of a {@link NettyTransport}, Aeron style: fluent setters, {@link #conclude()} validates and fills
     * defaults.
     */
    public static final class Context
    {
        /** Default connect timeout in milliseconds. */
        public static final int DEFAULT_CONNECT_TIMEOUT_MS = 5000;
        /** Default time a connection may take to authenticate once established, in milliseconds. */
        public static final int DEFAULT_HANDSHAKE_TIMEOUT_MS = HandshakeHandler.DEFAULT_TIMEOUT_MS;
        /** Default number of NIO event loop threads. */
        public static final int DEFAULT_IO_THREADS = 1;

        private int maxFrameLengthBytes = FrameCodec.DEFAULT_MAX_FRAME_LENGTH_BYTES;
        private int connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS;
        private int ioThreads = DEFAULT_IO_THREADS;
        private int dispatchQueueCapacity = DispatchLoop.DEFAULT_QUEUE_CAPACITY;
        private int handshakeTimeoutMs = DEFAULT_HANDSHAKE_TIMEOUT_MS;
        private ClusterSecret secret;
        private TlsConfig tls;

        /**
         * Validates the settings.
         *
         * @return this.
         * @throws IllegalArgumentException with a one-line reason if a setting is out of range or the secret is
         *                                  missing.
         */
        public Context conclude()
        {
            if (secret == null)
            {
                throw new IllegalArgumentException("no cluster secret: every TCP connection authenticates with one " +
                    "(see ClusterSecret; 'lego keygen' writes one)");
            }
            if (handshakeTimeoutMs <= 0)
            {
                throw new IllegalArgumentException("handshakeTimeoutMs " + handshakeTimeoutMs + " must be positive");
            }
            final int minFrame = FrameCodec.LENGTH_FIELD_LENGTH + FrameCodec.ENVELOPE_LENGTH + 1024 + 8;
            if (maxFrameLengthBytes < minFrame)
            {
                throw new IllegalArgumentException("maxFrameLengthBytes " + maxFrameLengthBytes + " < " + minFrame);
            }
            if (connectTimeoutMs <= 0)
            {
                throw new IllegalArgumentException("connectTimeoutMs " + connectTimeoutMs + " must be positive");
            }
            if (ioThreads <= 0)
            {
                throw new IllegalArgumentException("ioThreads " + ioThreads + " must be positive");
            }
            if (dispatchQueueCapacity < 2)
            {
                throw new IllegalArgumentException("dispatchQueueCapacity " + dispatchQueueCapacity + " < 2");
            }
            return this;
        }

        /** Largest frame, length field included, in bytes; longer frames close the connection. */
        public Context maxFrameLengthBytes(final int maxFrameLengthBytes)
        {
            this.maxFrameLengthBytes = maxFrameLengthBytes;
            return this;
        }

        /** Largest frame, length field included, in bytes. */
        public int maxFrameLengthBytes()
        {
            return maxFrameLengthBytes;
        }

        /** How long a client waits for a TCP connection, in milliseconds. */
        public Context connectTimeoutMs(final int connectTimeoutMs)
        {
            this.connectTimeoutMs = connectTimeoutMs;
            return this;
        }

        /** How long a client waits for a TCP connection, in milliseconds. */
        public int connectTimeoutMs()
        {
            return connectTimeoutMs;
        }

        /** NIO event loop threads shared by all servers and clients of the transport. */
        public Context ioThreads(final int ioThreads)
        {
            this.ioThreads = ioThreads;
            return this;
        }

        /** NIO event loop threads shared by all servers and clients of the transport. */
        public int ioThreads()
        {
            return ioThreads;
        }

        /** The secret every connection proves knowledge of, in both directions; required. */
        public Context secret(final ClusterSecret secret)
        {
            this.secret = secret;
            return this;
        }

        /** The secret every connection proves knowledge of, in both directions. */
        public ClusterSecret secret()
        {
            return secret;
        }

        /**
         * TLS on every connection, below the authentication handshake; null (the default) for plain TCP. Servers need
         * a configuration that {@link TlsConfig#canServe()}.
         */
        public Context tls(final TlsConfig tls)
        {
            this.tls = tls;
            return this;
        }

        /** TLS on every connection, or null for plain TCP. */
        public TlsConfig tls()
        {
            return tls;
        }

        /**
         * How long a connection may take to authenticate once established, in milliseconds; a server closes a
         * connection that has not, a client fails the call with ETIMEDOUT.
         */
        public Context handshakeTimeoutMs(final int handshakeTimeoutMs)
        {
            this.handshakeTimeoutMs = handshakeTimeoutMs;
            return this;
        }

        /** How long a connection may take to authenticate once established, in milliseconds. */
        public int handshakeTimeoutMs()
        {
            return handshakeTimeoutMs;
        }

        /** Requests a server queues for its dispatch thread before answering EAGAIN. */
        public Context dispatchQueueCapacity(final int dispatchQueueCapacity)
        {
            this.dispatchQueueCapacity = dispatchQueueCapacity;
            return this;
        }

        /** Requests a server queues for its dispatch thread before answering EAGAIN. */
        public int dispatchQueueCapacity()
        {
            return dispatchQueueCapacity;
        }
    }
}
