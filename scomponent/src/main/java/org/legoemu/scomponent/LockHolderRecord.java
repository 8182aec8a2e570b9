package org.legoemu.scomponent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What NFS's status monitor keeps on disk for lock recovery (NSM, /var/lib/nfs/sm), reduced to one bit: whether the
 * sComponent's {@link LockTable} holds any lock. It is a file in the sComponent's private state directory (the backup
 * area's directory, which no guest path reaches), present while some lock is held. A sComponent that starts and finds
 * it knows that its predecessor stopped with locks held, and opens a grace period for the pComponents to reclaim them
 * ({@link StorageContext#lockGraceNs()}); a fresh cluster starts with none, so its first locks are not delayed. The
 * file changes only when the table goes from no lock to some and back.
 */
final class LockHolderRecord
{
    /** The file's name in the state directory: '~' is outside the backup names' alphabet, so no backup is named so. */
    static final String FILE_NAME = "~lock-holders";

    private static final Logger LOG = LoggerFactory.getLogger(LockHolderRecord.class);

    private final Path file;

    /** @param stateDirectory the sComponent's private state directory (created if missing). */
    LockHolderRecord(final Path stateDirectory)
    {
        this.file = stateDirectory.resolve(FILE_NAME);
    }

    /** True if the previous sComponent on this state directory stopped while it held locks. */
    boolean heldBefore()
    {
        return Files.exists(file);
    }

    /** Records that locks are held ({@code true}) or that none is ({@code false}); a failure is logged, not thrown. */
    void held(final boolean held)
    {
        try
        {
            if (held)
            {
                Files.createDirectories(file.getParent());
                Files.write(file, new byte[0]);
            }
            else
            {
                Files.deleteIfExists(file);
            }
        }
        catch (final IOException ex)
        {
            LOG.warn("cannot record that locks are {}held in {}: {}", held ? "" : "no longer ", file, ex.toString());
        }
    }
}
