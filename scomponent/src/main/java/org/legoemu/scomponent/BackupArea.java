package org.legoemu.scomponent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

import org.legoemu.fabric.Errnos;

/**
 * The sComponent's replica backup area: the host directory where secondaries keep the backup logs of the memory
 * they replicate (LegoOS §4.7), served only through M2S_BACKUP_WRITE, M2S_BACKUP_READ and M2S_BACKUP_DELETE.
 * <p>
 * It is not part of the guests' namespace: when it lies inside the storage root, the {@link RootedPathResolver}
 * hides it (every P2S path that reaches it gives ENOENT, and directory listings leave it out), so no guest can read
 * another process's memory from the backups or corrupt what a failover would restore. Backup names are relative
 * ({@code m1a2b/pid-1000.log}): one to four components of {@code [A-Za-z0-9._-]}, none of them {@code "."} or
 * {@code ".."}, at most 255 bytes each; anything else is EINVAL. Directories are created on the first write,
 * mode 0700, files mode 0600; nothing is followed through a symlink.
 * <p>
 * Not thread-safe: used by the single dispatch thread of the sComponent's server.
 */
public final class BackupArea
{
    /** Default name of the backup area inside the storage root when no other directory is configured. */
    public static final String DEFAULT_DIRECTORY_NAME = ".lego-replica";
    /** Most components in a backup name. */
    public static final int MAX_NAME_COMPONENTS = 4;

    private static final OpenOption[] WRITE_OPTIONS =
        { StandardOpenOption.WRITE, StandardOpenOption.CREATE, LinkOption.NOFOLLOW_LINKS };
    private static final OpenOption[] READ_OPTIONS = { StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS };

    private final Path directory;

    /**
     * @param directory host directory of the area; created (mode 0700) on the first write if missing. Its parent
     *                  must exist.
     * @throws IllegalArgumentException if it exists and is not a directory.
     */
    public BackupArea(final Path directory)
    {
        final Path absolute = directory.toAbsolutePath().normalize();
        if (Files.exists(absolute, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(absolute, LinkOption.NOFOLLOW_LINKS))
        {
            throw new IllegalArgumentException("backup area " + absolute + " exists and is not a directory");
        }
        this.directory = realPathOf(absolute);
    }

    /** The host directory of the area, its parent's symlinks resolved. */
    public Path directory()
    {
        return directory;
    }

    /**
     * Writes all of {@code src} at {@code fileOffset} of backup file {@code name}, creating it and its directories.
     *
     * @return the file size after the write, bytes.
     * @throws StorageException EINVAL (bad name, negative offset), ENOSPC, EIO.
     */
    public long write(final String name, final long fileOffset, final ByteBuffer src)
    {
        if (fileOffset < 0)
        {
            throw new StorageException(Errnos.EINVAL, "backup " + name + ": negative offset " + fileOffset);
        }
        final Path file = hostPath(name);
        try
        {
            createDirectories(file.getParent());
            try (FileChannel channel = FileChannel.open(file, WRITE_OPTIONS))
            {
                if (channel.size() == 0)
                {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                }
                long position = fileOffset;
                while (src.hasRemaining())
                {
                    position += channel.write(src, position);
                }
                return channel.size();
            }
        }
        catch (final IOException | UnsupportedOperationException ex)
        {
            throw fromIo(ex, name);
        }
    }

    /**
     * Reads up to {@code dst.remaining()} bytes at {@code fileOffset} of backup file {@code name}, fewer at its end.
     *
     * @return the file size, bytes.
     * @throws StorageException EINVAL (bad name, negative offset), ENOENT, EIO.
     */
    public long read(final String name, final long fileOffset, final ByteBuffer dst)
    {
        if (fileOffset < 0)
        {
            throw new StorageException(Errnos.EINVAL, "backup " + name + ": negative offset " + fileOffset);
        }
        try (FileChannel channel = FileChannel.open(hostPath(name), READ_OPTIONS))
        {
            final long sizeBytes = channel.size();
            long position = fileOffset;
            while (dst.hasRemaining() && position < sizeBytes)
            {
                final int n = channel.read(dst, position);
                if (n <= 0)
                {
                    break;
                }
                position += n;
            }
            return sizeBytes;
        }
        catch (final IOException ex)
        {
            throw fromIo(ex, name);
        }
    }

    /**
     * Removes backup file {@code name}.
     *
     * @throws StorageException EINVAL (bad name), ENOENT, EIO.
     */
    public void delete(final String name)
    {
        try
        {
            Files.delete(hostPath(name));
        }
        catch (final IOException ex)
        {
            throw fromIo(ex, name);
        }
    }

    /**
     * The host path of backup file {@code name}.
     *
     * @throws StorageException EINVAL unless the name is valid (see the class comment).
     */
    Path hostPath(final String name)
    {
        if (name.isEmpty() || name.charAt(0) == '/' || name.endsWith("/"))
        {
            throw new StorageException(Errnos.EINVAL, "backup name '" + name + "' is not a relative file name");
        }
        final String[] components = name.split("/", -1);
        if (components.length > MAX_NAME_COMPONENTS)
        {
            throw new StorageException(Errnos.EINVAL, "backup name '" + name + "' has more than " +
                MAX_NAME_COMPONENTS + " components");
        }
        Path path = directory;
        for (final String component : components)
        {
            if (!validComponent(component))
            {
                throw new StorageException(Errnos.EINVAL, "backup name '" + name + "' has an invalid component");
            }
            path = path.resolve(component);
        }
        return path;
    }

    private static boolean validComponent(final String component)
    {
        if (component.isEmpty() || component.length() > RootedPathResolver.NAME_MAX ||
            ".".equals(component) || "..".equals(component))
        {
            return false;
        }
        for (int i = 0; i < component.length(); i++)
        {
            final char c = component.charAt(i);
            final boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '_' || c == '-';
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    private void createDirectories(final Path dir) throws IOException
    {
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS))
        {
            return;
        }
        if (!dir.equals(directory))
        {
            createDirectories(dir.getParent());
        }
        try
        {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        catch (final java.nio.file.FileAlreadyExistsException ex)
        {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS))
            {
                throw ex;
            }
        }
    }

    private static StorageException fromIo(final Exception ex, final String name)
    {
        if (ex instanceof NoSuchFileException)
        {
            return new StorageException(Errnos.ENOENT, "backup " + name + ": no such file");
        }
        if (ex instanceof IOException)
        {
            return StorageException.fromIo((IOException)ex, "backup " + name);
        }
        return new StorageException(Errnos.EIO, "backup " + name + ": " + ex.getMessage());
    }

    /** The real path of {@code path}: itself resolved if it exists, else its deepest existing ancestor's. */
    private static Path realPathOf(final Path path)
    {
        try
        {
            return path.toRealPath();
        }
        catch (final IOException ex)
        {
            final Path parent = path.getParent();
            return parent == null ? path : realPathOf(parent).resolve(path.getFileName());
        }
    }
}
