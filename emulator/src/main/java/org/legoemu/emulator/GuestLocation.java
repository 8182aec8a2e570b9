package org.legoemu.emulator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a guest given on the command line lives in the sComponent's namespace.
 *
 * @param root          the storage root, real path.
 * @param namespacePath the guest's path under the root, e.g. {@code /emulator/guests/bin/hello}.
 * @param cwd           the guest's initial working directory: the host's, as a namespace path, if it lies under
 *                      the root, else {@code /}.
 */
record GuestLocation(Path root, String namespacePath, String cwd)
{
    /** A guest that cannot be run, with the exit code and one-line message for the user. */
    static final class Problem extends Exception
    {
        final int exitCode;

        Problem(final int exitCode, final String message)
        {
            super(message, null, false, false);
            this.exitCode = exitCode;
        }
    }

    /**
     * Checks that the root is a directory and the guest exists under it.
     *
     * @throws Problem USAGE for a bad root or a guest outside it, NOT_FOUND for a missing guest.
     */
    static GuestLocation resolve(final Path storageRoot, final String guest) throws Problem
    {
        final Path root;
        try
        {
            root = storageRoot.toRealPath();
        }
        catch (final IOException ex)
        {
            throw new Problem(ExitCodes.USAGE, "storage root " + storageRoot + " does not exist");
        }
        if (!Files.isDirectory(root))
        {
            throw new Problem(ExitCodes.USAGE, "storage root " + storageRoot + " is not a directory");
        }
        final Path guestPath = Path.of(guest).toAbsolutePath().normalize();
        if (!Files.exists(guestPath))
        {
            throw new Problem(ExitCodes.NOT_FOUND, guest + ": no such file");
        }
        final Path realGuest;
        try
        {
            realGuest = guestPath.toRealPath();
        }
        catch (final IOException ex)
        {
            throw new Problem(ExitCodes.NOT_FOUND, guest + ": " + ex.getMessage());
        }
        if (!realGuest.startsWith(root))
        {
            throw new Problem(ExitCodes.USAGE, guest + " is outside the storage root " + root
                + " (the sComponent serves only that tree; choose it with --storage-root)");
        }
        final Path hostCwd = Path.of("").toAbsolutePath();
        final String cwd = hostCwd.startsWith(root) ? namespacePath(root, hostCwd) : "/";
        return new GuestLocation(root, namespacePath(root, realGuest), cwd);
    }

    private static String namespacePath(final Path root, final Path path)
    {
        final StringBuilder sb = new StringBuilder();
        for (final Path part : root.relativize(path))
        {
            if (!part.toString().isEmpty())
            {
                sb.append('/').append(part);
            }
        }
        return sb.length() == 0 ? "/" : sb.toString();
    }
}
