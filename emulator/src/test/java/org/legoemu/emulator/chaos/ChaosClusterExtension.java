package org.legoemu.emulator.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.legoemu.emulator.EmbeddedCluster;
import org.legoemu.fabric.faults.FaultInjector;
import org.legoemu.fabric.faults.FaultKind;
import org.legoemu.fabric.faults.FaultSchedule;

/**
 * JUnit 5 extension that resolves a {@link ChaosCluster} parameter: starts an {@link EmbeddedCluster} (in-JVM, or
 * TCP on loopback as {@link ChaosSettings#transport()} says)
 * whose components talk through a {@link FaultInjector} holding the schedule of the method's (or class's)
 * {@link ChaosSettings}, in a fresh storage root; stops it and deletes the root after the test.
 */
public final class ChaosClusterExtension implements ParameterResolver
{
    private static final ExtensionContext.Namespace NAMESPACE =
        ExtensionContext.Namespace.create(ChaosClusterExtension.class);

    @Override
    public boolean supportsParameter(final ParameterContext parameter, final ExtensionContext context)
    {
        return parameter.getParameter().getType() == ChaosCluster.class;
    }

    @Override
    public Object resolveParameter(final ParameterContext parameter, final ExtensionContext context)
    {
        return context.getStore(NAMESPACE)
            .getOrComputeIfAbsent(Resource.class, (k) -> start(settingsOf(context)), Resource.class).chaos;
    }

    private static ChaosSettings settingsOf(final ExtensionContext context)
    {
        final ChaosSettings onMethod = context.getRequiredTestMethod().getAnnotation(ChaosSettings.class);
        if (onMethod != null)
        {
            return onMethod;
        }
        final ChaosSettings onClass = context.getRequiredTestClass().getAnnotation(ChaosSettings.class);
        return onClass != null ? onClass : Defaults.class.getAnnotation(ChaosSettings.class);
    }

    private static Resource start(final ChaosSettings s)
    {
        final Path root;
        try
        {
            root = Files.createTempDirectory("lego-chaos");
        }
        catch (final IOException ex)
        {
            throw new ParameterResolutionException("cannot create a storage root: " + ex.getMessage());
        }
        final EmbeddedCluster.Config config = new EmbeddedCluster.Config(
            s.pcomponents(), s.mcomponents(), s.excacheBytes(), 4, "lru", 1L << 30, root, s.transport());
        final Set<FaultKind> kinds = s.faults().isEmpty() ? Set.of() : FaultSchedule.parseKinds(s.faults());
        final FaultSchedule schedule = kinds.isEmpty() ? FaultSchedule.none() : FaultSchedule.generate(s.seed(),
            kinds, EmbeddedCluster.componentNames(config), TimeUnit.MILLISECONDS.toNanos(s.durationMs()), s.count());
        final long timeoutNs = TimeUnit.MILLISECONDS.toNanos(s.timeoutMs());
        final FaultInjector faults = new FaultInjector(schedule);
        final EmbeddedCluster cluster = EmbeddedCluster.start(config, faults, timeoutNs);
        final ChaosHarness.Settings settings = new ChaosHarness.Settings(config,
            kinds.isEmpty() ? Set.of(FaultKind.DELAY) : kinds, Math.max(1, s.count()), timeoutNs);
        return new Resource(new ChaosCluster(cluster, faults, root, settings));
    }

    /** Closes the cluster and deletes the root when the test's context closes. */
    private static final class Resource implements ExtensionContext.Store.CloseableResource
    {
        final ChaosCluster chaos;

        Resource(final ChaosCluster chaos)
        {
            this.chaos = chaos;
        }

        @Override
        public void close() throws IOException
        {
            chaos.cluster().close();
            try (Stream<Path> paths = Files.walk(chaos.root()))
            {
                for (final Path p : paths.sorted(Comparator.reverseOrder()).toList())
                {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @ChaosSettings
    private static final class Defaults
    {
    }
}
