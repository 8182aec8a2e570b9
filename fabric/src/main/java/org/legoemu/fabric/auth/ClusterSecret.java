package org.legoemu.fabric.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.slf4j.LoggerFactory;

/**
 * The cluster secret: {@link #LENGTH_BYTES} random bytes every member of a cluster shares, the HMAC-SHA256 key of the
 * connection handshake ({@link HandshakeTranscript}). Stored as one line of {@link #LENGTH_BYTES}*2 lowercase hex
 * digits, in a file of mode 0600 where the file system has POSIX permissions. Immutable; {@link #toString()} shows
 * only the {@link #fingerprint()}, never the key.
 */
public final class ClusterSecret
{
    /** Bytes of key. 32 = the output size of SHA-256, the key length RFC 2104 section 3 recommends at least. */
    public static final int LENGTH_BYTES = 32;
    /** JCA name of the MAC keyed by the secret. */
    public static final String MAC_ALGORITHM = "HmacSHA256";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final byte[] key;

    private ClusterSecret(final byte[] key)
    {
        this.key = key;
    }

    /** A new secret from {@link SecureRandom}. */
    public static ClusterSecret generate()
    {
        final byte[] key = new byte[LENGTH_BYTES];
        RANDOM.nextBytes(key);
        return new ClusterSecret(key);
    }

    /**
     * The secret written as hex.
     *
     * @param hex exactly {@link #LENGTH_BYTES}*2 hex digits, either case, surrounding whitespace ignored.
     * @throws IllegalArgumentException with a one-line reason if the text is not that.
     */
    public static ClusterSecret fromHex(final String hex)
    {
        final String text = hex.strip();
        if (text.length() != LENGTH_BYTES * 2)
        {
            throw new IllegalArgumentException("expected " + LENGTH_BYTES * 2 + " hex digits on one line, found " +
                text.length() + " characters");
        }
        try
        {
            return new ClusterSecret(HexFormat.of().parseHex(text));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("expected " + LENGTH_BYTES * 2 + " hex digits, found other characters");
        }
    }

    /**
     * Reads a secret file written by {@link #write}. Logs a warning if group or others may read it.
     *
     * @throws IOException with a one-line message naming the file if it is missing, unreadable, or does not hold
     *                     exactly one line of {@link #LENGTH_BYTES}*2 hex digits.
     */
    public static ClusterSecret read(final Path file) throws IOException
    {
        final String text;
        if (Files.isDirectory(file))
        {
            throw new IOException("cluster secret file " + file + " is a directory");
        }
        try
        {
            if (Files.size(file) > 4 * LENGTH_BYTES)
            {
                throw new IOException("cluster secret file " + file + " is too long to be a secret written by " +
                    "'lego keygen' (" + LENGTH_BYTES * 2 + " hex digits)");
            }
            text = Files.readString(file, StandardCharsets.US_ASCII);
        }
        catch (final NoSuchFileException ex)
        {
            throw new IOException("cluster secret file " + file + " does not exist (create one with 'lego keygen')");
        }
        catch (final AccessDeniedException ex)
        {
            throw new IOException("cluster secret file " + file + " is not readable by this user");
        }
        catch (final java.nio.charset.CharacterCodingException | java.io.UncheckedIOException ex)
        {
            throw new IOException("cluster secret file " + file + " is not text");
        }
        try
        {
            final ClusterSecret secret = fromHex(text);
            warnIfOthersMayRead(file);
            return secret;
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IOException("cluster secret file " + file + " is garbled: " + ex.getMessage());
        }
    }

    /**
     * Writes the secret as one hex line to a file of mode 0600 (where POSIX permissions exist): written to a
     * temporary file created with that mode in the same directory, then renamed, so the file never exists with
     * partial contents or a wider mode.
     *
     * @param replace whether an existing file is replaced; if false an existing file is left as it is.
     * @throws FileAlreadyExistsException if the file exists and {@code replace} is false.
     * @throws IOException                if the file cannot be written.
     */
    public void write(final Path file, final boolean replace) throws IOException
    {
        final Path absolute = file.toAbsolutePath();
        final Path dir = absolute.getParent();
        final boolean posix = Files.getFileStore(dir).supportsFileAttributeView("posix");
        final FileAttribute<?>[] attributes = posix ?
            new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)} : new FileAttribute<?>[0];
        final Path temp = Files.createTempFile(dir, "." + absolute.getFileName(), ".tmp", attributes);
        try
        {
            Files.writeString(temp, toHex() + "\n", StandardCharsets.US_ASCII);
            if (replace)
            {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            else
            {
                Files.move(temp, absolute);
            }
        }
        finally
        {
            Files.deleteIfExists(temp);
        }
    }

    /** The key as {@link #LENGTH_BYTES}*2 lowercase hex digits; for files, never for logs. */
    public String toHex()
    {
        return HexFormat.of().formatHex(key);
    }

    /**
     * A short public name of the secret for comparing two files or hosts: the first 8 bytes of SHA-256 of the key, in
     * hex. Reveals nothing usable about the key.
     */
    public String fingerprint()
    {
        try
        {
            final byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
            return HexFormat.of().formatHex(digest, 0, 8);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
        }
    }

    /** A new HMAC-SHA256 (RFC 2104) keyed by the secret. */
    public Mac newMac()
    {
        try
        {
            final Mac mac = Mac.getInstance(MAC_ALGORITHM);
            mac.init(new SecretKeySpec(key, MAC_ALGORITHM));
            return mac;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(MAC_ALGORITHM + " is missing from this JVM", ex);
        }
    }

    /** Equal keys, compared in constant time. */
    @Override
    public boolean equals(final Object other)
    {
        return other instanceof ClusterSecret && MessageDigest.isEqual(key, ((ClusterSecret)other).key);
    }

    @Override
    public int hashCode()
    {
        return fingerprint().hashCode();
    }

    @Override
    public String toString()
    {
        return "ClusterSecret{" + fingerprint() + "}";
    }

    private static void warnIfOthersMayRead(final Path file)
    {
        try
        {
            if (Files.getFileStore(file).supportsFileAttributeView("posix"))
            {
                final Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
                if (permissions.contains(PosixFilePermission.GROUP_READ) ||
                    permissions.contains(PosixFilePermission.OTHERS_READ))
                {
                    LoggerFactory.getLogger(ClusterSecret.class).warn(
                        "cluster secret file {} is readable by others (mode {}); chmod 600 it", file,
                        PosixFilePermissions.toString(permissions));
                }
            }
        }
        catch (final IOException ignored)
        {
            // the key was read; the mode check is advice only
        }
    }
}
