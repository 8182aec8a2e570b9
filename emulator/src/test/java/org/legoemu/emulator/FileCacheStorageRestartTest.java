package org.legoemu.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.legoemu.pcomponent.ProcessResult;
import org.legoemu.pcomponent.linux.Console;

/**
 * Issue 17: the pComponent's file cache stays correct across an sComponent restart. A file is read (its pages are
 * cached on the pComponent), a process overwrites part of it (the write is acknowledged), the sComponent is stopped,
 * the file is rewritten elsewhere on the storage host while it is down (same size, a later mtime), and a new
 * sComponent serves the same root; a process that reads the file again through the same pComponent must see both the
 * acknowledged write and the rewrite, exactly as qemu-riscv64 reads the host file (fileread's checksum).
 */
class FileCacheStorageRestartTest
{
    private static final int FILE_BYTES = 2 << 20;
    private static final int REWRITE_OFFSET = 1 << 20;

    @TempDir
    Path root;

    @Test
    void cachedDataAfterARestartIsTheFilesContent() throws Exception
    {
        Assumptions.assumeTrue(GuestBinaries.qemuAvailable(), "qemu-riscv64 is not installed");
        for (final String guest : List.of("fileread", "filepoke"))
        {
            Files.copy(GuestBinaries.BIN.resolve(guest), root.resolve(guest));
        }
        final Path input = root.resolve("input");
        final byte[] data = new byte[FILE_BYTES];
        new Random(17).nextBytes(data);
        Files.write(input, data);
        try (EmbeddedCluster cluster = EmbeddedCluster.start(
            new EmbeddedCluster.Config(1, 1, 2L << 20, 8, "lru", 1L << 30, root, "inproc")))
        {
            assertEquals(qemuRead(), run(cluster, "fileread", "/input"), "first read (fills the cache)");
            assertEquals("wrote 29 bytes",
                run(cluster, "filepoke", "/input", "4096", "ACKNOWLEDGED-BEFORE-THE-CRASH").trim(),
                "the write was acknowledged");

            cluster.stopStorage();
            final byte[] rewrite = new byte[64 << 10];
            Arrays.fill(rewrite, (byte)'R');
            try (var channel = java.nio.channels.FileChannel.open(input, java.nio.file.StandardOpenOption.WRITE))
            {
                channel.write(java.nio.ByteBuffer.wrap(rewrite), REWRITE_OFFSET);
            }
            Files.setLastModifiedTime(input, FileTime.fromMillis(Files.getLastModifiedTime(input).toMillis() + 10_000));
            cluster.restartStorage("scomponent-2");

            final String expected = qemuRead();
            assertEquals(expected, run(cluster, "fileread", "/input"), "read through the warm cache after the restart");
            final byte[] host = Files.readAllBytes(input);
            assertEquals("ACKNOWLEDGED-BEFORE-THE-CRASH",
                new String(host, 4096, 29, StandardCharsets.US_ASCII), "the acknowledged write is on the host");
        }
    }

    private String qemuRead() throws Exception
    {
        return new String(GuestBinaries.qemu(root, "./fileread", List.of("input"), new byte[0]).stdout(),
            StandardCharsets.UTF_8);
    }

    private static String run(final EmbeddedCluster cluster, final String guest, final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final List<String> argv = new ArrayList<>();
        argv.add("./" + guest);
        argv.addAll(List.of(args));
        final ProcessResult result = cluster.run("/" + guest, argv, List.of("LANG=C"), "/",
            new Console(new ByteArrayInputStream(new byte[0]), out, new ByteArrayOutputStream(), false));
        assertEquals(0, result.exitStatus(), guest + " " + argv + ": " + out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
