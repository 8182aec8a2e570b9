package org.legoemu.fabric.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;

import javax.crypto.Mac;

/**
 * The cryptography of the connection handshake: fresh nonces and the proofs each side computes over the transcript.
 * <pre>
 *   proof(role) = HMAC-SHA256(secret, label(role) || clientNonce || serverNonce)
 *   label(CLIENT) = "legoemu-auth-v1 client", label(SERVER) = "legoemu-auth-v1 server"   (ASCII, no terminator)
 * </pre>
 * Both nonces are {@link #NONCE_LENGTH_BYTES} bytes from {@link SecureRandom}, fresh per connection, so a proof
 * recorded from one connection is worthless on another (the peer's nonce differs), and the role label keeps a proof
 * made by one side from being reflected as the other side's. HMAC is RFC 2104; proofs are compared with
 * {@link MessageDigest#isEqual}, which takes time independent of where they differ.
 */
public final class HandshakeTranscript
{
    /** Bytes of a nonce. */
    public static final int NONCE_LENGTH_BYTES = 32;
    /** Bytes of a proof: the output of HMAC-SHA256. */
    public static final int PROOF_LENGTH_BYTES = 32;
    /** Version of the handshake carried in X2X_AUTH_HELLO. */
    public static final int VERSION = 1;

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Which end of the connection made a proof. */
    public enum Role
    {
        /** The side that connected (sends HELLO and RESPONSE). */
        CLIENT("legoemu-auth-v1 client"),
        /** The side that accepted (sends CHALLENGE and CONFIRM). */
        SERVER("legoemu-auth-v1 server");

        private final byte[] label;

        Role(final String label)
        {
            this.label = label.getBytes(StandardCharsets.US_ASCII);
        }
    }

    private HandshakeTranscript()
    {
    }

    /** A fresh nonce of {@link #NONCE_LENGTH_BYTES} bytes. */
    public static byte[] newNonce()
    {
        final byte[] nonce = new byte[NONCE_LENGTH_BYTES];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    /**
     * The proof {@code role} sends.
     *
     * @return {@link #PROOF_LENGTH_BYTES} bytes.
     */
    public static byte[] proof(
        final ClusterSecret secret, final Role role, final byte[] clientNonce, final byte[] serverNonce)
    {
        final Mac mac = secret.newMac();
        mac.update(role.label);
        mac.update(clientNonce);
        mac.update(serverNonce);
        return mac.doFinal();
    }

    /** True if {@code received} is the proof {@code role} must send for these nonces; constant time. */
    public static boolean verify(
        final ClusterSecret secret,
        final Role role,
        final byte[] clientNonce,
        final byte[] serverNonce,
        final byte[] received)
    {
        return MessageDigest.isEqual(proof(secret, role, clientNonce, serverNonce), received);
    }
}
