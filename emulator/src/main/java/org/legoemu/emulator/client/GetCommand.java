package org.legoemu.emulator.client;

import org.legoemu.abi.linux.Errno;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.proxy.StatInfo;
import org.legoemu.fabric.proxy.StorageProxy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** {@code lego get}: copies a file out of the sComponent's namespace (P2S_STAT, P2S_READ). */
@Command(mixinStandardHelpOptions = true, name = "get", sortOptions = false,
    description = {"Copy REMOTE, a file in the sComponent's namespace, to the local LOCAL (created or replaced, "
        + "with REMOTE's permission bits). A LOCAL that is a directory receives REMOTE's name.",
        "Progress goes to stderr for files of 8 MiB or more."},
    footer = {"", "Example:", "  lego get --gmm 127.0.0.1:7000 --secret-file cluster.key /out/result.txt ."})
public final class GetCommand extends StorageCommand
{
    @Parameters(index = "0", paramLabel = "REMOTE", description = "The file to copy: an absolute namespace path.")
    String remote;

    @Parameters(index = "1", paramLabel = "LOCAL", description = "Where it goes.")
    Path local;

    @Override
    String name()
    {
        return "lego get";
    }

    @Override
    void copy(final StorageProxy storage, final Progress progress) throws CopyException, IOException
    {
        if (!remote.startsWith("/"))
        {
            throw new CopyException(remote + " is not an absolute namespace path (it must start with /)");
        }
        final StatInfo stat;
        try
        {
            stat = storage.stat(remote, true);
        }
        catch (final RemoteErrorException ex)
        {
            throw new CopyException(remote + ": " + (ex.errno() == Errno.ENOENT ?
                "no such file in the sComponent's namespace" : ex.getMessage()));
        }
        if (stat.isDirectory())
        {
            throw new CopyException(remote + ": is a directory");
        }
        final Path target = Files.isDirectory(local) ?
            local.resolve(remote.substring(remote.lastIndexOf('/') + 1)) : local;
        if (target.getParent() != null && !Files.isDirectory(target.toAbsolutePath().getParent()))
        {
            throw new CopyException(local + ": no such directory");
        }
        final byte[] buffer = new byte[StorageProxy.MAX_TRANSFER_BYTES];
        long done = 0;
        if (progress != null)
        {
            progress.start(stat.sizeBytes());
        }
        try (OutputStream out = Files.newOutputStream(target))
        {
            int n;
            while ((n = storage.read(remote, done, buffer, 0, buffer.length)) > 0)
            {
                out.write(buffer, 0, n);
                done += n;
                if (progress != null)
                {
                    progress.update(done);
                }
            }
        }
        finally
        {
            if (progress != null)
            {
                progress.finish();
            }
        }
        setPermissions(target, stat.mode());
        if (verbosity.verbose())
        {
            spec.commandLine().getErr().println(name() + ": " + remote + " -> " + target + " (" + done + " bytes)");
        }
    }

    private static void setPermissions(final Path file, final int mode)
    {
        final Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        for (final PosixFilePermission p : PosixFilePermission.values())
        {
            if ((mode & (1 << (8 - p.ordinal()))) != 0)
            {
                perms.add(p);
            }
        }
        try
        {
            Files.setPosixFilePermissions(file, perms);
        }
        catch (final IOException | UnsupportedOperationException ignored)
        {
            // a file system without POSIX permissions keeps its defaults
        }
    }
}
