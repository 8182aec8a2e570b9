package org.legoemu.mcomponent;

import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Transport;
import org.legoemu.mcomponent.owner.FramePool;
import org.legoemu.mcomponent.replica.ReplicaLogs;

import java.util.concurrent.TimeUnit;

/**
 * Settings of a {@link MemoryMonitor} (Aeron-style context: fluent setters, {@link #conclude()} validates and fills
 * defaults before start).
 *
 * <ul>
 * <li>{@code transport} (required): how the monitor serves and calls.</li>
 * <li>{@code listen} (required): where to serve; port 0 picks a free one.</li>
 * <li>{@code gmmEndpoint} (required): the global manager.</li>
 * <li>{@code clock}: times every deadline, pause and refresh of the monitor (failover, replication patience, the
 * cluster-memory refresh, the image-read retry window); default {@link SystemNanoClock}.</li>
 * <li>{@code memoryBytes}: size of the emulated physical memory, a hard limit on frames; default 1 GiB, a positive
 * multiple of 4096.</li>
 * <li>{@code timeoutNs}: per-request timeout and registration retry deadline; default 10 s.</li>
 * <li>{@code reconcileIntervalNs}: how often the monitor asks the GMM which of its processes are gone, to free
 * what a failed exit left behind ({@link ProcessReconciler}); default 2 s.</li>
 * </ul>
 * Failover timings (docs/reliability.md, "Failover timings", lists them with the pComponent's and the GMM's); each
 * default is a guess sized against the GMM's failure detection (0.8 s by default), not a measured figure:
 * <ul>
 * <li>{@code ownerFailoverNs}: how long a home keeps asking the GMM for a new owner of a vRegion whose owner
 * stopped answering; default 10 s.</li>
 * <li>{@code ownerFailoverPauseNs}: pause before each such question; default 50 ms.</li>
 * <li>{@code replicaPatienceNs}: how long a change waits for a secondary (or a checkpoint for a home standby) that
 * does not answer but that the GMM still names, before it is answered unreplicated; default 10 s.</li>
 * <li>{@code replicaBusyPauseNs}: pause before an append the secondary refused with EAGAIN is sent again; default
 * 20 ms.</li>
 * <li>{@code replicaGmmPauseNs}: pause before the GMM is asked again for a vRegion's secondary; default 100 ms.</li>
 * <li>{@code homeStandbyPauseNs}: pause before a checkpoint the home standby did not take is sent again; default
 * 50 ms.</li>
 * <li>{@code backupRetryNs}: pause before a failed write of a replica-log batch to the sComponent is tried again;
 * default 200 ms.</li>
 * </ul>
 */
public final class MemoryContext
{
    /** Default emulated memory, bytes (1 GiB). */
    public static final long DEFAULT_MEMORY_BYTES = 1L << 30;
    /** Default per-request timeout, nanoseconds (10 s). */
    public static final long DEFAULT_TIMEOUT_NS = 10_000_000_000L;
    /** Default interval between two reconciliation checks with the GMM, nanoseconds (2 s). */
    public static final long DEFAULT_RECONCILE_INTERVAL_NS = ProcessReconciler.DEFAULT_INTERVAL_NS;
    /** Default time a home keeps looking for a new owner of a vRegion, nanoseconds (10 s). */
    public static final long DEFAULT_OWNER_FAILOVER_NS = TimeUnit.SECONDS.toNanos(10);
    /** Default pause between two questions to the GMM for a vRegion's new owner, nanoseconds (50 ms). */
    public static final long DEFAULT_OWNER_FAILOVER_PAUSE_NS = TimeUnit.MILLISECONDS.toNanos(50);
    /** Default time a change waits for a secondary or home standby that does not answer, nanoseconds (10 s). */
    public static final long DEFAULT_REPLICA_PATIENCE_NS = TimeUnit.SECONDS.toNanos(10);
    /** Default pause before an append refused with EAGAIN is sent again, nanoseconds (20 ms). */
    public static final long DEFAULT_REPLICA_BUSY_PAUSE_NS = TimeUnit.MILLISECONDS.toNanos(20);
    /** Default pause before the GMM is asked again for a vRegion's secondary, nanoseconds (100 ms). */
    public static final long DEFAULT_REPLICA_GMM_PAUSE_NS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Default pause before a checkpoint is sent again to the home standby, nanoseconds (50 ms). */
    public static final long DEFAULT_HOME_STANDBY_PAUSE_NS = TimeUnit.MILLISECONDS.toNanos(50);
    /** Default pause before a failed backup write is tried again, nanoseconds (200 ms). */
    public static final long DEFAULT_BACKUP_RETRY_NS = TimeUnit.MILLISECONDS.toNanos(200);

    private Transport transport;
    private Endpoint listen;
    private Endpoint gmmEndpoint;
    private NanoClock clock;
    private long memoryBytes = DEFAULT_MEMORY_BYTES;
    private int replicaBatchBytes = ReplicaLogs.DEFAULT_BATCH_BYTES;
    private long timeoutNs = DEFAULT_TIMEOUT_NS;
    private long reconcileIntervalNs = DEFAULT_RECONCILE_INTERVAL_NS;
    private long ownerFailoverNs = DEFAULT_OWNER_FAILOVER_NS;
    private long ownerFailoverPauseNs = DEFAULT_OWNER_FAILOVER_PAUSE_NS;
    private long replicaPatienceNs = DEFAULT_REPLICA_PATIENCE_NS;
    private long replicaBusyPauseNs = DEFAULT_REPLICA_BUSY_PAUSE_NS;
    private long replicaGmmPauseNs = DEFAULT_REPLICA_GMM_PAUSE_NS;
    private long homeStandbyPauseNs = DEFAULT_HOME_STANDBY_PAUSE_NS;
    private long backupRetryNs = DEFAULT_BACKUP_RETRY_NS;
    private boolean concluded;

    /**
     * Validates and fills defaults.
     *
     * @return this.
     * @throws IllegalStateException    when a required setting is missing or already concluded.
     * @throws IllegalArgumentException when a value is out of range.
     */
    public MemoryContext conclude()
    {
        if (concluded)
        {
            throw new IllegalStateException("memory context already concluded");
        }
        if (transport == null)
        {
            throw new IllegalStateException("memory context: transport is required");
        }
        if (listen == null)
        {
            throw new IllegalStateException("memory context: listen endpoint is required");
        }
        if (gmmEndpoint == null)
        {
            throw new IllegalStateException("memory context: gmm endpoint is required");
        }
        if (memoryBytes <= 0 || (memoryBytes & (FramePool.FRAME_SIZE - 1)) != 0)
        {
            throw new IllegalArgumentException("memory size " + memoryBytes + " bytes is not a positive multiple of " +
                FramePool.FRAME_SIZE);
        }
        if (timeoutNs <= 0)
        {
            throw new IllegalArgumentException("timeoutNs " + timeoutNs + " must be positive");
        }
        requirePositive("reconcileIntervalNs", reconcileIntervalNs);
        requirePositive("ownerFailoverNs", ownerFailoverNs);
        requirePositive("ownerFailoverPauseNs", ownerFailoverPauseNs);
        requirePositive("replicaPatienceNs", replicaPatienceNs);
        requirePositive("replicaBusyPauseNs", replicaBusyPauseNs);
        requirePositive("replicaGmmPauseNs", replicaGmmPauseNs);
        requirePositive("homeStandbyPauseNs", homeStandbyPauseNs);
        requirePositive("backupRetryNs", backupRetryNs);
        if (clock == null)
        {
            clock = new SystemNanoClock();
        }
        concluded = true;
        return this;
    }

    private static void requirePositive(final String name, final long valueNs)
    {
        if (valueNs <= 0)
        {
            throw new IllegalArgumentException(name + " " + valueNs + " must be positive");
        }
    }

    /** True once {@link #conclude()} succeeded. */
    public boolean isConcluded()
    {
        return concluded;
    }

    public MemoryContext transport(final Transport transport)
    {
        this.transport = transport;
        return this;
    }

    public Transport transport()
    {
        return transport;
    }

    public MemoryContext listen(final Endpoint listen)
    {
        this.listen = listen;
        return this;
    }

    public Endpoint listen()
    {
        return listen;
    }

    public MemoryContext gmmEndpoint(final Endpoint gmmEndpoint)
    {
        this.gmmEndpoint = gmmEndpoint;
        return this;
    }

    public Endpoint gmmEndpoint()
    {
        return gmmEndpoint;
    }

    public MemoryContext clock(final NanoClock clock)
    {
        this.clock = clock;
        return this;
    }

    public NanoClock clock()
    {
        return clock;
    }

    /** Emulated memory size, bytes; the frame pool never grows past it. */
    public MemoryContext memoryBytes(final long memoryBytes)
    {
        this.memoryBytes = memoryBytes;
        return this;
    }

    public long memoryBytes()
    {
        return memoryBytes;
    }

    /**
     * Bytes per batch of a secondary's replica log written to the backup file on the sComponent; default 1 MiB.
     *
     * @throws IllegalArgumentException unless a positive multiple of 4096 up to 1 MiB (the largest storage write).
     */
    public MemoryContext replicaBatchBytes(final int replicaBatchBytes)
    {
        if (replicaBatchBytes <= 0 || replicaBatchBytes % FramePool.FRAME_SIZE != 0 ||
            replicaBatchBytes > ReplicaLogs.DEFAULT_BATCH_BYTES)
        {
            throw new IllegalArgumentException("replica batch " + replicaBatchBytes +
                " bytes is not a positive multiple of 4096 up to 1 MiB");
        }
        this.replicaBatchBytes = replicaBatchBytes;
        return this;
    }

    /** Bytes per replica-log batch. */
    public int replicaBatchBytes()
    {
        return replicaBatchBytes;
    }

    /** Per-request timeout, nanoseconds. */
    public MemoryContext timeoutNs(final long timeoutNs)
    {
        this.timeoutNs = timeoutNs;
        return this;
    }

    public long timeoutNs()
    {
        return timeoutNs;
    }

    /**
     * How often the monitor asks the GMM which of the processes it holds state for are gone, nanoseconds; a
     * process's state is freed after two such answers in a row (see {@link ProcessReconciler}); default 2 s.
     */
    public MemoryContext reconcileIntervalNs(final long reconcileIntervalNs)
    {
        this.reconcileIntervalNs = reconcileIntervalNs;
        return this;
    }

    public long reconcileIntervalNs()
    {
        return reconcileIntervalNs;
    }

    /**
     * How long a home keeps asking the GMM for a new owner of a vRegion whose owner stopped answering (the GMM
     * names the promoted secondary once it has declared the owner DEAD), nanoseconds; default 10 s.
     */
    public MemoryContext ownerFailoverNs(final long ownerFailoverNs)
    {
        this.ownerFailoverNs = ownerFailoverNs;
        return this;
    }

    public long ownerFailoverNs()
    {
        return ownerFailoverNs;
    }

    /**
     * Pause before each question to the GMM for a vRegion's new owner, with the state lock given up, nanoseconds;
     * default 50 ms.
     */
    public MemoryContext ownerFailoverPauseNs(final long ownerFailoverPauseNs)
    {
        this.ownerFailoverPauseNs = ownerFailoverPauseNs;
        return this;
    }

    public long ownerFailoverPauseNs()
    {
        return ownerFailoverPauseNs;
    }

    /**
     * How long one change waits for a secondary that does not answer but that the GMM still names (slow, or cut
     * off from this primary only) before it is answered unreplicated, and how long a home keeps sending a checkpoint
     * to a home standby that does not take it, nanoseconds; default 10 s.
     */
    public MemoryContext replicaPatienceNs(final long replicaPatienceNs)
    {
        this.replicaPatienceNs = replicaPatienceNs;
        return this;
    }

    public long replicaPatienceNs()
    {
        return replicaPatienceNs;
    }

    /**
     * Pause before an append the secondary refused with EAGAIN (its backup writes are behind) is sent again,
     * nanoseconds; default 20 ms.
     */
    public MemoryContext replicaBusyPauseNs(final long replicaBusyPauseNs)
    {
        this.replicaBusyPauseNs = replicaBusyPauseNs;
        return this;
    }

    public long replicaBusyPauseNs()
    {
        return replicaBusyPauseNs;
    }

    /**
     * Pause before the GMM is asked again for a vRegion's secondary (it could not be asked, or named none yet),
     * nanoseconds; default 100 ms.
     */
    public MemoryContext replicaGmmPauseNs(final long replicaGmmPauseNs)
    {
        this.replicaGmmPauseNs = replicaGmmPauseNs;
        return this;
    }

    public long replicaGmmPauseNs()
    {
        return replicaGmmPauseNs;
    }

    /**
     * Pause before a checkpoint the home standby did not take is sent again, nanoseconds; default 50 ms.
     */
    public MemoryContext homeStandbyPauseNs(final long homeStandbyPauseNs)
    {
        this.homeStandbyPauseNs = homeStandbyPauseNs;
        return this;
    }

    public long homeStandbyPauseNs()
    {
        return homeStandbyPauseNs;
    }

    /**
     * Pause before a failed write of a replica-log batch to its backup file on the sComponent is tried again,
     * nanoseconds; default 200 ms.
     */
    public MemoryContext backupRetryNs(final long backupRetryNs)
    {
        this.backupRetryNs = backupRetryNs;
        return this;
    }

    public long backupRetryNs()
    {
        return backupRetryNs;
    }
}
