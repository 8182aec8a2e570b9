package org.legoemu.emulator.daemon;

import org.legoemu.fabric.auth.ClusterSecret;
import org.legoemu.fabric.netty.NettyTransport;
import org.legoemu.fabric.netty.TlsConfig;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/**
 * How a command's TCP connections get into the cluster: {@code --secret-file FILE}, the cluster secret every connection
 * authenticates with (a mutual HMAC-SHA256 challenge-response, docs/architecture.md), required, there is no
 * unauthenticated mode; and optionally {@code --tls} with PEM files, TLS below that handshake.
 */
public final class AccessOptions
{
    /** One-line hint printed when --secret-file is missing. */
    static final String MISSING = "no cluster secret: pass --secret-file FILE (create one with 'lego keygen --out FILE'"
        + " and give every daemon and client of the cluster the same file)";

    @Option(names = "--secret-file", paramLabel = "FILE",
        description = "The cluster secret written by 'lego keygen'; every connection proves it, in both directions. "
            + "Required.")
    Path secretFile;

    @Option(names = "--tls", description = "Encrypt every connection with TLS (then every member must use --tls).")
    boolean tls;

    @Option(names = "--tls-cert", paramLabel = "FILE",
        description = "With --tls: this daemon's certificate chain (PEM, leaf first) naming the host in its --listen.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE",
        description = "With --tls: the private key of --tls-cert (PEM, unencrypted PKCS#8).")
    Path tlsKey;

    @Option(names = "--tls-trust", paramLabel = "FILE",
        description = "With --tls: certificates (PEM) trusted for the servers this command connects to "
            + "(default: the JVM's trusted CAs).")
    Path tlsTrust;

    /**
     * The secret from the file.
     *
     * @throws IOException with a one-line message if the option is missing or the file cannot be read or is garbled.
     */
    public ClusterSecret loadSecret() throws IOException
    {
        if (secretFile == null)
        {
            throw new IOException(MISSING);
        }
        return ClusterSecret.read(secretFile);
    }

    /**
     * The TLS configuration, or null without {@code --tls}.
     *
     * @param serving whether the command serves (then --tls-cert and --tls-key are required).
     * @throws IllegalArgumentException with a one-line reason for a missing, unreadable or unusable file, or TLS files
     *                                  without --tls.
     */
    public TlsConfig tlsConfig(final boolean serving)
    {
        if (!tls)
        {
            if (tlsCert != null || tlsKey != null || tlsTrust != null)
            {
                throw new IllegalArgumentException("--tls-cert, --tls-key and --tls-trust need --tls");
            }
            return null;
        }
        if (!serving && tlsCert == null && tlsKey == null)
        {
            return TlsConfig.forClient(tlsTrust);
        }
        if (tlsCert == null || tlsKey == null)
        {
            throw new IllegalArgumentException("--tls needs --tls-cert FILE and --tls-key FILE");
        }
        return TlsConfig.forDaemon(tlsCert, tlsKey, tlsTrust);
    }

    /**
     * A TCP transport authenticating with the secret, under TLS if asked.
     *
     * @param serving whether the command serves.
     * @throws IOException              as {@link #loadSecret()}.
     * @throws IllegalArgumentException as {@link #tlsConfig(boolean)}.
     */
    public NettyTransport newTransport(final boolean serving) throws IOException
    {
        return new NettyTransport(new NettyTransport.Context().secret(loadSecret()).tls(tlsConfig(serving)));
    }
}
