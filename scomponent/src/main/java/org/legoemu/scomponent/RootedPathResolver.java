package org.legoemu.scomponent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.legoemu.fabric.Errnos;

/**
 * Maps a namespace path to a host path inside the sComponent's root directory, as if the root were the file
 * system root of a chroot(2). Resolution follows path_resolution(7) done by hand, component by component:
 * <ul>
 *     <li>absolute and relative paths both start at the root; {@code "."} stays, {@code ".."} goes up but never
 *     above the root ({@code "/.."} is {@code "/"});</li>
 *     <li>every symlink is read with {@link Files#readSymbolicLink} and never followed by the host: an absolute
 *     target restarts at the ROOT, a relative one continues from the link's directory; more than 40 links
 *     ({@code MAXSYMLINKS}) give ELOOP;</li>
 *     <li>the final component is followed or not as the caller asks (stat(2) vs lstat(2)); a trailing slash
 *     requires a directory and follows a final symlink;</li>
 *     <li>a component longer than 255 bytes or a path of 4096 bytes or more gives ENAMETOOLONG; an empty path
 *     ENOENT; a missing intermediate component ENOENT; a non-directory intermediate ENOTDIR; a NUL byte EINVAL.
 *     </li>
 * </ul>
 * The result is checked against the real root ({@link Path#toRealPath}) before it is returned: nothing outside
 * the root is ever read, written or stat'ed through a resolved path (EACCES and an error log line otherwise).
 * <p>
 * A hidden directory (the sComponent's replica {@link BackupArea}, when it lies inside the root) is not part of the
 * namespace: every path that reaches it or anything below it, by any route (absolute, relative, {@code ..},
 * symlinks, {@code /proc/self/...} links, whose targets are resolved here as strings), gives ENOENT, as if it did
 * not exist, and it cannot be created either. {@link #isHidden} lets directory listings leave it out.
 */
public final class RootedPathResolver
{
    /** Longest path in bytes including its terminating NUL, Linux PATH_MAX. */
    public static final int PATH_MAX = 4096;
    /** Longest path component in bytes, Linux NAME_MAX. */
    public static final int NAME_MAX = 255;
    /** Most symlinks followed while resolving one path, Linux MAXSYMLINKS. */
    public static final int MAX_SYMLINKS = 40;

    private static final Logger LOG = LoggerFactory.getLogger(RootedPathResolver.class);

    private final Path root;
    private final Path hidden;

    /**
     * A resolver with nothing hidden.
     *
     * @param root an existing directory; its real path (symlinks resolved) becomes the namespace root.
     * @throws IllegalArgumentException if it does not exist or is not a directory.
     */
    public RootedPathResolver(final Path root)
    {
        this(root, null);
    }

    /**
     * @param root   an existing directory; its real path (symlinks resolved) becomes the namespace root.
     * @param hidden a real host path (need not exist) that no namespace path may reach, or null.
     * @throws IllegalArgumentException if the root does not exist, is not a directory, or is the hidden directory
     *                                  or inside it.
     */
    public RootedPathResolver(final Path root, final Path hidden)
    {
        try
        {
            this.root = root.toRealPath();
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("storage root " + root + " does not exist: " + ex.getMessage());
        }
        if (!Files.isDirectory(this.root))
        {
            throw new IllegalArgumentException("storage root " + root + " is not a directory");
        }
        if (hidden != null && this.root.startsWith(hidden))
        {
            throw new IllegalArgumentException("storage root " + root + " lies inside the backup area " + hidden);
        }
        this.hidden = hidden;
    }

    /** Whether host path {@code hostPath} (as this resolver builds them) is the hidden directory or below it. */
    public boolean isHidden(final Path hostPath)
    {
        return hidden != null && hostPath.startsWith(hidden);
    }

    /** The real host path of the namespace root. */
    public Path root()
    {
        return root;
    }

    /**
     * Resolves a namespace path.
     *
     * @param namespacePath absolute or relative path, both interpreted from the root.
     * @param followFinal   whether a symlink as the final component is followed (stat) or returned (lstat).
     * @return the host path inside the root and its attributes (null if the final component does not exist; its
     *         parent then does and is a directory).
     * @throws StorageException ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, EINVAL, EACCES, EIO as described above.
     */
    public ResolvedPath resolve(final String namespacePath, final boolean followFinal)
    {
        if (namespacePath.isEmpty())
        {
            throw new StorageException(Errnos.ENOENT, "empty path");
        }
        if (namespacePath.indexOf('\0') >= 0)
        {
            throw new StorageException(Errnos.EINVAL, "path contains NUL");
        }
        if (namespacePath.getBytes(StandardCharsets.UTF_8).length >= PATH_MAX)
        {
            throw new StorageException(Errnos.ENAMETOOLONG, "path of " + PATH_MAX + " bytes or more");
        }

        final ArrayDeque<String> pending = new ArrayDeque<>();
        pushFront(pending, namespacePath);
        final ArrayList<String> resolved = new ArrayList<>();
        boolean currentIsDirectory = true;
        BasicFileAttributes lastAttributes = null;
        int symlinks = 0;

        while (!pending.isEmpty())
        {
            final String name = pending.pollFirst();
            if (!currentIsDirectory)
            {
                throw new StorageException(Errnos.ENOTDIR, namespacePath + ": not a directory");
            }
            if (".".equals(name))
            {
                continue;
            }
            if ("..".equals(name))
            {
                if (!resolved.isEmpty())
                {
                    resolved.remove(resolved.size() - 1);
                }
                lastAttributes = null;
                continue;
            }
            if (name.getBytes(StandardCharsets.UTF_8).length > NAME_MAX)
            {
                throw new StorageException(Errnos.ENAMETOOLONG, "path component longer than " + NAME_MAX + " bytes");
            }

            final Path candidate = hostPath(resolved).resolve(name);
            if (isHidden(candidate))
            {
                throw new StorageException(Errnos.ENOENT, namespacePath + ": no such file or directory");
            }
            final BasicFileAttributes attributes = lstat(candidate, namespacePath);
            if (attributes == null)
            {
                if (!pending.isEmpty())
                {
                    throw new StorageException(Errnos.ENOENT, namespacePath + ": no such file or directory");
                }
                return confined(namespacePath, candidate, null);
            }
            if (attributes.isSymbolicLink() && (followFinal || !pending.isEmpty()))
            {
                if (++symlinks > MAX_SYMLINKS)
                {
                    throw new StorageException(Errnos.ELOOP, namespacePath + ": too many levels of symbolic links");
                }
                final String target = readLink(candidate, namespacePath);
                if (target.isEmpty())
                {
                    throw new StorageException(Errnos.ENOENT, namespacePath + ": empty symlink target");
                }
                if (target.charAt(0) == '/')
                {
                    resolved.clear();
                }
                pushFront(pending, target);
                currentIsDirectory = true;
                lastAttributes = null;
                continue;
            }
            resolved.add(name);
            currentIsDirectory = attributes.isDirectory();
            lastAttributes = attributes;
        }

        final Path hostPath = hostPath(resolved);
        final BasicFileAttributes attributes = lastAttributes != null ? lastAttributes : lstat(hostPath, namespacePath);
        if (attributes == null)
        {
            throw new StorageException(Errnos.ENOENT, namespacePath + ": no such file or directory");
        }
        return confined(namespacePath, hostPath, attributes);
    }

    private Path hostPath(final ArrayList<String> components)
    {
        Path path = root;
        for (int i = 0, size = components.size(); i < size; i++)
        {
            path = path.resolve(components.get(i));
        }
        return path;
    }

    private ResolvedPath confined(
        final String namespacePath, final Path hostPath, final BasicFileAttributes attributes)
    {
        final boolean followable = attributes != null && !attributes.isSymbolicLink();
        final Path checked = followable ? hostPath : hostPath.getParent();
        final Path real;
        try
        {
            real = hostPath.normalize().startsWith(root) ? checked.toRealPath() : null;
        }
        catch (final IOException ex)
        {
            throw StorageException.fromIo(ex, namespacePath);
        }
        if (real != null && isHidden(real))
        {
            LOG.error("storage path {} reached the backup area (resolved {}); refused", namespacePath, real);
            throw new StorageException(Errnos.ENOENT, namespacePath + ": no such file or directory");
        }
        if (real == null || !real.startsWith(root))
        {
            LOG.error("storage path {} escaped the root {} (resolved {}); refused", namespacePath, root, hostPath);
            throw new StorageException(Errnos.EACCES, namespacePath + ": outside the storage root");
        }
        return new ResolvedPath(namespacePath, hostPath, attributes);
    }

    private static BasicFileAttributes lstat(final Path path, final String namespacePath)
    {
        try
        {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        }
        catch (final NoSuchFileException ex)
        {
            return null;
        }
        catch (final IOException ex)
        {
            throw StorageException.fromIo(ex, namespacePath);
        }
    }

    private static String readLink(final Path link, final String namespacePath)
    {
        try
        {
            return Files.readSymbolicLink(link).toString();
        }
        catch (final IOException ex)
        {
            throw StorageException.fromIo(ex, namespacePath);
        }
    }

    /**
     * Puts the components of {@code path} at the front of {@code pending}, in order; a trailing slash adds a
     * final "." so that the last named component must be a directory.
     */
    private static void pushFront(final ArrayDeque<String> pending, final String path)
    {
        final ArrayList<String> components = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= path.length(); i++)
        {
            if (i == path.length() || path.charAt(i) == '/')
            {
                if (i > start)
                {
                    components.add(path.substring(start, i));
                }
                start = i + 1;
            }
        }
        if (path.length() > 1 && path.charAt(path.length() - 1) == '/' && !components.isEmpty())
        {
            components.add(".");
        }
        for (int i = components.size() - 1; i >= 0; i--)
        {
            pending.addFirst(components.get(i));
        }
    }
}
