package org.legoemu.emulator.bench;

import picocli.CommandLine;

/**
 * {@code lego bench}: the parent of the benchmark subcommands ({@code cpu}, {@code memory}, {@code replication},
 * {@code sweep}, {@code model}, {@code files});
 * each prints its figures next to a baseline measured in the same run.
 */
@CommandLine.Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks that print figures (not pass/fail tests) next to a baseline measured in the same run; "
        + "progress goes to stderr, results to stdout.",
    subcommands = {CpuBenchCommand.class, MemoryBenchCommand.class, ReplicationBenchCommand.class,
        SweepBenchCommand.class, ModelCostBenchCommand.class, FilesBenchCommand.class, CommandLine.HelpCommand.class})
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
