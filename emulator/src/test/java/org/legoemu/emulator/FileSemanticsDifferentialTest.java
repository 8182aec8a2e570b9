package org.legoemu.emulator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.legoemu.fabric.proxy.UnlinkedNames;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Open-file semantics over the stateless sComponent (issue 15): the filesem guest (unlink and rename while open,
 * O_TMPFILE, tmpfile(3), mkstemp+unlink, descriptors kept across fork and dup) must behave exactly as under
 * qemu-riscv64, over both transports (TCP with two pComponents, in-JVM with one), and leave no hidden file behind
 * in the storage root once its last descriptor is closed; a file mapping touched past the page holding the end of
 * the file dies of SIGBUS; and the unixsock guest (glibc's nscd probe answered
 * ENOENT, socketpair between a process and its child) likewise.
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
            for (final String guest : List.of("filesem", "unixsock"))
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
            List.of("filesem", "fork"), List.of("filesem", "pasteof", "MAP_PRIVATE"),
            List.of("filesem", "pasteof", "MAP_SHARED"), List.of("unixsock")).map(command -> Arguments.of(transport, command)));
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
