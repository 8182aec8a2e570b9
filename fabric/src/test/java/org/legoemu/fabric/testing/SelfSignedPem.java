package org.legoemu.fabric.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for 127.0.0.1 and localhost with its key, as PEM files, made by the JDK's keytool (Netty's
 * SelfSignedCertificate needs BouncyCastle or pre-JDK-16 internals, neither of which is here).
 *
 * @param certificate PEM certificate file.
 * @param key         PEM unencrypted PKCS#8 private key file.
 */
public record SelfSignedPem(Path certificate, Path key)
{
    private static final char[] PASSWORD = "lego-test".toCharArray();

    /**
     * Generates an EC P-256 key and certificate valid for two days into {@code dir} as {@code NAME.crt} and
     * {@code NAME.key}.
     *
     * @throws IOException if keytool fails.
     */
    public static SelfSignedPem generate(final Path dir, final String name) throws IOException
    {
        final Path keystore = dir.resolve(name + ".p12");
        final Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        final Process process = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", name,
            "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
            "-ext", "SAN=ip:127.0.0.1,dns:localhost",
            "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
            "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)))
            .redirectErrorStream(true).start();
        try
        {
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0)
            {
                throw new IOException("keytool failed: " + output);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for keytool", ex);
        }
        try (InputStream in = Files.newInputStream(keystore))
        {
            final KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD);
            final Certificate certificate = store.getCertificate(name);
            final PrivateKey key = (PrivateKey)store.getKey(name, PASSWORD);
            final Path certFile = Files.writeString(dir.resolve(name + ".crt"),
                pem("CERTIFICATE", certificate.getEncoded()), StandardCharsets.US_ASCII);
            final Path keyFile = Files.writeString(dir.resolve(name + ".key"),
                pem("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII);
            return new SelfSignedPem(certFile, keyFile);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IOException("cannot read the keystore keytool wrote: " + ex, ex);
        }
    }

    private static String pem(final String type, final byte[] der)
    {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) +
            "\n-----END " + type + "-----\n";
    }
}
