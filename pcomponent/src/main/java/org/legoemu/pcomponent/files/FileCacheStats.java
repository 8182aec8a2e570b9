package org.legoemu.pcomponent.files;

/**
 * Counters of one pComponent's {@link FileCache}, updated under its lock and readable at any time (volatile).
 * {@code hits} and {@code misses} count 4 KiB pages looked up by read(2), pread(2) and file-mapping fills (a page
 * found, or one that had to be read from the sComponent); {@code bytes} is the file data read from the sComponent
 * for misses and read-ahead, {@code requests} the number of those reads (P2S_READ); {@code invalidations} counts
 * files whose cached pages were dropped because the sComponent reported another version (docs/architecture.md,
 * "The file cache").
 */
public final class FileCacheStats
{
    volatile long hits;
    volatile long misses;
    volatile long bytes;
    volatile long requests;
    volatile long invalidations;
    volatile long readAheads;
    volatile long readAheadBytes;

    /** Pages found in the cache. */
    public long hits()
    {
        return hits;
    }

    /** Pages read from the sComponent because they were not cached. */
    public long misses()
    {
        return misses;
    }

    /** File bytes read from the sComponent (misses and read-ahead). */
    public long bytes()
    {
        return bytes;
    }

    /** Reads sent to the sComponent. */
    public long requests()
    {
        return requests;
    }

    /** Of {@link #requests()}, the background read-ahead windows (read while the stream's reader went on). */
    public long readAheads()
    {
        return readAheads;
    }

    /** File bytes the background read-ahead windows read (part of {@link #bytes()}). */
    public long readAheadBytes()
    {
        return readAheadBytes;
    }

    /** Times a file's cached pages were dropped because it changed elsewhere. */
    public long invalidations()
    {
        return invalidations;
    }
}
