package org.legoemu.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.legoemu.pcomponent.linux.Console;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster as an operator runs it: every monitor (GMM, two mComponents, an sComponent, two pComponents) its own
 * JVM on loopback, guests copied in with {@code lego put}, two guests run at once with {@code lego exec} (each its own
 * JVM) on two pComponents, their output and status compared with qemu-riscv64 running the same binaries; then every
 * daemon is stopped with SIGTERM, exits 0, and no process is left.
 */
class MultiProcessClusterTest
{
    private static final Pattern LISTENING = Pattern.compile("listening on (\\S+)");
    private static final Pattern PLACED = Pattern.compile("lego: exit \\d+ \\| pid \\d+ on pComponent (\\d+) .*\\R");
    private static final long START_TIMEOUT_MS = 40_000;
    private static final int MCOMPONENTS = 2;
    /** The GMM's default detection time: 8 missed heartbeats of 100 ms, plus one interval for its check. */
    private static final long DETECTION_MS = 8 * 100 + 100;
    /** Slack for a loaded CI machine: JVM scheduling of the GMM's detector and the polls' connections. */
    private static final long DETECTION_MARGIN_MS = 5_000;

    @TempDir
    Path dir;

    private final List<Daemon> daemons = new ArrayList<>();

    /** A child JVM running {@code lego ARGS}, its stdout and stderr gathered. */
    private static final class Daemon
    {
        final String name;
        final Process process;
        final StringBuffer output = new StringBuffer();

        Daemon(final String name, final Process process)
        {
            this.name = name;
            this.process = process;
            final Thread drain = new Thread(() -> gather(process.getInputStream(), output), "drain-" + name);
            drain.setDaemon(true);
            drain.start();
        }

        String address() throws InterruptedException
        {
            final long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
            while (System.currentTimeMillis() < deadline)
            {
                final Matcher m = LISTENING.matcher(output);
                if (m.find())
                {
                    return m.group(1);
                }
                assertTrue(process.isAlive(), name + " ended early: " + output);
                Thread.sleep(50);
            }
            throw new AssertionError(name + " printed no address within " + START_TIMEOUT_MS + " ms: " + output);
        }
    }

    private static void gather(final InputStream in, final StringBuffer into)
    {
        final byte[] buffer = new byte[4096];
        try
        {
            int n;
            while ((n = in.read(buffer)) > 0)
            {
                into.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
        }
        catch (final IOException ignored)
        {
            // the process ended
        }
    }

    private static ProcessBuilder lego(final String... args)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx384m");
        command.add("-XX:+UseSerialGC");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Lego.class.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    private Daemon start(final String name, final String... args) throws IOException
    {
        final Daemon daemon = new Daemon(name, lego(args).redirectErrorStream(true).start());
        daemons.add(daemon);
        return daemon;
    }

    /** Runs a client command in this JVM, as the CLI would; returns its exit status, its stderr in {@code err}. */
    private static int client(final StringWriter err, final String... args)
    {
        final CommandLine cli = new CommandLine(new Lego(new Console(new ByteArrayInputStream(new byte[0]),
            new ByteArrayOutputStream(), new ByteArrayOutputStream(), false)));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @AfterEach
    void killLeftovers()
    {
        for (final Daemon daemon : daemons)
        {
            daemon.process.destroyForcibly();
        }
    }

    @Test
    void twoExecsAtOnceOnTwoPComponentsMatchQemuAndEverythingStops() throws Exception
    {
        Assumptions.assumeTrue(GuestBinaries.qemuAvailable(), "qemu-riscv64 is not installed");
        final Path key = dir.resolve("cluster.key");
        final Path root = Files.createDirectories(dir.resolve("root"));
        assertEquals(0, client(new StringWriter(), "keygen", "--out", key.toString()));
        final String secret = key.toString();

        final String gmm = start("gmm", "gmm", "--listen", "127.0.0.1:0", "--secret-file", secret).address();
        final List<Daemon> members = new ArrayList<>();
        for (int i = 1; i <= MCOMPONENTS; i++)
        {
            members.add(start("mcomponent-" + i, "mcomponent", "--gmm", gmm, "--memory", "1GiB",
                "--secret-file", secret));
        }
        members.add(start("scomponent", "scomponent", "--gmm", gmm, "--root", root.toString(),
            "--secret-file", secret));
        for (int i = 1; i <= 2; i++)
        {
            members.add(start("pcomponent-" + i, "pcomponent", "--gmm", gmm, "--excache", "1MiB",
                "--secret-file", secret));
        }
        for (final Daemon member : members)
        {
            member.address();
        }

        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < 300; i++)
        {
            text.append("line ").append(i).append(": the quick brown fox ").append(i % 5 == 0 ? "jumps\n" : "naps\n");
        }
        final Path input = Files.writeString(dir.resolve("input.txt"), text.toString());
        final StringWriter putErr = new StringWriter();
        for (final Path file : List.of(GuestBinaries.BIN.resolve("sort"), GuestBinaries.BIN.resolve("wordcount"),
            input))
        {
            assertEquals(0, client(putErr, "put", "--gmm", gmm, "--secret-file", secret, file.toString(), "/"),
                putErr.toString());
        }
        assertTrue(Files.isExecutable(root.resolve("sort")), "put keeps the permission bits");

        final List<List<String>> runs = List.of(List.of("sort", "30000", "5"), List.of("wordcount", "input.txt"));
        final List<Process> execs = new ArrayList<>();
        for (final List<String> run : runs)
        {
            final List<String> args = new ArrayList<>(List.of("exec", "-v", "--gmm", gmm, "--secret-file", secret,
                "--cwd", "/", "--stats-json", dir.resolve("stats-" + run.get(0) + ".json").toString(), "--",
                run.get(0)));
            args.addAll(run.subList(1, run.size()));
            final Process exec = lego(args.toArray(String[]::new)).start();
            exec.getOutputStream().close();
            execs.add(exec);
        }
        final Set<String> pcomponents = new HashSet<>();
        for (int i = 0; i < runs.size(); i++)
        {
            final Process exec = execs.get(i);
            final StringBuffer stderr = new StringBuffer();
            final Thread drain = new Thread(() -> gather(exec.getErrorStream(), stderr));
            drain.start();
            final byte[] stdout = exec.getInputStream().readAllBytes();
            assertTrue(exec.waitFor(60, TimeUnit.SECONDS), "exec ended");
            drain.join();
            final Matcher placed = PLACED.matcher(stderr);
            assertTrue(placed.find(), "the -v summary names the pComponent: " + stderr);
            pcomponents.add(placed.group(1));

            Files.copy(GuestBinaries.BIN.resolve(runs.get(i).get(0)), dir.resolve(runs.get(i).get(0)));
            final GuestBinaries.Outcome expected = GuestBinaries.qemu(
                dir, runs.get(i).get(0), runs.get(i).subList(1, runs.get(i).size()), new byte[0]);
            assertEquals(new String(expected.stdout(), StandardCharsets.UTF_8),
                new String(stdout, StandardCharsets.UTF_8), runs.get(i) + " stdout");
            assertEquals(new String(expected.stderr(), StandardCharsets.UTF_8),
                placed.replaceFirst(""), runs.get(i) + " stderr");
            assertEquals(expected.status(), exec.exitValue(), runs.get(i) + " status");
            assertTrue(placed.group().contains(" on legoos-ib40, "), "the -v summary gives the modeled time on the "
                + "GMM's default profile: " + placed.group());
            modeledFiguresOfExec(dir.resolve("stats-" + runs.get(i).get(0) + ".json"));
        }
        assertEquals(2, pcomponents.size(), "the two execs ran on two pComponents: " + pcomponents);

        missingGuestStdinAndCtrlC(gmm, secret);

        final StringWriter getErr = new StringWriter();
        final Path back = dir.resolve("back.txt");
        assertEquals(0, client(getErr, "get", "--gmm", gmm, "--secret-file", secret, "/input.txt", back.toString()),
            getErr.toString());
        assertEquals(text.toString(), Files.readString(back));

        for (int i = daemons.size() - 1; i >= 0; i--)
        {
            final Daemon daemon = daemons.get(i);
            daemon.process.destroy();
            assertTrue(daemon.process.waitFor(20, TimeUnit.SECONDS), daemon.name + " stopped on SIGTERM");
            assertEquals(0, daemon.process.exitValue(), daemon.name + " exits 0 on SIGTERM: " + daemon.output);
        }
        for (final Process exec : execs)
        {
            assertFalse(exec.isAlive());
        }
        assertEquals(0, ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count(),
            "no process left");
    }

    /**
     * {@code lego exec --stats-json} carries the daemon pComponent's modeled figures (P2C_OUTPUT): a run of real
     * misses is slower on the fabric than all-local, and its misses were fetched from an mComponent.
     */
    private static void modeledFiguresOfExec(final Path statsJson) throws IOException
    {
        final JsonNode stats = new ObjectMapper().readTree(statsJson.toFile());
        assertEquals(0, stats.get("exitStatus").asInt(), stats.toString());
        assertTrue(stats.get("instructions").asLong() > 0, stats.toString());
        final JsonNode model = stats.get("model");
        assertEquals("legoos-ib40", model.get("profile").asText(), stats.toString());
        assertTrue(model.get("nanoseconds").asLong() > model.get("localNanoseconds").asLong(), stats.toString());
        assertTrue(model.get("localNanoseconds").asLong() > 0, stats.toString());
        assertTrue(model.get("fetches").asLong() > 0, stats.toString());
        assertTrue(model.get("missLatencyNs").get("p50").asLong() > 0, stats.toString());
        assertEquals(model.get("nanoseconds").asLong() / 1e9, model.get("seconds").asDouble(), 1e-9);
    }

    /** Exit 127 for a missing guest, stdin forwarded, Ctrl-C forwarded as SIGINT (exit 130). */
    private void missingGuestStdinAndCtrlC(final String gmm, final String secret) throws Exception
    {
        final StringWriter missingErr = new StringWriter();
        assertEquals(ExitCodes.NOT_FOUND, client(missingErr, "exec", "--gmm", gmm, "--secret-file", secret, "--",
            "/no-such-guest"));
        assertTrue(missingErr.toString().startsWith("lego: /no-such-guest: no such file in the sComponent's namespace"),
            missingErr.toString());

        final byte[] input = "to be or not to be\nthat is the question\n".getBytes(StandardCharsets.UTF_8);
        final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        final CommandLine cli = new CommandLine(new Lego(new Console(new ByteArrayInputStream(input), stdout,
            new ByteArrayOutputStream(), false)));
        assertEquals(0, cli.execute("exec", "--gmm", gmm, "--secret-file", secret, "--", "wordcount"));
        final GuestBinaries.Outcome expected = GuestBinaries.qemu(dir, "wordcount", List.of(), input);
        assertEquals(new String(expected.stdout(), StandardCharsets.UTF_8), stdout.toString(StandardCharsets.UTF_8));

        // the GMM learns of the previous guest's exit a little after its client has finished: wait until it has, so
        // that the placement counted below is the new guest's (a SIGINT before `exec` has installed its signal
        // handlers would end the JVM the default way, without the message this test checks)
        final long quiet = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (placedProcesses(gmm, secret) != 0)
        {
            assertTrue(System.currentTimeMillis() < quiet, "the GMM forgot the finished guests");
            Thread.sleep(50);
        }
        final Process waiting = lego("exec", "--gmm", gmm, "--secret-file", secret, "--", "wordcount").start();
        final StringBuffer stderr = new StringBuffer();
        final Thread drain = new Thread(() -> gather(waiting.getErrorStream(), stderr));
        drain.start();
        final long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (placedProcesses(gmm, secret) == 0)
        {
            assertTrue(System.currentTimeMillis() < deadline && waiting.isAlive(), "exec placed its guest: " + stderr);
            Thread.sleep(50);
        }
        assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(waiting.pid())).start().waitFor());
        assertTrue(waiting.waitFor(60, TimeUnit.SECONDS), "exec ended after Ctrl-C");
        drain.join();
        assertEquals(130, waiting.exitValue(), stderr.toString());
        assertEquals("lego: guest killed by SIGINT: sent by the exec client", stderr.toString().trim());
        waiting.getOutputStream().close();
    }

    /**
     * An mComponent JVM killed with SIGKILL cannot say goodbye; {@code lego status --json} must show it {@code dead}
     * within the detection time: 8 missed 100 ms heartbeats (0.8 s, {@code lego gmm --missed-heartbeats}) plus one
     * interval for the detector's check and the beat in flight, plus {@link #DETECTION_MARGIN_MS} for the load of a
     * shared CI machine (JVM scheduling, each poll's connection and handshake). The other mComponent and the GMM
     * are not declared dead, and the GMM logs the death once.
     */
    @Test
    void sigkilledMComponentShowsDeadInStatusWithinTheDetectionTime() throws Exception
    {
        final Path key = dir.resolve("cluster.key");
        assertEquals(0, client(new StringWriter(), "keygen", "--out", key.toString()));
        final String secret = key.toString();
        // -v: the test class path carries fabric's logback-test.xml (root level ERROR); the death is logged at WARN
        final Daemon gmmDaemon = start("gmm", "gmm", "-v", "--listen", "127.0.0.1:0", "--secret-file", secret);
        final String gmm = gmmDaemon.address();
        final Daemon victim = start("mcomponent-1", "mcomponent", "--gmm", gmm, "--memory", "64MiB",
            "--secret-file", secret);
        final Daemon survivor = start("mcomponent-2", "mcomponent", "--gmm", gmm, "--memory", "64MiB",
            "--secret-file", secret);
        final String victimAddress = victim.address();
        final String survivorAddress = survivor.address();
        final long joinDeadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (!"alive".equals(state(gmm, secret, victimAddress)) ||
            !"alive".equals(state(gmm, secret, survivorAddress)))
        {
            assertTrue(System.currentTimeMillis() < joinDeadline,
                "both mComponents joined: " + statusJson(gmm, secret));
            Thread.sleep(50);
        }

        final long killedNs = System.nanoTime();
        victim.process.destroyForcibly();
        assertTrue(victim.process.waitFor(10, TimeUnit.SECONDS), "SIGKILL ends the mComponent");
        final long boundMs = DETECTION_MS + DETECTION_MARGIN_MS;
        while (!"dead".equals(state(gmm, secret, victimAddress)))
        {
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNs) < boundMs,
                "status shows the killed mComponent dead within " + boundMs + " ms: " + statusJson(gmm, secret));
            Thread.sleep(20);
        }
        final long detectedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedNs);
        assertTrue(detectedMs < boundMs, "dead after " + detectedMs + " ms, bound " + boundMs + " ms");

        final String survivorState = state(gmm, secret, survivorAddress);
        assertTrue(survivorState.equals("alive") || survivorState.equals("suspect"),
            "the other mComponent is not declared dead: " + statusJson(gmm, secret));
        assertTrue(survivor.process.isAlive() && gmmDaemon.process.isAlive(), "the others keep running");
        final String logged = "declared DEAD: no heartbeat for";
        final long logDeadline = System.currentTimeMillis() + 5_000;
        while (gmmDaemon.output.indexOf(logged) < 0 && System.currentTimeMillis() < logDeadline)
        {
            Thread.sleep(20);
        }
        final int first = gmmDaemon.output.indexOf(logged);
        assertTrue(first >= 0 && gmmDaemon.output.indexOf(logged, first + 1) < 0,
            "the GMM logs the death once: " + gmmDaemon.output);
        assertTrue(gmmDaemon.output.substring(Math.max(0, first - 200), first).contains(victimAddress),
            "the logged death names the killed mComponent: " + gmmDaemon.output);
    }

    /** The {@code state} of the component registered at {@code address}, or null if the GMM lists none there. */
    private static String state(final String gmm, final String secret, final String address) throws IOException
    {
        for (final JsonNode c : new ObjectMapper().readTree(statusJson(gmm, secret)).get("components"))
        {
            if (c.get("address").asText().equals(address))
            {
                return c.get("state").asText();
            }
        }
        return null;
    }

    /** {@code lego status --json}, run in this JVM as the CLI would. */
    private static String statusJson(final String gmm, final String secret)
    {
        final StringWriter out = new StringWriter();
        final CommandLine cli = new CommandLine(new Lego());
        cli.setOut(new PrintWriter(out, true));
        assertEquals(0, cli.execute("status", "--json", "--gmm", gmm, "--secret-file", secret));
        return out.toString();
    }

    /** Processes the GMM has placed and not yet seen exit, over all pComponents. */
    private static long placedProcesses(final String gmm, final String secret) throws IOException
    {
        long processes = 0;
        for (final JsonNode c : new ObjectMapper().readTree(statusJson(gmm, secret)).get("components"))
        {
            if (c.get("kind").asText().equals("pComponent"))
            {
                processes += c.get("load").asLong();
            }
        }
        return processes;
    }
}
