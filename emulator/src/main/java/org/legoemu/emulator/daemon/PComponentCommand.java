package org.legoemu.emulator.daemon;

import org.legoemu.emulator.ExCacheOptions;
import org.legoemu.emulator.PrefetchOptions;
import org.legoemu.pcomponent.excache.PrefetchMode;
import org.legoemu.emulator.FileCacheOptions;
import org.legoemu.emulator.ModelOptions;
import org.legoemu.pcomponent.model.FabricModel;
import org.legoemu.pcomponent.model.FabricProfile;
import org.legoemu.pcomponent.ProcessorContext;
import org.legoemu.pcomponent.ProcessorMonitor;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code lego pcomponent}: a processor monitor daemon with its ExCache. */
@Command(mixinStandardHelpOptions = true, name = "pcomponent", sortOptions = false,
    description = "Run a processor component (pComponent) in the foreground until SIGINT/SIGTERM.")
public final class PComponentCommand extends DaemonCommand
{
    @CommandLine.Mixin
    DaemonOptions options;

    @CommandLine.Mixin
    ExCacheOptions excache;

    @CommandLine.Mixin
    FileCacheOptions fileCache = new FileCacheOptions();

    @CommandLine.Mixin
    ModelOptions model = new ModelOptions();

    @CommandLine.Mixin
    PrefetchOptions prefetch = new PrefetchOptions();

    @CommandLine.Option(names = "--client-lease", paramLabel = "SECONDS", defaultValue = "30",
        description = "Kill (SIGKILL) a process run for 'lego exec' when its client has been silent this long, "
            + "e.g. killed without a chance to say so (default: ${DEFAULT-VALUE}).")
    double clientLeaseSeconds;

    @Override
    public Integer call()
    {
        final FabricProfile profile;
        try
        {
            profile = model.profile();
            model.clock();
            PrefetchMode.checkDepth(prefetch.depth);
        }
        catch (final IllegalArgumentException ex)
        {
            spec.commandLine().getErr().println("lego: " + ex.getMessage());
            return org.legoemu.emulator.ExitCodes.USAGE;
        }
        return serve("pcomponent", (transport) ->
        {
            final ProcessorMonitor processor = new ProcessorMonitor(new ProcessorContext()
                .fabricModel(new FabricModel(profile, 1, true)).guestClock(model.clock())
                .fabricModelFromGmm(!spec.commandLine().getParseResult().hasMatchedOption("--fabric-model") &&
                    model.fabricModelFile == null)
                .transport(transport).listen(options.listen).gmm(options.gmm)
                .excacheBytes(excache.excacheBytes).excacheWays(excache.excacheWays)
                .excachePolicy(excache.excachePolicy).excacheVictims(excache.excacheVictims)
                .excachePiggyback(excache.piggyback()).excacheZeroFill(excache.zeroFill())
                .excachePrefetch(prefetch.mode, prefetch.depth)
                .fileCacheBytes(fileCache.fileCacheBytes)
                .clientLeaseNs((long)(clientLeaseSeconds * 1e9))).start();
            try
            {
                ClusterModelRule.check("pcomponent", spec.commandLine().getParseResult()
                    .hasMatchedOption("--fabric-model") ? model.fabricModel : null, processor.clusterFabricModel());
            }
            catch (final IllegalStateException ex)
            {
                processor.close();
                throw ex;
            }
            return new Daemon.Started(processor, processor.endpoint(), processor.componentId());
        });
    }
}
