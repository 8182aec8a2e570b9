package org.legoemu.pcomponent.linux;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;

import org.agrona.collections.Long2ObjectHashMap;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.proxy.StatInfo;
import org.legoemu.fabric.proxy.StorageProxy;
import org.legoemu.fabric.proxy.UnlinkedNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps files alive while they are open on this pComponent, over a stateless sComponent: NFS's "silly rename"
 * (Callaghan, NFS Illustrated, §8.4). The pComponent's open file descriptions of regular files are registered here
 * by inode; an unlink(2) of a name whose inode is open renames it to a hidden name in the same directory
 * ({@link UnlinkedNames}) instead, and so does a rename(2) over such a name. Every description of the inode then
 * reads and writes the hidden name, and the last close of the inode on this pComponent removes it. O_TMPFILE files
 * are created under a hidden name from the start. Thread-safe: one instance serves every process of a
 * pComponent (descriptions cross fork(2)); sComponent calls are made under its lock, which only unlink, rename,
 * open and close take.
 */
public final class SillyRenames
{
    private static final Logger LOG = LoggerFactory.getLogger(SillyRenames.class);

    private final IntSupplier ownerComponentId;
    private final long nonce = ThreadLocalRandom.current().nextLong() >>> 1;
    private final Long2ObjectHashMap<OpenInode> open = new Long2ObjectHashMap<>();
    private long sequence;

    /** The descriptions of one inode open on this pComponent, and its hidden name once it has one. */
    private static final class OpenInode
    {
        final List<StorageFile> files = new ArrayList<>(2);
        String hiddenPath;
    }

    /** @param ownerComponentId this pComponent's component id (asked at each hidden name; -1 before it joins). */
    public SillyRenames(final IntSupplier ownerComponentId)
    {
        this.ownerComponentId = ownerComponentId;
    }

    /** A registry for a process outside any pComponent (tests): hidden names carry owner -1. */
    static SillyRenames standalone()
    {
        return new SillyRenames(() -> -1);
    }

    /** A regular file's description was opened: its inode is now kept alive by it. */
    synchronized void opened(final StorageFile file)
    {
        OpenInode entry = open.get(file.inode());
        if (entry == null)
        {
            entry = new OpenInode();
            open.put(file.inode(), entry);
        }
        entry.files.add(file);
        if (entry.hiddenPath != null)
        {
            file.moved(file.path(), true);
        }
    }

    /**
     * O_TMPFILE: a fresh hidden name in directory {@code dirPath}; the caller creates the file there with O_EXCL
     * and registers it with {@link #openedUnlinked}.
     */
    synchronized String hiddenName(final String dirPath)
    {
        return child(dirPath, UnlinkedNames.name(ownerComponentId.getAsInt(), nonce, sequence++));
    }

    /** An O_TMPFILE description: opened under its hidden name, removed at its last close. */
    synchronized void openedUnlinked(final StorageFile file)
    {
        opened(file);
        open.get(file.inode()).hiddenPath = file.path();
        file.moved(file.path(), true);
    }

    /** A description closed for the last time: the last one of a hidden inode removes the hidden name. */
    synchronized void closed(final StorageFile file)
    {
        final OpenInode entry = open.get(file.inode());
        if (entry == null || !entry.files.remove(file) || !entry.files.isEmpty())
        {
            return;
        }
        open.remove(file.inode());
        if (entry.hiddenPath != null)
        {
            try
            {
                file.storage().unlink(entry.hiddenPath, false);
            }
            catch (final FabricException ex)
            {
                // The sComponent removes it when this pComponent leaves the cluster (UnlinkedFiles there).
                LOG.warn("cannot remove unlinked file {} at its last close: {}", entry.hiddenPath, ex.getMessage());
            }
        }
    }

    /**
     * unlink(2) of a non-directory: a name whose inode is open here is renamed to a hidden name instead.
     *
     * @throws FabricException with the errno unlink(2) gives.
     */
    synchronized void unlink(final StorageProxy storage, final String path)
    {
        final OpenInode entry = openEntry(storage, path);
        if (entry == null)
        {
            storage.unlink(path, false);
            return;
        }
        hide(storage, path, entry);
    }

    /**
     * rmdir(2). A directory whose only entries are hidden names of files unlinked while open is empty to the guest
     * (getdents64 leaves them out) and Linux removes it; so when the sComponent refuses ENOTEMPTY, the directory
     * lists nothing else, and some of the hidden names are this pComponent's, those are moved to fresh hidden names
     * in the root (their descriptions follow, as after rename(2)) and the rmdir is tried again. Hidden names of other
     * pComponents' open files still give ENOTEMPTY (they cannot be moved from here).
     *
     * @throws FabricException with the errno rmdir(2) gives.
     */
    synchronized void rmdir(final StorageProxy storage, final String path)
    {
        try
        {
            storage.unlink(path, true);
            return;
        }
        catch (final FabricException ex)
        {
            if (ex.errno() != Errnos.ENOTEMPTY || open.isEmpty() || storage.readdir(path, 0, 3).size() > 2)
            {
                throw ex;
            }
            final String below = path.endsWith("/") ? path : path + '/';
            boolean moved = false;
            for (final OpenInode entry : open.values())
            {
                if (entry.hiddenPath != null && entry.hiddenPath.startsWith(below) &&
                    entry.hiddenPath.indexOf('/', below.length()) < 0)
                {
                    final String hidden = hiddenName("/");
                    storage.rename(entry.hiddenPath, hidden, DirectorySyscalls.RENAME_NOREPLACE);
                    entry.hiddenPath = hidden;
                    move(entry, hidden, true);
                    moved = true;
                }
            }
            if (!moved)
            {
                throw ex;
            }
        }
        storage.unlink(path, true);
    }

    /**
     * rename(2)/renameat2(2): a target whose inode is open here is first renamed to a hidden name (put back if
     * the rename fails); descriptions opened through {@code from} (or below it, for a directory) follow it.
     *
     * @throws FabricException with the errno rename(2) gives.
     */
    synchronized void rename(final StorageProxy storage, final String from, final String to, final int flags)
    {
        if (open.isEmpty())
        {
            storage.rename(from, to, flags);
            return;
        }
        OpenInode target = (flags & DirectorySyscalls.RENAME_NOREPLACE) == 0 ? openEntry(storage, to) : null;
        if (target != null && target.files.get(0).inode() == inodeOrMinusOne(storage, from))
        {
            target = null; // rename(2) between two links to one file does nothing
        }
        final String targetHidden = target == null ? null : hide(storage, to, target);
        try
        {
            storage.rename(from, to, flags);
        }
        catch (final FabricException ex)
        {
            if (targetHidden != null)
            {
                storage.rename(targetHidden, to, DirectorySyscalls.RENAME_NOREPLACE);
                target.hiddenPath = null;
                move(target, to, false);
            }
            throw ex;
        }
        final String below = from + '/';
        for (final OpenInode entry : open.values())
        {
            for (final StorageFile file : entry.files)
            {
                if (file.path().equals(from))
                {
                    file.moved(to, file.unlinked());
                }
                else if (file.path().startsWith(below))
                {
                    file.moved(to + file.path().substring(from.length()), file.unlinked());
                }
            }
        }
    }

    /** Renames {@code path} to a fresh hidden name in its directory and moves the inode's descriptions there. */
    private String hide(final StorageProxy storage, final String path, final OpenInode entry)
    {
        final String hidden = hiddenName(parent(path));
        storage.rename(path, hidden, DirectorySyscalls.RENAME_NOREPLACE);
        entry.hiddenPath = hidden;
        move(entry, hidden, true);
        return hidden;
    }

    private static void move(final OpenInode entry, final String path, final boolean unlinked)
    {
        for (final StorageFile file : entry.files)
        {
            file.moved(path, unlinked);
        }
    }

    /** The open inode {@code path} names (not following a final symlink), or null: not open, or not a file. */
    private OpenInode openEntry(final StorageProxy storage, final String path)
    {
        if (open.isEmpty())
        {
            return null;
        }
        final long inode = inodeOrMinusOne(storage, path);
        return inode < 0 ? null : open.get(inode);
    }

    /**
     * lstat(2)'s inode of a regular file, -1 for anything else or on any error: the unlink or rename that follows
     * reports the error with its own errno.
     */
    private static long inodeOrMinusOne(final StorageProxy storage, final String path)
    {
        try
        {
            final StatInfo info = storage.stat(path, false);
            return info.isRegularFile() ? info.inode() : -1;
        }
        catch (final FabricException ex)
        {
            return -1;
        }
    }

    private static String parent(final String path)
    {
        final int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    private static String child(final String dirPath, final String name)
    {
        return dirPath.endsWith("/") ? dirPath + name : dirPath + '/' + name;
    }
}
