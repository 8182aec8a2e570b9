package org.legoemu.emulator.daemon;

import org.legoemu.fabric.auth.ClusterSecret;
import org.legoemu.fabric.netty.NettyTransport;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code --secret-file FILE}: the cluster secret every TCP connection of this command authenticates with (a mutual
 * HMAC-SHA256 challenge-response, see docs/architecture.md). Required by every daemon and client command; there is
 * no unauthenticated mode.
 */
public final class SecretOptions
{
    /** One-line hint printed when the option is missing. */
    static final String MISSING = "no cluster secret: pass --secret-file FILE (create one with 'lego keygen --out FILE'"
        + " and give every daemon and client of the cluster the same file)";

    @Option(names = "--secret-file", paramLabel = "FILE",
        description = "The cluster secret written by 'lego keygen'; every connection proves it, in both directions. "
            + "Required.")
    Path secretFile;

    /**
     * The secret from the file.
     *
     * @throws IOException with a one-line message if the option is missing or the file cannot be read or is garbled.
     */
    public ClusterSecret load() throws IOException
    {
        if (secretFile == null)
        {
            throw new IOException(MISSING);
        }
        return ClusterSecret.read(secretFile);
    }

    /**
     * A TCP transport authenticating with the secret from the file.
     *
     * @throws IOException as {@link #load()}.
     */
    public NettyTransport newTransport() throws IOException
    {
        return new NettyTransport(new NettyTransport.Context().secret(load()));
    }
}
