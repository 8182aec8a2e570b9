package org.legoemu.mcomponent.replica;

import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.IntHashSet;
import org.legoemu.mcomponent.home.HomeCheckpoint;

/**
 * Every process this mComponent is a secondary for (LegoOS §4.7): pid to {@link ReplicaLog}, and pid to the last
 * {@link HomeCheckpoint} of the processes it is home standby of. Not thread-safe: used under the monitor's state
 * lock.
 */
public final class ReplicaLogs
{
    /** Default bytes per backup batch: 1 MiB (LegoOS batches its log to storage likewise). */
    public static final int DEFAULT_BATCH_BYTES = 1 << 20;

    private final Int2ObjectHashMap<ReplicaLog> byPid = new Int2ObjectHashMap<>();
    private final Int2ObjectHashMap<HomeCheckpoint> checkpoints = new Int2ObjectHashMap<>();
    /** Free batch arrays kept for reuse: a few batches' worth (8 MiB at the default size). */
    private static final int IDLE_BATCHES = 8;

    private final BackupWriter writer;
    private final BatchPool batches;
    private final String directory;

    /**
     * @param writer     writes full batches to the backup storage.
     * @param batchBytes bytes per batch, a positive multiple of 4096.
     * @param directory  directory of this monitor's backup files, relative to the sComponent's backup area, e.g.
     *                   {@code m1a2b}.
     */
    public ReplicaLogs(final BackupWriter writer, final int batchBytes, final String directory)
    {
        this.writer = writer;
        this.batches = new BatchPool(batchBytes, IDLE_BATCHES);
        this.directory = directory;
    }

    /** The log of {@code pid}, created empty if absent, recording the pComponent the process runs on. */
    public ReplicaLog getOrCreate(final int pid, final int pcomponentId)
    {
        ReplicaLog log = byPid.get(pid);
        if (log == null)
        {
            log = new ReplicaLog(pid, pcomponentId, directory + "/pid-" + pid + ".log", batches, writer);
            byPid.put(pid, log);
        }
        else
        {
            log.pcomponentId(pcomponentId);
        }
        return log;
    }

    /** The log of {@code pid}, or null. */
    public ReplicaLog get(final int pid)
    {
        return byPid.get(pid);
    }

    /** Records the newest home checkpoint of a process this monitor is home standby of. */
    public void checkpoint(final HomeCheckpoint checkpoint)
    {
        checkpoints.put(checkpoint.pid(), checkpoint);
    }

    /** The newest home checkpoint of {@code pid}, or null. */
    public HomeCheckpoint checkpoint(final int pid)
    {
        return checkpoints.get(pid);
    }

    /** Forgets the home checkpoint of {@code pid} (it became this monitor's own process). */
    void forgetCheckpoint(final int pid)
    {
        checkpoints.remove(pid);
    }

    /**
     * Forgets a process: its log (the backup file is removed) and its checkpoint.
     *
     * @return the number of pages the log held.
     */
    public int release(final int pid)
    {
        checkpoints.remove(pid);
        final ReplicaLog log = byPid.remove(pid);
        if (log == null)
        {
            return 0;
        }
        final int pages = log.pages();
        log.release();
        return pages;
    }

    /** The logs held here (a live view). */
    public java.util.Collection<ReplicaLog> logs()
    {
        return byPid.values();
    }

    /** Appends to {@code out} the pid of every home checkpoint held here. */
    public void checkpointPids(final IntArrayList out)
    {
        for (final int pid : checkpoints.keySet())
        {
            out.addInt(pid);
        }
    }

    /** Appends to {@code out} every pid with a log or checkpoint here that {@code seen} does not hold yet. */
    public void pids(final IntArrayList out, final IntHashSet seen)
    {
        for (final int pid : byPid.keySet())
        {
            if (seen.add(pid))
            {
                out.addInt(pid);
            }
        }
        for (final int pid : checkpoints.keySet())
        {
            if (seen.add(pid))
            {
                out.addInt(pid);
            }
        }
    }


    /** The backup storage, for promotions. */
    public BackupStorage storage()
    {
        return writer.storage();
    }
}
