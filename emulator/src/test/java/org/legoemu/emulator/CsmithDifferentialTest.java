package org.legoemu.emulator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The randomized layer of the fidelity suite, end to end as scripts/csmith-diff runs it, for a few fixed seeds:
 * csmith generates a program, riscv64-linux-gnu-gcc builds it static (-O2 -w -I/usr/include/csmith), and its
 * run on an embedded cluster must match qemu-riscv64's (stdout with csmith's checksum, exit status). Skipped
 * with a message when csmith, its headers, the cross gcc or qemu-riscv64 are missing. Seeds were picked among
 * ones that run in well under a second under qemu; more seeds: scripts/csmith-diff --count N.
 */
class CsmithDifferentialTest
{
    private static final Path CSMITH_INCLUDE = Path.of("/usr/include/csmith");
    private static final long TOOL_TIMEOUT_SECONDS = 120;

    @TempDir
    static Path root;

    private static EmbeddedCluster cluster;

    @BeforeAll
    static void startCluster()
    {
        Assumptions.assumeTrue(GuestBinaries.qemuAvailable(), "qemu-riscv64 is not installed");
        Assumptions.assumeTrue(onPath("csmith"), "csmith is not installed (apt-get install csmith libcsmith-dev)");
        Assumptions.assumeTrue(Files.isRegularFile(CSMITH_INCLUDE.resolve("csmith.h")),
            CSMITH_INCLUDE + "/csmith.h is missing (apt-get install libcsmith-dev)");
        Assumptions.assumeTrue(onPath("riscv64-linux-gnu-gcc"),
            "riscv64-linux-gnu-gcc is not installed (apt-get install gcc-riscv64-linux-gnu)");
        cluster = EmbeddedCluster.start(new EmbeddedCluster.Config(
            1, 2, 4L << 20, 8, "lru", 1L << 30, root, "tcp"));
    }

    @AfterAll
    static void stopCluster()
    {
        if (cluster != null)
        {
            cluster.close();
        }
    }

    @ParameterizedTest(name = "csmith --seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void csmithProgramBehavesAsUnderQemu(final long seed) throws Exception
    {
        final String name = "csmith-" + seed;
        run(List.of("csmith", "--seed", Long.toString(seed), "--output", name + ".c"));
        run(List.of("riscv64-linux-gnu-gcc", "-static", "-O2", "-w", "-I" + CSMITH_INCLUDE, "-o", name,
            name + ".c", "-lm"));
        final var result = DifferentialCheck.assertSameAsQemu(cluster, root, name, List.of(), new byte[0]);
        assertEquals(0, result.exitStatus(), "csmith programs exit 0");
    }

    private static void run(final List<String> command) throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true).start();
        final byte[] output = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(TOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS), command + " did not finish");
        assertEquals(0, p.exitValue(), command + ": " + new String(output, StandardCharsets.UTF_8));
    }

    private static boolean onPath(final String tool)
    {
        for (final String dir : System.getenv().getOrDefault("PATH", "").split(":"))
        {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool)))
            {
                return true;
            }
        }
        return false;
    }
}
