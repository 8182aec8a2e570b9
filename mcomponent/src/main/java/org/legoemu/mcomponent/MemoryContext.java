package org.legoemu.mcomponent;

import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Transport;
import org.legoemu.mcomponent.owner.FramePool;
import org.legoemu.mcomponent.replica.ReplicaLogs;

/**
 * Settings of a {@link MemoryMonitor} (Aeron-style context: fluent setters, {@link #conclude()} validates and fills
 * defaults before start).
 *
 * <ul>
 * <li>{@code transport} (required): how the monitor serves and calls.</li>
 * <li>{@code listen} (required): where to serve; port 0 picks a free one.</li>
 * <li>{@code gmmEndpoint} (required): the global manager.</li>
 * <li>{@code clock}: default {@link SystemNanoClock}.</li>
 * <li>{@code memoryBytes}: size of the emulated physical memory, a hard limit on frames; default 1 GiB, a positive
 * multiple of 4096.</li>
 * <li>{@code timeoutNs}: per-request timeout and registration retry deadline; default 10 s.</li>
 * <li>{@code reconcileIntervalNs}: how often the monitor asks the GMM which of its processes are gone, to free
 * what a failed exit left behind ({@link ProcessReconciler}); default 2 s.</li>
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

    private Transport transport;
    private Endpoint listen;
    private Endpoint gmmEndpoint;
    private NanoClock clock;
    private long memoryBytes = DEFAULT_MEMORY_BYTES;
    private int replicaBatchBytes = ReplicaLogs.DEFAULT_BATCH_BYTES;
    private long timeoutNs = DEFAULT_TIMEOUT_NS;
    private long reconcileIntervalNs = DEFAULT_RECONCILE_INTERVAL_NS;
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
        if (reconcileIntervalNs <= 0)
        {
            throw new IllegalArgumentException("reconcileIntervalNs " + reconcileIntervalNs + " must be positive");
        }
        if (clock == null)
        {
            clock = new SystemNanoClock();
        }
        concluded = true;
        return this;
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
}
