package org.legoemu.emulator.daemon;


import org.legoemu.emulator.DurationConverter;
import org.legoemu.emulator.ExitCodes;
import org.legoemu.emulator.SizeConverter;
import org.legoemu.mcomponent.MemoryContext;
import org.legoemu.mcomponent.MemoryMonitor;
import org.legoemu.pcomponent.model.FabricProfile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lego mcomponent}: a memory monitor daemon. */
@Command(mixinStandardHelpOptions = true, name = "mcomponent", sortOptions = false,
    description = "Run a memory component (mComponent) in the foreground until SIGINT/SIGTERM.")
public final class MComponentCommand extends DaemonCommand
{
    @CommandLine.Mixin
    DaemonOptions options;

    @Option(names = "--memory", paramLabel = "SIZE", defaultValue = "4GiB", converter = SizeConverter.class,
        description = "Emulated memory; reserved, not allocated, until touched (default: ${DEFAULT-VALUE}).")
    long memoryBytes;

    @Option(names = "--reconcile-interval", paramLabel = "D", defaultValue = "2s", converter = DurationConverter.class,
        description = "How often to ask the GMM which processes held here are gone, freeing what a failed exit left "
            + "behind after two such answers in a row (default: ${DEFAULT-VALUE}).")
    long reconcileIntervalNs;

    @Option(names = "--fabric-model", paramLabel = "NAME",
        description = "The fabric profile this mComponent expects the cluster to model (lego gmm --fabric-model); "
            + "it refuses to join a cluster that models another (default: any).")
    String fabricModel;

    @Override
    public Integer call()
    {
        if (fabricModel != null && !FabricProfile.NAMED.containsKey(fabricModel))
        {
            spec.commandLine().getErr().println("lego: unknown fabric model '" + fabricModel + "' (known: "
                + String.join(", ", FabricProfile.NAMED.keySet()) + ")");
            return ExitCodes.USAGE;
        }
        return serve("mcomponent", (transport) ->
        {
            final MemoryMonitor memory = new MemoryMonitor(new MemoryContext()
                .transport(transport).listen(options.listen).gmmEndpoint(options.gmm).memoryBytes(memoryBytes)
                .reconcileIntervalNs(reconcileIntervalNs)).start();
            try
            {
                ClusterModelRule.check("mcomponent", fabricModel, memory.clusterFabricModel());
            }
            catch (final IllegalStateException ex)
            {
                memory.close();
                throw ex;
            }
            return new Daemon.Started(memory, memory.endpoint(), memory.componentId());
        });
    }
}
