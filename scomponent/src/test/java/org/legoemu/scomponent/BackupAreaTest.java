package org.legoemu.scomponent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.proxy.BackupProxy;
import org.legoemu.fabric.proxy.DirEntry;
import org.legoemu.fabric.proxy.StorageProxy;
import org.legoemu.fabric.testing.LoopbackClient;

/**
 * The replica backup area over the real adapter (M2S_BACKUP_* through {@link BackupProxy}), and its absence from
 * the guests' namespace (P2S_* through {@link StorageProxy}) when it lies inside the storage root.
 */
class BackupAreaTest
{
    @TempDir
    Path root;

    private Path area;
    private BackupProxy backups;
    private StorageProxy files;

    @BeforeEach
    void setUp() throws IOException
    {
        Files.writeString(root.resolve("visible.txt"), "visible");
        Files.createDirectory(root.resolve("dir"));
        area = root.resolve(BackupArea.DEFAULT_DIRECTORY_NAME);
        final BackupArea backupArea = new BackupArea(area);
        final StorageAdapter adapter = new StorageAdapter(
            new FileOperations(new RootedPathResolver(root, backupArea.directory())), backupArea);
        backups = new BackupProxy(new LoopbackClient(adapter), TimeUnit.SECONDS.toNanos(1));
        files = new StorageProxy(new LoopbackClient(adapter), TimeUnit.SECONDS.toNanos(1));
    }

    private static int errno(final Executable executable)
    {
        return assertThrows(RemoteErrorException.class, executable).errno();
    }

    @Test
    void writesReadsAndDeletesPrivateFilesWithTheirDirectories() throws IOException
    {
        final byte[] page = new byte[4096 * 3];
        for (int i = 0; i < page.length; i++)
        {
            page[i] = (byte)(i * 31);
        }
        backups.write("m1a2b/pid-1000.log", 4096, page, 0, page.length);
        final Path file = area.resolve("m1a2b/pid-1000.log");
        assertEquals(4096 + page.length, Files.size(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));

        final byte[] back = new byte[page.length];
        assertEquals(page.length, backups.read("m1a2b/pid-1000.log", 4096, back, 0, back.length));
        assertArrayEquals(page, back);
        assertEquals(4096, backups.read("m1a2b/pid-1000.log", page.length, back, 0, back.length),
            "short read at the end of the file");

        backups.delete("m1a2b/pid-1000.log");
        assertFalse(Files.exists(file));
        assertEquals(Errnos.ENOENT, errno(() -> backups.delete("m1a2b/pid-1000.log")));
        assertEquals(Errnos.ENOENT, errno(() -> backups.read("m1a2b/pid-1000.log", 0, back, 0, 16)));
    }

    @Test
    void namesThatCouldLeaveTheAreaAreRefused()
    {
        final byte[] data = "x".getBytes(StandardCharsets.US_ASCII);
        for (final String name : List.of("../visible.txt", "/etc/passwd", "m1/../../visible.txt", "a//b", "a/", "",
            ".", "m1/./f", "m1/f\u0000", "m1/f g", "a/b/c/d/e"))
        {
            assertEquals(Errnos.EINVAL, errno(() -> backups.write(name, 0, data, 0, 1)), name);
        }
        assertEquals(Errnos.EINVAL, errno(() -> backups.read("../visible.txt", 0, new byte[8], 0, 8)));
        assertEquals(Errnos.EINVAL, errno(() -> backups.delete("../visible.txt")));
    }

    @Test
    void theAreaIsNotInTheNamespaceEvenWhenItExists() throws IOException
    {
        backups.write("m1/pid-7.log", 0, new byte[] { 42 }, 0, 1);
        final String hidden = "/" + BackupArea.DEFAULT_DIRECTORY_NAME;
        for (final String path : List.of(hidden, hidden + "/m1/pid-7.log", "/./" + hidden + "//m1",
            "dir/../" + hidden, BackupArea.DEFAULT_DIRECTORY_NAME + "/m1"))
        {
            assertEquals(Errnos.ENOENT, errno(() -> files.stat(path, true)), path);
        }
        assertEquals(Errnos.ENOENT, errno(() -> files.open(hidden + "/new", 0x41, 0600)));
        assertEquals(Errnos.ENOENT, errno(() -> files.mkdir(hidden, 0700)));
        assertEquals(Errnos.ENOENT, errno(() -> files.rename(hidden + "/m1/pid-7.log", "/stolen", 0)));
        assertEquals(Errnos.ENOENT, errno(() -> files.unlink(hidden + "/m1/pid-7.log", false)));
        Files.createSymbolicLink(root.resolve("link"), Path.of(hidden));
        assertEquals(Errnos.ENOENT, errno(() -> files.stat("/link/m1/pid-7.log", true)));

        final List<String> names = files.readdir("/", 0, 100).stream().map(DirEntry::name).toList();
        assertEquals(List.of(".", "..", "dir", "link", "visible.txt"), names);
        assertTrue(Files.exists(area.resolve("m1/pid-7.log")), "the backup is still there");
    }
}
