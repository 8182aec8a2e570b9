package org.legoemu.pcomponent.excache;

/**
 * One process attached to an ExCache: where its lines live, its counters, and the first write-back the flusher could
 * not do (its data is lost; the process's next miss throws it).
 */
final class Tenant
{
    final int pid;
    final LineBackend backend;
    final ExCacheStats stats;
    /** VM system calls of the process in progress; no prefetch is issued while above 0. Under the table's lock. */
    int vmChanges;
    /** Written by the flusher under the MSHR table's lock, read by misses. */
    volatile WriteBackException failedWriteBack;

    Tenant(final int pid, final LineBackend backend, final ExCacheStats stats)
    {
        this.pid = pid;
        this.backend = backend;
        this.stats = stats;
    }
}
