package org.legoemu.emulator.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.legoemu.emulator.EmbeddedCluster;
import org.legoemu.emulator.ExCacheOptions;
import org.legoemu.emulator.Sizes;
import org.legoemu.pcomponent.ProcessResult;
import org.legoemu.pcomponent.linux.Console;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code lego bench cpu --suite}: the CPU-bound guests written for this benchmark (none tuned for the block
 * compiler), each run in two lengths next to {@code qemu-riscv64} on the same binary in the same run:
 * <ul>
 *     <li><b>steady</b>: about 5 G instructions in this JVM, so the figure is the compiled code's, warm-up being a
 *     few percent of it;</li>
 *     <li><b>short</b>: about 0.3 G instructions as a whole {@code lego run} process (a fresh JVM with this JVM's
 *     options, start-up, embedded cluster and exit included) against the whole qemu process.</li>
 * </ul>
 * The two engines' runs alternate, so load from other processes on the machine hits both alike; the best of each is
 * kept, the ratio is LegoEmu's wall time over qemu's, and the geometric mean over the guests is the suite's figure.
 * A run whose output or exit status differs from qemu's voids the suite (exit status 1).
 */
final class CpuSuite
{
    /**
     * One guest of the suite (emulator/guests/src/NAME.c) and its one argument, a repetition count, for each
     * length. Counts come from {@code lego run --stats-json}: instructions per repetition are in each source's
     * header.
     */
    record Guest(String name, long steadyCount, long shortCount)
    {
        long count(final boolean steady, final double scale)
        {
            return Math.max(1, Math.round((steady ? steadyCount : shortCount) * scale));
        }
    }

    /** The suite: about 5 G (steady) and 0.3 G (short) guest instructions each. */
    static final List<Guest> GUESTS = List.of(
        new Guest("coremix", 11_250, 675),    // 444 k instructions per iteration
        new Guest("interp", 43, 3),           // 117 M per round
        new Guest("hashtab", 234, 14),        // 21.4 M per round
        new Guest("fpkernel", 35_000, 2_100)); // 141 k per step

    /** Which lengths to run. */
    enum Length
    {
        STEADY, SHORT, BOTH;

        /** The length named {@code text} (steady, short or both), or null. */
        static Length parse(final String text)
        {
            return switch (text)
            {
                case "steady" -> STEADY;
                case "short" -> SHORT;
                case "both" -> BOTH;
                default -> null;
            };
        }
    }

    /** One guest at one length: the best run of each engine. */
    private record Result(String guest, String length, long count, long instructions, long legoNs, long qemuNs,
        boolean identical)
    {
        double ratio()
        {
            return (double)legoNs / qemuNs;
        }

        double mips()
        {
            return instructions * 1e3 / legoNs;
        }
    }

    private final Path dir;
    private final ExCacheOptions excache;
    private final String transport;
    private final int repeat;
    private final double scale;
    private final PrintWriter out;
    private final PrintWriter err;

    CpuSuite(final Path dir, final ExCacheOptions excache, final String transport, final int repeat,
        final double scale, final PrintWriter out, final PrintWriter err)
    {
        this.dir = dir;
        this.excache = excache;
        this.transport = transport;
        this.repeat = repeat;
        this.scale = scale;
        this.out = out;
        this.err = err;
    }

    /**
     * Runs the suite at {@code length}, prints a table and the geometric means, and writes them to {@code json}
     * when not null.
     *
     * @return true if every run printed what qemu-riscv64 printed and ended with its status.
     * @throws IOException if a guest cannot be extracted or a process cannot be started.
     */
    boolean run(final Length length, final Path json) throws IOException
    {
        for (final Guest guest : GUESTS)
        {
            extract(guest.name());
        }
        out.printf(Locale.ROOT, "lego bench cpu --suite | ExCache %s %d-way %s | %s fabric | best of %d, engines " +
                "alternating | scale %s%n", Sizes.format(excache.excacheBytes), excache.excacheWays,
            excache.excachePolicy, transport, repeat, scale);
        out.printf(Locale.ROOT, "%-9s %-6s %7s %16s %10s %9s %10s %7s  %s%n", "guest", "length", "arg",
            "instructions", "LegoEmu s", "MIPS", "qemu s", "ratio", "output");
        out.flush();
        final List<Result> results = new ArrayList<>();
        if (length != Length.SHORT)
        {
            try (EmbeddedCluster cluster = EmbeddedCluster.start(new EmbeddedCluster.Config(
                1, 1, excache.excacheBytes, excache.excacheWays, excache.excachePolicy, 4L << 30, dir, transport)))
            {
                for (final Guest guest : GUESTS)
                {
                    results.add(print(steady(cluster, guest)));
                }
            }
        }
        if (length != Length.STEADY)
        {
            for (final Guest guest : GUESTS)
            {
                results.add(print(shortRun(guest)));
            }
        }
        boolean identical = true;
        for (final Result result : results)
        {
            identical &= result.identical();
        }
        final double steadyMean = geometricMean(results, "steady");
        final double shortMean = geometricMean(results, "short");
        if (steadyMean > 0)
        {
            out.printf(Locale.ROOT, "geometric mean, steady  LegoEmu / qemu %6.2fx wall time%n", steadyMean);
        }
        if (shortMean > 0)
        {
            out.printf(Locale.ROOT, "geometric mean, short   LegoEmu / qemu %6.2fx wall time (whole processes)%n",
                shortMean);
        }
        out.printf("output                  %s%n",
            identical ? "identical to qemu-riscv64" : "DIFFERENT from qemu-riscv64");
        if (json != null)
        {
            writeJson(json, results, steadyMean, shortMean, identical);
        }
        return identical;
    }

    private Result print(final Result r)
    {
        out.printf(Locale.ROOT, "%-9s %-6s %7d %,16d %10.3f %9.1f %10.3f %6.2fx  %s%n", r.guest(), r.length(),
            r.count(), r.instructions(), r.legoNs() / 1e9, r.mips(), r.qemuNs() / 1e9, r.ratio(),
            r.identical() ? "identical" : "DIFFERENT");
        out.flush();
        return r;
    }

    private Result steady(final EmbeddedCluster cluster, final Guest guest) throws IOException
    {
        final long count = guest.count(true, scale);
        final List<String> args = List.of(Long.toString(count));
        final List<String> argv = List.of("./" + guest.name(), Long.toString(count));
        long bestLego = Long.MAX_VALUE;
        long bestQemu = Long.MAX_VALUE;
        long instructions = 0;
        boolean identical = true;
        for (int i = 1; i <= repeat; i++)
        {
            progress(guest, "steady", i);
            final QemuReference.Run qemu = QemuReference.run(dir, dir.resolve(guest.name()), args);
            bestQemu = Math.min(bestQemu, qemu.wallNs());
            final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
            final ProcessResult result = cluster.run("/" + guest.name(), argv, List.of(), "/", new Console(
                new ByteArrayInputStream(new byte[0]), stdout, OutputStream.nullOutputStream(), false));
            identical &= Arrays.equals(stdout.toByteArray(), qemu.stdout()) && result.exitStatus() == qemu.status();
            bestLego = Math.min(bestLego, result.wallNs());
            instructions = result.instructions();
        }
        return new Result(guest.name(), "steady", count, instructions, bestLego, bestQemu, identical);
    }

    private Result shortRun(final Guest guest) throws IOException
    {
        final long count = guest.count(false, scale);
        final List<String> args = List.of(Long.toString(count));
        final Path stats = dir.resolve(guest.name() + ".stats.json");
        final List<String> command = legoCommand(stats);
        command.add("./" + guest.name());
        command.add(Long.toString(count));
        long bestLego = Long.MAX_VALUE;
        long bestQemu = Long.MAX_VALUE;
        long instructions = 0;
        boolean identical = true;
        for (int i = 1; i <= repeat; i++)
        {
            progress(guest, "short", i);
            final QemuReference.Run qemu = QemuReference.run(dir, dir.resolve(guest.name()), args);
            bestQemu = Math.min(bestQemu, qemu.wallNs());
            final QemuReference.Run lego = QemuReference.runProcess(dir, command);
            identical &= Arrays.equals(lego.stdout(), qemu.stdout()) && lego.status() == qemu.status();
            bestLego = Math.min(bestLego, lego.wallNs());
            instructions = Files.isRegularFile(stats) ? readInstructions(stats) : 0;
        }
        return new Result(guest.name(), "short", count, instructions, bestLego, bestQemu, identical);
    }

    /** {@code java ... org.legoemu.emulator.Lego run ... --} ({@link LegoProcess#command}). */
    private List<String> legoCommand(final Path stats)
    {
        final List<String> command = LegoProcess.command();
        command.addAll(List.of("run", "--excache", Long.toString(excache.excacheBytes), "--excache-ways",
            Integer.toString(excache.excacheWays), "--excache-policy", excache.excachePolicy, "--mcomponents", "1",
            "--transport", transport, "--stats-json", stats.toString(), "--"));
        return command;
    }

    private static long readInstructions(final Path stats) throws IOException
    {
        return new ObjectMapper().readTree(stats.toFile()).path("instructions").asLong();
    }

    private void progress(final Guest guest, final String length, final int i)
    {
        err.printf(Locale.ROOT, "lego bench cpu: %s %s run %d/%d...%n", guest.name(), length, i, repeat);
        err.flush();
    }

    private static double geometricMean(final List<Result> results, final String length)
    {
        double logSum = 0;
        int n = 0;
        for (final Result r : results)
        {
            if (r.length().equals(length))
            {
                logSum += Math.log(r.ratio());
                n++;
            }
        }
        return n == 0 ? 0 : Math.exp(logSum / n);
    }

    private void extract(final String name) throws IOException
    {
        LegoProcess.extractGuest(dir, name);
    }

    private void writeJson(final Path json, final List<Result> results, final double steadyMean,
        final double shortMean, final boolean identical) throws IOException
    {
        final ObjectMapper mapper = new ObjectMapper();
        final ObjectNode root = mapper.createObjectNode();
        root.put("excacheBytes", excache.excacheBytes);
        root.put("transport", transport);
        root.put("repeat", repeat);
        root.put("scale", scale);
        final ArrayNode list = root.putArray("results");
        for (final Result r : results)
        {
            final ObjectNode node = list.addObject();
            node.put("guest", r.guest());
            node.put("length", r.length());
            node.put("arg", r.count());
            node.put("instructions", r.instructions());
            node.put("legoBestWallSeconds", r.legoNs() / 1e9);
            node.put("qemuBestWallSeconds", r.qemuNs() / 1e9);
            node.put("mips", r.mips());
            node.put("wallRatioToQemu", r.ratio());
            node.put("outputIdentical", r.identical());
        }
        if (steadyMean > 0)
        {
            root.put("steadyGeometricMeanRatio", steadyMean);
        }
        if (shortMean > 0)
        {
            root.put("shortGeometricMeanRatio", shortMean);
        }
        root.put("outputIdentical", identical);
        mapper.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), root);
    }
}
