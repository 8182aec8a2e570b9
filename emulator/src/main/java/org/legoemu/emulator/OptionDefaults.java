package org.legoemu.emulator;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Option defaults from outside the command line, in this order: an environment variable {@code LEGO_NAME} (the
 * option's long name upper-cased, dashes as underscores: {@code --secret-file} is {@code LEGO_SECRET_FILE}), then the
 * properties file given with {@code --config FILE} (keys are long names without dashes, e.g.
 * {@code secret-file=/etc/lego/cluster.key}, read by picocli's {@code PropertiesDefaultProvider}), then the option's
 * built-in default. The command line always wins.
 */
public final class OptionDefaults implements CommandLine.IDefaultValueProvider
{
    /** Prefix of the environment variables read. */
    public static final String ENV_PREFIX = "LEGO_";
    /** The option naming the properties file. */
    public static final String CONFIG_OPTION = "--config";

    private final Map<String, String> environment;
    private final Properties config;
    private final CommandLine.PropertiesDefaultProvider fromFile;

    /**
     * @param environment the process environment.
     * @param configFile  the {@code --config} file, or null.
     * @throws IOException with a one-line reason if the file cannot be read.
     */
    public OptionDefaults(final Map<String, String> environment, final Path configFile) throws IOException
    {
        this.environment = environment;
        this.config = new Properties();
        if (configFile != null)
        {
            if (!Files.isRegularFile(configFile))
            {
                throw new IOException("config file " + configFile + " does not exist or is not a file");
            }
            try (Reader in = Files.newBufferedReader(configFile))
            {
                config.load(in);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IOException("config file " + configFile + " is not a properties file: " + ex.getMessage());
            }
        }
        this.fromFile = new CommandLine.PropertiesDefaultProvider(config);
    }

    /**
     * The value of {@code --config FILE} or {@code --config=FILE} among {@code args} (options end at {@code --}).
     *
     * @return null if absent.
     */
    public static Path configFile(final String[] args)
    {
        for (int i = 0; i < args.length; i++)
        {
            if (args[i].equals("--"))
            {
                break;
            }
            if (args[i].equals(CONFIG_OPTION) && i + 1 < args.length)
            {
                return Path.of(args[i + 1]);
            }
            if (args[i].startsWith(CONFIG_OPTION + "="))
            {
                return Path.of(args[i].substring(CONFIG_OPTION.length() + 1));
            }
        }
        return null;
    }

    @Override
    public String defaultValue(final ArgSpec argSpec) throws Exception
    {
        if (!(argSpec instanceof OptionSpec option) || option.usageHelp() || option.versionHelp() ||
            option.longestName().equals(CONFIG_OPTION))
        {
            return null;
        }
        final String fromEnvironment = environment.get(environmentName(option));
        return fromEnvironment != null ? fromEnvironment : fromFile.defaultValue(argSpec);
    }

    /** The environment variable of an option, e.g. LEGO_SECRET_FILE for --secret-file. */
    static String environmentName(final OptionSpec option)
    {
        return ENV_PREFIX + key(option).toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /**
     * Keys of the config file that name no option of {@code command}, which are most likely typos.
     *
     * @return the unknown keys, sorted; empty if none.
     */
    public List<String> unknownKeys(final CommandSpec command)
    {
        final Set<String> known = new HashSet<>();
        for (final OptionSpec option : command.options())
        {
            known.add(key(option));
        }
        final List<String> unknown = new ArrayList<>();
        for (final String name : config.stringPropertyNames())
        {
            if (!known.contains(name))
            {
                unknown.add(name);
            }
        }
        unknown.sort(String::compareTo);
        return unknown;
    }

    private static String key(final OptionSpec option)
    {
        return option.longestName().replaceFirst("^-+", "");
    }
}
