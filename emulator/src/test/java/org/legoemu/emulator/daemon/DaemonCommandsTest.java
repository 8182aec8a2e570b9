package org.legoemu.emulator.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The daemons as an operator runs them: each prints the address it bound, joins, shows in status, and leaves. */
class DaemonCommandsTest
{
    private static final Pattern LISTENING = Pattern.compile("listening on (\\S+)");

    @TempDir
    Path root;

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

    private static JsonNode status(final String gmm) throws Exception
    {
        final StringWriter out = new StringWriter();
        final CommandLine cli = new CommandLine(new StatusCommand());
        cli.setOut(new PrintWriter(out, true));
        assertEquals(0, cli.execute("--gmm", gmm, "--json"));
        return new ObjectMapper().readTree(out.toString());
    }

    @Test
    void daemonsJoinShowInStatusAndLeaveCleanly() throws Exception
    {
        final GmmCommand gmmCommand = new GmmCommand();
        final Running gmm = new Running(gmmCommand, "--listen", "127.0.0.1:0");
        final String gmmAddress = gmm.address();

        final MComponentCommand memoryCommand = new MComponentCommand();
        final Running memory = new Running(memoryCommand, "--gmm", gmmAddress, "--memory", "64GiB");
        final SComponentCommand storageCommand = new SComponentCommand();
        final Running storage = new Running(storageCommand, "--gmm", gmmAddress, "--root", root.toString());
        final String memoryAddress = memory.address();
        storage.address();

        JsonNode components = status(gmmAddress).get("components");
        assertEquals(2, components.size(), components.toString());
        boolean sawMemory = false;
        for (final JsonNode c : components)
        {
            assertEquals("alive", c.get("state").asText());
            if (c.get("kind").asText().equals("mComponent"))
            {
                sawMemory = true;
                assertEquals(memoryAddress, c.get("address").asText());
                assertEquals(64L << 30, c.get("capacityBytes").asLong());
            }
        }
        assertTrue(sawMemory);

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
    void memberWithoutAGmmFailsWithOneLine() throws Exception
    {
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new StatusCommand());
        cli.setErr(new PrintWriter(err, true));
        assertEquals(70, cli.execute("--gmm", "127.0.0.1:1"));
        assertTrue(err.toString().startsWith("lego status: cannot reach the GMM at 127.0.0.1:1"), err.toString());
    }

    @Test
    void badAddressIsAUsageError()
    {
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new MComponentCommand());
        cli.setErr(new PrintWriter(err, true));
        assertEquals(2, cli.execute("--gmm", "nowhere"));
        assertTrue(err.toString().contains("is not HOST:PORT"), err.toString());
    }
}
