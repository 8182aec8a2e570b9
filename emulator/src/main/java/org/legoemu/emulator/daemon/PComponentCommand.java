package org.legoemu.emulator.daemon;

import org.legoemu.emulator.Lego;
import org.legoemu.emulator.SizeConverter;
import org.legoemu.pcomponent.ProcessorContext;
import org.legoemu.pcomponent.ProcessorMonitor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code lego pcomponent}: a processor monitor daemon with its ExCache. */
@Command(name = "pcomponent", sortOptions = false,
    description = "Run a processor component (pComponent) in the foreground until SIGINT/SIGTERM.")
public final class PComponentCommand implements Callable<Integer>
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    Lego.Verbosity verbosity;

    @CommandLine.Mixin
    DaemonOptions options;

    @Option(names = "--excache", paramLabel = "SIZE", defaultValue = "64MiB", converter = SizeConverter.class,
        description = "ExCache size (default: ${DEFAULT-VALUE}).")
    long excacheBytes;

    @Option(names = "--excache-ways", paramLabel = "N", defaultValue = "8",
        description = "ExCache associativity; 0 = fully associative (default: ${DEFAULT-VALUE}).")
    int excacheWays;

    @Option(names = "--excache-policy", paramLabel = "P", defaultValue = "lru",
        description = "fifo, lru or random (default: ${DEFAULT-VALUE}).")
    String excachePolicy;

    final Daemon daemon = new Daemon();

    @Override
    public Integer call()
    {
        verbosity.apply();
        return daemon.run("pcomponent", (transport) ->
        {
            final ProcessorMonitor processor = new ProcessorMonitor(new ProcessorContext()
                .transport(transport).listen(options.listen).gmm(options.gmm)
                .excacheBytes(excacheBytes).excacheWays(excacheWays).excachePolicy(excachePolicy)).start();
            return new Daemon.Started(processor, processor.endpoint());
        }, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
