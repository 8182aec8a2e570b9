package org.legoemu.emulator;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.legoemu.emulator.chaos.ChaosCluster;
import org.legoemu.emulator.chaos.ChaosClusterExtension;
import org.legoemu.emulator.chaos.ChaosGuest;
import org.legoemu.emulator.chaos.ChaosHarness;
import org.legoemu.emulator.chaos.ChaosOutcome;
import org.legoemu.emulator.chaos.ChaosSettings;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.sbe.ComponentState;
import org.legoemu.gmm.ComponentInfo;
import org.legoemu.mcomponent.MemoryMonitor;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fault injector over the Netty transport: a guest under seeded schedules of every fault kind ends correctly
 * (same output, or a failure a crash, partition or storage error explains), and a crashed component's sockets are
 * closed as a dead process's would be while the GMM still declares it DEAD from its missed heartbeats.
 */
@ExtendWith(ChaosClusterExtension.class)
class ChaosTcpTest
{
    private static final long WAIT_MS = 10_000;

    @Test
    @ChaosSettings(transport = "tcp", timeoutMs = 200)
    void seededSchedulesOverTcpNeverGiveAWrongRun(final ChaosCluster chaos) throws Exception
    {
        Files.copy(GuestBinaries.BIN.resolve("sort"), chaos.root().resolve("sort"));
        final ChaosHarness harness = chaos.harness(
            new ChaosGuest("/sort", List.of("./sort", "20000"), List.of(), "/", new byte[0]));
        final ChaosHarness.Reference reference = harness.reference();
        for (long seed = 1; seed <= 4; seed++)
        {
            final ChaosOutcome outcome = harness.run(harness.schedule(seed, Math.max(1_000_000L,
                reference.wallNs())), reference);
            assertNotEquals(ChaosOutcome.Verdict.WRONG, outcome.verdict(), "seed " + seed + ": " + outcome.reason());
        }
    }

    @Test
    @ChaosSettings(transport = "tcp")
    void crashOverTcpClosesTheSocketsAndIsDetectedByTheGmm(final ChaosCluster chaos) throws Exception
    {
        final MemoryMonitor victim = chaos.cluster().memories().get(1);
        final Endpoint endpoint = victim.endpoint();
        final int id = victim.componentId();
        try (Socket before = new Socket(endpoint.host(), endpoint.port()))
        {
            assertTrue(before.isConnected());
        }
        chaos.faults().crashNow(EmbeddedCluster.memoryName(1));
        await(() -> chaos.cluster().gmm().declaredDeadAtNs(id) >= 0, "the GMM never declared the crash DEAD");
        assertThrows(ConnectException.class, () -> new Socket(endpoint.host(), endpoint.port()).close());
        for (final ComponentInfo c : chaos.cluster().gmm().components())
        {
            if (c.componentId() != id)
            {
                assertNotEquals(ComponentState.DEAD, c.state(), chaos.faults().nameOf(c.address()));
            }
        }
    }

    private static void await(final BooleanSupplier condition, final String failure) throws InterruptedException
    {
        final long untilNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - untilNs > 0)
            {
                throw new AssertionError(failure);
            }
            Thread.sleep(10);
        }
    }
}
