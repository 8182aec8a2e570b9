package org.legoemu.emulator.bench;

import picocli.CommandLine;

/** {@code lego bench}: benchmarks measured in one run against a baseline measured in the same run. */
@CommandLine.Command(
    name = "bench",
    description = "Run a benchmark; each prints its figures next to a baseline measured in the same run.",
    mixinStandardHelpOptions = true,
    subcommands = {CpuBenchCommand.class, CommandLine.HelpCommand.class})
public final class BenchCommand implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a benchmark, e.g. `lego bench cpu`");
    }
}
