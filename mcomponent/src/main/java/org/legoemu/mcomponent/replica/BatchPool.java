package org.legoemu.mcomponent.replica;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * The byte arrays of a secondary's log batches (one batch size, 1 MiB by default), recycled: a log takes one for
 * its open batch and gives it back once the {@link BackupWriter} has written it or the log is released. Before, every
 * new batch and every new process's log was a fresh 1 MiB array: 90 MB of allocation per 12 replicated sorts of
 * {@code lego bench replication}, each a humongous allocation of G1 (docs/reliability.md, "Where a replicated
 * write-back's cost went"). At most {@code maxIdle} free arrays are kept; the rest go to the garbage collector.
 * Thread-safe (logs take under the monitor's state lock, the backup writer gives back on its own thread).
 */
final class BatchPool
{
    private final int batchBytes;
    private final ArrayBlockingQueue<byte[]> free;

    /**
     * @param batchBytes bytes per batch, a positive multiple of 4096.
     * @param maxIdle    most free arrays kept, at least 1.
     * @throws IllegalArgumentException if {@code batchBytes} is not a positive multiple of 4096 or {@code maxIdle} is
     *                                  not positive.
     */
    BatchPool(final int batchBytes, final int maxIdle)
    {
        if (batchBytes < 4096 || batchBytes % 4096 != 0)
        {
            throw new IllegalArgumentException("replica batch must be a positive multiple of 4096 bytes, was " +
                batchBytes);
        }
        if (maxIdle < 1)
        {
            throw new IllegalArgumentException("a batch pool keeps at least 1 array, was " + maxIdle);
        }
        this.batchBytes = batchBytes;
        this.free = new ArrayBlockingQueue<>(maxIdle);
    }

    /** Bytes per batch. */
    int batchBytes()
    {
        return batchBytes;
    }

    /** A batch array (its contents are stale: every slot is written before it is read). */
    byte[] take()
    {
        final byte[] batch = free.poll();
        return batch != null ? batch : new byte[batchBytes];
    }

    /** Gives {@code batch} back; no one may use it afterwards. */
    void give(final byte[] batch)
    {
        if (batch != null && batch.length == batchBytes)
        {
            free.offer(batch);
        }
    }

    /** Free arrays held now. */
    int idle()
    {
        return free.size();
    }
}
