package org.legoemu.emulator;

import org.legoemu.abi.linux.Errno;
import org.legoemu.gmm.Replication;
import org.legoemu.gmm.VRegionPlacement;
import org.legoemu.pcomponent.LaunchException;
import org.legoemu.pcomponent.ProcessResult;
import org.legoemu.pcomponent.linux.Console;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code lego run}: starts an embedded cluster, runs one guest on it, and exits with the guest's status.
 */
@Command(
    mixinStandardHelpOptions = true,
    name = "run",
    sortOptions = false,
    description = {
        "Start an embedded cluster (GMM, pComponents, mComponents, sComponent over the fabric) and run GUEST on it.",
        "GUEST must lie under the storage root; its files are served by the sComponent, its memory lives in the "
            + "mComponents and is cached in the pComponent's ExCache. stdin/stdout/stderr are the guest's; the exit "
            + "status is the guest's (128+N if killed by signal N). A one-line summary goes to stderr."},
    footer = {"", "Example:", "  lego run --excache 256KiB --storage-root / -- \"$PWD/emulator/guests/bin/wordcount\" "
        + "/usr/share/common-licenses/GPL-3"})
public final class RunCommand implements Callable<Integer>
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.ParentCommand
    Lego parent;

    @CommandLine.Mixin
    Lego.Verbosity verbosity;

    @Option(names = "--pcomponents", paramLabel = "N", defaultValue = "1",
        description = "Processor components (default: ${DEFAULT-VALUE}).")
    int pcomponents;

    @Option(names = "--mcomponents", paramLabel = "N", defaultValue = "2",
        description = "Memory components (default: ${DEFAULT-VALUE}).")
    int mcomponents;

    @CommandLine.Mixin
    ExCacheOptions excache;

    @CommandLine.Mixin
    FileCacheOptions fileCache = new FileCacheOptions();

    @CommandLine.Mixin
    ModelOptions model = new ModelOptions();

    @CommandLine.Mixin
    PrefetchOptions prefetch = new PrefetchOptions();

    @Option(names = "--memory", paramLabel = "SIZE", defaultValue = "4GiB", converter = SizeConverter.class,
        description = "Memory of each mComponent; reserved, not allocated, until touched (default: ${DEFAULT-VALUE}).")
    long memoryBytes;

    @Option(names = "--placement", paramLabel = "POLICY", defaultValue = "least-loaded",
        converter = PlacementConverter.class, description = PlacementConverter.DESCRIPTION)
    VRegionPlacement placement;


    @Option(names = "--stats-json", paramLabel = "FILE", description = "Also write the run's figures as JSON to FILE.")
    Path statsJson;

    @Option(names = "--transport", paramLabel = "T", defaultValue = "inproc",
        description = "Fabric between the components: inproc (in-JVM; the same SBE bytes as over TCP, one dispatch "
            + "thread per monitor) or tcp (Netty on loopback) (default: ${DEFAULT-VALUE}).")
    String transport;

    @CommandLine.Mixin
    GuestArguments target = new GuestArguments();

    @Option(names = "--time-limit", paramLabel = "D", converter = DurationConverter.class,
        description = "Stop the guest D of wall time after the cluster started (e.g. 30s, 5m) and report the figures so far, marked as "
            + "interrupted, with exit status 124 (as timeout(1)). SIGINT and SIGTERM do the same with 130 and 143.")
    Long timeLimitNs;

    @Option(names = "--replication", paramLabel = "MODE", defaultValue = "log",
        converter = ReplicationConverter.class, description = ReplicationConverter.DESCRIPTION)
    Replication replication;

    @Override
    public Integer call()
    {
        verbosity.apply();
        final PrintWriter err = spec.commandLine().getErr();
        if (!transport.equals("inproc") && !transport.equals("tcp"))
        {
            err.println("lego: --transport must be inproc or tcp, not '" + transport + "'");
            return ExitCodes.USAGE;
        }
        final GuestLocation location;
        try
        {
            location = target.location();
        }
        catch (final GuestLocation.Problem ex)
        {
            err.println("lego: " + ex.getMessage());
            return ex.exitCode;
        }
        final Path root = location.root();
        final String namespacePath = location.namespacePath();
        final String cwd = location.cwd();

        final List<String> argv = target.argv();
        final List<String> envp = new ArrayList<>();
        for (final Map.Entry<String, String> e : System.getenv().entrySet())
        {
            envp.add(e.getKey() + "=" + e.getValue());
        }
        final Console console = parent.console();

        final EmbeddedCluster.Config config;
        try
        {
            config = new EmbeddedCluster.Config(
                pcomponents, mcomponents, excache.excacheBytes, excache.excacheWays, excache.excachePolicy,
                excache.excacheVictims, excache.piggyback(), memoryBytes, root, transport, placement,
                excache.zeroFill(), replication).withModel(model.profile(), model.clock())
                .withPrefetch(prefetch.mode, prefetch.depth).withFileCache(fileCache.fileCacheBytes);
        }
        catch (final IllegalArgumentException ex)
        {
            err.println("lego: " + ex.getMessage());
            return ExitCodes.USAGE;
        }
        if (timeLimitNs != null && timeLimitNs <= 0)
        {
            err.println("lego: --time-limit must be above 0");
            return ExitCodes.USAGE;
        }
        try (RunInterruption interruption = new RunInterruption(timeLimitNs == null ? 0 : timeLimitNs,
                 timeLimitNs == null ? "" : spec.commandLine().getParseResult().matchedOption("--time-limit")
                     .stringValues().get(0));
             EmbeddedCluster cluster = EmbeddedCluster.start(config))
        {
            interruption.attach(cluster);
            if (interruption.by() != null)
            {
                err.println("lego: interrupted by " + interruption.by() + " before the guest started");
                return interruption.exitStatus();
            }
            final ProcessResult result = cluster.run(namespacePath, argv, envp, cwd, console);
            final RunReport report = cluster.report(result);
            if (interruption.by() != null)
            {
                report.interrupted(interruption.by(), interruption.exitStatus());
            }
            else if (result.signal() != null)
            {
                err.println("lego: guest killed by " + result.description());
            }
            if (!verbosity.quiet)
            {
                err.println(report.summary());
            }
            if (statsJson != null)
            {
                report.writeJson(statsJson);
            }
            err.flush();
            return report.exitStatus();
        }
        catch (final LaunchException ex)
        {
            err.println("lego: " + ex.getMessage());
            return ex.errno() == Errno.ENOENT ? ExitCodes.NOT_FOUND : ExitCodes.CANNOT_EXECUTE;
        }
        catch (final IllegalArgumentException | IllegalStateException ex)
        {
            err.println("lego: " + ex.getMessage());
            return ExitCodes.USAGE;
        }
        catch (final IOException ex)
        {
            err.println("lego: cannot write " + statsJson + ": " + ex.getMessage());
            return ExitCodes.INTERNAL_ERROR;
        }
    }
}
