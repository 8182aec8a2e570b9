package org.legoemu.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.legoemu.gmm.Replication;
import org.legoemu.gmm.VRegionPlacement;
import org.legoemu.pcomponent.ProcessResult;
import org.legoemu.pcomponent.excache.ExCache;
import org.legoemu.pcomponent.linux.Console;
import org.legoemu.scomponent.OutcomeLog;

/**
 * Issue 14: the replica backups hold every process's memory, so no guest may reach them. With the storage root at
 * the host's "/" (the README's configuration), the backup area (a temporary directory) lies inside the guests'
 * namespace; the {@code replicapeek} guest tries every way of naming it and a file in it (absolute, "/./", "//",
 * "..", relative after chdir, openat on a directory fd, symlinks planted inside the root, creation, mkdir, rename,
 * unlink, and a getdents64 listing of its parent), and every probe must fail as if it did not exist. The planted
 * backup file must be unchanged afterwards and nothing new may appear in the area.
 */
final class BackupIsolationTest
{
    private static final String SECRET = "another process's memory: 4f1c0de\n";

    @TempDir
    Path links;

    @Test
    void noGuestPathReachesTheReplicaBackupArea() throws Exception
    {
        Files.deleteIfExists(Path.of("/tmp/replicapeek-stolen"));
        try (EmbeddedCluster cluster = EmbeddedCluster.start(new EmbeddedCluster.Config(
            1, 2, 1L << 20, 4, "lru", ExCache.DEFAULT_VICTIMS, true, 1L << 30, Path.of("/"), "inproc",
            VRegionPlacement.ROUNDROBIN, true, Replication.LOG)))
        {
            final Path area = cluster.backupDirectory().toRealPath();
            final Path file = area.resolve("m1a2b/pid-1000.log");
            Files.createDirectories(file.getParent());
            Files.writeString(file, SECRET);
            Files.createSymbolicLink(links.resolve("to-area"), area);
            Files.createSymbolicLink(links.resolve("to-file"), file);

            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            final ByteArrayOutputStream err = new ByteArrayOutputStream();
            final String guest = GuestBinaries.BIN.resolve("replicapeek").toAbsolutePath().toString();
            final ProcessResult result = cluster.run(guest,
                List.of("replicapeek", area.toString(), "m1a2b/pid-1000.log",
                    links.resolve("to-area").toString(), links.resolve("to-file").toString()),
                List.of("LANG=C"), "/", new Console(new ByteArrayInputStream(new byte[0]), out, err, false));

            final String report = out.toString(StandardCharsets.UTF_8);
            final List<String> lines = report.lines().toList();
            assertEquals(24, lines.size(), "probe lines:\n" + report + err.toString(StandardCharsets.UTF_8));
            for (final String line : lines.subList(0, 22))
            {
                assertTrue(line.endsWith(": ENOENT"), "a probe reached the backup area: " + line + "\n" + report);
            }
            assertEquals("listing of parent: no dir (read)", lines.get(22), report);
            assertEquals("0 of the probes reached the area", lines.get(23), report);
            assertEquals(0, result.exitStatus(), report);

            assertEquals(SECRET, Files.readString(file), "the planted backup file changed");
            try (var entries = Files.list(area))
            {
                // the sComponent's own duplicate-request log lives in the area too (OutcomeLog), written by it
                assertEquals(List.of(area.resolve("m1a2b")), entries
                    .filter(entry -> !entry.getFileName().toString().equals(OutcomeLog.FILE_NAME)).toList(),
                    "the guest created something");
            }
            assertFalse(Files.exists(Path.of("/tmp/replicapeek-stolen")), "the backup file was renamed out");
        }
    }
}
