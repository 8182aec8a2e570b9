package org.legoemu.emulator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptionDefaultsTest
{
    @TempDir
    Path dir;

    private Path secret() throws IOException
    {
        final Path key = dir.resolve("cluster.key");
        assertEquals(0, new CommandLine(new Lego()).execute("keygen", "--out", key.toString()));
        return key;
    }

    private static int run(final OptionDefaults defaults, final StringWriter err, final String... args)
    {
        final CommandLine cli = new CommandLine(new Lego());
        cli.setDefaultValueProvider(defaults);
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        return cli.execute(args);
    }

    @Test
    void environmentAndConfigFileFillOptionsTheCommandLineLeavesOut() throws Exception
    {
        final Path config = Files.writeString(dir.resolve("lego.properties"), "gmm = 127.0.0.1:1\n");
        final StringWriter err = new StringWriter();
        final OptionDefaults defaults = new OptionDefaults(Map.of("LEGO_SECRET_FILE", secret().toString()), config);
        assertEquals(ExitCodes.INTERNAL_ERROR, run(defaults, err, "status"), err.toString());
        assertTrue(err.toString().startsWith("lego status: cannot reach the GMM at 127.0.0.1:1"), err.toString());
    }

    @Test
    void theCommandLineWinsOverTheEnvironmentWhichWinsOverTheFile() throws Exception
    {
        final Path config = Files.writeString(dir.resolve("lego.properties"), "gmm=127.0.0.1:1\n");
        final OptionDefaults defaults = new OptionDefaults(
            Map.of("LEGO_SECRET_FILE", secret().toString(), "LEGO_GMM", "127.0.0.1:2"), config);
        final StringWriter fromEnvironment = new StringWriter();
        run(defaults, fromEnvironment, "status");
        assertTrue(fromEnvironment.toString().contains("GMM at 127.0.0.1:2"), fromEnvironment.toString());
        final StringWriter fromCommandLine = new StringWriter();
        run(defaults, fromCommandLine, "status", "--gmm", "127.0.0.1:3");
        assertTrue(fromCommandLine.toString().contains("GMM at 127.0.0.1:3"), fromCommandLine.toString());
    }

    @Test
    void aConfigKeyNamingNoOptionOfTheDaemonIsRefusedInOneLine() throws Exception
    {
        final Path config = Files.writeString(dir.resolve("m.properties"), "gmm=127.0.0.1:1\nmemroy=1GiB\n");
        final StringWriter err = new StringWriter();
        final OptionDefaults defaults = new OptionDefaults(Map.of("LEGO_SECRET_FILE", secret().toString()), config);
        assertEquals(ExitCodes.USAGE, run(defaults, err, "mcomponent", "--config", config.toString()));
        assertEquals("lego mcomponent: " + config + " sets no option of this command: memroy", err.toString().trim());
    }

    @Test
    void configFileIsFoundBeforeTheDoubleDashOnlyAndMustExist()
    {
        assertEquals(Path.of("a.properties"),
            OptionDefaults.configFile(new String[] {"gmm", "--config", "a.properties"}));
        assertEquals(Path.of("b"), OptionDefaults.configFile(new String[] {"pcomponent", "--config=b"}));
        assertNull(OptionDefaults.configFile(new String[] {"exec", "--", "guest", "--config", "x"}));
        final IOException ex = assertThrows(IOException.class,
            () -> new OptionDefaults(Map.of(), dir.resolve("missing.properties")));
        assertTrue(ex.getMessage().contains("does not exist"), ex.getMessage());
    }
}
