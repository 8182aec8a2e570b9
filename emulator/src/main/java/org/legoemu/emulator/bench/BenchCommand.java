package org.legoemu.emulator.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code lego bench}: the parent of the benchmark subcommands ({@code memory}; more to come). */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks that print figures (not pass/fail tests); progress goes to stderr, results to stdout.",
    subcommands = {MemoryBenchCommand.class, CommandLine.HelpCommand.class})
public final class BenchCommand implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (try 'lego bench --help')");
    }
}
