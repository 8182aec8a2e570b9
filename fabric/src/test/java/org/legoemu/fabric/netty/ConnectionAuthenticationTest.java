package org.legoemu.fabric.netty;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.Messages;
import org.legoemu.fabric.Reply;
import org.legoemu.fabric.RequestHandler;
import org.legoemu.fabric.Server;
import org.legoemu.fabric.TestMessages;
import org.legoemu.fabric.auth.ClusterSecret;
import org.legoemu.fabric.auth.HandshakeTranscript;
import org.legoemu.fabric.auth.HandshakeTranscript.Role;
import org.legoemu.fabric.sbe.X2X_AUTH_CHALLENGEDecoder;
import org.legoemu.fabric.sbe.X2X_AUTH_CONFIRMDecoder;
import org.legoemu.fabric.sbe.X2X_AUTH_HELLODecoder;
import org.legoemu.fabric.sbe.X2X_AUTH_RESPONSEDecoder;
import org.slf4j.LoggerFactory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who may talk to a Netty fabric server: only a peer that proves the cluster secret, and it learns nothing before.
 * Raw sockets play the misbehaving peers; the server's handler counts the requests it was given.
 */
@Timeout(60)
class ConnectionAuthenticationTest
{
    private static final long CALL_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    private static final int HANDSHAKE_TIMEOUT_MS = 1000;
    private static final int SOCKET_TIMEOUT_MS = 20_000;

    private final ClusterSecret secret = ClusterSecret.generate();
    private final AtomicInteger requestsServed = new AtomicInteger();
    private final Logger serverLog = (Logger)LoggerFactory.getLogger(NettyServer.class);
    private final ListAppender<ILoggingEvent> serverWarnings = new ListAppender<>();
    private NettyTransport transport;
    private Server server;

    @BeforeEach
    void serve()
    {
        serverWarnings.start();
        serverLog.addAppender(serverWarnings);
        serverLog.setLevel(Level.WARN);
        transport = newTransport(secret);
        final RequestHandler echo = TestMessages.handler(() -> {});
        server = transport.serve(new Endpoint("127.0.0.1", 0), "auth-test", (buffer, offset, length, responder) ->
        {
            requestsServed.incrementAndGet();
            echo.onRequest(buffer, offset, length, responder);
        });
    }

    @AfterEach
    void close()
    {
        transport.close();
        serverLog.detachAppender(serverWarnings);
        serverLog.setLevel(null);
    }

    @Test
    void clientWithTheSecretIsServed()
    {
        try (Client client = transport.connect(server.endpoint()))
        {
            assertEquals(41, echo(client, 41));
            assertEquals(42, echo(client, 42));
        }
        assertEquals(2, requestsServed.get());
    }

    @Test
    void requestWithoutHandshakeGetsNoBytesAndIsDisconnected() throws Exception
    {
        try (RawPeer peer = new RawPeer(server.endpoint()))
        {
            peer.send(requestFrame(7));
            assertEquals(0, peer.readToEnd().length, "bytes sent to an unauthenticated peer");
            final String peerAddress = "127.0.0.1:" + peer.socket.getLocalPort();
            assertEquals(1, serverWarnings.list.stream().filter(event -> event.getLevel() == Level.WARN &&
                event.getFormattedMessage().contains(peerAddress)).count(), "one WARN naming " + peerAddress + ": " +
                serverWarnings.list);
        }
        assertEquals(0, requestsServed.get());
    }

    /** Issue 14: a flood of unauthenticated connections wrote one WARN line each (30,000 in 20 s). */
    @Test
    void aFloodOfUnauthenticatedConnectionsLogsAFewLines() throws Exception
    {
        final int connections = 200;
        for (int i = 0; i < connections; i++)
        {
            try (RawPeer peer = new RawPeer(server.endpoint()))
            {
                peer.send(requestFrame(i));
                assertEquals(0, peer.readToEnd().length, "bytes sent to an unauthenticated peer");
            }
        }
        final long lines = serverWarnings.list.stream().filter(event -> event.getLevel() == Level.WARN &&
            event.getFormattedMessage().contains("authentication failure")).count();
        assertTrue(lines >= 1 && lines <= 10, lines + " WARN lines for " + connections + " bad connections");
        assertTrue(serverWarnings.list.stream().anyMatch(event ->
            event.getFormattedMessage().contains("authentication failure #10 (from now on one in 1000 is logged)")),
            "the last line says that later ones are thinned out");
        assertEquals(0, requestsServed.get());
    }

    @Test
    void silentPeerIsDisconnectedWhenTheHandshakeTimesOut() throws Exception
    {
        try (RawPeer peer = new RawPeer(server.endpoint()))
        {
            assertEquals(0, peer.readToEnd().length);
        }
    }

    @Test
    void clientWithAnotherSecretIsRejectedAndNeverServed()
    {
        try (NettyTransport other = newTransport(ClusterSecret.generate());
            Client client = other.connect(server.endpoint()))
        {
            final FabricException ex = assertThrows(FabricException.class, () -> echo(client, 1));
            assertEquals(Errnos.EACCES, ex.errno());
            assertTrue(ex.getMessage().contains("authentication with " + server.endpoint() + " failed"),
                ex.getMessage());
        }
        assertEquals(0, requestsServed.get());
    }

    @Test
    void serverThatCannotProveTheSecretIsRejectedByTheClient() throws Exception
    {
        try (ServerSocket impostor = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            final CompletableFuture<byte[]> afterConfirm = CompletableFuture.supplyAsync(() -> impersonate(impostor));
            final Endpoint at = new Endpoint("127.0.0.1", impostor.getLocalPort());
            try (Client client = transport.connect(at))
            {
                final FabricException ex = assertThrows(FabricException.class, () -> echo(client, 1));
                assertEquals(Errnos.EACCES, ex.errno());
                assertTrue(ex.getMessage().contains("did not prove the cluster secret"), ex.getMessage());
            }
            assertEquals(0, afterConfirm.get(SOCKET_TIMEOUT_MS, TimeUnit.MILLISECONDS).length,
                "the client sent a request to a server that did not authenticate");
        }
    }

    @Test
    void requestInTheSameSegmentAsTheResponseIsServedAfterIt() throws Exception
    {
        try (RawPeer peer = new RawPeer(server.endpoint()))
        {
            final HandshakeCodec codec = new HandshakeCodec();
            final byte[] clientNonce = HandshakeTranscript.newNonce();
            peer.send(codec.hello(UnpooledByteBufAllocator.DEFAULT, clientNonce));
            final byte[] serverNonce = decode(codec, peer.readFrame(), FrameCodec.KIND_REPLY,
                X2X_AUTH_CHALLENGEDecoder.TEMPLATE_ID).value();
            final byte[] response = bytes(codec.response(UnpooledByteBufAllocator.DEFAULT,
                HandshakeTranscript.proof(secret, Role.CLIENT, clientNonce, serverNonce)));
            final byte[] request = bytes(requestFrame(123));
            final byte[] both = Arrays.copyOf(response, response.length + request.length);
            System.arraycopy(request, 0, both, response.length, request.length);
            peer.sendRaw(both);
            decode(codec, peer.readFrame(), FrameCodec.KIND_REPLY, X2X_AUTH_CONFIRMDecoder.TEMPLATE_ID);
            final byte[] reply = peer.readFrame();
            assertNotNull(reply, "the pipelined request was answered");
            final Reply decoded = new Reply();
            final int messageOffset = FrameCodec.LENGTH_FIELD_LENGTH + FrameCodec.ENVELOPE_LENGTH;
            decoded.mutableBuffer().putBytes(0, reply, messageOffset, reply.length - messageOffset);
            decoded.length(reply.length - messageOffset);
            assertEquals(123, Messages.ackValue(decoded));
        }
        assertEquals(1, requestsServed.get());
    }

    @Test
    void replayedHandshakeIsRejected() throws Exception
    {
        final byte[] recorded;
        try (RawPeer peer = new RawPeer(server.endpoint()))
        {
            peer.authenticate(secret);
            peer.send(requestFrame(99));
            assertNotNull(peer.readFrame(), "the recorded session was served");
            recorded = peer.sent.toByteArray();
        }
        assertEquals(1, requestsServed.get());

        try (RawPeer replay = new RawPeer(server.endpoint()))
        {
            replay.sendRaw(recorded);
            final byte[] challenge = replay.readFrame();
            assertNotNull(challenge, "a fresh CHALLENGE");
            assertNull(replay.readFrame(), "nothing but the CHALLENGE reaches a replaying peer");
        }
        assertEquals(1, requestsServed.get());
    }

    @Test
    void frameSentBeforeTheHandshakeCompletesGetsNothing() throws Exception
    {
        try (RawPeer peer = new RawPeer(server.endpoint()))
        {
            peer.send(new HandshakeCodec().hello(UnpooledByteBufAllocator.DEFAULT, HandshakeTranscript.newNonce()));
            assertNotNull(peer.readFrame(), "CHALLENGE");
            peer.send(requestFrame(5));
            assertEquals(0, peer.readToEnd().length);
        }
        assertEquals(0, requestsServed.get());
    }

    @Test
    void oversizedFirstFrameIsRefusedWithoutBuffering() throws Exception
    {
        try (RawPeer peer = new RawPeer(server.endpoint()))
        {
            peer.sendRaw("GET / HTTP/1.0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertEquals(0, peer.readToEnd().length);
            final String peerAddress = "127.0.0.1:" + peer.socket.getLocalPort();
            assertEquals(1, serverWarnings.list.stream().filter(event ->
                event.getFormattedMessage().contains(peerAddress)).count(), serverWarnings.list.toString());
        }
    }

    private NettyTransport newTransport(final ClusterSecret clusterSecret)
    {
        return new NettyTransport(new NettyTransport.Context().secret(clusterSecret)
            .handshakeTimeoutMs(HANDSHAKE_TIMEOUT_MS).maxFrameLengthBytes(64 * 1024).connectTimeoutMs(2000));
    }

    private static long echo(final Client client, final long value)
    {
        final int[] length = new int[1];
        final ExpandableArrayBuffer request = TestMessages.request(TestMessages.ECHO, value, length);
        final Reply reply = new Reply();
        client.call(request, 0, length[0], reply, CALL_TIMEOUT_NS);
        return Messages.ackValue(reply);
    }

    private static ByteBuf requestFrame(final long value)
    {
        final int[] length = new int[1];
        final ExpandableArrayBuffer request = TestMessages.request(TestMessages.ECHO, value, length);
        return FrameCodec.encode(UnpooledByteBufAllocator.DEFAULT, 1, FrameCodec.KIND_REQUEST, request, 0, length[0]);
    }

    /** Plays a server without the secret: CHALLENGE, then a made-up CONFIRM; returns what the client sent after. */
    private static byte[] impersonate(final ServerSocket listening)
    {
        try (Socket socket = listening.accept())
        {
            socket.setSoTimeout(SOCKET_TIMEOUT_MS);
            final DataInputStream in = new DataInputStream(socket.getInputStream());
            final HandshakeCodec codec = new HandshakeCodec();
            decode(codec, readFrame(in), FrameCodec.KIND_REQUEST, X2X_AUTH_HELLODecoder.TEMPLATE_ID);
            socket.getOutputStream().write(bytes(codec.challenge(
                UnpooledByteBufAllocator.DEFAULT, HandshakeTranscript.newNonce())));
            decode(codec, readFrame(in), FrameCodec.KIND_REQUEST, X2X_AUTH_RESPONSEDecoder.TEMPLATE_ID);
            socket.getOutputStream().write(bytes(codec.confirm(
                UnpooledByteBufAllocator.DEFAULT, HandshakeTranscript.newNonce())));
            return readToEnd(in);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static HandshakeCodec.Received decode(
        final HandshakeCodec codec, final byte[] frame, final byte kind, final int templateId)
    {
        assertNotNull(frame, "handshake frame expected, got end of stream");
        final ByteBuf in = Unpooled.wrappedBuffer(frame);
        try
        {
            return codec.decode(in, kind, templateId);
        }
        catch (final HandshakeCodec.BadHandshakeException ex)
        {
            throw new AssertionError(ex.getMessage());
        }
    }

    private static byte[] bytes(final ByteBuf frame)
    {
        try
        {
            final byte[] bytes = new byte[frame.readableBytes()];
            frame.readBytes(bytes);
            return bytes;
        }
        finally
        {
            frame.release();
        }
    }

    /** One whole frame, length field included, or null at end of stream. */
    private static byte[] readFrame(final DataInputStream in) throws IOException
    {
        final byte[] lengthField = new byte[FrameCodec.LENGTH_FIELD_LENGTH];
        try
        {
            in.readFully(lengthField);
        }
        catch (final EOFException ex)
        {
            return null;
        }
        final int length = Unpooled.wrappedBuffer(lengthField).getIntLE(0);
        final byte[] frame = Arrays.copyOf(lengthField, FrameCodec.LENGTH_FIELD_LENGTH + length);
        in.readFully(frame, FrameCodec.LENGTH_FIELD_LENGTH, length);
        return frame;
    }

    /** Everything until the peer closes; fails if it does not close in time. */
    private static byte[] readToEnd(final InputStream in) throws IOException
    {
        try
        {
            return in.readAllBytes();
        }
        catch (final SocketTimeoutException ex)
        {
            throw new AssertionError("the peer was not disconnected");
        }
    }

    /** A TCP peer speaking raw bytes, recording what it sent. */
    private static final class RawPeer implements AutoCloseable
    {
        final Socket socket;
        final DataInputStream in;
        final ByteArrayOutputStream sent = new ByteArrayOutputStream();

        RawPeer(final Endpoint endpoint) throws IOException
        {
            socket = new Socket(endpoint.host(), endpoint.port());
            socket.setSoTimeout(SOCKET_TIMEOUT_MS);
            in = new DataInputStream(socket.getInputStream());
        }

        void send(final ByteBuf frame) throws IOException
        {
            sendRaw(bytes(frame));
        }

        void sendRaw(final byte[] bytes) throws IOException
        {
            sent.write(bytes);
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
        }

        byte[] readFrame() throws IOException
        {
            return ConnectionAuthenticationTest.readFrame(in);
        }

        byte[] readToEnd() throws IOException
        {
            return ConnectionAuthenticationTest.readToEnd(in);
        }

        /** The client side of the handshake, done by hand; asserts the server proved the secret. */
        void authenticate(final ClusterSecret clusterSecret) throws IOException
        {
            final HandshakeCodec codec = new HandshakeCodec();
            final byte[] clientNonce = HandshakeTranscript.newNonce();
            send(codec.hello(UnpooledByteBufAllocator.DEFAULT, clientNonce));
            final byte[] serverNonce = decode(codec, readFrame(), FrameCodec.KIND_REPLY,
                X2X_AUTH_CHALLENGEDecoder.TEMPLATE_ID).value();
            send(codec.response(UnpooledByteBufAllocator.DEFAULT,
                HandshakeTranscript.proof(clusterSecret, Role.CLIENT, clientNonce, serverNonce)));
            final byte[] serverProof = decode(codec, readFrame(), FrameCodec.KIND_REPLY,
                X2X_AUTH_CONFIRMDecoder.TEMPLATE_ID).value();
            assertArrayEquals(HandshakeTranscript.proof(clusterSecret, Role.SERVER, clientNonce, serverNonce),
                serverProof);
            assertFalse(Arrays.equals(clientNonce, serverNonce));
        }

        @Override
        public void close() throws IOException
        {
            socket.close();
        }
    }
}
