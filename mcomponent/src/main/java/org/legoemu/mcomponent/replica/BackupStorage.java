package org.legoemu.mcomponent.replica;

/**
 * Where a secondary's replica logs are backed up (LegoOS §4.7: the secondary's log is flushed in batches to a backup
 * file on a storage component). Implemented over the cluster's sComponent ({@link StorageBackup}) and by maps in
 * tests. Implementations are thread-safe: the backup writer thread writes while a promotion reads.
 */
public interface BackupStorage
{
    /**
     * Writes {@code length} bytes at {@code fileOffset} of the backup file {@code path}, creating it (and its
     * directory) if needed.
     *
     * @throws org.legoemu.fabric.FabricException when the storage cannot be reached or fails the write (EIO...).
     */
    void write(String path, long fileOffset, byte[] src, int srcOffset, int length);

    /**
     * Reads exactly {@code length} bytes at {@code fileOffset} of {@code path}.
     *
     * @throws org.legoemu.fabric.FabricException when the storage cannot be reached, the file is missing (ENOENT)
     *                                            or shorter than asked (EIO).
     */
    void read(String path, long fileOffset, byte[] dst, int dstOffset, int length);

    /** Removes a backup file; a missing file is not an error. Failures are logged, not thrown. */
    void delete(String path);
}
