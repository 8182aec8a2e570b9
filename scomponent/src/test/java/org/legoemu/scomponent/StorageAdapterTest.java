package org.legoemu.scomponent;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.proxy.StatInfo;
import org.legoemu.fabric.proxy.StorageProxy;
import org.legoemu.fabric.sbe.MessageHeaderEncoder;
import org.legoemu.fabric.sbe.P2S_READEncoder;
import org.legoemu.fabric.sbe.P2S_WRITEEncoder;
import org.legoemu.fabric.testing.LoopbackClient;

class StorageAdapterTest
{
    private static final int O_RDONLY = FileOperations.O_RDONLY;
    private static final int O_WRONLY = FileOperations.O_WRONLY;
    private static final int O_RDWR = FileOperations.O_RDWR;
    private static final int O_CREAT = FileOperations.O_CREAT;
    private static final int O_EXCL = FileOperations.O_EXCL;
    private static final int O_TRUNC = FileOperations.O_TRUNC;
    private static final int O_DIRECTORY = FileOperations.O_DIRECTORY;
    private static final int O_NOFOLLOW = FileOperations.O_NOFOLLOW;

    @TempDir
    Path temp;

    private Path root;
    private Path outside;
    private StorageAdapter adapter;
    private StorageProxy storage;

    @BeforeEach
    void setUp() throws IOException
    {
        root = Files.createDirectory(temp.resolve("root"));
        outside = Files.createDirectory(temp.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "host secret");
        Files.writeString(root.resolve("hello.txt"), "hello world");
        Files.createDirectory(root.resolve("dir"));
        Files.writeString(root.resolve("dir/inner.txt"), "inner");
        Files.createSymbolicLink(root.resolve("passwd"), Path.of("/etc/passwd"));
        Files.createSymbolicLink(root.resolve("dir/up"), Path.of("../../.."));
        Files.createSymbolicLink(root.resolve("escape"), Path.of("../../../../../../../../etc/passwd"));
        Files.createSymbolicLink(root.resolve("out"), outside.toAbsolutePath());
        Files.createSymbolicLink(root.resolve("outrel"), Path.of("../outside/secret"));
        Files.createSymbolicLink(root.resolve("loopA"), Path.of("loopB"));
        Files.createSymbolicLink(root.resolve("loopB"), Path.of("loopA"));
        Files.createSymbolicLink(root.resolve("hellolink"), Path.of("/dir/../hello.txt"));
        adapter = new StorageAdapter(new FileOperations(new RootedPathResolver(root)), new BackupArea(root.resolve(".lego-replica")));
        storage = new StorageProxy(new LoopbackClient(adapter), TimeUnit.SECONDS.toNanos(1));
    }

    private String read(final String path)
    {
        final byte[] dst = new byte[4096];
        final int n = storage.read(path, 0, dst, 0, dst.length);
        return new String(dst, 0, n, UTF_8);
    }

    private static int errno(final Executable executable)
    {
        return assertThrows(RemoteErrorException.class, executable).errno();
    }

    @Test
    void readsFilesThroughDotDotAndSymlinksInsideTheRoot()
    {
        assertEquals("hello world", read("/hello.txt"));
        assertEquals("hello world", read("hello.txt"));
        assertEquals("hello world", read("/../../hello.txt"));
        assertEquals("hello world", read("/dir/../hello.txt"));
        assertEquals("hello world", read("/dir/./../dir/../../hello.txt"));
        assertEquals("hello world", read("/dir/up/hello.txt"), "../../.. from /dir stays at the root");
        assertEquals("hello world", read("/dir/up/dir/up/dir/up/hello.txt"));
        assertEquals("inner", read("/dir/up/dir/inner.txt"));
        assertEquals("hello world", read("//hellolink"));
    }

    @Test
    void dotDotAbsolutePathsAndSymlinksNeverReachOutsideTheRoot() throws IOException
    {
        final String hostPasswd = Files.exists(Path.of("/etc/passwd")) ? Files.readString(Path.of("/etc/passwd")) : "";
        assertEquals(Errnos.ENOENT, errno(() -> read("/../../etc/passwd")));
        assertEquals(Errnos.ENOENT, errno(() -> read("../../../../../../../../etc/passwd")));
        assertEquals(Errnos.ENOENT, errno(() -> read("/passwd")), "absolute target restarts at the root");
        assertEquals(Errnos.ENOENT, errno(() -> read("/escape")));
        assertEquals(Errnos.ENOENT, errno(() -> read("/dir/up/etc/passwd")));
        assertEquals(Errnos.ENOENT, errno(() -> read("/out/secret")));
        assertEquals(Errnos.ENOENT, errno(() -> read("/outrel")));
        assertEquals(Errnos.ENOENT, errno(() -> storage.stat("/passwd", true)));
        assertEquals(Errnos.ENOENT, errno(() -> storage.stat("/out", true)));
        assertEquals(Errnos.ENOENT, errno(() -> storage.open("/out/secret", O_WRONLY | O_TRUNC, 0)));
        assertEquals(Errnos.ENOENT, errno(() -> storage.open("/outrel", O_WRONLY | O_CREAT | O_TRUNC, 0644)),
            "creating through a dangling symlink needs the target's directory inside the root");
        assertEquals(Errnos.ENOENT, errno(() -> storage.write("/out/secret", 0, new byte[1], 0, 1)));
        assertEquals(Errnos.ENOENT, errno(() -> storage.truncate("/escape", 0)));

        assertEquals("host secret", Files.readString(outside.resolve("secret")));
        if (!hostPasswd.isEmpty())
        {
            assertEquals(hostPasswd, Files.readString(Path.of("/etc/passwd")));
        }

        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), "rooted passwd");
        assertEquals("rooted passwd", read("/passwd"));
        assertEquals("rooted passwd", read("/escape"));
        assertEquals("rooted passwd", read("/../../etc/passwd"));
        assertEquals("rooted passwd", read("/dir/up/../etc/passwd"));
    }

    @Test
    void openCreatesExclusivelyAndTruncates() throws IOException
    {
        final StatInfo created = storage.open("/new.txt", O_WRONLY | O_CREAT | O_EXCL, 0640);
        assertTrue(created.isRegularFile());
        assertEquals(0, created.sizeBytes());
        assertEquals(0640, created.mode() & 07777);
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("new.txt"))));
        assertEquals(Errnos.EEXIST, errno(() -> storage.open("/new.txt", O_WRONLY | O_CREAT | O_EXCL, 0640)));
        assertEquals(Errnos.EEXIST, errno(() -> storage.open("/passwd", O_WRONLY | O_CREAT | O_EXCL, 0640)),
            "O_EXCL does not follow a final symlink");
        assertFalse(Files.exists(root.resolve("etc")));

        assertEquals(11, storage.open("/hello.txt", O_RDONLY | O_TRUNC, 0).sizeBytes(), "O_RDONLY never truncates");
        assertEquals(11, storage.open("/hello.txt", O_RDWR | O_CREAT, 0).sizeBytes());
        assertEquals(0, storage.open("/hello.txt", O_WRONLY | O_TRUNC, 0).sizeBytes());
        assertEquals(0, Files.size(root.resolve("hello.txt")));

        assertEquals(Errnos.ENOENT, errno(() -> storage.open("/missing", O_RDONLY, 0)));
        assertEquals(Errnos.ENOENT, errno(() -> storage.open("/nodir/new", O_WRONLY | O_CREAT, 0644)));
        assertEquals(Errnos.EINVAL, errno(() -> storage.open("/hello.txt", 3, 0)));
        assertEquals(Errnos.ELOOP, errno(() -> storage.open("/hellolink", O_RDONLY | O_NOFOLLOW, 0)));
        assertTrue(storage.open("/dir", O_RDONLY | O_DIRECTORY, 0).isDirectory());
    }

    @Test
    void writeAppendsAndReadStopsAtEndOfFile()
    {
        storage.open("/log", O_WRONLY | O_CREAT, 0644);
        assertEquals(3, storage.write("/log", -1, "abc".getBytes(UTF_8), 0, 3));
        assertEquals(6, storage.write("/log", -1, "xdefx".getBytes(UTF_8), 1, 3));
        assertEquals(6, storage.write("/log", 0, "A".getBytes(UTF_8), 0, 1));
        assertEquals(10, storage.write("/log", 8, "ZZ".getBytes(UTF_8), 0, 2), "writing past the end leaves a hole");
        assertEquals(10, storage.stat("/log", true).sizeBytes());

        final byte[] dst = new byte[64];
        assertEquals(10, storage.read("/log", 0, dst, 0, 64), "short read at end of file");
        assertArrayEquals("Abcdef\0\0ZZ".getBytes(UTF_8), Arrays.copyOf(dst, 10));
        assertEquals(0, storage.read("/log", 10, dst, 0, 64), "empty read at end of file");
        assertEquals(0, storage.read("/log", 1000, dst, 0, 64));
        assertEquals(10, storage.lastFileSizeBytes());
        assertEquals(2, storage.read("/log", 3, dst, 5, 2));
        assertEquals('d', dst[5]);
        assertEquals('e', dst[6]);

        assertArrayEquals("Abcdef\0\0ZZ".getBytes(UTF_8), storage.readWhole("/log"));
        final byte[] exec = new byte[4];
        assertEquals(4, storage.readForExec("/log", 2, exec, 0, 4));
        assertArrayEquals("cdef".getBytes(UTF_8), exec);
    }

    @Test
    void largeTransfersAreSplitIntoRequestsOfAtMostOneMebibyte()
    {
        final byte[] big = new byte[3 * 1024 * 1024 + 17];
        for (int i = 0; i < big.length; i++)
        {
            big[i] = (byte)(i * 31);
        }
        storage.open("/big", O_WRONLY | O_CREAT, 0644);
        assertEquals(big.length, storage.write("/big", 0, big, 0, big.length));
        assertArrayEquals(big, storage.readWhole("/big"));
        final byte[] back = new byte[big.length];
        assertEquals(big.length, storage.read("/big", 0, back, 0, back.length));
        assertArrayEquals(big, back);
    }

    @Test
    void directoriesAndNonDirectoriesGiveEisdirAndEnotdir()
    {
        assertEquals(Errnos.EISDIR, errno(() -> read("/dir")));
        assertEquals(Errnos.EISDIR, errno(() -> storage.write("/dir", 0, new byte[1], 0, 1)));
        assertEquals(Errnos.EISDIR, errno(() -> storage.open("/dir", O_WRONLY, 0)));
        assertEquals(Errnos.EISDIR, errno(() -> storage.open("/dir", O_RDONLY | O_TRUNC, 0)));
        assertEquals(Errnos.EISDIR, errno(() -> storage.truncate("/dir", 0)));
        assertEquals(Errnos.ENOTDIR, errno(() -> read("/hello.txt/x")));
        assertEquals(Errnos.ENOTDIR, errno(() -> read("/hello.txt/")));
        assertEquals(Errnos.ENOTDIR, errno(() -> read("/hello.txt/..")));
        assertEquals(Errnos.ENOTDIR, errno(() -> storage.open("/hello.txt", O_RDONLY | O_DIRECTORY, 0)));
        assertEquals(Errnos.ENOTDIR, errno(() -> storage.stat("/hellolink/", false)));
    }

    @Test
    void statReportsTypesSizesAndTheRootIsItsOwnParent()
    {
        final StatInfo file = storage.stat("/hello.txt", true);
        assertTrue(file.isRegularFile());
        assertEquals(11, file.sizeBytes());
        assertEquals(1, file.nlink());
        assertTrue(file.mtimeNs() > 0);

        final StatInfo link = storage.stat("/hellolink", false);
        assertTrue(link.isSymbolicLink());
        assertEquals(file, storage.stat("/hellolink", true));

        final StatInfo slash = storage.stat("/", true);
        assertTrue(slash.isDirectory());
        assertEquals(slash.inode(), storage.stat("/..", true).inode());
        assertEquals(slash.inode(), storage.stat("/dir/up", true).inode());
        assertEquals(slash.inode(), storage.stat("/dir/up/", false).inode());
        assertTrue(storage.stat("/dir/up", false).isSymbolicLink());
        assertTrue(storage.stat("/passwd", false).isSymbolicLink());
    }

    @Test
    void symlinkLoopsAndLongChainsGiveEloop() throws IOException
    {
        assertEquals(Errnos.ELOOP, errno(() -> read("/loopA")));
        assertEquals(Errnos.ELOOP, errno(() -> storage.stat("/loopA/x", false)));
        assertTrue(storage.stat("/loopA", false).isSymbolicLink());

        for (int i = 0; i < 41; i++)
        {
            Files.createSymbolicLink(root.resolve("chain" + i), Path.of(i == 40 ? "hello.txt" : "chain" + (i + 1)));
        }
        assertEquals("hello world", read("/chain1"), "40 links are followed");
        assertEquals(Errnos.ELOOP, errno(() -> read("/chain0")), "the 41st is too many");
    }

    @Test
    void longNamesGiveEnametoolong()
    {
        final String longName = "n".repeat(256);
        assertEquals(Errnos.ENAMETOOLONG, errno(() -> read("/" + longName)));
        assertEquals(Errnos.ENAMETOOLONG, errno(() -> storage.open("/" + longName, O_WRONLY | O_CREAT, 0644)));
        assertEquals(Errnos.ENOENT, errno(() -> read("/" + "n".repeat(255))));
        final String longPath = "/a".repeat(2048);
        assertEquals(Errnos.ENAMETOOLONG, errno(() -> storage.stat(longPath, true)));
        assertEquals(Errnos.ENOENT, errno(() -> storage.stat("", true)));
    }

    @Test
    void truncateShrinksAndExtendsAndFsyncSucceeds() throws IOException
    {
        storage.truncate("/hello.txt", 5);
        assertEquals("hello", read("/hello.txt"));
        storage.truncate("/hello.txt", 8);
        assertArrayEquals("hello\0\0\0".getBytes(UTF_8), Files.readAllBytes(root.resolve("hello.txt")));
        storage.fsync("/hello.txt");
        assertEquals(Errnos.EINVAL, errno(() -> storage.truncate("/hello.txt", -1)));
        assertEquals(Errnos.ENOENT, errno(() -> storage.fsync("/missing")));
    }

    @Test
    void badLengthsAndMalformedMessagesGetErrorReplies()
    {
        final LoopbackClient.CapturingResponder responder = new LoopbackClient.CapturingResponder();
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        final P2S_READEncoder readEncoder = new P2S_READEncoder();

        readEncoder.wrapAndApplyHeader(buffer, 0, header).fileOffset(0).length(1024 * 1024 + 1).path("/hello.txt");
        adapter.onRequest(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + readEncoder.encodedLength(), responder);
        assertEquals(Errnos.EINVAL, responder.errno, "read above 1 MiB");

        responder.reset();
        readEncoder.wrapAndApplyHeader(buffer, 0, header).fileOffset(-5).length(1).path("/hello.txt");
        adapter.onRequest(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + readEncoder.encodedLength(), responder);
        assertEquals(Errnos.EINVAL, responder.errno, "negative offset");

        responder.reset();
        readEncoder.wrapAndApplyHeader(buffer, 0, header).fileOffset(0).length(4).path("/hello.txt");
        adapter.onRequest(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + readEncoder.encodedLength() - 2, responder);
        assertEquals(Errnos.EPROTO, responder.errno, "truncated path");

        responder.reset();
        final P2S_WRITEEncoder writeEncoder = new P2S_WRITEEncoder();
        writeEncoder.wrapAndApplyHeader(buffer, 0, header).fileOffset(0).path("/hello.txt").putData(new byte[8], 0, 8);
        adapter.onRequest(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + writeEncoder.encodedLength() - 1, responder);
        assertEquals(Errnos.EPROTO, responder.errno, "truncated data");

        responder.reset();
        header.wrap(buffer, 0).blockLength(0).templateId(4242).schemaId(7101).version(0);
        adapter.onRequest(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH, responder);
        assertEquals(Errnos.EPROTO, responder.errno, "unknown templateId");

        responder.reset();
        adapter.onRequest(buffer, 0, 3, responder);
        assertEquals(Errnos.EPROTO, responder.errno, "shorter than a header");
        assertEquals(1, responder.answers);
        assertEquals("hello world", read("/hello.txt"), "nothing written by malformed requests");
    }
}
