package org.legoemu.emulator.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.legoemu.emulator.ExitCodes;
import org.legoemu.emulator.Lego;
import org.legoemu.emulator.SizeConverter;
import org.legoemu.emulator.Sizes;
import picocli.CommandLine;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * {@code lego bench files}: the file data path. Each bundled file guest runs as a whole {@code lego run} process
 * (default transport) and under {@code qemu-riscv64} on the same binary and input, the two alternating in one run;
 * the best wall time of each is kept. Guests: {@code fileread} (sequential 4 KiB read(2) over the input),
 * {@code mmapscan} (mmap and checksum it), {@code histogram} (threads histogramming the mmap'd input, the ExCache
 * holding it) and {@code preadrand} (random 4 KiB pread(2)s over a second file), whose throughput is printed beside
 * the host's own (FileChannel positional reads of the same offsets in this JVM). The inputs are generated
 * deterministically into a temporary directory, which is removed at the end. Besides the whole process's time,
 * the guest's own run time inside {@code lego run} ({@code wallSeconds} of --stats-json: JVM start-up and cluster
 * start excluded) is printed with its ratio.
 */
@CommandLine.Command(
    name = "files",
    description = {
        "Measure the file data path: sequential 4 KiB reads, an mmap scan, a threaded MapReduce histogram over an "
            + "mmap'd input and random 4 KiB preads, each as a whole lego run process next to qemu-riscv64 on the "
            + "same binary, alternating, in the same run (inputs generated into a temporary directory).",
        "Progress goes to stderr, figures to stdout. Exit status 0, or 1 if an output differs from qemu's."},
    mixinStandardHelpOptions = true)
public final class FilesBenchCommand implements Callable<Integer>
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    Lego.Verbosity verbosity;

    @CommandLine.Option(names = "--size", paramLabel = "SIZE", defaultValue = "50MiB", converter = SizeConverter.class,
        description = "Size of the text input of fileread, mmapscan and histogram (default ${DEFAULT-VALUE}).")
    long inputBytes;

    @CommandLine.Option(names = "--preads", paramLabel = "N", defaultValue = "1000000",
        description = "Random 4 KiB preads of preadrand; 0 skips it (default ${DEFAULT-VALUE}).")
    long preads;

    @CommandLine.Option(names = "--pread-file", paramLabel = "SIZE", defaultValue = "64MiB",
        converter = SizeConverter.class, description = "Size of preadrand's file (default ${DEFAULT-VALUE}).")
    long preadFileBytes;

    @CommandLine.Option(names = "--threads", paramLabel = "N", defaultValue = "4",
        description = "Map threads of the histogram guest (default ${DEFAULT-VALUE}).")
    int threads;

    @CommandLine.Option(names = "--repeat", paramLabel = "K", defaultValue = "3",
        description = "Runs of each engine per guest; the best is kept (default ${DEFAULT-VALUE}).")
    int repeat;

    @CommandLine.Option(names = "--file-cache", paramLabel = "SIZE", converter = SizeConverter.class,
        description = "--file-cache of the lego runs (default: lego run's).")
    Long fileCacheBytes;

    @CommandLine.Option(names = "--excache", paramLabel = "SIZE", converter = SizeConverter.class,
        description = "--excache of the lego runs (default: lego run's, which holds the inputs).")
    Long excacheBytes;

    @CommandLine.Option(names = "--transport", paramLabel = "T",
        description = "--transport of the lego runs (default: lego run's).")
    String transport;

    @CommandLine.Option(names = "--json", paramLabel = "FILE", description = "Also write the figures as JSON.")
    Path json;

    /** One guest to compare: its name, arguments, and the reads it makes (for throughput), 0 when not counted. */
    private record Case(String label, String guest, List<String> args, long operations)
    {
    }

    /** Best figures of one case. */
    private record Result(Case c, long qemuNs, long legoNs, long legoInRunNs, boolean identical)
    {
        double ratio()
        {
            return (double)legoNs / qemuNs;
        }

        double inRunRatio()
        {
            return (double)legoInRunNs / qemuNs;
        }
    }

    @Override
    public Integer call() throws Exception
    {
        verbosity.apply();
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        if (repeat < 1 || threads < 1 || preads < 0 || inputBytes < 4096 || preadFileBytes < 4096)
        {
            err.println("lego bench files: --repeat and --threads must be at least 1, --preads at least 0, sizes at "
                + "least 4KiB");
            return ExitCodes.USAGE;
        }
        if (!QemuReference.available())
        {
            err.println("lego bench files: " + QemuReference.QEMU + " not found; install it (Debian: apt-get install "
                + "qemu-user) to have a baseline");
            return ExitCodes.NOT_FOUND;
        }
        final Path dir = Files.createTempDirectory("lego-bench-files");
        try
        {
            err.println("lego bench files: generating inputs in " + dir + "...");
            err.flush();
            writeText(dir.resolve("input.txt"), inputBytes);
            final List<Case> cases = new ArrayList<>(List.of(
                new Case("fileread 4KiB", "fileread", List.of("input.txt", "4096"), (inputBytes + 4095) / 4096),
                new Case("mmapscan", "mmapscan", List.of("input.txt"), 0),
                new Case("histogram x" + threads, "histogram", List.of("input.txt", Integer.toString(threads)), 0)));
            if (preads > 0)
            {
                writeRandom(dir.resolve("pread.bin"), preadFileBytes);
                cases.add(new Case("preadrand", "preadrand", List.of("pread.bin", Long.toString(preads), "1"),
                    preads));
            }
            for (final Case c : cases)
            {
                LegoProcess.extractGuest(dir, c.guest());
            }
            final String load = loadAverage();
            out.printf(Locale.ROOT, "lego bench files | input %s | preadrand %,d x 4 KiB over %s | file cache %s | "
                    + "ExCache %s | %s fabric | best of %d | load %s%n",
                Sizes.format(inputBytes), preads, Sizes.format(preadFileBytes),
                fileCacheBytes == null ? "default" : Sizes.format(fileCacheBytes),
                excacheBytes == null ? "default" : Sizes.format(excacheBytes),
                transport == null ? "default" : transport, repeat, load);
            out.printf(Locale.ROOT, "%-16s %10s %12s %8s %12s %8s  %s%n", "guest", "qemu s", "lego run s", "ratio",
                "in-run s", "ratio", "output");
            out.flush();
            final List<Result> results = new ArrayList<>();
            boolean identical = true;
            for (final Case c : cases)
            {
                final Result r = measure(dir, c, err);
                results.add(r);
                identical &= r.identical();
                out.printf(Locale.ROOT, "%-16s %10.3f %12.3f %7.2fx %12.3f %7.2fx  %s%n", c.label(), r.qemuNs() / 1e9,
                    r.legoNs() / 1e9, r.ratio(), r.legoInRunNs() / 1e9, r.inRunRatio(),
                    r.identical() ? "identical" : "DIFFERENT");
                out.flush();
            }
            double hostPerSecond = 0;
            for (final Result r : results)
            {
                if (r.c().guest().equals("preadrand"))
                {
                    hostPerSecond = hostPreads(dir.resolve("pread.bin"), preads);
                    out.printf(Locale.ROOT, "preadrand throughput (4 KiB preads/s): host %,.0f | qemu %,.0f | "
                            + "lego run %,.0f (in run %,.0f)%n", hostPerSecond, perSecond(preads, r.qemuNs()),
                        perSecond(preads, r.legoNs()), perSecond(preads, r.legoInRunNs()));
                }
            }
            out.printf("load average after: %s%n", loadAverage());
            out.printf("output             %s%n", identical ? "identical to qemu-riscv64" : "DIFFERENT from qemu-riscv64");
            if (json != null)
            {
                writeJson(results, hostPerSecond, load, identical);
            }
            return identical ? 0 : 1;
        }
        finally
        {
            try (var files = Files.walk(dir))
            {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private Result measure(final Path dir, final Case c, final PrintWriter err) throws IOException
    {
        final Path stats = dir.resolve(c.guest() + ".stats.json");
        final List<String> command = LegoProcess.command();
        command.add("run");
        command.add("-q");
        command.addAll(List.of("--stats-json", stats.toString()));
        if (fileCacheBytes != null)
        {
            command.addAll(List.of("--file-cache", Long.toString(fileCacheBytes)));
        }
        if (excacheBytes != null)
        {
            command.addAll(List.of("--excache", Long.toString(excacheBytes)));
        }
        if (transport != null)
        {
            command.addAll(List.of("--transport", transport));
        }
        command.add("--");
        command.add("./" + c.guest());
        command.addAll(c.args());
        long qemuNs = Long.MAX_VALUE;
        long legoNs = Long.MAX_VALUE;
        long inRunNs = Long.MAX_VALUE;
        boolean identical = true;
        for (int i = 1; i <= repeat; i++)
        {
            err.printf(Locale.ROOT, "lego bench files: %s run %d/%d...%n", c.label(), i, repeat);
            err.flush();
            final QemuReference.Run qemu = QemuReference.run(dir, dir.resolve(c.guest()), c.args());
            final QemuReference.Run lego = QemuReference.runProcess(dir, command);
            identical &= qemu.status() == 0 && Arrays.equals(lego.stdout(), qemu.stdout()) &&
                lego.status() == qemu.status();
            qemuNs = Math.min(qemuNs, qemu.wallNs());
            legoNs = Math.min(legoNs, lego.wallNs());
            if (Files.isRegularFile(stats))
            {
                inRunNs = Math.min(inRunNs,
                    (long)(new ObjectMapper().readTree(stats.toFile()).path("wallSeconds").asDouble() * 1e9));
            }
        }
        return new Result(c, qemuNs, legoNs, inRunNs == Long.MAX_VALUE ? legoNs : inRunNs, identical);
    }

    private static double perSecond(final long operations, final long ns)
    {
        return ns <= 0 ? 0 : operations * 1e9 / ns;
    }

    /**
     * The host's own random 4 KiB positional reads of the offsets preadrand reads (xorshift64 from seed 1, as in
     * emulator/guests/src/preadrand.c), through a FileChannel into a direct buffer; reads per second.
     */
    static double hostPreads(final Path file, final long count) throws IOException
    {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ))
        {
            final long blocks = ch.size() / 4096;
            final ByteBuffer buffer = ByteBuffer.allocateDirect(4096);
            long x = 1;
            long sum = 0;
            final long startNs = System.nanoTime();
            for (long i = 0; i < count; i++)
            {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                buffer.clear();
                ch.read(buffer, Long.remainderUnsigned(x, blocks) * 4096);
                sum += buffer.get(0);
            }
            final long ns = System.nanoTime() - startNs;
            return sum == Long.MIN_VALUE ? 0 : perSecond(count, ns);
        }
    }

    /** A deterministic text of about {@code bytes} bytes: lines of twelve words drawn from 5,000 made-up words. */
    static void writeText(final Path file, final long bytes) throws IOException
    {
        final Random random = new Random(7);
        final String[] words = new String[5000];
        for (int i = 0; i < words.length; i++)
        {
            final char[] w = new char[2 + random.nextInt(8)];
            for (int j = 0; j < w.length; j++)
            {
                w[j] = (char)('a' + random.nextInt(26));
            }
            words[i] = new String(w);
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20))
        {
            long written = 0;
            final StringBuilder line = new StringBuilder(128);
            while (written < bytes)
            {
                line.setLength(0);
                for (int k = 0; k < 12; k++)
                {
                    line.append(words[random.nextInt(words.length)]).append(k == 11 ? '\n' : ' ');
                }
                final byte[] b = line.toString().getBytes(StandardCharsets.US_ASCII);
                final int n = (int)Math.min(b.length, bytes - written);
                out.write(b, 0, n);
                written += n;
            }
        }
    }

    /** {@code bytes} deterministic pseudo-random bytes. */
    static void writeRandom(final Path file, final long bytes) throws IOException
    {
        final Random random = new Random(11);
        final byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file))
        {
            for (long written = 0; written < bytes; written += block.length)
            {
                random.nextBytes(block);
                out.write(block, 0, (int)Math.min(block.length, bytes - written));
            }
        }
    }

    /** The 1, 5 and 15 minute load averages of /proc/loadavg, or "unknown". */
    static String loadAverage()
    {
        try
        {
            final String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        }
        catch (final IOException | RuntimeException ex)
        {
            return "unknown";
        }
    }

    private void writeJson(final List<Result> results, final double hostPerSecond, final String load,
        final boolean identical) throws IOException
    {
        final ObjectMapper mapper = new ObjectMapper();
        final ObjectNode root = mapper.createObjectNode();
        root.put("inputBytes", inputBytes);
        root.put("preads", preads);
        root.put("preadFileBytes", preadFileBytes);
        root.put("repeat", repeat);
        root.put("loadAverage", load);
        final ArrayNode list = root.putArray("results");
        for (final Result r : results)
        {
            final ObjectNode node = list.addObject();
            node.put("guest", r.c().guest());
            node.putPOJO("args", r.c().args());
            node.put("qemuBestWallSeconds", r.qemuNs() / 1e9);
            node.put("legoBestWallSeconds", r.legoNs() / 1e9);
            node.put("legoBestInRunSeconds", r.legoInRunNs() / 1e9);
            node.put("wallRatioToQemu", r.ratio());
            node.put("inRunRatioToQemu", r.inRunRatio());
            node.put("outputIdentical", r.identical());
        }
        if (hostPerSecond > 0)
        {
            root.put("hostPreadsPerSecond", hostPerSecond);
        }
        root.put("outputIdentical", identical);
        mapper.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), root);
    }
}
