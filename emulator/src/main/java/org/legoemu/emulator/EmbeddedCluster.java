package org.legoemu.emulator;

import org.agrona.IoUtil;
import org.legoemu.abi.Signal;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.Transport;
import org.legoemu.fabric.faults.FaultInjector;
import org.legoemu.fabric.faults.FaultSchedule;
import org.legoemu.fabric.faults.StorageFaults;
import org.legoemu.fabric.inproc.InJvmTransport;
import org.legoemu.fabric.auth.ClusterSecret;
import org.legoemu.fabric.netty.NettyTransport;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.fabric.proxy.Placement;
import org.legoemu.gmm.GlobalManager;
import org.legoemu.gmm.GmmContext;
import org.legoemu.gmm.Replication;
import org.legoemu.gmm.VRegionPlacement;
import org.legoemu.mcomponent.MemoryContext;
import org.legoemu.mcomponent.MemoryMonitor;
import org.legoemu.pcomponent.LaunchException;
import org.legoemu.pcomponent.LaunchRequest;
import org.legoemu.pcomponent.ProcessResult;
import org.legoemu.pcomponent.ProcessorContext;
import org.legoemu.pcomponent.ProcessorMonitor;
import org.legoemu.pcomponent.excache.ExCache;
import org.legoemu.pcomponent.excache.PrefetchMode;
import org.legoemu.pcomponent.files.FileCache;
import org.legoemu.pcomponent.linux.Console;
import org.legoemu.pcomponent.model.FabricModel;
import org.legoemu.pcomponent.model.FabricProfile;
import org.legoemu.pcomponent.model.GuestClock;
import org.legoemu.scomponent.StorageContext;
import org.legoemu.scomponent.StorageMonitor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A whole cluster in this JVM: one GMM, one sComponent, N mComponents and N pComponents, each a real monitor
 * that talks to the others only through SBE messages over the chosen transport (Netty TCP on loopback, or the
 * in-JVM transport). Used by {@code lego run} and by the tests.
 */
public final class EmbeddedCluster implements AutoCloseable
{
    private static final String LOOPBACK = "127.0.0.1";
    /** How long a call between monitors waits for its reply by default, nanoseconds. */
    public static final long DEFAULT_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    /** Name of the GMM for a {@link FaultInjector}. */
    public static final String GMM = FaultSchedule.GMM;
    /** Name of the sComponent for a {@link FaultInjector}. */
    public static final String SCOMPONENT = FaultSchedule.SCOMPONENT;
    /** Name of the client that places processes (and of the exec caller) for a {@link FaultInjector}. */
    public static final String CLIENT = "client";

    /**
     * What to start.
     *
     * @param pcomponents   number of pComponents (at least 1).
     * @param mcomponents   number of mComponents (at least 1).
     * @param excacheBytes  ExCache size of each pComponent, bytes.
     * @param excacheWays   ExCache associativity (0 = fully associative).
     * @param excachePolicy fifo, lru or random.
     * @param excacheVictims ExCache victim buffer entries, lines (0: none).
     * @param excachePiggyback whether write-backs done by ExCache misses ride on the miss request.
     * @param memoryBytes   memory of each mComponent, bytes.
     * @param storageRoot   the sComponent's root directory.
     * @param transport     {@code tcp} or {@code inproc}.
     * @param placement     the GMM's vRegion placement policy.
     * @param excacheZeroFill whether fresh anonymous pages are created zeroed on the pComponent, not fetched.
     * @param replication   the GMM's memory replication mode (LegoOS §4.7); without a second mComponent there is
     *                      nothing to replicate to.
     * @param fabricProfile the timing model's fabric profile (docs/modeled-time.md).
     * @param guestClock    which time guests read.
     * @param excachePrefetch the ExCache prefetcher ({@link PrefetchMode#NONE} by default).
     * @param excachePrefetchDepth lines the prefetcher fetches ahead per trigger.
     * @param fileCacheBytes size of each pComponent's file cache, bytes (0: none; {@link FileCache}).
     */
    public record Config(
        int pcomponents, int mcomponents, long excacheBytes, int excacheWays, String excachePolicy,
        int excacheVictims, boolean excachePiggyback, long memoryBytes, Path storageRoot, String transport,
        VRegionPlacement placement, boolean excacheZeroFill, Replication replication, FabricProfile fabricProfile,
        GuestClock guestClock, PrefetchMode excachePrefetch, int excachePrefetchDepth, long fileCacheBytes)
    {
        /** A configuration without a prefetcher and with the default file cache ({@link FileCache#DEFAULT_BYTES}). */
        public Config(
            final int pcomponents, final int mcomponents, final long excacheBytes, final int excacheWays,
            final String excachePolicy, final int excacheVictims, final boolean excachePiggyback,
            final long memoryBytes, final Path storageRoot, final String transport, final VRegionPlacement placement,
            final boolean excacheZeroFill, final Replication replication, final FabricProfile fabricProfile,
            final GuestClock guestClock)
        {
            this(pcomponents, mcomponents, excacheBytes, excacheWays, excachePolicy, excacheVictims, excachePiggyback,
                memoryBytes, storageRoot, transport, placement, excacheZeroFill, replication, fabricProfile,
                guestClock, PrefetchMode.NONE, PrefetchMode.DEFAULT_DEPTH, FileCache.DEFAULT_BYTES);
        }

        /** This configuration with another ExCache prefetcher. */
        public Config withPrefetch(final PrefetchMode mode, final int depth)
        {
            return new Config(pcomponents, mcomponents, excacheBytes, excacheWays, excachePolicy, excacheVictims,
                excachePiggyback, memoryBytes, storageRoot, transport, placement, excacheZeroFill, replication,
                fabricProfile, guestClock, mode, depth, fileCacheBytes);
        }

        /** This configuration with another file cache size, bytes (0: none). */
        public Config withFileCache(final long bytes)
        {
            return new Config(pcomponents, mcomponents, excacheBytes, excacheWays, excachePolicy, excacheVictims,
                excachePiggyback, memoryBytes, storageRoot, transport, placement, excacheZeroFill, replication,
                fabricProfile, guestClock, excachePrefetch, excachePrefetchDepth, bytes);
        }

        /** A configuration with the default fabric profile ({@code legoos-ib40}) and the host guest clock. */
        public Config(
            final int pcomponents, final int mcomponents, final long excacheBytes, final int excacheWays,
            final String excachePolicy, final int excacheVictims, final boolean excachePiggyback,
            final long memoryBytes, final Path storageRoot, final String transport, final VRegionPlacement placement,
            final boolean excacheZeroFill, final Replication replication)
        {
            this(pcomponents, mcomponents, excacheBytes, excacheWays, excachePolicy, excacheVictims, excachePiggyback,
                memoryBytes, storageRoot, transport, placement, excacheZeroFill, replication,
                FabricProfile.LEGOOS_IB40, GuestClock.HOST);
        }

        /** This configuration with another fabric profile and guest clock. */
        public Config withModel(final FabricProfile profile, final GuestClock clock)
        {
            return new Config(pcomponents, mcomponents, excacheBytes, excacheWays, excachePolicy, excacheVictims,
                excachePiggyback, memoryBytes, storageRoot, transport, placement, excacheZeroFill, replication, profile,
                clock, excachePrefetch, excachePrefetchDepth, fileCacheBytes);
        }

        /** A configuration with the default replication ({@link Replication#DEFAULT}). */
        public Config(
            final int pcomponents, final int mcomponents, final long excacheBytes, final int excacheWays,
            final String excachePolicy, final int excacheVictims, final boolean excachePiggyback,
            final long memoryBytes, final Path storageRoot, final String transport, final VRegionPlacement placement,
            final boolean excacheZeroFill)
        {
            this(pcomponents, mcomponents, excacheBytes, excacheWays, excachePolicy, excacheVictims, excachePiggyback,
                memoryBytes, storageRoot, transport, placement, excacheZeroFill, Replication.DEFAULT);
        }

        /** This configuration with another vRegion placement policy. */
        public Config withPlacement(final VRegionPlacement policy)
        {
            return new Config(pcomponents, mcomponents, excacheBytes, excacheWays, excachePolicy, excacheVictims,
                excachePiggyback, memoryBytes, storageRoot, transport, policy, excacheZeroFill, replication,
                fabricProfile, guestClock, excachePrefetch, excachePrefetchDepth, fileCacheBytes);
        }

        /** This configuration with another replication mode. */
        public Config withReplication(final Replication mode)
        {
            return new Config(pcomponents, mcomponents, excacheBytes, excacheWays, excachePolicy, excacheVictims,
                excachePiggyback, memoryBytes, storageRoot, transport, placement, excacheZeroFill, mode, fabricProfile,
                guestClock, excachePrefetch, excachePrefetchDepth, fileCacheBytes);
        }

        /** A configuration with zero-fill on. */
        public Config(
            final int pcomponents, final int mcomponents, final long excacheBytes, final int excacheWays,
            final String excachePolicy, final int excacheVictims, final boolean excachePiggyback,
            final long memoryBytes, final Path storageRoot, final String transport, final VRegionPlacement placement)
        {
            this(pcomponents, mcomponents, excacheBytes, excacheWays, excachePolicy, excacheVictims, excachePiggyback,
                memoryBytes, storageRoot, transport, placement, true);
        }

        /** A configuration with the default vRegion placement ({@link VRegionPlacement#DEFAULT}). */
        public Config(
            final int pcomponents, final int mcomponents, final long excacheBytes, final int excacheWays,
            final String excachePolicy, final int excacheVictims, final boolean excachePiggyback,
            final long memoryBytes, final Path storageRoot, final String transport)
        {
            this(pcomponents, mcomponents, excacheBytes, excacheWays, excachePolicy, excacheVictims, excachePiggyback,
                memoryBytes, storageRoot, transport, VRegionPlacement.DEFAULT);
        }

        /** A configuration with the default victim buffer ({@value ExCache#DEFAULT_VICTIMS} lines) and piggyback. */
        public Config(
            final int pcomponents, final int mcomponents, final long excacheBytes, final int excacheWays,
            final String excachePolicy, final long memoryBytes, final Path storageRoot, final String transport)
        {
            this(pcomponents, mcomponents, excacheBytes, excacheWays, excachePolicy, ExCache.DEFAULT_VICTIMS, true,
                memoryBytes, storageRoot, transport);
        }

        /** Validates the numbers and names; throws IllegalArgumentException naming the bad one. */
        public Config
        {
            if (pcomponents < 1)
            {
                throw new IllegalArgumentException("--pcomponents must be at least 1");
            }
            if (mcomponents < 1)
            {
                throw new IllegalArgumentException("--mcomponents must be at least 1");
            }
            if (!transport.equals("tcp") && !transport.equals("inproc"))
            {
                throw new IllegalArgumentException("--transport must be tcp or inproc, not '" + transport + "'");
            }
            if (placement == null)
            {
                throw new IllegalArgumentException("--placement must be roundrobin, least-loaded or most-free");
            }
            if (replication == null)
            {
                throw new IllegalArgumentException("--replication must be off or log");
            }
            if (fabricProfile == null || guestClock == null)
            {
                throw new IllegalArgumentException("no fabric profile or guest clock");
            }
            if (excachePrefetch == null)
            {
                throw new IllegalArgumentException("--excache-prefetch must be none, sequential or stride");
            }
            if (excachePrefetchDepth < 1 || excachePrefetchDepth > PrefetchMode.MAX_DEPTH)
            {
                throw new IllegalArgumentException(
                    "--excache-prefetch-depth must be 1 to " + PrefetchMode.MAX_DEPTH + ", not " + excachePrefetchDepth);
            }
            if (fileCacheBytes < 0 || fileCacheBytes > FileCache.MAX_BYTES)
            {
                throw new IllegalArgumentException("--file-cache must be between 0 and 1GiB");
            }
        }
    }

    private final Config config;
    private final Transport transport;
    private final FaultInjector faults;
    private final long timeoutNs;
    private final long reconcileIntervalNs;
    private final List<AutoCloseable> started = new ArrayList<>();
    private final List<MemoryMonitor> memories = new ArrayList<>();
    private final List<ProcessorMonitor> processors = new ArrayList<>();
    private GlobalManager gmm;
    private GmmProxy gmmProxy;
    private Path backupDirectory;
    private volatile Endpoint storageEndpoint;

    private EmbeddedCluster(
        final Config config, final FaultInjector faults, final long timeoutNs, final long reconcileIntervalNs)
    {
        this.config = config;
        this.faults = faults;
        this.timeoutNs = timeoutNs;
        this.reconcileIntervalNs = reconcileIntervalNs;
        this.transport = config.transport().equals("tcp") ?
            new NettyTransport(new NettyTransport.Context().secret(ClusterSecret.generate())) : new InJvmTransport();
    }

    /**
     * Starts every monitor and waits until each has registered with the GMM.
     *
     * @throws IllegalArgumentException or IllegalStateException for impossible settings.
     * @throws FabricException if a monitor cannot be started.
     */
    public static EmbeddedCluster start(final Config config)
    {
        return start(config, null, DEFAULT_TIMEOUT_NS);
    }

    /**
     * Starts every monitor, each talking through its own view of the transport from {@code faults} (named
     * {@value #GMM}, {@value #SCOMPONENT}, {@code mcomponent-I}, {@code pcomponent-I} with I from 1 in start
     * order, and {@value #CLIENT}), and waits until each has registered with the GMM. The injector is not started
     * here. Over {@code tcp} a CRASH closes the crashed component's connections, as a process crash does
     * ({@link FaultInjector#closeConnectionsOnCrash}); over {@code inproc} its server stays up and never answers.
     *
     * @param faults    the injector, or null for none.
     * @param timeoutNs how long every call between monitors waits for its reply, nanoseconds.
     * @throws IllegalArgumentException or IllegalStateException for impossible settings.
     * @throws FabricException if a monitor cannot be started.
     */
    public static EmbeddedCluster start(final Config config, final FaultInjector faults, final long timeoutNs)
    {
        return start(config, faults, timeoutNs, MemoryContext.DEFAULT_RECONCILE_INTERVAL_NS);
    }

    /**
     * As {@link #start(Config, FaultInjector, long)}, with the mComponents reconciling with the GMM every
     * {@code reconcileIntervalNs} nanoseconds ({@link MemoryContext#reconcileIntervalNs}).
     */
    public static EmbeddedCluster start(
        final Config config, final FaultInjector faults, final long timeoutNs, final long reconcileIntervalNs)
    {
        if (timeoutNs <= 0)
        {
            throw new IllegalArgumentException("timeout " + timeoutNs + " ns must be > 0");
        }
        if (faults != null)
        {
            faults.closeConnectionsOnCrash(config.transport().equals("tcp"));
        }
        final EmbeddedCluster cluster = new EmbeddedCluster(config, faults, timeoutNs, reconcileIntervalNs);
        try
        {
            cluster.startMonitors();
            return cluster;
        }
        catch (final RuntimeException ex)
        {
            cluster.close();
            throw ex;
        }
    }

    /**
     * The sComponent's replica backup area for this cluster's lifetime: a fresh private temporary directory
     * (mode 0700), removed when the cluster closes. It is never inside the guests' namespace unless the storage
     * root contains the temporary directory, and then the sComponent hides it.
     */
    private Path temporaryBackupDirectory()
    {
        try
        {
            final Path directory = Files.createTempDirectory("lego-replica-");
            started.add(0, () -> IoUtil.delete(directory.toFile(), true));
            return directory;
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot create a temporary directory for replica backups: " +
                ex.getMessage(), ex);
        }
    }

    /** The host directory of the sComponent's replica backup area (for tests and the durability probe). */
    public Path backupDirectory()
    {
        return backupDirectory;
    }

    /**
     * How long a guest's file operation retries an unreachable sComponent, ns: ten call timeouts, but at least the
     * pComponent's lease ({@link GmmContext#DEFAULT_PCOMPONENT_LEASE_NS}, 3 s) plus one timeout, and at most the
     * pComponent's default (30 s); 3.2 s with the chaos harness's 200 ms timeout. The lease is the floor because a
     * partition the pComponent survives (shorter than its lease, past which it kills its guests anyway) must not fail
     * their file operations either (chaos seed 29041 over TCP: a read returned EIO after a partition of the
     * pComponent, with a 2 s window).
     */
    public static long retryWindowNs(final long timeoutNs)
    {
        return Math.min(ProcessorContext.DEFAULT_RETRY_WINDOW_NS,
            Math.max(10 * timeoutNs, GmmContext.DEFAULT_PCOMPONENT_LEASE_NS + timeoutNs));
    }

    private Endpoint any()
    {
        return config.transport().equals("tcp") ? new Endpoint(LOOPBACK, 0) : new Endpoint("inproc", 0);
    }

    private void startMonitors()
    {
        gmm = startGmm(any());
        started.add(gmm);
        final Endpoint gmmEndpoint = gmm.endpoint();
        backupDirectory = temporaryBackupDirectory();
        final StorageMonitor storage = startStorage(SCOMPONENT, gmmEndpoint);
        started.add(storage);
        storageEndpoint = storage.endpoint();
        for (int i = 0; i < config.mcomponents(); i++)
        {
            final MemoryMonitor memory = new MemoryMonitor(new MemoryContext()
                .transport(view(memoryName(i))).listen(any()).gmmEndpoint(gmmEndpoint)
                .memoryBytes(config.memoryBytes()).timeoutNs(timeoutNs)
                .reconcileIntervalNs(reconcileIntervalNs)).start();
            started.add(memory);
            memories.add(memory);
        }
        final FabricModel fabricModel = new FabricModel(config.fabricProfile(), config.mcomponents(),
            config.replication() != Replication.OFF && config.mcomponents() >= 2);
        for (int i = 0; i < config.pcomponents(); i++)
        {
            final ProcessorMonitor processor = new ProcessorMonitor(new ProcessorContext()
                .fabricModel(fabricModel).guestClock(config.guestClock())
                .transport(view(processorName(i))).listen(any()).gmm(gmmEndpoint)
                .excacheBytes(config.excacheBytes()).excacheWays(config.excacheWays())
                .excachePolicy(config.excachePolicy()).excacheVictims(config.excacheVictims())
                .excachePiggyback(config.excachePiggyback()).excacheZeroFill(config.excacheZeroFill())
                .excachePrefetch(config.excachePrefetch(), config.excachePrefetchDepth())
                .fileCacheBytes(config.fileCacheBytes())
                .timeoutNs(timeoutNs).retryWindowNs(retryWindowNs(timeoutNs))).start();
            started.add(processor);
            processors.add(processor);
        }
        gmmProxy = new GmmProxy(view(CLIENT).connect(gmmEndpoint), timeoutNs);
    }

    private StorageMonitor startStorage(final String name, final Endpoint gmmEndpoint)
    {
        return new StorageMonitor(new StorageContext()
            .transport(view(name)).listenEndpoint(any()).gmmEndpoint(gmmEndpoint)
            .rootDirectory(config.storageRoot()).backupDirectory(backupDirectory).timeoutNs(timeoutNs)
            .storageFaults(faults == null ? StorageFaults.NONE : faults.storageFaultsFor(name))).start();
    }

    /**
     * Starts a new sComponent on the same storage root and backup area, as a supervisor restarts a crashed one (the
     * sComponent is stateless: files and backups are in the host directories). It registers with the GMM under a new
     * id and a new endpoint; members find it by their next lookup (the GMM names the newest live sComponent), which
     * their storage proxies make after every failed attempt. Its fault-injector name is {@code name}, so faults (and
     * the crash) of the first one do not apply to it.
     *
     * @param name the new sComponent's fault-injector name, e.g. {@code scomponent-2}.
     * @throws FabricException if it cannot serve or register.
     */
    /**
     * Stops the sComponent serving now, as a crash would as far as its state goes: its lock table, duplicate request
     * cache and grace period are gone (the files and the backup area stay in the host directories). A new one is
     * started by {@link #restartStorage}.
     */
    public synchronized void stopStorage()
    {
        for (int i = started.size() - 1; i >= 0; i--)
        {
            if (started.get(i) instanceof StorageMonitor storage)
            {
                storage.close();
                started.remove(i);
                return;
            }
        }
    }

    public synchronized void restartStorage(final String name)
    {
        final StorageMonitor storage = startStorage(name, gmm.endpoint());
        started.add(storage);
        storageEndpoint = storage.endpoint();
    }

    private GlobalManager startGmm(final Endpoint at)
    {
        return new GlobalManager(new GmmContext().transport(view(GMM)).listenEndpoint(at).timeoutNs(timeoutNs)
            .vregionPlacementPolicy(config.placement().create()).replication(config.replication())
            .fabricModel(config.fabricProfile().name())).start();
    }

    /**
     * Stops the GMM and starts a fresh one, with no state, at the same endpoint, as an operator restarts a crashed
     * GMM daemon. The members find out from their next heartbeat (ENOENT) and register again
     * ({@link org.legoemu.fabric.proxy.ClusterMembership}); this returns without waiting for them.
     *
     * @param downNs how long no GMM serves, nanoseconds.
     * @return the new GMM.
     * @throws FabricException if the endpoint cannot be bound again.
     */
    public GlobalManager restartGmm(final long downNs) throws InterruptedException
    {
        final Endpoint at = gmm.endpoint();
        final int index = started.indexOf(gmm);
        gmm.close();
        TimeUnit.NANOSECONDS.sleep(downNs);
        gmm = startGmm(at);
        started.set(index, gmm);
        return gmm;
    }

    /** The {@link FaultInjector} name of the i-th mComponent (from 0 in {@link #memories()} order). */
    public static String memoryName(final int index)
    {
        return "mcomponent-" + (index + 1);
    }

    /** The {@link FaultInjector} name of the i-th pComponent (from 0 in {@link #processors()} order). */
    public static String processorName(final int index)
    {
        return "pcomponent-" + (index + 1);
    }

    /** Names of every component for a {@link FaultSchedule}: GMM, sComponent, mComponents, pComponents. */
    public static List<String> componentNames(final Config config)
    {
        final List<String> names = new ArrayList<>();
        names.add(GMM);
        names.add(SCOMPONENT);
        for (int i = 0; i < config.mcomponents(); i++)
        {
            names.add(memoryName(i));
        }
        for (int i = 0; i < config.pcomponents(); i++)
        {
            names.add(processorName(i));
        }
        return names;
    }

    private Transport view(final String component)
    {
        return faults == null ? transport : faults.transportFor(component, transport);
    }

    /**
     * Places a process through the GMM and runs it on the pComponent chosen, on the calling thread.
     *
     * @param path namespace path of the executable.
     * @param cwd  the guest's initial working directory (namespace path).
     * @throws LaunchException if it cannot be started.
     */
    public ProcessResult run(
        final String path, final List<String> argv, final List<String> envp, final String cwd, final Console console)
    {
        final Placement placement;
        try
        {
            placement = gmmProxy.placeProcess();
        }
        catch (final FabricException ex)
        {
            throw new LaunchException(ex.errno(), "the GMM could not place the process: " + ex.getMessage());
        }
        return processor(placement.pcomponentId()).execute(new LaunchRequest(placement, path, argv, envp, cwd, console));
    }

    /** Kills every process of every pComponent with {@code signal} ({@link ProcessorMonitor#killAll}). */
    public void killAll(final Signal signal, final String description)
    {
        for (final ProcessorMonitor p : processors)
        {
            p.killAll(signal, description);
        }
    }

    /** Where the sComponent serves. */
    public Endpoint storageEndpoint()
    {
        return storageEndpoint;
    }

    /** The pComponent with the given component id. */
    public ProcessorMonitor processor(final int componentId)
    {
        for (final ProcessorMonitor p : processors)
        {
            if (p.componentId() == componentId)
            {
                return p;
            }
        }
        throw new IllegalStateException("the GMM placed a process on unknown pComponent " + componentId);
    }

    public List<ProcessorMonitor> processors()
    {
        return processors;
    }

    public List<MemoryMonitor> memories()
    {
        return memories;
    }

    public GlobalManager gmm()
    {
        return gmm;
    }

    /** The fault injector the monitors talk through, or null. */
    public FaultInjector faults()
    {
        return faults;
    }

    /** The transport the monitors talk over, for clients of this cluster in the same JVM (tests, benchmarks). */
    public Transport transport()
    {
        return transport;
    }

    /** The figures of a finished run, from the first pComponent's ExCache and every mComponent. */
    public RunReport report(final ProcessResult result)
    {
        final List<RunReport.MemoryFigures> figures = new ArrayList<>();
        for (final MemoryMonitor m : memories)
        {
            figures.add(new RunReport.MemoryFigures(m.componentId(), m.peakFramesInUse(), m.framesInUse()));
        }
        return new RunReport(result, processors.get(0).excache(), config.excachePolicy(), figures,
            config.transport(), processors.get(0).fileCache());
    }

    /** Stops every monitor, pComponents first, the GMM last, then the transport. */
    @Override
    public void close()
    {
        for (int i = started.size() - 1; i >= 0; i--)
        {
            try
            {
                started.get(i).close();
            }
            catch (final Exception ex)
            {
                org.slf4j.LoggerFactory.getLogger(EmbeddedCluster.class).warn("stopping a monitor failed: {}", ex.toString());
            }
        }
        transport.close();
    }
}
