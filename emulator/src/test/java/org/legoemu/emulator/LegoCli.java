package org.legoemu.emulator;

import org.legoemu.pcomponent.linux.Console;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Runs the {@code lego} command line in the test's JVM with an empty guest console and captures what picocli prints.
 * One instance per test; {@link #out()} and {@link #err()} accumulate over calls.
 */
public final class LegoCli
{
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** Runs {@code lego args...}, built as {@link Lego#main} builds it, and returns its exit status. */
    public int run(final String... args)
    {
        final CommandLine cli = Lego.commandLine(new Lego(new Console(
            new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(), new ByteArrayOutputStream(), false)),
            args);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    /** Everything written to the command's stdout so far. */
    public String out()
    {
        return out.toString();
    }

    /** Everything written to the command's stderr so far. */
    public String err()
    {
        return err.toString();
    }
}
