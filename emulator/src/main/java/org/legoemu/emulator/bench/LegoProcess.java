package org.legoemu.emulator.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * What the benchmarks that compare whole processes need: the command line of a fresh {@code lego} JVM, and the
 * guests bundled in lego.jar.
 */
final class LegoProcess
{
    private LegoProcess()
    {
    }

    /**
     * {@code java OPTIONS -cp CLASSPATH org.legoemu.emulator.Lego}: a fresh JVM with the options this one was started
     * with (heap, GC, {@code -XX}, {@code -D}, class-data sharing; agents are left out), so that
     * {@code scripts/lego bench ...} measures what {@code scripts/lego run} costs. Append the subcommand and its
     * arguments.
     */
    static List<String> command()
    {
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (final String option : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (option.startsWith("-X") || option.startsWith("-D") || option.startsWith("--sun-misc") ||
                option.startsWith("--add-opens") || option.startsWith("--enable-native-access"))
            {
                command.add(option);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("org.legoemu.emulator.Lego");
        return command;
    }

    /**
     * Copies the guest {@code name} bundled in lego.jar (emulator/guests/bin, see emulator/pom.xml) into {@code dir},
     * executable.
     *
     * @throws IOException if it is not bundled or cannot be written.
     */
    static Path extractGuest(final Path dir, final String name) throws IOException
    {
        final Path target = dir.resolve(name);
        try (InputStream in = LegoProcess.class.getResourceAsStream("/guests/" + name))
        {
            if (in == null)
            {
                throw new IOException("the bundled guest /guests/" + name + " is missing from lego.jar");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        target.toFile().setExecutable(true);
        return target;
    }
}
