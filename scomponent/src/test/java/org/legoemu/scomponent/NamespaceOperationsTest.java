package org.legoemu.scomponent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.proxy.DirEntry;
import org.legoemu.fabric.proxy.StorageProxy;
import org.legoemu.fabric.testing.LoopbackClient;

/** P2S_MKDIR, P2S_UNLINK, P2S_RENAME and P2S_READDIR through the proxy, with the errnos of the Linux man pages. */
class NamespaceOperationsTest
{
    @TempDir
    Path temp;

    private Path root;
    private Path outside;
    private StorageProxy storage;

    @BeforeEach
    void setUp() throws IOException
    {
        root = Files.createDirectory(temp.resolve("root"));
        outside = Files.createDirectory(temp.resolve("outside"));
        Files.writeString(root.resolve("file.txt"), "data");
        Files.createDirectory(root.resolve("dir"));
        Files.writeString(root.resolve("dir/inner.txt"), "inner");
        Files.createDirectory(root.resolve("empty"));
        Files.createSymbolicLink(root.resolve("out"), outside.toAbsolutePath());
        storage = new StorageProxy(new LoopbackClient(new StorageAdapter(new FileOperations(
            new RootedPathResolver(root)), new BackupArea(root.resolve(".lego-replica")))), TimeUnit.SECONDS.toNanos(1));
    }

    private static int errno(final Executable executable)
    {
        return assertThrows(RemoteErrorException.class, executable).errno();
    }

    @Test
    void mkdirCreatesAndRefusesExistingOrParentless()
    {
        storage.mkdir("/new", 0755);
        assertTrue(Files.isDirectory(root.resolve("new")));
        assertEquals(Errnos.EEXIST, errno(() -> storage.mkdir("/new", 0755)));
        assertEquals(Errnos.EEXIST, errno(() -> storage.mkdir("/file.txt", 0755)));
        assertEquals(Errnos.ENOENT, errno(() -> storage.mkdir("/missing/child", 0755)));
        assertEquals(Errnos.ENOTDIR, errno(() -> storage.mkdir("/file.txt/child", 0755)));
    }

    @Test
    void unlinkAndRmdirCheckTypesAndEmptiness()
    {
        assertEquals(Errnos.EISDIR, errno(() -> storage.unlink("/dir", false)));
        assertEquals(Errnos.ENOTDIR, errno(() -> storage.unlink("/file.txt", true)));
        assertEquals(Errnos.ENOTEMPTY, errno(() -> storage.unlink("/dir", true)));
        assertEquals(Errnos.EBUSY, errno(() -> storage.unlink("/", true)));
        storage.unlink("/dir/inner.txt", false);
        storage.unlink("/dir", true);
        assertFalse(Files.exists(root.resolve("dir")));
        assertEquals(Errnos.ENOENT, errno(() -> storage.unlink("/dir", true)));
        storage.unlink("/out", false);
        assertTrue(Files.isDirectory(outside), "unlink of a symlink removes the link, not its target");
    }

    @Test
    void renameReplacesCompatibleTargetsOnly() throws IOException
    {
        storage.rename("/file.txt", "/moved.txt", 0);
        assertEquals("data", Files.readString(root.resolve("moved.txt")));
        Files.writeString(root.resolve("other.txt"), "other");
        assertEquals(Errnos.EEXIST, errno(() -> storage.rename("/other.txt", "/moved.txt", 1)));
        storage.rename("/other.txt", "/moved.txt", 0);
        assertEquals("other", Files.readString(root.resolve("moved.txt")));
        assertEquals(Errnos.EISDIR, errno(() -> storage.rename("/moved.txt", "/empty", 0)));
        assertEquals(Errnos.ENOTDIR, errno(() -> storage.rename("/dir", "/moved.txt", 0)));
        assertEquals(Errnos.ENOTEMPTY, errno(() -> storage.rename("/empty", "/dir", 0)));
        assertEquals(Errnos.EINVAL, errno(() -> storage.rename("/dir", "/dir/sub", 0)));
        assertEquals(Errnos.ENOENT, errno(() -> storage.rename("/nothing", "/x", 0)));
        assertEquals(Errnos.ENOENT, errno(() -> storage.rename("/moved.txt", "/out/stolen", 0)),
            "a symlink leading outside the root is not followed");
        storage.rename("/dir", "/empty", 0);
        assertEquals("inner", Files.readString(root.resolve("empty/inner.txt")));
        assertEquals(0, Files.list(outside).count());
    }

    @Test
    void readdirListsInNameOrderFromACookie() throws IOException
    {
        for (int i = 0; i < 30; i++)
        {
            Files.writeString(root.resolve("dir/f" + (char)('a' + i % 26) + i), "x");
        }
        final List<String> names = new ArrayList<>();
        long cookie = 0;
        while (true)
        {
            final List<DirEntry> page = storage.readdir("/dir", cookie, 7);
            if (page.isEmpty())
            {
                break;
            }
            assertTrue(page.size() <= 7);
            for (final DirEntry entry : page)
            {
                names.add(entry.name());
                cookie = entry.nextCookie();
            }
        }
        assertEquals(33, names.size());
        assertEquals(".", names.get(0));
        assertEquals("..", names.get(1));
        final List<String> rest = new ArrayList<>(names.subList(2, names.size()));
        final List<String> sorted = new ArrayList<>(rest);
        sorted.sort(null);
        assertEquals(sorted, rest);
        final List<DirEntry> top = storage.readdir("/", 0, 100);
        assertEquals(DirEntry.DT_DIR, top.stream().filter(e -> e.name().equals("dir")).findFirst().orElseThrow().type());
        assertEquals(DirEntry.DT_REG,
            top.stream().filter(e -> e.name().equals("file.txt")).findFirst().orElseThrow().type());
        assertEquals(DirEntry.DT_LNK, top.stream().filter(e -> e.name().equals("out")).findFirst().orElseThrow().type());
        assertEquals(top.get(0).inode(), top.get(1).inode(), "the root is its own parent");
        assertEquals(Errnos.ENOTDIR, errno(() -> storage.readdir("/file.txt", 0, 10)));
        assertEquals(Errnos.ENOENT, errno(() -> storage.readdir("/missing", 0, 10)));
        assertEquals(Errnos.EINVAL, errno(() -> storage.readdir("/dir", -1, 10)));
    }
}
