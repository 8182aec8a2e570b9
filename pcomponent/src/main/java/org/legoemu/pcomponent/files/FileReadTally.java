package org.legoemu.pcomponent.files;

/**
 * What one {@link FileCache#read} did, for the timing model (SyscallTiming): the sComponent reads it sent and their
 * bytes, and the bytes it copied out of the cache. Reset by the caller before each read; one per caller that may
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

    /** Zeroes the figures. */
    public void reset()
    {
        requests = 0;
        storageBytes = 0;
        copiedBytes = 0;
    }
}
