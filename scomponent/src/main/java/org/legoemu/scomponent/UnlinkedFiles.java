package org.legoemu.scomponent;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;

import org.legoemu.fabric.proxy.UnlinkedNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files pComponents keep alive under hidden names after a guest unlinked them while open (silly rename,
 * {@link UnlinkedNames}), tied to their owner's membership: a hidden file whose owner pComponent is no longer a live
 * member of the cluster (it crashed before its last close, or left) is removed by {@link #collect}. The set is
 * rebuilt at start by {@link #scan} (a walk of the root, so that a restarted sComponent still knows the hidden
 * files of the previous run) and kept up to date by {@link FileOperations} as hidden names are created and removed.
 * Thread-safe.
 */
public final class UnlinkedFiles
{
    private static final Logger LOG = LoggerFactory.getLogger(UnlinkedFiles.class);

    private final RootedPathResolver resolver;
    private final Set<Path> known = ConcurrentHashMap.newKeySet();

    /** @param resolver the root to scan and the hidden backup area to leave alone. */
    public UnlinkedFiles(final RootedPathResolver resolver)
    {
        this.resolver = resolver;
    }

    /** Remembers {@code hostPath} if its last component is a hidden name (after a create or a rename to it). */
    void created(final Path hostPath)
    {
        if (isUnlinked(hostPath))
        {
            known.add(hostPath);
        }
    }

    /** Forgets {@code hostPath} (after it was unlinked or renamed away). */
    void removed(final Path hostPath)
    {
        known.remove(hostPath);
    }

    /** How many hidden files are known. */
    public int size()
    {
        return known.size();
    }

    /**
     * Walks the root (not following symlinks, leaving the backup area out) and remembers every hidden file.
     *
     * @return how many it found.
     */
    public int scan()
    {
        try
        {
            Files.walkFileTree(resolver.root(), new SimpleFileVisitor<>()
            {
                @Override
                public FileVisitResult preVisitDirectory(final Path dir, final BasicFileAttributes attrs)
                {
                    return resolver.isHidden(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(final Path file, final BasicFileAttributes attrs)
                {
                    if (attrs.isRegularFile())
                    {
                        created(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(final Path file, final IOException ex)
                {
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        catch (final IOException ex)
        {
            LOG.warn("cannot scan {} for unlinked files: {}", resolver.root(), ex.getMessage());
        }
        return known.size();
    }

    /**
     * Removes every known hidden file whose owner pComponent {@code ownerLive} says is not a live member.
     *
     * @return how many files were removed.
     */
    public int collect(final IntPredicate ownerLive)
    {
        int removed = 0;
        for (final Path path : known)
        {
            if (ownerLive.test(UnlinkedNames.owner(path.getFileName().toString())))
            {
                continue;
            }
            known.remove(path);
            try
            {
                Files.delete(path);
                removed++;
                LOG.info("removed {}: its pComponent is no longer a member", path);
            }
            catch (final NoSuchFileException ex)
            {
                // already gone (renamed or removed outside the sComponent)
            }
            catch (final IOException ex)
            {
                LOG.warn("cannot remove unlinked file {}: {}", path, ex.getMessage());
            }
        }
        return removed;
    }

    private static boolean isUnlinked(final Path hostPath)
    {
        final Path name = hostPath.getFileName();
        return name != null && UnlinkedNames.isUnlinked(name.toString());
    }
}
