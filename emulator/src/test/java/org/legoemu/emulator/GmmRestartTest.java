package org.legoemu.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.legoemu.fabric.sbe.ComponentState;
import org.legoemu.gmm.ComponentInfo;
import org.legoemu.gmm.GlobalManager;
import org.legoemu.gmm.ProcessPlacement;
import org.legoemu.mcomponent.MemoryMonitor;
import org.legoemu.pcomponent.ProcessResult;
import org.legoemu.pcomponent.linux.Console;

/**
 * Issue 14: a GMM restarted after a crash has no state. It used to hand out pid 1000 and component ids from 1 again,
 * so a process exec'd after the restart got the pid of one still running, and both died (SIGBUS in the old one,
 * SIGSEGV at entry in the new one). Now the members register again with their ids and the pids they hold, and the
 * pComponent's running processes are placed again: a process running through the restart and one exec'd after it
 * both print what qemu-riscv64 prints, under different pids, and every member keeps its id.
 */
final class GmmRestartTest
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(1);

    @TempDir
    Path root;

    @Test
    void aProcessRunningThroughAGmmRestartAndOneExecutedAfterItBothFinishUnderDifferentPids() throws Exception
    {
        Assumptions.assumeTrue(GuestBinaries.qemuAvailable(), "qemu-riscv64 is not installed");
        Files.copy(GuestBinaries.BIN.resolve("wordcount"), root.resolve("wordcount"));
        final byte[] text = FailureFixtures.text();
        final GuestBinaries.Outcome expected = GuestBinaries.qemu(root, "./wordcount", List.of(), text);
        try (EmbeddedCluster cluster = EmbeddedCluster.start(
            new EmbeddedCluster.Config(1, 2, 256 * 1024, 4, "fifo", 1L << 30, root, "inproc"), null, TIMEOUT_NS))
        {
            final List<Integer> idsBefore = ids(cluster.gmm());

            final Run first = new Run(cluster, text);
            first.awaitReading();
            final List<Integer> pidsBefore = pids(cluster.gmm());
            assertEquals(1, pidsBefore.size(), "placed before the restart: " + pidsBefore);

            final GlobalManager gmm = cluster.restartGmm(TimeUnit.MILLISECONDS.toNanos(300));
            FailureFixtures.await(() -> gmm.components().size() == idsBefore.size() &&
                gmm.components().stream().allMatch((c) -> c.state() == ComponentState.ALIVE),
                "the members did not register again: " + gmm.components());
            assertEquals(idsBefore, ids(gmm), "component ids after the GMM restart");

            final Run second = new Run(cluster, text);
            second.awaitReading();
            final List<Integer> pidsAfter = pids(gmm);
            assertEquals(2, pidsAfter.size(), "placed after the restart (the old pid must be placed again, the new " +
                "one must differ): " + pidsAfter);
            assertEquals(pidsBefore.get(0), pidsAfter.get(0), "the running process keeps its pid");
            assertNotEquals(pidsAfter.get(0), pidsAfter.get(1));

            second.stdin.gate.countDown();
            second.assertSameAs(expected, "the process exec'd after the restart");
            first.stdin.gate.countDown();
            first.assertSameAs(expected, "the process running through the restart");
            assertEquals(List.of(), pids(gmm), "processes left placed at the GMM");
            for (final MemoryMonitor memory : cluster.memories())
            {
                FailureFixtures.await(() -> memory.framesInUse() == 0,
                    "mComponent " + memory.componentId() + " kept frames");
            }
        }
    }

    private static List<Integer> ids(final GlobalManager gmm)
    {
        return gmm.components().stream().map(ComponentInfo::componentId).sorted().collect(Collectors.toList());
    }

    private static List<Integer> pids(final GlobalManager gmm)
    {
        final List<Integer> pids = new ArrayList<>();
        for (final ProcessPlacement.ProcessRecord record : gmm.processes())
        {
            pids.add(record.pid());
        }
        return pids;
    }

    /** A wordcount run on its own thread, its stdin gated. */
    private static final class Run
    {
        final GatedStdin stdin;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final AtomicReference<Object> result = new AtomicReference<>();
        final Thread thread;

        Run(final EmbeddedCluster cluster, final byte[] text)
        {
            stdin = new GatedStdin(text);
            thread = new Thread(() ->
            {
                try
                {
                    result.set(cluster.run("/wordcount", List.of("./wordcount"), List.of(), "/",
                        new Console(stdin, out, err, false)));
                }
                catch (final RuntimeException ex)
                {
                    result.set(ex);
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        /** Waits until the guest reads its stdin; fails if it ended first or took more than 60 s. */
        void awaitReading() throws InterruptedException
        {
            final long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!stdin.reading.await(50, TimeUnit.MILLISECONDS))
            {
                if (result.get() != null || System.nanoTime() - until > 0)
                {
                    throw new AssertionError("the guest did not get to read its stdin: " + describe(result.get()));
                }
            }
        }

        private static String describe(final Object outcome)
        {
            return outcome instanceof ProcessResult r ? "exit status " + r.exitStatus() + ", " + r.signal() + ", " +
                r.description() : String.valueOf(outcome);
        }

        void assertSameAs(final GuestBinaries.Outcome expected, final String what) throws InterruptedException
        {
            thread.join(TimeUnit.SECONDS.toMillis(60));
            final Object outcome = result.get();
            if (!(outcome instanceof ProcessResult r))
            {
                throw new AssertionError(what + " did not finish: " + outcome);
            }
            assertNull(r.signal(), what + ": " + r.description());
            assertEquals(expected.status(), r.exitStatus(), what + ": exit status");
            assertEquals(new String(expected.stdout(), StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8),
                what + ": stdout");
            assertEquals(new String(expected.stderr(), StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                what + ": stderr");
        }
    }
}
