package org.legoemu.emulator.daemon;

import org.legoemu.scomponent.StorageContext;
import org.legoemu.scomponent.StorageMonitor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code lego scomponent}: a storage monitor daemon serving one directory tree. */
@Command(mixinStandardHelpOptions = true, name = "scomponent", sortOptions = false,
    description = "Run a storage component (sComponent) in the foreground until SIGINT/SIGTERM.")
public final class SComponentCommand extends DaemonCommand
{
    @CommandLine.Mixin
    DaemonOptions options;

    @Option(names = "--root", paramLabel = "DIR", required = true,
        description = "The directory served as the guests' / (nothing outside it is ever reached).")
    Path root;

    @Option(names = "--backup-dir", paramLabel = "DIR",
        description = "Where the memory replicas' backup logs are kept (default: ROOT/.lego-replica). Guests can "
            + "never name it, even inside ROOT. Keep it across restarts: failover reads it.")
    Path backupDirectory;

    @Option(names = "--lock-grace", paramLabel = "D", defaultValue = "2s",
        converter = org.legoemu.emulator.DurationConverter.class,
        description = "After a restart that finds the previous sComponent stopped with file locks held, grant only "
            + "the pComponents' reclaims of them for this long (NLM's grace period; default: ${DEFAULT-VALUE}; 0s: none).")
    long lockGraceNs;

    @Override
    public Integer call()
    {
        return serve("scomponent", (transport) ->
        {
            final StorageMonitor storage = new StorageMonitor(new StorageContext()
                .transport(transport).listenEndpoint(options.listen).gmmEndpoint(options.gmm).rootDirectory(root)
                .backupDirectory(backupDirectory).lockGraceNs(lockGraceNs)).start();
            return new Daemon.Started(storage, storage.endpoint(), storage.componentId());
        });
    }
}
