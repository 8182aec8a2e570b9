package org.legoemu.fabric.netty;

import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.net.ServerSocket;

import org.agrona.ExpandableArrayBuffer;
import io.netty.channel.epoll.Epoll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.Messages;
import org.legoemu.fabric.Reply;
import org.legoemu.fabric.Server;
import org.legoemu.fabric.TestMessages;
import org.legoemu.fabric.Transport;
import org.legoemu.fabric.auth.ClusterSecret;
import org.legoemu.fabric.transport.AbstractTransportTest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link NettyTransport} over loopback TCP. */
class NettyTransportTest extends AbstractTransportTest
{
    @BeforeAll
    static void paranoidLeakDetection()
    {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    @Override
    protected Transport newTransport()
    {
        return new NettyTransport(new NettyTransport.Context().secret(ClusterSecret.generate())
            .maxFrameLengthBytes(64 * 1024).connectTimeoutMs(2000));
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
    void runsOnNativeEpollOnLinuxAndTheCallsGoThroughIt()
    {
        final String arch = System.getProperty("os.arch");
        Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux") &&
            (arch.equals("amd64") || arch.equals("aarch64")), "the native epoll library is shipped for Linux only");
        assertTrue(((NettyTransport)transport).isEpoll(), "epoll unavailable: " + Epoll.unavailabilityCause());
        final Server server = transport.serve(anyEndpoint(), "echo", TestMessages.handler(() -> {}));
        try (Client client = transport.connect(server.endpoint()))
        {
            final int[] length = new int[1];
            final Reply reply = new Reply();
            client.call(TestMessages.request(TestMessages.ECHO, 77, length), 0, length[0], reply, 2_000_000_000L);
            assertEquals(77, Messages.ackValue(reply));
        }
    }

    @Test
    void requestLargerThanTheFrameLimitFailsWithEmsgsize()
    {
        final Server server = transport.serve(anyEndpoint(), "big", TestMessages.handler(() -> {}));
        try (Client client = transport.connect(server.endpoint()))
        {
            final ExpandableArrayBuffer big = new ExpandableArrayBuffer(128 * 1024);
            assertEquals(Errnos.EMSGSIZE, assertThrows(FabricException.class,
                () -> client.call(big, 0, 128 * 1024, new Reply(), 1_000_000_000L)).errno());
        }
    }

    @Test
    void contextRejectsNonsense()
    {
        final ClusterSecret secret = ClusterSecret.generate();
        assertThrows(IllegalArgumentException.class, () -> new NettyTransport.Context().conclude());
        assertThrows(IllegalArgumentException.class,
            () -> new NettyTransport.Context().secret(secret).ioThreads(0).conclude());
        assertThrows(IllegalArgumentException.class,
            () -> new NettyTransport.Context().secret(secret).connectTimeoutMs(0).conclude());
        assertThrows(IllegalArgumentException.class,
            () -> new NettyTransport.Context().secret(secret).maxFrameLengthBytes(10).conclude());
        assertThrows(IllegalArgumentException.class,
            () -> new NettyTransport.Context().secret(secret).handshakeTimeoutMs(0).conclude());
    }
}
