package org.legoemu.emulator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.legoemu.fabric.proxy.UnlinkedNames;
import org.legoemu.pcomponent.ProcessResult;
import org.legoemu.pcomponent.linux.Console;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Open-file semantics over the stateless sComponent (issue 15): the filesem guest (unlink and rename while open,
 * O_TMPFILE, tmpfile(3), mkstemp+unlink, descriptors kept across fork and dup) must behave exactly as under
 * qemu-riscv64, over both transports (TCP with two pComponents, in-JVM with one; madvise(MADV_DONTNEED) on a
 * private file mapping reads the file again), and leave no hidden file behind
 * in the storage root once its last descriptor is closed; a file mapping touched past the page holding the end of
 * the file dies of SIGBUS; and the unixsock guest (glibc's nscd probe answered
 * ENOENT, socketpair between a process and its child) and the locks guest (POSIX record locks with F_GETLK, F_SETLKW
 * and EDEADLK, release on any close and at exit; OFD locks; flock) and the minidb guest (a rollback journal with
 * fsync, pread/pwrite at offsets, record locks between a reader and a writer, a hot journal rolled back after a
 * crashed transaction, ftruncate, an unlinked temporary file) likewise, and the fsstat guest (statfs and fstatfs
 * answered by the sComponent with its host filesystem's figures, fstatfs of a pipe, ENOENT, ENOTDIR, EBADF).
 */
class FileSemanticsDifferentialTest
{
    @TempDir
    static Path tcpRoot;

    @TempDir
    static Path inprocRoot;

    private static Map<String, EmbeddedCluster> clusters;

    @BeforeAll
    static void startClusters() throws Exception
    {
        Assumptions.assumeTrue(GuestBinaries.qemuAvailable(), "qemu-riscv64 is not installed");
        for (final Path root : List.of(tcpRoot, inprocRoot))
        {
            for (final String guest : List.of("filesem", "unixsock", "locks", "minidb", "fsstat"))
            {
                Files.copy(GuestBinaries.BIN.resolve(guest), root.resolve(guest),
                    StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            }
            Files.createDirectories(root.resolve("tmp")); // P_tmpdir of tmpfile(3)
        }
        clusters = Map.of(
            "tcp", EmbeddedCluster.start(new EmbeddedCluster.Config(2, 2, 2L << 20, 8, "lru", 1L << 30, tcpRoot,
                "tcp")),
            "inproc", EmbeddedCluster.start(new EmbeddedCluster.Config(1, 1, 2L << 20, 8, "lru", 1L << 30,
                inprocRoot, "inproc")));
    }

    @AfterAll
    static void stopClusters()
    {
        if (clusters != null)
        {
            clusters.values().forEach(EmbeddedCluster::close);
        }
    }

    static Stream<Arguments> cases()
    {
        return Stream.of("tcp", "inproc").flatMap(transport -> Stream.of(
            List.of("filesem", "unlink"), List.of("filesem", "rename"), List.of("filesem", "tmpfile"),
            List.of("filesem", "fork"), List.of("filesem", "meta"), List.of("filesem", "dontneed"), List.of("filesem", "rmdiropen"),
            List.of("filesem", "pasteof", "MAP_PRIVATE"),
            List.of("filesem", "pasteof", "MAP_SHARED"), List.of("unixsock"), List.of("locks", "posix"),
            List.of("locks", "wait"), List.of("locks", "deadlock"), List.of("locks", "ofd"), List.of("locks", "flock"),
            List.of("minidb"), List.of("fsstat")).map(command -> Arguments.of(transport, command)));
    }

    /**
     * A lock held by a process on one pComponent excludes a process on the other (the tcp cluster has two, and the
     * GMM places a process on the one with fewer): the probe's output (EAGAIN, F_GETLK of another process's lock,
     * F_SETLKW granted when the holder exits) matches the same pair run concurrently under qemu-riscv64.
     */
    @Test
    void locksExcludeAcrossPComponents() throws Exception
    {
        final Path root = tcpRoot;
        final CompletableFuture<GuestBinaries.Outcome> qemuProbe = CompletableFuture.supplyAsync(() ->
            qemu(root, "probe"));
        final GuestBinaries.Outcome qemuHold = qemu(root, "hold");
        final GuestBinaries.Outcome expectedProbe = qemuProbe.get(60, TimeUnit.SECONDS);

        final EmbeddedCluster cluster = clusters.get("tcp");
        final long[] missesBefore = cluster.processors().stream().mapToLong(p -> p.excache().stats().misses())
            .toArray();
        final ByteArrayOutputStream probeOut = new ByteArrayOutputStream();
        final CompletableFuture<ProcessResult> probe = CompletableFuture.supplyAsync(() -> run(cluster, "probe",
            probeOut));
        Thread.sleep(200); // placed first, so the holder goes to the other pComponent
        final ByteArrayOutputStream holdOut = new ByteArrayOutputStream();
        final ProcessResult hold = run(cluster, "hold", holdOut);
        final ProcessResult probed = probe.get(60, TimeUnit.SECONDS);

        assertEquals(new String(qemuHold.stdout(), StandardCharsets.UTF_8), holdOut.toString(StandardCharsets.UTF_8));
        assertEquals(new String(expectedProbe.stdout(), StandardCharsets.UTF_8),
            probeOut.toString(StandardCharsets.UTF_8));
        assertEquals(0, hold.exitStatus());
        assertEquals(0, probed.exitStatus());
        for (int i = 0; i < missesBefore.length; i++)
        {
            assertTrue(cluster.processors().get(i).excache().stats().misses() > missesBefore[i],
                "pComponent " + i + " ran one of the two");
        }
    }

    private static GuestBinaries.Outcome qemu(final Path root, final String mode)
    {
        try
        {
            return GuestBinaries.qemu(root, "./locks", List.of(mode), new byte[0]);
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static ProcessResult run(final EmbeddedCluster cluster, final String mode, final ByteArrayOutputStream out)
    {
        return cluster.run("/locks", List.of("./locks", mode), List.of("LANG=C"), "/",
            new Console(new ByteArrayInputStream(new byte[0]), out, new ByteArrayOutputStream(), false));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void behavesAsUnderQemuAndLeavesNothingBehind(final String transport, final List<String> command)
        throws Exception
    {
        final Path root = transport.equals("tcp") ? tcpRoot : inprocRoot;
        DifferentialCheck.assertSameAsQemu(clusters.get(transport), root, command.get(0),
            command.subList(1, command.size()), new byte[0]);
        try (Stream<Path> files = Files.walk(root))
        {
            assertEquals(List.of(), files.filter(p -> UnlinkedNames.isUnlinked(p.getFileName().toString())).toList(),
                "hidden files left in the storage root after " + command);
        }
    }
}
