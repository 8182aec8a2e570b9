package org.legoemu.emulator.daemon;

import org.legoemu.emulator.Lego;
import org.legoemu.fabric.Transport;
import picocli.CommandLine;

import java.util.concurrent.Callable;
import java.util.function.Function;

/** What every monitor daemon subcommand shares: verbosity options, the foreground {@link Daemon}, its output. */
abstract class DaemonCommand implements Callable<Integer>
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    Lego.Verbosity verbosity;

    final Daemon daemon = new Daemon();

    /** Applies the log level, starts the monitor and blocks until it is stopped; returns the exit status. */
    int serve(final String kind, final Function<Transport, Daemon.Started> starter)
    {
        verbosity.apply();
        return daemon.run(kind, starter, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
