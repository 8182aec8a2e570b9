package org.legoemu.scomponent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Transport;
import org.legoemu.fabric.faults.StorageFaults;

/**
 * Settings of a {@link StorageMonitor}, Aeron style: set fields, then {@link #conclude()} validates them and
 * fills defaults.
 */
public final class StorageContext
{
    /** Default request timeout: 10 s. */
    public static final long DEFAULT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    /**
     * Default lock grace period after a restart with locks held, ns: 2 s. A guess, sized on the pComponents' side:
     * they look for a new sComponent every 100 ms (LockReclaimer.POLL_NS) and reclaim in one round trip per lock, so
     * 2 s leaves them 20 polls; NFS servers use 90 s (a lease) for clients that may be far slower to notice.
     */
    public static final long DEFAULT_LOCK_GRACE_NS = TimeUnit.SECONDS.toNanos(2);

    private Transport transport;
    private Endpoint listenEndpoint;
    private Endpoint gmmEndpoint;
    private Path rootDirectory;
    private Path backupDirectory;
    private NanoClock nanoClock;
    private long timeoutNs = DEFAULT_TIMEOUT_NS;
    private String name = "scomponent";
    private StorageFaults storageFaults = StorageFaults.NONE;
    private long lockGraceNs = DEFAULT_LOCK_GRACE_NS;
    private boolean concluded;

    /**
     * Validates the settings and fills defaults (clock: {@link SystemNanoClock}).
     *
     * @return this.
     * @throws IllegalStateException    if transport, listen endpoint, GMM endpoint or root directory is missing.
     * @throws IllegalArgumentException if the root is not an existing directory, the timeout is not positive or the
     *                                  lock grace is negative.
     */
    public StorageContext conclude()
    {
        if (transport == null)
        {
            throw new IllegalStateException("scomponent: transport is not set");
        }
        if (listenEndpoint == null)
        {
            throw new IllegalStateException("scomponent: listen endpoint is not set");
        }
        if (gmmEndpoint == null)
        {
            throw new IllegalStateException("scomponent: gmm endpoint is not set");
        }
        if (rootDirectory == null)
        {
            throw new IllegalStateException("scomponent: root directory is not set");
        }
        if (!Files.exists(rootDirectory))
        {
            throw new IllegalArgumentException("scomponent: root directory " + rootDirectory + " does not exist");
        }
        if (!Files.isDirectory(rootDirectory))
        {
            throw new IllegalArgumentException("scomponent: root " + rootDirectory + " is not a directory");
        }
        if (backupDirectory == null)
        {
            backupDirectory = rootDirectory.resolve(BackupArea.DEFAULT_DIRECTORY_NAME);
        }
        if (timeoutNs <= 0)
        {
            throw new IllegalArgumentException("scomponent: timeoutNs must be > 0, was " + timeoutNs);
        }
        if (lockGraceNs < 0)
        {
            throw new IllegalArgumentException("scomponent: lockGraceNs must be >= 0, was " + lockGraceNs);
        }
        if (nanoClock == null)
        {
            nanoClock = SystemNanoClock.INSTANCE;
        }
        concluded = true;
        return this;
    }

    /** True once {@link #conclude()} succeeded. */
    public boolean isConcluded()
    {
        return concluded;
    }

    public Transport transport()
    {
        return transport;
    }

    /** Transport to serve on and to call the GMM through. Required. */
    public StorageContext transport(final Transport transport)
    {
        this.transport = transport;
        return this;
    }

    public Endpoint listenEndpoint()
    {
        return listenEndpoint;
    }

    /** Where to serve; port 0 picks a free port. Required. */
    public StorageContext listenEndpoint(final Endpoint listenEndpoint)
    {
        this.listenEndpoint = listenEndpoint;
        return this;
    }

    public Endpoint gmmEndpoint()
    {
        return gmmEndpoint;
    }

    /** The GMM to register with. Required. */
    public StorageContext gmmEndpoint(final Endpoint gmmEndpoint)
    {
        this.gmmEndpoint = gmmEndpoint;
        return this;
    }

    public Path rootDirectory()
    {
        return rootDirectory;
    }

    /** The host directory that is the root ("/") of the storage namespace. Required; must exist. */
    public StorageContext rootDirectory(final Path rootDirectory)
    {
        this.rootDirectory = rootDirectory;
        return this;
    }

    public Path backupDirectory()
    {
        return backupDirectory;
    }

    /**
     * The host directory of the replica backup area ({@link BackupArea}); default {@code ROOT/.lego-replica}.
     * Inside the root or outside it, no guest path can name it. It must not contain the root.
     */
    public StorageContext backupDirectory(final Path backupDirectory)
    {
        this.backupDirectory = backupDirectory;
        return this;
    }

    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    /** Clock for timeouts; default {@link SystemNanoClock}. */
    public StorageContext nanoClock(final NanoClock nanoClock)
    {
        this.nanoClock = nanoClock;
        return this;
    }

    public long timeoutNs()
    {
        return timeoutNs;
    }

    /** Timeout of each call to the GMM, and of the whole registration retry loop; default 10 s. */
    public StorageContext timeoutNs(final long timeoutNs)
    {
        this.timeoutNs = timeoutNs;
        return this;
    }

    public String name()
    {
        return name;
    }

    /** Name for threads and log lines; default "scomponent". */
    public StorageContext name(final String name)
    {
        this.name = name;
        return this;
    }

    public StorageFaults storageFaults()
    {
        return storageFaults;
    }

    /**
     * Injected storage errors: asked before each read, write, truncate and fsync whether to fail it with EIO
     * (chaos runs and tests); default {@link StorageFaults#NONE}.
     */
    public StorageContext storageFaults(final StorageFaults storageFaults)
    {
        this.storageFaults = storageFaults;
        return this;
    }

    public long lockGraceNs()
    {
        return lockGraceNs;
    }

    /**
     * How long, after a start that finds its predecessor stopped with locks held ({@link LockHolderRecord}), only lock
     * reclaims are granted (NLM's grace period): the pComponents re-assert the locks their processes hold, and every
     * other lock or F_GETLK waits. Default {@link #DEFAULT_LOCK_GRACE_NS}; 0: no grace (locks held before a restart
     * may be granted to others).
     */
    public StorageContext lockGraceNs(final long lockGraceNs)
    {
        this.lockGraceNs = lockGraceNs;
        return this;
    }
}
