package org.legoemu.pcomponent;

import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Transport;
import org.legoemu.pcomponent.excache.EvictionPolicy;
import org.legoemu.pcomponent.excache.ExCache;
import org.legoemu.pcomponent.excache.PrefetchMode;
import org.legoemu.fabric.proxy.CallRetries;
import org.legoemu.pcomponent.files.FileCache;
import org.legoemu.pcomponent.memory.FailoverTimings;
import org.legoemu.pcomponent.model.FabricModel;
import org.legoemu.pcomponent.model.FabricProfile;
import org.legoemu.pcomponent.model.GuestClock;

import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

/**
 * Settings of a pComponent (Aeron-style context): set what you need, then {@link #conclude()} validates them and
 * fills defaults before the monitor starts.
 *
 * <p>Failover timings (docs/reliability.md, "Failover timings", lists them with the mComponent's and the GMM's),
 * handed to the failover classes as one {@link FailoverTimings} on {@link #nanoClock()}; each default is a guess
 * sized against the GMM's failure detection (0.8 s by default), not a measured figure:
 * <ul>
 * <li>{@code homeFailoverNs}: how long the pComponent asks the GMM for a process's new home or a vRegion's new owner
 * after calls to the old one failed; default 5 s.</li>
 * <li>{@code homeFailoverPauseNs}: pause between two such questions; default 50 ms.</li>
 * <li>{@code callRetries}: extra attempts of an idempotent request to an mComponent after a timeout; default 2.</li>
 * </ul>
 */
public final class ProcessorContext
{
    /** Default ExCache size: 64 MiB. */
    public static final long DEFAULT_EXCACHE_BYTES = 64L << 20;
    /** Default associativity: 8 ways. */
    public static final int DEFAULT_EXCACHE_WAYS = 8;
    /**
     * Default time a guest's file operation keeps retrying an unreachable sComponent before it fails with EIO, and
     * its GMM queries a GMM that does not answer: 30 s, long enough for a supervisor to restart a crashed sComponent
     * (docs/reliability.md).
     */
    public static final long DEFAULT_RETRY_WINDOW_NS = TimeUnit.SECONDS.toNanos(30);

    private Transport transport;
    private Endpoint listen;
    private Endpoint gmm;
    private long excacheBytes = DEFAULT_EXCACHE_BYTES;
    private int excacheWays = DEFAULT_EXCACHE_WAYS;
    private String excachePolicy = "lru";
    private int excacheVictims = ExCache.DEFAULT_VICTIMS;
    private boolean excachePiggyback = true;
    private boolean excacheZeroFill = true;
    private PrefetchMode excachePrefetch = PrefetchMode.NONE;
    private int excachePrefetchDepth = PrefetchMode.DEFAULT_DEPTH;
    private long fileCacheBytes = FileCache.DEFAULT_BYTES;
    private long timeoutNs = TimeUnit.SECONDS.toNanos(10);
    private long clientLeaseNs = TimeUnit.SECONDS.toNanos(30);
    private FabricModel fabricModel;
    private GuestClock guestClock = GuestClock.HOST;
    private boolean fabricModelFromGmm;
    private long retryWindowNs = DEFAULT_RETRY_WINDOW_NS;
    private NanoClock nanoClock = SystemNanoClock.INSTANCE;
    private long homeFailoverNs = FailoverTimings.DEFAULT_DEADLINE_NS;
    private long homeFailoverPauseNs = FailoverTimings.DEFAULT_PAUSE_NS;
    private int callRetries = CallRetries.DEFAULT_MAX_RETRIES;
    private FailoverTimings failoverTimings;

    public ProcessorContext transport(final Transport transport)
    {
        this.transport = transport;
        return this;
    }

    public Transport transport()
    {
        return transport;
    }

    /** Where this pComponent serves requests (port 0: any free port). */
    public ProcessorContext listen(final Endpoint listen)
    {
        this.listen = listen;
        return this;
    }

    public Endpoint listen()
    {
        return listen;
    }

    /** The GMM to join. */
    public ProcessorContext gmm(final Endpoint gmm)
    {
        this.gmm = gmm;
        return this;
    }

    public Endpoint gmm()
    {
        return gmm;
    }

    /** ExCache size in bytes (a multiple of ways x 4 KiB). */
    public ProcessorContext excacheBytes(final long excacheBytes)
    {
        this.excacheBytes = excacheBytes;
        return this;
    }

    public long excacheBytes()
    {
        return excacheBytes;
    }

    /** ExCache associativity; 0 means fully associative. */
    public ProcessorContext excacheWays(final int excacheWays)
    {
        this.excacheWays = excacheWays;
        return this;
    }

    public int excacheWays()
    {
        return excacheWays;
    }

    /** Eviction policy name: fifo, lru or random. */
    public ProcessorContext excachePolicy(final String excachePolicy)
    {
        this.excachePolicy = excachePolicy;
        return this;
    }

    public String excachePolicy()
    {
        return excachePolicy;
    }

    /** ExCache victim buffer entries, lines (LegoOS §4.3); 0 disables the buffer and its flusher thread. */
    public ProcessorContext excacheVictims(final int excacheVictims)
    {
        this.excacheVictims = excacheVictims;
        return this;
    }

    public int excacheVictims()
    {
        return excacheVictims;
    }

    /** Whether the ExCache piggybacks a miss's write-back on the miss request (LegoOS §4.3); default true. */
    public ProcessorContext excachePiggyback(final boolean excachePiggyback)
    {
        this.excachePiggyback = excachePiggyback;
        return this;
    }

    public boolean excachePiggyback()
    {
        return excachePiggyback;
    }

    /**
     * Size of the file cache in front of the sComponent, bytes (read(2), pread(2) and file-mapping fills;
     * {@link FileCache}); 0 disables it. Default {@link FileCache#DEFAULT_BYTES}.
     */
    public ProcessorContext fileCacheBytes(final long fileCacheBytes)
    {
        this.fileCacheBytes = fileCacheBytes;
        return this;
    }

    public long fileCacheBytes()
    {
        return fileCacheBytes;
    }

    /**
     * Whether the ExCache creates fresh anonymous pages zeroed on their first miss instead of fetching them
     * ("p-local" zero-fill); default true.
     */
    public ProcessorContext excacheZeroFill(final boolean excacheZeroFill)
    {
        this.excacheZeroFill = excacheZeroFill;
        return this;
    }

    public boolean excacheZeroFill()
    {
        return excacheZeroFill;
    }

    /**
     * The ExCache's prefetcher ({@link ExCache#prefetch}): none (default, as LegoOS), sequential or stride, fetching
     * up to {@code depth} lines ahead per trigger.
     */
    public ProcessorContext excachePrefetch(final PrefetchMode mode, final int depth)
    {
        this.excachePrefetch = mode;
        this.excachePrefetchDepth = depth;
        return this;
    }

    public PrefetchMode excachePrefetch()
    {
        return excachePrefetch;
    }

    public int excachePrefetchDepth()
    {
        return excachePrefetchDepth;
    }

    /**
     * How long a guest's file operation retries an unreachable sComponent (timeouts, refused or lost connections)
     * before it fails with EIO, and how long the GMM queries of its processes (process and vRegion lookups) are
     * retried after timeouts, ns; 0 for a single attempt. Default {@link #DEFAULT_RETRY_WINDOW_NS}.
     */
    public ProcessorContext retryWindowNs(final long retryWindowNs)
    {
        this.retryWindowNs = retryWindowNs;
        return this;
    }

    public long retryWindowNs()
    {
        return retryWindowNs;
    }

    /** The clock for timeouts and retry windows; default {@link SystemNanoClock}. */
    public ProcessorContext nanoClock(final NanoClock nanoClock)
    {
        this.nanoClock = nanoClock;
        return this;
    }

    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    /**
     * How long the pComponent asks the GMM for a process's new home or a vRegion's new owner after calls to the old
     * one failed in transport, ns; positive. Default {@link FailoverTimings#DEFAULT_DEADLINE_NS} (5 s).
     */
    public ProcessorContext homeFailoverNs(final long homeFailoverNs)
    {
        this.homeFailoverNs = homeFailoverNs;
        return this;
    }

    public long homeFailoverNs()
    {
        return homeFailoverNs;
    }

    /** Pause between two questions to the GMM during a failover, ns; positive. Default 50 ms. */
    public ProcessorContext homeFailoverPauseNs(final long homeFailoverPauseNs)
    {
        this.homeFailoverPauseNs = homeFailoverPauseNs;
        return this;
    }

    public long homeFailoverPauseNs()
    {
        return homeFailoverPauseNs;
    }

    /** Extra attempts of an idempotent request to an mComponent after a timeout ({@link CallRetries}); default 2. */
    public ProcessorContext callRetries(final int callRetries)
    {
        this.callRetries = callRetries;
        return this;
    }

    public int callRetries()
    {
        return callRetries;
    }

    /** The failover timings above on {@link #nanoClock()}, made by {@link #conclude()}. */
    public FailoverTimings failoverTimings()
    {
        return failoverTimings;
    }

    /** Timeout of each request to another monitor, ns. */
    public ProcessorContext timeoutNs(final long timeoutNs)
    {
        this.timeoutNs = timeoutNs;
        return this;
    }

    public long timeoutNs()
    {
        return timeoutNs;
    }

    /**
     * How long an exec client may go without polling or sending before its process is killed (SIGKILL) as
     * abandoned, ns.
     */
    public ProcessorContext clientLeaseNs(final long clientLeaseNs)
    {
        this.clientLeaseNs = clientLeaseNs;
        return this;
    }

    public long clientLeaseNs()
    {
        return clientLeaseNs;
    }

    /**
     * The cluster's timing model, shared by every pComponent of an embedded cluster so that their misses queue at the
     * same modeled mComponents; default: {@code legoos-ib40}, replicated write-backs, the mComponent count learnt from
     * the GMM at each launch.
     */
    public ProcessorContext fabricModel(final FabricModel fabricModel)
    {
        this.fabricModel = fabricModel;
        return this;
    }

    public FabricModel fabricModel()
    {
        return fabricModel;
    }

    /**
     * Whether the pComponent replaces {@link #fabricModel()}'s profile with the one the GMM names at registration (a
     * daemon started without {@code --fabric-model}: every member models with the cluster's profile); default false.
     */
    public ProcessorContext fabricModelFromGmm(final boolean fromGmm)
    {
        this.fabricModelFromGmm = fromGmm;
        return this;
    }

    public boolean fabricModelFromGmm()
    {
        return fabricModelFromGmm;
    }

    /** Which time guests read (docs/modeled-time.md, "Guest clock"); default {@link GuestClock#HOST}. */
    public ProcessorContext guestClock(final GuestClock guestClock)
    {
        this.guestClock = guestClock;
        return this;
    }

    public GuestClock guestClock()
    {
        return guestClock;
    }

    /**
     * Validates the settings.
     *
     * @throws IllegalStateException naming the first missing or impossible setting.
     */
    public ProcessorContext conclude()
    {
        if (transport == null)
        {
            throw new IllegalStateException("pComponent: no transport set");
        }
        if (fileCacheBytes < 0 || fileCacheBytes > FileCache.MAX_BYTES)
        {
            throw new IllegalArgumentException("--file-cache must be between 0 and 1GiB, not " + fileCacheBytes);
        }
        if (gmm == null)
        {
            throw new IllegalStateException("pComponent: no GMM address set");
        }
        if (listen == null)
        {
            throw new IllegalStateException("pComponent: no listen address set");
        }
        if (excacheBytes < 4096 || excacheBytes % 4096 != 0)
        {
            throw new IllegalStateException("pComponent: ExCache size " + excacheBytes + " bytes is not a positive multiple of 4 KiB");
        }
        final long lines = excacheBytes / 4096;
        if (excacheWays == 0)
        {
            excacheWays = (int)Math.min(lines, Integer.MAX_VALUE);
        }
        if (excacheWays < 0 || lines % excacheWays != 0)
        {
            throw new IllegalStateException("pComponent: an ExCache of " + lines + " lines cannot have " + excacheWays + " ways");
        }
        EvictionPolicy.named(excachePolicy);
        if (excacheVictims < 0 || excacheVictims > 4096)
        {
            throw new IllegalStateException(
                "pComponent: ExCache victim buffer of " + excacheVictims + " lines (expected 0 to 4096)");
        }
        if (excachePrefetchDepth < 1 || excachePrefetchDepth > PrefetchMode.MAX_DEPTH)
        {
            throw new IllegalStateException("pComponent: ExCache prefetch depth " + excachePrefetchDepth
                + " lines (expected 1 to " + PrefetchMode.MAX_DEPTH + ")");
        }
        if (timeoutNs <= 0)
        {
            throw new IllegalStateException("pComponent: timeout must be positive");
        }
        if (clientLeaseNs <= 0)
        {
            throw new IllegalStateException("pComponent: exec client lease must be positive");
        }
        if (fabricModel == null)
        {
            fabricModel = new FabricModel(FabricProfile.LEGOOS_IB40, 1, true);
        }
        if (guestClock == null)
        {
            throw new IllegalStateException("pComponent: no guest clock set");
        }
        if (retryWindowNs < 0)
        {
            throw new IllegalStateException("pComponent: storage retry window must not be negative");
        }
        if (nanoClock == null)
        {
            throw new IllegalStateException("pComponent: clock is not set");
        }
        try
        {
            failoverTimings = new FailoverTimings(nanoClock, homeFailoverNs, homeFailoverPauseNs, callRetries);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalStateException("pComponent: " + ex.getMessage());
        }
        return this;
    }
}
