package org.legoemu.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.legoemu.pcomponent.ProcessResult;
import org.legoemu.pcomponent.linux.Console;

/**
 * File locks survive an sComponent restart (issue 15, NLM-style reclaim): a process on one pComponent write-locks a
 * file and holds it while the sComponent is stopped and a new one is started on the same root; a process started
 * afterwards on the other pComponent must still be refused the lock (EAGAIN, F_GETLK names the holder) and get it
 * with F_SETLKW only when the holder exits. The holder's pComponent reclaims the lock at the new sComponent, which
 * grants only reclaims during its grace period (it finds the lock-holder record its predecessor left). Both outputs
 * must equal the same pair run under qemu-riscv64 with no restart.
 */
class LockReclaimTest
{
    /** How long the holder holds its lock, s: spans the restart and the 2 s grace period with room under load. */
    private static final String HOLD_SECONDS = "8";

    @TempDir
    Path root;

    @TempDir
    Path qemuRoot;

    @Test
    void aLockHeldAcrossAnSComponentRestartStillExcludesAnotherPComponent() throws Exception
    {
        Assumptions.assumeTrue(GuestBinaries.qemuAvailable(), "qemu-riscv64 is not installed");
        for (final Path dir : List.of(root, qemuRoot))
        {
            Files.copy(GuestBinaries.BIN.resolve("locks"), dir.resolve("locks"), StandardCopyOption.COPY_ATTRIBUTES);
        }
        final CompletableFuture<GuestBinaries.Outcome> qemuHold = CompletableFuture.supplyAsync(() ->
            qemu("hold", HOLD_SECONDS));
        final CompletableFuture<GuestBinaries.Outcome> qemuProbe = CompletableFuture.supplyAsync(() -> qemu("probe"));

        try (EmbeddedCluster cluster = EmbeddedCluster.start(
            new EmbeddedCluster.Config(2, 2, 2L << 20, 8, "lru", 1L << 30, root, "tcp")))
        {
            final ByteArrayOutputStream holdOut = new ByteArrayOutputStream();
            final CompletableFuture<ProcessResult> hold = CompletableFuture.supplyAsync(() ->
                run(cluster, holdOut, "hold", HOLD_SECONDS));
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(root.resolve("locks-ready")))
            {
                assertTrue(System.nanoTime() < deadlineNs, "the holder never took its lock");
                Thread.sleep(10);
            }
            cluster.stopStorage();
            cluster.restartStorage("scomponent-2");

            final ByteArrayOutputStream probeOut = new ByteArrayOutputStream();
            final ProcessResult probe = run(cluster, probeOut, "probe");
            final ProcessResult held = hold.get(60, TimeUnit.SECONDS);

            assertEquals(text(qemuProbe.get(60, TimeUnit.SECONDS).stdout()), probeOut.toString(StandardCharsets.UTF_8),
                "the probe on the other pComponent after the restart");
            assertEquals(text(qemuHold.get(60, TimeUnit.SECONDS).stdout()), holdOut.toString(StandardCharsets.UTF_8));
            assertEquals(0, probe.exitStatus());
            assertEquals(0, held.exitStatus());
        }
    }

    private static String text(final byte[] bytes)
    {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private GuestBinaries.Outcome qemu(final String... args)
    {
        try
        {
            return GuestBinaries.qemu(qemuRoot, "./locks", List.of(args), new byte[0]);
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static ProcessResult run(final EmbeddedCluster cluster, final ByteArrayOutputStream out,
        final String... args)
    {
        final List<String> argv = new java.util.ArrayList<>();
        argv.add("./locks");
        argv.addAll(List.of(args));
        return cluster.run("/locks", argv, List.of("LANG=C"), "/",
            new Console(new ByteArrayInputStream(new byte[0]), out, new ByteArrayOutputStream(), false));
    }
}
