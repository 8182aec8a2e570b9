package org.legoemu.emulator;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** main's command line with only the named subcommand behaves as the whole command tree. */
class LegoTest
{
    @Test
    void theSubcommandMapNamesEverySubcommandOfTheAnnotationWithItsClass()
    {
        final Map<String, String> annotated = new TreeMap<>();
        new CommandLine(new Lego()).getSubcommands().forEach((name, sub) ->
        {
            if (!name.equals("help"))
            {
                annotated.put(name, sub.getCommand().getClass().getName());
            }
        });
        final Map<String, String> mapped = new TreeMap<>();
        Lego.SUBCOMMANDS.forEach((name, supplier) -> mapped.put(name, supplier.get().getClass().getName()));
        assertEquals(annotated, mapped);
    }

    @Test
    void eachSubcommandAloneGivesTheSameUsageVersionAndParseErrorsAsInTheWholeTree()
    {
        for (final String name : Lego.SUBCOMMANDS.keySet())
        {
            for (final String[] args : new String[][] {
                {name, "--help"}, {name, "--version"}, {name, "--no-such-option"}})
            {
                final String whole = run(new CommandLine(new Lego()), args);
                final String alone = run(Lego.commandLine(new Lego(), args), args);
                assertTrue(args[1].equals("--version") || whole.contains("lego " + name), whole);
                assertEquals(whole, alone, String.join(" ", args));
            }
        }
    }

    private static String run(final CommandLine cli, final String[] args)
    {
        final StringWriter text = new StringWriter();
        cli.setOut(new PrintWriter(text, true));
        cli.setErr(new PrintWriter(text, true));
        return cli.execute(args) + "\n" + text;
    }
}
