package org.legoemu.pcomponent.files;

/**
 * What one {@link FileCache#read} did, for the timing model (SyscallTiming): the sComponent reads it sent and their
 * bytes, the bytes it copied out of the cache, and the background read-ahead it started (charged on the storage
 * link, not to the caller). Reset by the caller before each read; one per caller that may
 * read concurrently (an open file description, a file mapping).
 */
public final class FileReadTally
{
    /** Reads sent to the sComponent. */
    public int requests;
    /** File bytes those reads returned. */
    public long storageBytes;
    /** Bytes copied to the caller (hits and misses). */
    public long copiedBytes;
    /** Background read-ahead windows the read started (read by the read-ahead thread while the caller goes on). */
    public int readAheads;
    /** Their size, bytes (clipped at the end of the file as last seen). */
    public long readAheadBytes;

    /** Zeroes the figures. */
    public void reset()
    {
        requests = 0;
        storageBytes = 0;
        copiedBytes = 0;
        readAheads = 0;
        readAheadBytes = 0;
    }
}
