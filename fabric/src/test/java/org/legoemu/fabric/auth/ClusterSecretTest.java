package org.legoemu.fabric.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterSecretTest
{
    @TempDir
    Path dir;

    @Test
    void writtenSecretReadsBackAsOneHexLineOfMode0600() throws IOException
    {
        final ClusterSecret secret = ClusterSecret.generate();
        final Path file = dir.resolve("cluster.key");
        secret.write(file, false);
        assertEquals(secret, ClusterSecret.read(file));
        final String text = Files.readString(file, StandardCharsets.US_ASCII);
        assertTrue(text.matches("[0-9a-f]{64}\n"), text);
        if (Files.getFileStore(file).supportsFileAttributeView("posix"))
        {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
        try (var listing = Files.list(dir))
        {
            assertEquals(1, listing.count(), "no temporary file left behind");
        }
    }

    @Test
    void existingFileIsKeptUnlessReplaced() throws IOException
    {
        final Path file = dir.resolve("cluster.key");
        final ClusterSecret first = ClusterSecret.generate();
        first.write(file, false);
        assertThrows(FileAlreadyExistsException.class, () -> ClusterSecret.generate().write(file, false));
        assertEquals(first, ClusterSecret.read(file));
        final ClusterSecret second = ClusterSecret.generate();
        second.write(file, true);
        assertEquals(second, ClusterSecret.read(file));
    }

    @Test
    void missingShortAndGarbledFilesGiveOneLineReasons() throws IOException
    {
        final IOException missing = assertThrows(IOException.class, () -> ClusterSecret.read(dir.resolve("none")));
        assertTrue(missing.getMessage().contains("does not exist (create one with 'lego keygen')"),
            missing.getMessage());

        final Path shortFile = Files.writeString(dir.resolve("short"), "abcd\n");
        final IOException tooShort = assertThrows(IOException.class, () -> ClusterSecret.read(shortFile));
        assertTrue(tooShort.getMessage().contains("expected 64 hex digits on one line, found 4 characters"),
            tooShort.getMessage());

        final Path garbled = Files.writeString(dir.resolve("garbled"), "zz".repeat(32) + "\n");
        final IOException notHex = assertThrows(IOException.class, () -> ClusterSecret.read(garbled));
        assertTrue(notHex.getMessage().contains("garbled"), notHex.getMessage());

        final Path big = Files.write(dir.resolve("big"), new byte[4096]);
        assertThrows(IOException.class, () -> ClusterSecret.read(big));
        final IOException directory = assertThrows(IOException.class, () -> ClusterSecret.read(dir));
        assertTrue(directory.getMessage().endsWith("is a directory"), directory.getMessage());
    }

    @Test
    void proofsDependOnSecretRoleAndBothNonces()
    {
        final ClusterSecret secret = ClusterSecret.generate();
        final byte[] a = HandshakeTranscript.newNonce();
        final byte[] b = HandshakeTranscript.newNonce();
        final byte[] proof = HandshakeTranscript.proof(secret, HandshakeTranscript.Role.CLIENT, a, b);
        assertEquals(HandshakeTranscript.PROOF_LENGTH_BYTES, proof.length);
        assertTrue(HandshakeTranscript.verify(secret, HandshakeTranscript.Role.CLIENT, a, b, proof));
        assertFalse(HandshakeTranscript.verify(secret, HandshakeTranscript.Role.SERVER, a, b, proof));
        assertFalse(HandshakeTranscript.verify(secret, HandshakeTranscript.Role.CLIENT, b, a, proof));
        assertFalse(HandshakeTranscript.verify(secret, HandshakeTranscript.Role.CLIENT, a,
            HandshakeTranscript.newNonce(), proof));
        assertFalse(HandshakeTranscript.verify(ClusterSecret.generate(), HandshakeTranscript.Role.CLIENT, a, b, proof));
        assertArrayEquals(proof, HandshakeTranscript.proof(
            ClusterSecret.fromHex(secret.toHex().toUpperCase()), HandshakeTranscript.Role.CLIENT, a, b));
        assertNotEquals(secret.toHex(), secret.toString().replace("ClusterSecret{", "").replace("}", ""));
        assertFalse(secret.toString().contains(secret.toHex()));
    }
}
