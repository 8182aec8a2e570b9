package org.legoemu.fabric.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

import org.legoemu.fabric.Endpoint;

/**
 * TLS for the Netty transport (JDK provider, TLS 1.3 and 1.2): an {@link SslHandler} first in every pipeline, before
 * the authentication handshake, so that the handshake and every later frame are encrypted and integrity-protected.
 * Servers present a certificate chain; clients check it against the trusted certificates and check that it names
 * the host they dialled (RFC 6125 / RFC 2818 rules, "HTTPS" endpoint identification). Clients present no
 * certificate: membership is proven by the cluster secret. Immutable.
 */
public final class TlsConfig
{
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final SslContext serverContext;
    private final SslContext clientContext;

    private TlsConfig(final SslContext serverContext, final SslContext clientContext)
    {
        this.serverContext = serverContext;
        this.clientContext = clientContext;
    }

    /**
     * TLS for a daemon, which both serves and connects.
     *
     * @param certChainPem the server's certificate chain, PEM, leaf first.
     * @param keyPem       its private key, PEM, unencrypted PKCS#8 ("BEGIN PRIVATE KEY").
     * @param trustPem     certificates (PEM) a client trusts for servers; null for the JVM's default trust store.
     * @throws IllegalArgumentException with a one-line reason if a file is missing or cannot be parsed.
     */
    public static TlsConfig forDaemon(final Path certChainPem, final Path keyPem, final Path trustPem)
    {
        requireFile(certChainPem, "TLS certificate");
        requireFile(keyPem, "TLS key");
        try
        {
            final SslContext server = SslContextBuilder.forServer(certChainPem.toFile(), keyPem.toFile())
                .sslProvider(SslProvider.JDK).protocols(PROTOCOLS).build();
            return new TlsConfig(server, clientContext(trustPem));
        }
        catch (final SSLException | IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("cannot use TLS certificate " + certChainPem + " with key " + keyPem +
                ": " + rootMessage(ex), ex);
        }
    }

    /**
     * TLS for a command that only connects (e.g. {@code lego status}).
     *
     * @param trustPem certificates (PEM) to trust for servers; null for the JVM's default trust store.
     * @throws IllegalArgumentException with a one-line reason if the file is missing or cannot be parsed.
     */
    public static TlsConfig forClient(final Path trustPem)
    {
        return new TlsConfig(null, clientContext(trustPem));
    }

    /** True if servers can be started with this configuration (it has a certificate and key). */
    public boolean canServe()
    {
        return serverContext != null;
    }

    /** The TLS handler of an accepted connection; handshake timeout {@code handshakeTimeoutMs} milliseconds. */
    SslHandler newServerHandler(final ByteBufAllocator allocator, final long handshakeTimeoutMs)
    {
        if (serverContext == null)
        {
            throw new IllegalStateException("TLS without a certificate cannot serve");
        }
        final SslHandler handler = serverContext.newHandler(allocator);
        handler.setHandshakeTimeoutMillis(handshakeTimeoutMs);
        return handler;
    }

    /** The TLS handler of a connection to {@code peer}, which must present a certificate naming its host. */
    SslHandler newClientHandler(final ByteBufAllocator allocator, final Endpoint peer, final long handshakeTimeoutMs)
    {
        final SslHandler handler = clientContext.newHandler(allocator, peer.host(), peer.port());
        final SSLEngine engine = handler.engine();
        final SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(parameters);
        handler.setHandshakeTimeoutMillis(handshakeTimeoutMs);
        return handler;
    }

    private static SslContext clientContext(final Path trustPem)
    {
        if (trustPem != null)
        {
            requireFile(trustPem, "TLS trust file");
        }
        try
        {
            final SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .protocols(PROTOCOLS);
            if (trustPem != null)
            {
                builder.trustManager(trustPem.toFile());
            }
            return builder.build();
        }
        catch (final SSLException | IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("cannot use TLS trust file " + trustPem + ": " + rootMessage(ex), ex);
        }
    }

    private static void requireFile(final Path file, final String what)
    {
        if (!Files.isReadable(file))
        {
            throw new IllegalArgumentException(what + " " + file + " does not exist or is not readable");
        }
    }

    private static String rootMessage(final Throwable ex)
    {
        Throwable root = ex;
        while (root.getCause() != null)
        {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }
}
