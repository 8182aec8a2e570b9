package org.legoemu.emulator.daemon;

import org.legoemu.emulator.ExitCodes;
import org.legoemu.emulator.Lego;
import org.legoemu.emulator.OptionDefaults;
import org.legoemu.fabric.netty.NettyTransport;
import org.legoemu.fabric.Transport;
import picocli.CommandLine;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * What every monitor daemon subcommand shares: verbosity options, the cluster secret and TLS, the foreground
 * {@link Daemon}, its output.
 */
abstract class DaemonCommand implements Callable<Integer>
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    Lego.Verbosity verbosity;

    @CommandLine.Mixin
    AccessOptions access;

    @CommandLine.Option(names = OptionDefaults.CONFIG_OPTION, paramLabel = "FILE",
        description = "Read option defaults from this properties file (keys are long option names without dashes, "
            + "e.g. secret-file=/etc/lego/cluster.key); LEGO_* environment variables (LEGO_SECRET_FILE) come first, "
            + "the command line overrides both.")
    java.nio.file.Path config;

    final Daemon daemon = new Daemon();

    /**
     * Applies the log level, reads the cluster secret, starts the monitor and blocks until it is stopped.
     *
     * @return the exit status: {@link ExitCodes#USAGE} without a readable secret or with unusable TLS files (one line
     *         on stderr), else as
     *         {@link Daemon#run}.
     */
    int serve(final String kind, final Function<Transport, Daemon.Started> starter)
    {
        verbosity.apply();
        if (spec.defaultValueProvider() instanceof OptionDefaults defaults && config != null)
        {
            final java.util.List<String> unknown = defaults.unknownKeys(spec);
            if (!unknown.isEmpty())
            {
                spec.commandLine().getErr().println("lego " + kind + ": " + config + " sets no option of this command: "
                    + String.join(", ", unknown));
                spec.commandLine().getErr().flush();
                return ExitCodes.USAGE;
            }
        }
        final NettyTransport transport;
        try
        {
            transport = access.newTransport(true);
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            spec.commandLine().getErr().println("lego " + kind + ": cannot start: " + ex.getMessage());
            spec.commandLine().getErr().flush();
            return ExitCodes.USAGE;
        }
        return daemon.run(kind, transport, starter, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
