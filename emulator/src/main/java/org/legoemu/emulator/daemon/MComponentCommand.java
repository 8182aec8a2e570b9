package org.legoemu.emulator.daemon;

import org.legoemu.emulator.Lego;
import org.legoemu.emulator.SizeConverter;
import org.legoemu.mcomponent.MemoryContext;
import org.legoemu.mcomponent.MemoryMonitor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code lego mcomponent}: a memory monitor daemon. */
@Command(mixinStandardHelpOptions = true, name = "mcomponent", sortOptions = false,
    description = "Run a memory component (mComponent) in the foreground until SIGINT/SIGTERM.")
public final class MComponentCommand implements Callable<Integer>
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    Lego.Verbosity verbosity;

    @CommandLine.Mixin
    DaemonOptions options;

    @Option(names = "--memory", paramLabel = "SIZE", defaultValue = "4GiB", converter = SizeConverter.class,
        description = "Emulated memory; reserved, not allocated, until touched (default: ${DEFAULT-VALUE}).")
    long memoryBytes;

    final Daemon daemon = new Daemon();

    @Override
    public Integer call()
    {
        verbosity.apply();
        return daemon.run("mcomponent", (transport) ->
        {
            final MemoryMonitor memory = new MemoryMonitor(new MemoryContext()
                .transport(transport).listen(options.listen).gmmEndpoint(options.gmm).memoryBytes(memoryBytes)).start();
            return new Daemon.Started(memory, memory.endpoint());
        }, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
