package org.legoemu.emulator;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.legoemu.emulator.bench.BenchCommand;
import org.legoemu.emulator.client.ExecCommand;
import org.legoemu.emulator.client.GetCommand;
import org.legoemu.emulator.client.PutCommand;
import org.legoemu.emulator.daemon.GmmCommand;
import org.legoemu.emulator.daemon.KeygenCommand;
import org.legoemu.emulator.daemon.MComponentCommand;
import org.legoemu.emulator.daemon.PComponentCommand;
import org.legoemu.emulator.daemon.SComponentCommand;
import org.legoemu.emulator.daemon.StatusCommand;
import org.legoemu.pcomponent.linux.Console;
import org.legoemu.pcomponent.linux.InterruptibleInput;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The {@code lego} command: runs unmodified static riscv64 Linux programs on an emulated disaggregated cluster.
 */
@Command(
    name = "lego",
    mixinStandardHelpOptions = true,
    versionProvider = Lego.Version.class,
    description = "LegoEmu: run unmodified static riscv64 Linux programs on an emulated disaggregated cluster "
        + "(LegoOS-style pComponent, mComponents, sComponent and global manager talking SBE over a fabric).",
    subcommands = {
        RunCommand.class, ExecCommand.class, PutCommand.class, GetCommand.class, ChaosCommand.class, GmmCommand.class,
        MComponentCommand.class, SComponentCommand.class, PComponentCommand.class,
        StatusCommand.class, KeygenCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Lego implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Console console;

    /** The command with the guest console on this process's own stdin, stdout and stderr. */
    public Lego()
    {
        this(new Console(
            new InterruptibleInput(new FileInputStream(FileDescriptor.in)), new FileOutputStream(FileDescriptor.out),
            new FileOutputStream(FileDescriptor.err), System.console() != null));
    }

    /** The command with guests' fds 0, 1 and 2 on {@code console} (tests capture a guest's output this way). */
    public Lego(final Console console)
    {
        this.console = console;
    }

    /** Where guests' fds 0, 1 and 2 lead. */
    public Console console()
    {
        return console;
    }

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (try 'lego --help')");
    }

    /** Sets the log level for -v/-q style options shared by subcommands. */
    static void logLevel(final boolean[] verbose, final boolean quiet)
    {
        final Level level = quiet ? Level.ERROR : verbose.length >= 2 ? Level.DEBUG : verbose.length == 1 ? Level.INFO : null;
        if (level != null)
        {
            StartupPrewarm.awaitLogging();
            ((Logger)LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(level);
        }
    }

    /** Verbosity options mixed into every subcommand. */
    public static final class Verbosity
    {
        @Option(names = {"-v", "--verbose"}, description = "More log output (-v info, -vv debug).")
        boolean[] verbose = new boolean[0];

        @Option(names = {"-q", "--quiet"}, description = "Only errors in the log, and no run summary.")
        boolean quiet;

        public void apply()
        {
            logLevel(verbose, quiet);
        }

        /** Whether -q was given. */
        public boolean quiet()
        {
            return quiet;
        }

        /** Whether -v was given at least once. */
        public boolean verbose()
        {
            return verbose.length > 0;
        }
    }

    /** The version from the jar manifest. */
    public static final class Version implements CommandLine.IVersionProvider
    {
        @Override
        public String[] getVersion()
        {
            final String v = Lego.class.getPackage().getImplementationVersion();
            return new String[] {"LegoEmu " + (v == null ? "development build" : v)};
        }
    }

    /**
     * The subcommands of the annotation above by name, so that {@link #main} can build the one named on the command
     * line alone: picocli's model of the whole command tree cost every process about 100 ms of CPU at start
     * (ThreadMXBean CPU time of {@code new CommandLine(new Lego())}, JDK 17 with the AppCDS archive, 2026-12-05),
     * one subcommand's a fraction of it. LegoTest checks that this map and the annotation agree.
     */
    static final Map<String, Supplier<Object>> SUBCOMMANDS = Map.ofEntries(
        Map.entry("run", RunCommand::new), Map.entry("exec", ExecCommand::new), Map.entry("put", PutCommand::new),
        Map.entry("get", GetCommand::new), Map.entry("chaos", ChaosCommand::new), Map.entry("gmm", GmmCommand::new),
        Map.entry("mcomponent", MComponentCommand::new), Map.entry("scomponent", SComponentCommand::new),
        Map.entry("pcomponent", PComponentCommand::new), Map.entry("status", StatusCommand::new),
        Map.entry("keygen", KeygenCommand::new), Map.entry("bench", BenchCommand::new));

    /**
     * The command line for {@code args}: when {@code args[0]} names a subcommand, a top-level {@code lego} command
     * holding only that subcommand (its usage, options, parent and exit codes are the same as in the whole tree);
     * otherwise ({@code lego --help}, {@code lego help run}, a typo) the whole tree from the annotation.
     */
    static CommandLine commandLine(final Lego lego, final String[] args)
    {
        final Supplier<Object> subcommand = args.length > 0 ? SUBCOMMANDS.get(args[0]) : null;
        if (subcommand == null)
        {
            return new CommandLine(lego);
        }
        final CommandLine.Model.CommandSpec top = CommandLine.Model.CommandSpec.wrapWithoutInspection(lego);
        top.name("lego");
        final CommandLine cli = new CommandLine(top);
        cli.addSubcommand(args[0], subcommand.get());
        return cli;
    }

    public static void main(final String[] args)
    {
        StartupPrewarm.start(args);
        final CommandLine cli = commandLine(new Lego(), args);
        try
        {
            cli.setDefaultValueProvider(new OptionDefaults(System.getenv(), OptionDefaults.configFile(args)));
        }
        catch (final java.io.IOException ex)
        {
            cli.getErr().println("lego: " + ex.getMessage());
            System.exit(ExitCodes.USAGE);
        }
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) ->
        {
            commandLine.getErr().println("lego: internal error: " + ex);
            LoggerFactory.getLogger(Lego.class).debug("internal error", ex);
            return ExitCodes.INTERNAL_ERROR;
        });
        System.exit(cli.execute(args));
    }
}
