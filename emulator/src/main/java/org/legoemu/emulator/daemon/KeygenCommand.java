package org.legoemu.emulator.daemon;

import org.legoemu.emulator.ExitCodes;
import org.legoemu.fabric.auth.ClusterSecret;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code lego keygen}: writes a new cluster secret for {@code --secret-file}. */
@Command(mixinStandardHelpOptions = true, name = "keygen", sortOptions = false,
    description = "Write a new random cluster secret (32 bytes from SecureRandom, one hex line, mode 0600). Copy the "
        + "same file to every host of the cluster and pass it to every daemon and client with --secret-file.")
public final class KeygenCommand implements Callable<Integer>
{
    /** Where the secret goes when --out is not given. */
    public static final String DEFAULT_FILE = "lego-cluster.key";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", paramLabel = "FILE", defaultValue = DEFAULT_FILE,
        description = "File to write (default: ${DEFAULT-VALUE} in the current directory).")
    Path out;

    @Option(names = "--force", description = "Replace an existing file (every member must then get the new one).")
    boolean force;

    @Override
    public Integer call()
    {
        final ClusterSecret secret = ClusterSecret.generate();
        try
        {
            secret.write(out, force);
        }
        catch (final FileAlreadyExistsException ex)
        {
            spec.commandLine().getErr().println("lego keygen: " + out + " exists; not overwriting it without --force");
            return ExitCodes.USAGE;
        }
        catch (final IOException ex)
        {
            spec.commandLine().getErr().println("lego keygen: cannot write " + out + ": " + ex);
            return ExitCodes.INTERNAL_ERROR;
        }
        spec.commandLine().getOut().println("lego keygen: wrote " + out.toAbsolutePath() + " (fingerprint " +
            secret.fingerprint() + ")");
        spec.commandLine().getOut().flush();
        return 0;
    }
}
