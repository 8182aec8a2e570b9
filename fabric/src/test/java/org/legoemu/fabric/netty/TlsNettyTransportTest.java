package org.legoemu.fabric.netty;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.Messages;
import org.legoemu.fabric.Reply;
import org.legoemu.fabric.RequestHandler;
import org.legoemu.fabric.Server;
import org.legoemu.fabric.TestMessages;
import org.legoemu.fabric.Transport;
import org.legoemu.fabric.auth.ClusterSecret;
import org.legoemu.fabric.testing.SelfSignedPem;
import org.legoemu.fabric.transport.AbstractTransportTest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link NettyTransport} with TLS below the authentication handshake: every transport behaviour still holds, and a
 * peer without TLS or a server the client does not trust gets no service.
 */
class TlsNettyTransportTest extends AbstractTransportTest
{
    private static final long CALL_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    @TempDir
    static Path dir;

    private static SelfSignedPem server;
    private static SelfSignedPem stranger;
    private static final ClusterSecret SECRET = ClusterSecret.generate();

    @BeforeAll
    static void certificates() throws IOException
    {
        server = SelfSignedPem.generate(dir, "server");
        stranger = SelfSignedPem.generate(dir, "stranger");
    }

    @Override
    protected Transport newTransport()
    {
        return newTransport(TlsConfig.forDaemon(server.certificate(), server.key(), server.certificate()));
    }

    @Override
    protected Endpoint anyEndpoint()
    {
        return new Endpoint("127.0.0.1", 0);
    }

    @Override
    protected Endpoint unservedEndpoint()
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return new Endpoint("127.0.0.1", socket.getLocalPort());
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    @Test
    void clientOnlyTlsTrustingTheServerIsServed()
    {
        final Server served = transport.serve(anyEndpoint(), "tls", TestMessages.handler(() -> {}));
        try (NettyTransport client = newTransport(TlsConfig.forClient(server.certificate()));
            Client connection = client.connect(served.endpoint()))
        {
            assertEquals(5, echo(connection, 5));
        }
    }

    @Test
    void plainClientGetsNothingFromATlsServer()
    {
        final AtomicInteger served = new AtomicInteger();
        final Server tlsServer = transport.serve(anyEndpoint(), "tls", counting(served));
        try (NettyTransport plain = newTransport(null); Client client = plain.connect(tlsServer.endpoint()))
        {
            final FabricException ex = assertThrows(FabricException.class, () -> echo(client, 1));
            assertEquals(Errnos.EACCES, ex.errno(), ex.getMessage());
        }
        assertEquals(0, served.get());
    }

    @Test
    void clientRejectsAServerCertificateItDoesNotTrust()
    {
        final AtomicInteger served = new AtomicInteger();
        final Server tlsServer = transport.serve(anyEndpoint(), "tls", counting(served));
        try (NettyTransport wary = newTransport(TlsConfig.forClient(stranger.certificate()));
            Client client = wary.connect(tlsServer.endpoint()))
        {
            final FabricException ex = assertThrows(FabricException.class, () -> echo(client, 1));
            assertEquals(Errnos.EACCES, ex.errno(), ex.getMessage());
            assertTrue(ex.getMessage().contains("TLS"), ex.getMessage());
        }
        assertEquals(0, served.get());
    }

    @Test
    void clientOnlyConfigurationCannotServeAndBadFilesAreOneLine()
    {
        try (NettyTransport clientOnly = newTransport(TlsConfig.forClient(null)))
        {
            assertThrows(IllegalArgumentException.class,
                () -> clientOnly.serve(anyEndpoint(), "x", TestMessages.handler(() -> {})));
        }
        final IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
            () -> TlsConfig.forDaemon(dir.resolve("none.crt"), server.key(), null));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        final IllegalArgumentException swapped = assertThrows(IllegalArgumentException.class,
            () -> TlsConfig.forDaemon(server.key(), server.certificate(), null));
        assertTrue(swapped.getMessage().startsWith("cannot use TLS certificate"), swapped.getMessage());
    }

    private static NettyTransport newTransport(final TlsConfig tls)
    {
        return new NettyTransport(new NettyTransport.Context().secret(SECRET).tls(tls)
            .maxFrameLengthBytes(64 * 1024).connectTimeoutMs(2000).handshakeTimeoutMs(3000));
    }

    private static RequestHandler counting(final AtomicInteger served)
    {
        final RequestHandler echo = TestMessages.handler(() -> {});
        return (buffer, offset, length, responder) ->
        {
            served.incrementAndGet();
            echo.onRequest(buffer, offset, length, responder);
        };
    }

    private static long echo(final Client client, final long value)
    {
        final int[] length = new int[1];
        final ExpandableArrayBuffer request = TestMessages.request(TestMessages.ECHO, value, length);
        final Reply reply = new Reply();
        client.call(request, 0, length[0], reply, CALL_TIMEOUT_NS);
        return Messages.ackValue(reply);
    }
}
