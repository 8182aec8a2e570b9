package org.legoemu.emulator.chaos;

import java.nio.file.Path;

import org.legoemu.emulator.EmbeddedCluster;
import org.legoemu.fabric.faults.FaultInjector;

/**
 * What {@link ChaosClusterExtension} gives a test: a running cluster (in-JVM or TCP) whose components talk through
 * {@link #faults()}, and the sComponent's root directory (empty, deleted after the test).
 *
 * @param cluster  the cluster.
 * @param faults   the injector with the schedule of the test's {@link ChaosSettings}; not started (call
 *                 {@code faults().start()} when the faults should begin), or use {@link #harness}.
 * @param root     the storage root.
 * @param settings the cluster's settings, for a {@link ChaosHarness} of the test's own.
 */
public record ChaosCluster(EmbeddedCluster cluster, FaultInjector faults, Path root, ChaosHarness.Settings settings)
{
    /** A harness for {@code guest} on a cluster like this one (each harness run starts its own). */
    public ChaosHarness harness(final ChaosGuest guest)
    {
        return new ChaosHarness(settings, guest);
    }
}
