package org.legoemu.emulator;

import org.legoemu.gmm.VRegionPlacement;
import org.legoemu.pcomponent.ProcessResult;
import org.legoemu.pcomponent.excache.ExCache;
import org.legoemu.pcomponent.linux.Console;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * fork(2), vfork(2), wait4(2), waitid(2) and execve(2) of guests on an embedded cluster (TCP on loopback, two
 * mComponents with round-robin vRegion placement, so a process's vRegions live on an owner that is not its home, and
 * an ExCache small enough to force write-backs), checked against qemu-riscv64.
 *
 * <p>qemu-user cannot run what a riscv64 guest execve's unless binfmt_misc sends riscv64 ELFs to it (it hands the
 * execve to the host kernel; this machine has no binfmt_misc mounted), so the execve cases run {@code execs}, which
 * execve's the shipped {@code hello}, and compare with qemu running {@code hello} directly with the same argv, plus
 * the line {@code execs} prints itself.
 */
class ProcessLifecycleTest
{
    /** 256 KiB, 4-way: fewer lines than the forking guest touches. */
    private static final long SMALL_EXCACHE_BYTES = 256 << 10;

    @TempDir
    static Path root;

    private static EmbeddedCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception
    {
        Assumptions.assumeTrue(GuestBinaries.qemuAvailable(), "qemu-riscv64 is not installed");
        for (final String guest : List.of("forks", "execs", "hello"))
        {
            Files.copy(GuestBinaries.BIN.resolve(guest), root.resolve(guest), StandardCopyOption.REPLACE_EXISTING);
        }
        cluster = EmbeddedCluster.start(new EmbeddedCluster.Config(
            1, 2, SMALL_EXCACHE_BYTES, 4, "lru", ExCache.DEFAULT_VICTIMS, true, 1L << 30, root, "tcp",
            VRegionPlacement.ROUNDROBIN));
    }

    @AfterAll
    static void stopCluster()
    {
        if (cluster != null)
        {
            cluster.close();
        }
    }

    /**
     * A pipe between parent and child, the child's copy of 64 KiB or 1 MiB of heap, several children, a grandchild,
     * WNOHANG, waitid, a child killed by SIGTERM, and execve's ENOENT, EACCES and ENOEXEC; every mComponent holds no
     * frame afterwards (children included).
     */
    @ParameterizedTest(name = "forks {0}")
    @ValueSource(strings = { "64 5", "1024 12" })
    void forkingGuestBehavesAsUnderQemu(final String args) throws Exception
    {
        DifferentialCheck.assertSameAsQemu(cluster, root, "forks", List.of(args.split(" ")), new byte[0]);
    }

    /** execve replaces the running image: same output and status as qemu running the new program directly. */
    @Test
    void execveReplacesTheImage() throws Exception
    {
        final List<String> hello = List.of("./hello", "one", "two words");
        final GuestBinaries.Outcome expected = GuestBinaries.qemu(root, "./hello", hello.subList(1, 3), new byte[0]);
        final Run run = run(concat(List.of("./execs", "direct"), hello));
        assertEquals(new String(expected.stdout(), StandardCharsets.UTF_8), run.stdout());
        assertEquals(expected.status(), run.result().exitStatus());
    }

    /** fork or vfork, then execve in the child: the child's output, then the parent's report of its exit. */
    @ParameterizedTest(name = "{0} then execve")
    @ValueSource(strings = { "fork", "vfork" })
    void childExecvesAnotherProgram(final String how) throws Exception
    {
        final List<String> hello = List.of("./hello", "from", "a child");
        final GuestBinaries.Outcome expected = GuestBinaries.qemu(root, "./hello", hello.subList(1, 3), new byte[0]);
        final Run run = run(concat(List.of("./execs", how), hello));
        assertEquals(new String(expected.stdout(), StandardCharsets.UTF_8) + "exec'd child: exited 0\n",
            run.stdout());
        assertEquals(0, run.result().exitStatus());
    }

    private record Run(ProcessResult result, String stdout)
    {
    }

    private static Run run(final List<String> argv)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ProcessResult result = cluster.run("/" + argv.get(0).substring(2), argv, List.of("LANG=C"), "/",
            new Console(new ByteArrayInputStream(new byte[0]), out, new ByteArrayOutputStream(), false));
        for (final var memory : cluster.memories())
        {
            assertEquals(0, memory.framesInUse(), "frames left on mComponent " + memory.componentId());
        }
        return new Run(result, out.toString(StandardCharsets.UTF_8));
    }

    private static List<String> concat(final List<String> a, final List<String> b)
    {
        final List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
