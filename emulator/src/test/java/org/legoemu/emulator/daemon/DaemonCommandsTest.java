package org.legoemu.emulator.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.legoemu.fabric.testing.SelfSignedPem;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The daemons as an operator runs them: each prints the address it bound, joins, shows in status, and leaves. */
class DaemonCommandsTest
{
    private static final Pattern LISTENING = Pattern.compile("listening on (\\S+)");

    @TempDir
    Path root;

    @TempDir
    Path keys;

    private String secretFile;

    @BeforeEach
    void keygen()
    {
        final Path file = keys.resolve("cluster.key");
        final StringWriter out = new StringWriter();
        final CommandLine cli = new CommandLine(new KeygenCommand());
        cli.setOut(new PrintWriter(out, true));
        assertEquals(0, cli.execute("--out", file.toString()));
        assertTrue(out.toString().startsWith("lego keygen: wrote " + file.toAbsolutePath()), out.toString());
        secretFile = file.toString();
    }

    /** A daemon command running on its own thread, with its output captured. */
    private static final class Running
    {
        final StringWriter out = new StringWriter();
        final CompletableFuture<Integer> exit;

        Running(final Callable<Integer> command, final String... args)
        {
            final CommandLine cli = new CommandLine(command);
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(out, true));
            exit = CompletableFuture.supplyAsync(() -> cli.execute(args));
        }

        String address() throws InterruptedException
        {
            for (int i = 0; i < 300; i++)
            {
                final Matcher m = LISTENING.matcher(out.toString());
                if (m.find())
                {
                    return m.group(1);
                }
                assertTrue(!exit.isDone(), "daemon ended early: " + out);
                Thread.sleep(20);
            }
            throw new AssertionError("daemon never printed its address: " + out);
        }
    }

    private JsonNode status(final String gmm) throws Exception
    {
        final StringWriter out = new StringWriter();
        final CommandLine cli = new CommandLine(new StatusCommand());
        cli.setOut(new PrintWriter(out, true));
        assertEquals(0, cli.execute("--gmm", gmm, "--json", "--secret-file", secretFile));
        return new ObjectMapper().readTree(out.toString());
    }

    /** The status row of the first component of a kind whose {@code field} has reached {@code value}. */
    private JsonNode awaitFigure(final String gmm, final String kind, final String field, final long value)
        throws Exception
    {
        JsonNode last = null;
        for (int i = 0; i < 500; i++)
        {
            for (final JsonNode c : status(gmm).get("components"))
            {
                if (c.get("kind").asText().equals(kind))
                {
                    last = c;
                    if (c.get(field).asLong() == value)
                    {
                        return c;
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError(kind + " never reported " + field + " " + value + ": " + last);
    }

    @Test
    void daemonsJoinShowInStatusAndLeaveCleanly() throws Exception
    {
        Files.write(root.resolve("data.bin"), new byte[12_345]);
        Files.createDirectories(root.resolve("dir"));
        Files.write(root.resolve("dir/more.bin"), new byte[655]);
        final GmmCommand gmmCommand = new GmmCommand();
        final Running gmm = new Running(gmmCommand, "--listen", "127.0.0.1:0", "--secret-file", secretFile);
        final String gmmAddress = gmm.address();

        final MComponentCommand memoryCommand = new MComponentCommand();
        final Running memory = new Running(memoryCommand, "--gmm", gmmAddress, "--memory", "64GiB",
            "--secret-file", secretFile);
        final SComponentCommand storageCommand = new SComponentCommand();
        final Running storage = new Running(storageCommand, "--gmm", gmmAddress, "--root", root.toString(),
            "--secret-file", secretFile);
        final String memoryAddress = memory.address();
        storage.address();

        final JsonNode cluster = status(gmmAddress);
        JsonNode components = cluster.get("components");
        assertEquals(2, components.size(), components.toString());
        boolean sawMemory = false;
        for (final JsonNode c : components)
        {
            assertEquals("alive", c.get("state").asText());
            final long uptimeNs = c.get("uptimeNs").asLong();
            assertTrue(uptimeNs > 0 && uptimeNs < cluster.get("uptimeNs").asLong(),
                "a member is up for less time than the GMM it joined: " + cluster);
            if (c.get("kind").asText().equals("mComponent"))
            {
                sawMemory = true;
                assertEquals(memoryAddress, c.get("address").asText());
                assertEquals(64L << 30, c.get("capacityBytes").asLong());
            }
        }
        assertTrue(sawMemory);
        final JsonNode storageRow = awaitFigure(gmmAddress, "sComponent", "bytesStored", 13_000);
        assertEquals(13_000, storageRow.get("bytesStored").asLong(), "data.bin and dir/more.bin: " + storageRow);
        final JsonNode memoryRow = awaitFigure(gmmAddress, "mComponent", "framesTotal", (64L << 30) / 4096);
        assertEquals(0, memoryRow.get("framesUsed").asLong(), memoryRow.toString());
        assertEquals(0, memoryRow.get("vregionsOwned").asLong(), memoryRow.toString());

        memoryCommand.daemon.stop();
        assertEquals(0, memory.exit.get());
        components = status(gmmAddress).get("components");
        assertEquals(1, components.size(), "the mComponent deregistered: " + components);
        assertEquals("sComponent", components.get(0).get("kind").asText());

        storageCommand.daemon.stop();
        gmmCommand.daemon.stop();
        assertEquals(0, storage.exit.get());
        assertEquals(0, gmm.exit.get());
    }

    @Test
    void membersRefuseAClusterThatModelsAnotherFabricProfile() throws Exception
    {
        final GmmCommand gmmCommand = new GmmCommand();
        final Running gmm = new Running(gmmCommand, "--listen", "127.0.0.1:0", "--secret-file", secretFile,
            "--fabric-model", "cxl");
        final String gmmAddress = gmm.address();

        final Running wrongMemory = new Running(new MComponentCommand(), "--gmm", gmmAddress, "--memory", "1GiB",
            "--secret-file", secretFile, "--fabric-model", "legoos-ib40");
        assertEquals(70, wrongMemory.exit.get(30, TimeUnit.SECONDS), wrongMemory.out::toString);
        assertTrue(wrongMemory.out.toString().contains("lego mcomponent: cannot start: this cluster models fabric "
            + "profile cxl"), wrongMemory.out::toString);
        final Running wrongProcessor = new Running(new PComponentCommand(), "--gmm", gmmAddress, "--secret-file",
            secretFile, "--fabric-model", "ib-edr");
        assertEquals(70, wrongProcessor.exit.get(30, TimeUnit.SECONDS), wrongProcessor.out::toString);
        assertTrue(wrongProcessor.out.toString().contains("this pcomponent was started with --fabric-model ib-edr"),
            wrongProcessor.out::toString);
        final Running unknown = new Running(new MComponentCommand(), "--gmm", gmmAddress, "--secret-file", secretFile,
            "--fabric-model", "myrinet");
        assertEquals(2, unknown.exit.get(30, TimeUnit.SECONDS), unknown.out::toString);

        final MComponentCommand memoryCommand = new MComponentCommand();
        final Running memory = new Running(memoryCommand, "--gmm", gmmAddress, "--memory", "1GiB",
            "--secret-file", secretFile, "--fabric-model", "cxl");
        memory.address();
        final JsonNode cluster = status(gmmAddress);
        assertEquals("cxl", cluster.get("fabricModel").asText(), cluster.toString());
        assertEquals(1, cluster.get("components").size(), "only the agreeing member joined: " + cluster);
        memoryCommand.daemon.stop();
        gmmCommand.daemon.stop();
        assertEquals(0, memory.exit.get());
        assertEquals(0, gmm.exit.get());
    }

    @Test
    void memberWithoutAGmmFailsWithOneLine() throws Exception
    {
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new StatusCommand());
        cli.setErr(new PrintWriter(err, true));
        assertEquals(70, cli.execute("--gmm", "127.0.0.1:1", "--secret-file", secretFile));
        assertTrue(err.toString().startsWith("lego status: cannot reach the GMM at 127.0.0.1:1"), err.toString());
    }

    @Test
    void daemonWithoutASecretRefusesToStartAndPointsToKeygen()
    {
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new GmmCommand());
        cli.setErr(new PrintWriter(err, true));
        assertEquals(2, cli.execute("--listen", "127.0.0.1:0"));
        assertTrue(err.toString().startsWith("lego gmm: cannot start: no cluster secret: pass --secret-file FILE"),
            err.toString());
        assertTrue(err.toString().contains("lego keygen"), err.toString());
        assertEquals(1, err.toString().lines().count(), err.toString());
    }

    @Test
    void unknownPlacementPolicyIsOneLineNamingTheChoices()
    {
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new GmmCommand());
        cli.setErr(new PrintWriter(err, true));
        assertEquals(2, cli.execute("--placement", "fastest", "--secret-file", secretFile));
        assertTrue(err.toString().contains(
            "--placement must be roundrobin, least-loaded or most-free, not 'fastest'"), err.toString());
    }

    @Test
    void pcomponentTakesTheVictimBufferAndPiggybackOptionsOfLegoRun()
    {
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new PComponentCommand());
        cli.setErr(new PrintWriter(err, true));
        cli.execute("--gmm", "127.0.0.1:1", "--secret-file", secretFile, "--excache-victims", "5000",
            "--no-excache-piggyback");
        assertEquals("lego pcomponent: cannot start: pComponent: ExCache victim buffer of 5000 lines (expected 0 to "
            + "4096)", err.toString().strip());
    }

    @Test
    void garbledSecretFileIsOneLine() throws Exception
    {
        final Path garbled = Files.writeString(keys.resolve("garbled.key"), "not a key\n");
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new MComponentCommand());
        cli.setErr(new PrintWriter(err, true));
        assertEquals(2, cli.execute("--gmm", "127.0.0.1:1", "--secret-file", garbled.toString()));
        assertTrue(err.toString().startsWith("lego mcomponent: cannot start: cluster secret file " + garbled +
            " is garbled"), err.toString());
    }

    @Test
    void clientWithAnotherSecretIsRejectedByTheGmm() throws Exception
    {
        final GmmCommand gmmCommand = new GmmCommand();
        final Running gmm = new Running(gmmCommand, "--listen", "127.0.0.1:0", "--secret-file", secretFile);
        final String gmmAddress = gmm.address();
        final Path otherKey = keys.resolve("other.key");
        assertEquals(0, new CommandLine(new KeygenCommand()).execute("--out", otherKey.toString()));

        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new StatusCommand());
        cli.setErr(new PrintWriter(err, true));
        assertEquals(70, cli.execute("--gmm", gmmAddress, "--secret-file", otherKey.toString()));
        assertTrue(err.toString().contains("authentication with " + gmmAddress + " failed"), err.toString());

        final StringWriter memberErr = new StringWriter();
        final CommandLine member = new CommandLine(new MComponentCommand());
        member.setErr(new PrintWriter(memberErr, true));
        assertEquals(70, member.execute("--gmm", gmmAddress, "--secret-file", otherKey.toString()));
        assertTrue(memberErr.toString().startsWith("lego mcomponent: cannot start: cannot register with the GMM at " +
            gmmAddress + ": authentication with " + gmmAddress + " failed"), memberErr.toString());
        assertEquals(0, status(gmmAddress).get("components").size());

        gmmCommand.daemon.stop();
        assertEquals(0, gmm.exit.get());
    }

    @Test
    void daemonsAndStatusTalkOverTls() throws Exception
    {
        final SelfSignedPem pem = SelfSignedPem.generate(keys, "gmm");
        final GmmCommand gmmCommand = new GmmCommand();
        final Running gmm = new Running(gmmCommand, "--listen", "127.0.0.1:0", "--secret-file", secretFile,
            "--tls", "--tls-cert", pem.certificate().toString(), "--tls-key", pem.key().toString());
        final String gmmAddress = gmm.address();

        final StringWriter out = new StringWriter();
        final CommandLine status = new CommandLine(new StatusCommand());
        status.setOut(new PrintWriter(out, true));
        assertEquals(0, status.execute("--gmm", gmmAddress, "--secret-file", secretFile, "--tls",
            "--tls-trust", pem.certificate().toString(), "--json"));
        assertEquals(0, new ObjectMapper().readTree(out.toString()).get("components").size());

        final StringWriter err = new StringWriter();
        final CommandLine plain = new CommandLine(new StatusCommand());
        plain.setErr(new PrintWriter(err, true));
        assertEquals(70, plain.execute("--gmm", gmmAddress, "--secret-file", secretFile));
        assertTrue(err.toString().contains("authentication with " + gmmAddress + " failed"), err.toString());

        gmmCommand.daemon.stop();
        assertEquals(0, gmm.exit.get());
    }

    @Test
    void tlsWithoutCertificateIsOneLine()
    {
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new GmmCommand());
        cli.setErr(new PrintWriter(err, true));
        assertEquals(2, cli.execute("--secret-file", secretFile, "--tls"));
        assertEquals("lego gmm: cannot start: --tls needs --tls-cert FILE and --tls-key FILE", err.toString().strip());
    }

    @Test
    void keygenRefusesToOverwriteUnlessForced() throws Exception
    {
        final Path file = Path.of(secretFile);
        final String before = Files.readString(file);
        assertTrue(before.matches("[0-9a-f]{64}\n"), before);

        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new KeygenCommand());
        cli.setErr(new PrintWriter(err, true));
        assertEquals(2, cli.execute("--out", secretFile));
        assertTrue(err.toString().contains("exists; not overwriting it without --force"), err.toString());
        assertEquals(before, Files.readString(file));

        assertEquals(0, new CommandLine(new KeygenCommand()).execute("--out", secretFile, "--force"));
        final String after = Files.readString(file);
        assertTrue(after.matches("[0-9a-f]{64}\n"), after);
        assertNotEquals(before, after);
    }

    @Test
    void badAddressIsAUsageError()
    {
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new MComponentCommand());
        cli.setErr(new PrintWriter(err, true));
        assertEquals(2, cli.execute("--gmm", "nowhere", "--secret-file", secretFile));
        assertTrue(err.toString().contains("is not HOST:PORT"), err.toString());
    }

    @Test
    void memberRefusesAWildcardListenAddressTheOthersCouldNotReach()
    {
        for (final String wildcard : new String[] {"0.0.0.0:0", "[::]:7100"})
        {
            final StringWriter err = new StringWriter();
            final CommandLine cli = new CommandLine(new MComponentCommand());
            cli.setErr(new PrintWriter(err, true));
            assertEquals(2, cli.execute("--gmm", "127.0.0.1:1", "--listen", wildcard, "--secret-file", secretFile));
            assertTrue(err.toString().contains("is a wildcard address"), err.toString());
        }
        assertFalse(MemberListenConverter.isWildcard("127.0.0.1"));
        assertFalse(MemberListenConverter.isWildcard("localhost"));
        assertTrue(MemberListenConverter.isWildcard("::"));
    }
}
