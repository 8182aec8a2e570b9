package org.legoemu.emulator.bench;

import org.legoemu.emulator.ModelOptions;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.legoemu.emulator.EmbeddedCluster;
import org.legoemu.emulator.ExCacheOptions;
import org.legoemu.emulator.ExitCodes;
import org.legoemu.emulator.Lego;
import org.legoemu.pcomponent.ProcessResult;
import org.legoemu.pcomponent.linux.Console;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code lego bench cpu}: the interpreter's speed on a CPU-bound guest whose working set fits the ExCache, next to
 * {@code qemu-riscv64} on the same binary measured in the same run. Prints per-run figures, the best of each, the
 * wall-time ratio, and whether both produced the same output (a benchmark that computes something else is void).
 */
@CommandLine.Command(
    name = "cpu",
    description = {
        "Measure guest MIPS on a CPU-bound guest (the bundled cpubench unless --guest is given) with an ExCache "
            + "larger than its working set, and the wall-time ratio against qemu-riscv64 on the same binary, "
            + "measured in the same run.",
        "Progress goes to stderr, figures to stdout. Exit status 0, or 1 if the outputs differ."},
    mixinStandardHelpOptions = true)
public final class CpuBenchCommand implements Callable<Integer>
{
    /** Name of the bundled guest inside lego.jar (emulator/guests/src/cpubench.c). */
    static final String BUNDLED_GUEST = "cpubench";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    ModelOptions model = new ModelOptions();

    @CommandLine.Mixin
    Lego.Verbosity verbosity;

    @CommandLine.Mixin
    ExCacheOptions excache = new ExCacheOptions();

    @CommandLine.Option(names = "--rounds", paramLabel = "N", defaultValue = "60",
        description = "Rounds of the bundled cpubench (about 18.5 million instructions each; default ${DEFAULT-VALUE}).")
    int rounds;

    @CommandLine.Option(names = "--repeat", paramLabel = "K", defaultValue = "3",
        description = "Runs of each engine; the best is reported (default ${DEFAULT-VALUE}).")
    int repeat;

    @CommandLine.Option(names = "--guest", paramLabel = "FILE",
        description = "Another static riscv64 guest to measure instead of the bundled one; its arguments follow --.")
    Path guest;

    @CommandLine.Option(names = "--transport", paramLabel = "T", defaultValue = "inproc",
        description = "Fabric between the embedded components: inproc (default; the figure is the interpreter's) "
            + "or tcp.")
    String transport;

    @CommandLine.Option(names = "--suite",
        description = "Measure the bundled suite (coremix, interp, hashtab, fpkernel) instead of cpubench: each at "
            + "about 5 G instructions in this JVM (steady) and 0.3 G as a whole lego run process against the whole "
            + "qemu process (short), with each guest's ratio and the geometric means.")
    boolean suite;

    @CommandLine.Option(names = "--length", paramLabel = "L", defaultValue = "both",
        description = "With --suite: steady, short or both (default ${DEFAULT-VALUE}).")
    String length;

    @CommandLine.Option(names = "--scale", paramLabel = "F", defaultValue = "1",
        description = "With --suite: multiply every guest's instruction count by F (default ${DEFAULT-VALUE}).")
    double scale;

    @CommandLine.Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON.")
    Path json;

    @CommandLine.Parameters(paramLabel = "ARGS", arity = "0..*",
        description = "Arguments for --guest (default for the bundled guest: the --rounds value).")
    List<String> guestArgs = new ArrayList<>();

    /** One LegoEmu run. */
    private record LegoRun(long instructions, long wallNs, long hartCpuNs, int status)
    {
        double mips()
        {
            return instructions * 1e3 / wallNs;
        }

        double cpuMips()
        {
            return hartCpuNs <= 0 ? 0 : instructions * 1e3 / hartCpuNs;
        }
    }

    @Override
    public Integer call() throws Exception
    {
        if (model.problem() != null)
        {
            spec.commandLine().getErr().println("lego: " + model.problem());
            return org.legoemu.emulator.ExitCodes.USAGE;
        }
        verbosity.apply();
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        if (repeat < 1 || rounds < 1)
        {
            err.println("lego bench cpu: --repeat and --rounds must be at least 1");
            return ExitCodes.USAGE;
        }
        final CpuSuite.Length suiteLength = CpuSuite.Length.parse(length);
        if (suiteLength == null || !(scale > 0))
        {
            err.println("lego bench cpu: --length must be steady, short or both, and --scale above 0");
            return ExitCodes.USAGE;
        }
        if (!QemuReference.available())
        {
            err.println("lego bench cpu: " + QemuReference.QEMU + " not found; install it (Debian: apt-get install "
                + "qemu-user) to have a baseline");
            return ExitCodes.NOT_FOUND;
        }
        final Path dir = Files.createTempDirectory("lego-bench-cpu");
        try
        {
            if (suite)
            {
                return new CpuSuite(dir, excache, transport, repeat, scale, out, err).run(suiteLength, json) ? 0 : 1;
            }
            final Path binary = dir.resolve(guest == null ? BUNDLED_GUEST : guest.getFileName().toString());
            if (guest == null)
            {
                extractBundledGuest(binary);
            }
            else if (!Files.isRegularFile(guest))
            {
                err.println("lego bench cpu: " + guest + ": no such file");
                return ExitCodes.NOT_FOUND;
            }
            else
            {
                Files.copy(guest, binary, StandardCopyOption.REPLACE_EXISTING);
            }
            binary.toFile().setExecutable(true);
            final List<String> args = guest == null ? List.of(Integer.toString(rounds)) : guestArgs;
            return measure(dir, binary, args, out, err);
        }
        finally
        {
            try (var files = Files.walk(dir))
            {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private int measure(final Path dir, final Path binary, final List<String> args, final PrintWriter out,
        final PrintWriter err) throws IOException
    {
        final String name = binary.getFileName().toString();
        out.printf(Locale.ROOT, "lego bench cpu: %s %s | ExCache %s %d-way %s | %s fabric | best of %d%n",
            name, String.join(" ", args), org.legoemu.emulator.Sizes.format(excache.excacheBytes), excache.excacheWays,
            excache.excachePolicy, transport, repeat);
        out.printf(Locale.ROOT, "%-4s %-14s %10s %16s %10s %14s%n", "run", "engine", "wall s", "instructions", "MIPS",
            "MIPS/hart-CPU");
        QemuReference.Run bestQemu = null;
        for (int i = 1; i <= repeat; i++)
        {
            err.printf(Locale.ROOT, "lego bench cpu: qemu-riscv64 run %d/%d...%n", i, repeat);
            err.flush();
            final QemuReference.Run run = QemuReference.run(dir, binary, args);
            out.printf(Locale.ROOT, "%-4d %-14s %10.3f%n", i, "qemu-riscv64", run.wallNs() / 1e9);
            out.flush();
            if (run.status() != 0 && guest == null)
            {
                err.println("lego bench cpu: qemu-riscv64 failed on the bundled guest (exit status " + run.status() +
                    "); no baseline");
                return ExitCodes.INTERNAL_ERROR;
            }
            if (bestQemu == null || run.wallNs() < bestQemu.wallNs())
            {
                bestQemu = run;
            }
        }
        LegoRun best = null;
        boolean identical = true;
        final List<LegoRun> runs = new ArrayList<>();
        try (EmbeddedCluster cluster = EmbeddedCluster.start(new EmbeddedCluster.Config(
            1, 1, excache.excacheBytes, excache.excacheWays, excache.excachePolicy, 4L << 30, dir, transport)
            .withModel(model.profile(), model.clock())))
        {
            final List<String> argv = new ArrayList<>();
            argv.add("./" + name);
            argv.addAll(args);
            for (int i = 1; i <= repeat; i++)
            {
                err.printf(Locale.ROOT, "lego bench cpu: LegoEmu run %d/%d...%n", i, repeat);
                err.flush();
                final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
                final ProcessResult result = cluster.run("/" + name, argv, List.of(), "/", new Console(
                    new ByteArrayInputStream(new byte[0]), stdout, java.io.OutputStream.nullOutputStream(), false));
                final LegoRun run = new LegoRun(
                    result.instructions(), result.wallNs(), result.hartCpuNs(), result.exitStatus());
                runs.add(run);
                identical &= Arrays.equals(stdout.toByteArray(), bestQemu.stdout()) &&
                    result.exitStatus() == bestQemu.status();
                out.printf(Locale.ROOT, "%-4d %-14s %10.3f %,16d %10.1f %14.1f%n", i, "LegoEmu", run.wallNs() / 1e9,
                    run.instructions(), run.mips(), run.cpuMips());
                out.flush();
                if (best == null || run.wallNs() < best.wallNs())
                {
                    best = run;
                }
            }
        }
        final double ratio = (double)best.wallNs() / bestQemu.wallNs();
        out.printf(Locale.ROOT, "best qemu-riscv64  %8.3f s%n", bestQemu.wallNs() / 1e9);
        out.printf(Locale.ROOT, "best LegoEmu       %8.3f s  %.1f guest MIPS (%.1f per hart CPU-second)%n",
            best.wallNs() / 1e9, best.mips(), best.cpuMips());
        out.printf(Locale.ROOT, "LegoEmu / qemu     %8.2fx wall time%n", ratio);
        out.printf("output             %s%n", identical ? "identical to qemu-riscv64" : "DIFFERENT from qemu-riscv64");
        if (json != null)
        {
            writeJson(name, args, bestQemu, runs, best, ratio, identical);
        }
        return identical ? 0 : 1;
    }

    private void writeJson(final String name, final List<String> args, final QemuReference.Run qemu,
        final List<LegoRun> runs, final LegoRun best, final double ratio, final boolean identical) throws IOException
    {
        final ObjectMapper mapper = new ObjectMapper();
        final ObjectNode root = mapper.createObjectNode();
        root.put("guest", name);
        root.putPOJO("args", args);
        root.put("excacheBytes", excache.excacheBytes);
        root.put("transport", transport);
        root.put("qemuBestWallSeconds", qemu.wallNs() / 1e9);
        final ArrayNode list = root.putArray("legoRuns");
        for (final LegoRun run : runs)
        {
            final ObjectNode node = list.addObject();
            node.put("instructions", run.instructions());
            node.put("wallSeconds", run.wallNs() / 1e9);
            node.put("hartCpuSeconds", run.hartCpuNs() / 1e9);
            node.put("mips", run.mips());
            node.put("mipsPerHartCpuSecond", run.cpuMips());
        }
        root.put("bestMips", best.mips());
        root.put("bestMipsPerHartCpuSecond", best.cpuMips());
        root.put("wallRatioToQemu", ratio);
        root.put("outputIdentical", identical);
        mapper.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), root);
    }

    private static void extractBundledGuest(final Path target) throws IOException
    {
        try (InputStream in = CpuBenchCommand.class.getResourceAsStream("/guests/" + BUNDLED_GUEST))
        {
            if (in == null)
            {
                throw new IOException("the bundled guest /guests/" + BUNDLED_GUEST + " is missing from lego.jar");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
