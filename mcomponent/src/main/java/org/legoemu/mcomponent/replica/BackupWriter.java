package org.legoemu.mcomponent.replica;

import org.legoemu.fabric.FabricException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The thread that writes full replica-log batches to their backup files (LegoOS §4.7), so a secondary's dispatch
 * thread never waits for storage. Jobs run in submission order; a batch whose write fails is tried again every
 * {@code retryNs} until it succeeds or its log is released (it stays readable from memory meanwhile, and the log
 * refuses appends with EAGAIN once too many batches wait, see {@link ReplicaLog#MAX_PENDING_BATCHES}).
 */
public final class BackupWriter implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(BackupWriter.class);

    private final BackupStorage storage;
    private final long retryNs;
    private final LinkedBlockingQueue<Runnable> jobs = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * Starts the writer thread.
     *
     * @param storage where batches go.
     * @param retryNs pause before a failed backup write is tried again, ns ({@code MemoryContext.backupRetryNs}).
     * @param name    for the thread's name.
     */
    public BackupWriter(final BackupStorage storage, final long retryNs, final String name)
    {
        this.storage = storage;
        this.retryNs = retryNs;
        this.thread = new Thread(this::run, name + "-backup-writer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** The storage batches go to (promotions read it back). */
    public BackupStorage storage()
    {
        return storage;
    }

    /** Queues the write of a full batch of {@code log}; {@link ReplicaLog#written} is called once it is durable. */
    void submitBatch(final ReplicaLog log, final long sequence, final byte[] batch)
    {
        jobs.add(() -> writeBatch(log, sequence, batch));
    }

    /** Queues the removal of a released log's backup file, after the writes queued before it. */
    void submitDelete(final String path)
    {
        jobs.add(() -> storage.delete(path));
    }

    /** Stops the thread; queued writes are abandoned (the process state they back is gone with this monitor). */
    @Override
    public void close()
    {
        running = false;
        thread.interrupt();
        try
        {
            thread.join(1000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void writeBatch(final ReplicaLog log, final long sequence, final byte[] batch)
    {
        while (running && !log.isReleased())
        {
            try
            {
                storage.write(log.backupPath(), sequence * batch.length, batch, 0, batch.length);
                log.written(sequence, batch);
                return;
            }
            catch (final FabricException ex)
            {
                LOG.warn("backup of pid {} batch {} to {} failed, trying again: {}", log.pid(), sequence,
                    log.backupPath(), ex.getMessage());
                sleep(retryNs);
            }
        }
        log.abandoned(batch);
    }

    private void run()
    {
        while (running)
        {
            try
            {
                jobs.take().run();
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            catch (final RuntimeException ex)
            {
                LOG.error("backup job failed", ex);
            }
        }
    }

    private static void sleep(final long ns)
    {
        try
        {
            TimeUnit.NANOSECONDS.sleep(ns);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
