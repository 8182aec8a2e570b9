package org.legoemu.emulator.client;

import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.proxy.StatInfo;
import org.legoemu.fabric.proxy.StorageProxy;
import org.legoemu.abi.linux.Errno;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/** {@code lego put}: copies a local file into the sComponent's namespace (P2S_OPEN with O_CREAT|O_TRUNC, P2S_WRITE). */
@Command(mixinStandardHelpOptions = true, name = "put", sortOptions = false,
    description = {"Copy the local file LOCAL to REMOTE in the sComponent's namespace (created or replaced, with "
        + "LOCAL's permission bits). A REMOTE that is a directory or ends with / receives LOCAL's name.",
        "Progress goes to stderr for files of 8 MiB or more."},
    footer = {"", "Example:",
        "  lego put --gmm 127.0.0.1:7000 --secret-file cluster.key emulator/guests/bin/sort /bin/"})
public final class PutCommand extends StorageCommand
{
    /** open(2) flags: O_WRONLY | O_CREAT | O_TRUNC. */
    static final int CREATE_FLAGS = 0x1 | 0x40 | 0x200;

    @Parameters(index = "0", paramLabel = "LOCAL", description = "The file to copy.")
    Path local;

    @Parameters(index = "1", paramLabel = "REMOTE", description = "Where it goes: an absolute namespace path.")
    String remote;

    @Override
    String name()
    {
        return "lego put";
    }

    @Override
    void copy(final StorageProxy storage, final Progress progress) throws CopyException, IOException
    {
        if (!remote.startsWith("/"))
        {
            throw new CopyException(remote + " is not an absolute namespace path (it must start with /)");
        }
        if (!Files.exists(local))
        {
            throw new CopyException(local + ": no such file");
        }
        if (!Files.isRegularFile(local))
        {
            throw new CopyException(local + ": not a regular file");
        }
        final String target = target(storage);
        final long sizeBytes = Files.size(local);
        storage.open(target, CREATE_FLAGS, permissions(local));
        final byte[] buffer = new byte[StorageProxy.MAX_TRANSFER_BYTES];
        long done = 0;
        if (progress != null)
        {
            progress.start(sizeBytes);
        }
        try (InputStream in = Files.newInputStream(local))
        {
            int n;
            while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0)
            {
                storage.write(target, done, buffer, 0, n);
                done += n;
                if (progress != null)
                {
                    progress.update(done);
                }
            }
        }
        catch (final NoSuchFileException ex)
        {
            throw new CopyException(local + ": no such file");
        }
        finally
        {
            if (progress != null)
            {
                progress.finish();
            }
        }
        if (verbosity.verbose())
        {
            spec.commandLine().getErr().println(name() + ": " + local + " -> " + target + " (" + done + " bytes)");
        }
    }

    /** REMOTE, or REMOTE/name-of-LOCAL when REMOTE ends with / or is a directory. */
    private String target(final StorageProxy storage) throws CopyException
    {
        final String name = local.getFileName().toString();
        if (remote.endsWith("/"))
        {
            return remote + name;
        }
        try
        {
            final StatInfo stat = storage.stat(remote, true);
            return stat.isDirectory() ? remote + "/" + name : remote;
        }
        catch (final RemoteErrorException ex)
        {
            if (ex.errno() == Errno.ENOENT)
            {
                return remote;
            }
            throw new CopyException(remote + ": " + ex.getMessage());
        }
    }

    private static int permissions(final Path file)
    {
        try
        {
            final Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            int mode = 0;
            for (final PosixFilePermission p : perms)
            {
                mode |= 1 << (8 - p.ordinal());
            }
            return mode;
        }
        catch (final IOException | UnsupportedOperationException ex)
        {
            return 0644;
        }
    }
}
