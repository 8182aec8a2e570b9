package org.legoemu.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster on several hosts: the GMM, an mComponent, an sComponent, a pComponent and the client each run in
 * their own Linux network namespace ({@code ip netns}, iproute2), every namespace joined to a bridge in a "switch"
 * namespace by a veth pair, so every message between monitors crosses a network interface between hosts (no
 * daemon listens on loopback). The client copies a guest in with {@code lego put} and runs it with {@code lego exec};
 * output and status are compared with qemu-riscv64. Skipped with the reason where the machine forbids namespaces
 * (not Linux, no {@code ip} command, not root: EPERM).
 */
@Timeout(240)
class NetnsClusterTest
{
    private static final Pattern LISTENING = Pattern.compile("listening on (\\S+)");
    private static final long START_TIMEOUT_MS = 60_000;
    private static final String SUBNET = "10.231.17.";
    private static final List<String> HOSTS = List.of("gmm", "mem", "sto", "cpu", "cli");

    @TempDir
    Path dir;

    private final String prefix = "lego" + ProcessHandle.current().pid() + "-";
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    /** A child JVM running {@code lego ARGS} in a namespace, its stdout and stderr gathered. */
    private record Child(String name, Process process, StringBuffer output, StringBuffer errors)
    {
        String address() throws InterruptedException
        {
            final long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
            while (System.currentTimeMillis() < deadline)
            {
                final Matcher m = LISTENING.matcher(output + "\n" + errors);
                if (m.find())
                {
                    return m.group(1);
                }
                assertTrue(process.isAlive(), name + " ended early: " + output + errors);
                Thread.sleep(50);
            }
            throw new AssertionError(name + " printed no address within " + START_TIMEOUT_MS + " ms: " + output +
                errors);
        }

        /** Waits for the end; the exit status. */
        int await() throws InterruptedException
        {
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), name + " ended: " + output + errors);
            return process.exitValue();
        }
    }

    @AfterEach
    void tearDown() throws Exception
    {
        for (final Process process : processes)
        {
            process.destroyForcibly();
            process.waitFor(20, TimeUnit.SECONDS);
        }
        for (int i = namespaces.size() - 1; i >= 0; i--)
        {
            ip("netns", "del", namespaces.get(i));
        }
    }

    @Test
    void execAcrossMonitorsOnFiveHostsMatchesQemu() throws Exception
    {
        Assumptions.assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux"),
            "network namespaces need Linux");
        Assumptions.assumeTrue(GuestBinaries.qemuAvailable(), "qemu-riscv64 is not installed");
        buildNetwork();

        final Path key = dir.resolve("cluster.key");
        final Path root = Files.createDirectories(dir.resolve("root"));
        assertEquals(0, lego("cli", "keygen", "--out", key.toString()).await());
        final String secret = key.toString();

        final Child gmm = lego("gmm", "gmm", "--listen", addressOf("gmm") + ":0", "--secret-file", secret);
        final String gmmAddress = gmm.address();
        assertTrue(gmmAddress.startsWith(addressOf("gmm") + ":"), gmmAddress);
        final List<Child> members = List.of(
            lego("mem", "mcomponent", "--gmm", gmmAddress, "--listen", addressOf("mem") + ":0", "--memory", "1GiB",
                "--secret-file", secret),
            lego("sto", "scomponent", "--gmm", gmmAddress, "--listen", addressOf("sto") + ":0", "--root", root.toString(),
                "--secret-file", secret),
            lego("cpu", "pcomponent", "--gmm", gmmAddress, "--listen", addressOf("cpu") + ":0", "--excache", "1MiB",
                "--secret-file", secret));
        for (final Child member : members)
        {
            member.address();
        }

        final Child put = lego("cli", "put", "--gmm", gmmAddress, "--secret-file", secret,
            GuestBinaries.BIN.resolve("sort").toString(), "/");
        assertEquals(0, put.await(), put.output().toString());

        final Child exec = lego("cli", "exec", "--gmm", gmmAddress, "--secret-file", secret, "--cwd", "/", "--",
            "sort", "20000", "3");
        final int status = exec.await();
        Files.copy(GuestBinaries.BIN.resolve("sort"), dir.resolve("sort"));
        final GuestBinaries.Outcome expected = GuestBinaries.qemu(dir, "sort", List.of("20000", "3"), new byte[0]);
        assertEquals(new String(expected.stdout(), StandardCharsets.UTF_8), exec.output().toString());
        assertEquals(new String(expected.stderr(), StandardCharsets.UTF_8), exec.errors().toString());
        assertEquals(expected.status(), status);

        final Child statusJson = lego("cli", "status", "--json", "--gmm", gmmAddress, "--secret-file", secret);
        assertEquals(0, statusJson.await(), statusJson.output().toString());
        final Set<String> hosts = new HashSet<>();
        for (final JsonNode c : new ObjectMapper().readTree(statusJson.output().toString()).get("components"))
        {
            assertEquals("alive", c.get("state").asText(), c.toString());
            hosts.add(c.get("address").asText().replaceFirst(":\\d+$", ""));
        }
        assertEquals(Set.of(addressOf("mem"), addressOf("sto"), addressOf("cpu")), hosts, "each member serves from its own host");

        for (final Child child : List.of(members.get(2), members.get(1), members.get(0), gmm))
        {
            child.process().destroy();
            assertEquals(0, child.await(), child.name() + " exits 0 on SIGTERM: " + child.output());
        }
    }

    /** A host's address on the bridge. */
    private static String addressOf(final String host)
    {
        return SUBNET + (HOSTS.indexOf(host) + 1);
    }

    /** A switch namespace with a bridge, and one namespace per host joined to it by a veth pair. */
    private void buildNetwork() throws Exception
    {
        final String sw = prefix + "sw";
        final Result probe = ip("netns", "add", sw);
        Assumptions.assumeTrue(probe.status == 0,
            "cannot create network namespaces here (root and iproute2 needed): " + probe.output.trim());
        namespaces.add(sw);
        check(ip("-n", sw, "link", "add", "br0", "type", "bridge"));
        check(ip("-n", sw, "link", "set", "br0", "up"));
        for (final String host : HOSTS)
        {
            final String ns = prefix + host;
            check(ip("netns", "add", ns));
            namespaces.add(ns);
            final String port = "p-" + host;
            check(ip("-n", sw, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns));
            check(ip("-n", sw, "link", "set", port, "master", "br0", "up"));
            check(ip("-n", ns, "addr", "add", addressOf(host) + "/24", "dev", "eth0"));
            check(ip("-n", ns, "link", "set", "eth0", "up"));
            check(ip("-n", ns, "link", "set", "lo", "up"));
        }
    }

    private record Result(int status, String output)
    {
    }

    private static void check(final Result result)
    {
        assertEquals(0, result.status, "ip failed: " + result.output);
    }

    /** Runs {@code ip ARGS}; a machine without the command gets the test skipped. */
    private static Result ip(final String... args) throws InterruptedException
    {
        final List<String> command = new ArrayList<>();
        command.add("ip");
        command.addAll(List.of(args));
        final Process process;
        try
        {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        }
        catch (final IOException ex)
        {
            Assumptions.abort("no ip command (iproute2): " + ex.getMessage());
            throw new AssertionError(ex);
        }
        final String output;
        try (InputStream in = process.getInputStream())
        {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new AssertionError(ex);
        }
        return new Result(process.waitFor(), output);
    }

    /**
     * Starts {@code lego ARGS} in a JVM of its own inside host {@code host}'s namespace, logging as the installed
     * {@code lego} does (to stderr, {@link LogConfiguration}): the class path without the test classes and test jars,
     * whose logback-test.xml would win.
     */
    private static String mainClassPath()
    {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(entry -> !entry.endsWith("test-classes") && !entry.endsWith("-tests.jar"))
            .collect(Collectors.joining(File.pathSeparator));
    }

    private Child lego(final String host, final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", prefix + host,
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m", "-XX:+UseSerialGC", "-cp", mainClassPath(),
            Lego.class.getName()));
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).start();
        processes.add(process);
        process.getOutputStream().close();
        final StringBuffer output = new StringBuffer();
        final StringBuffer errors = new StringBuffer();
        drain(process.getInputStream(), output, "drain-out-" + host);
        drain(process.getErrorStream(), errors, "drain-err-" + host);
        return new Child(host + " " + args[0], process, output, errors);
    }

    private static void drain(final InputStream in, final StringBuffer into, final String name)
    {
        final Thread drain = new Thread(() -> gather(in, into), name);
        drain.setDaemon(true);
        drain.start();
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
}
