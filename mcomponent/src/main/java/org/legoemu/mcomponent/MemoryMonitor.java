package org.legoemu.mcomponent;

import org.legoemu.fabric.Client;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.Server;
import org.legoemu.fabric.proxy.ClusterMembership;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.fabric.sbe.ComponentKind;
import org.legoemu.mcomponent.home.ClusterMemoryLimit;
import org.legoemu.mcomponent.home.ExecLoader;
import org.legoemu.mcomponent.home.ProcessHomes;
import org.legoemu.mcomponent.home.StorageImageSource;
import org.legoemu.mcomponent.owner.FramePool;
import org.legoemu.mcomponent.owner.OwnedPages;
import org.legoemu.mcomponent.replica.BackupWriter;
import org.legoemu.mcomponent.replica.RemoteHomeStandby;
import org.legoemu.mcomponent.replica.ReplicaLogs;
import org.legoemu.mcomponent.replica.Replicator;
import org.legoemu.mcomponent.replica.StorageBackup;
import org.legoemu.mcomponent.vregion.ProxyRemoteOwners;
import org.legoemu.mcomponent.vregion.UnlockedRemoteOwners;
import org.legoemu.mcomponent.vregion.VRegionRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The memory monitor (LegoOS mComponent, §5.2): serves P2M and M2M requests over the fabric, stores process pages
 * in a {@link FramePool}, keeps the VMA layout of the processes it is home of, and takes part in the cluster
 * protocol through {@link ClusterMembership}: {@link #start()} serves on the listen endpoint, registers with the GMM
 * as MCOMPONENT with capacity = memoryBytes (retrying every 100 ms while the GMM is not up, until the request
 * timeout) and heartbeats on a daemon thread with frames in use, requests served since the previous heartbeat and
 * free frames (the GMM's vRegion placement figures, see {@link MemoryLoad}), and every
 * {@link MemoryContext#reconcileIntervalNs} frees what it holds of processes the GMM has forgotten
 * ({@link ProcessReconciler}); {@link #close()} deregisters (best effort), stops heartbeats and the server and
 * releases the pool.
 */
public final class MemoryMonitor implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(MemoryMonitor.class);

    private final MemoryContext ctx;
    private FramePool pool;
    private Server server;
    private HomeThreadDispatch dispatch;
    private Client gmmClient;
    private ProxyRemoteOwners remoteOwners;
    private StorageImageSource images;
    private StorageBackup backup;
    private BackupWriter backupWriter;
    private Replicator replicator;
    private volatile ProcessReconciler reconciler;
    private volatile ClusterMembership membership;

    /**
     * @param ctx settings; concluded by {@link #start()} if not yet.
     */
    public MemoryMonitor(final MemoryContext ctx)
    {
        this.ctx = ctx;
    }

    /**
     * Reserves memory, serves, registers and starts heartbeats.
     *
     * @return this.
     * @throws FabricException       when the GMM cannot be reached within the timeout or the address cannot be
     *                               bound.
     * @throws IllegalStateException when the memory cannot be reserved or a setting is missing.
     */
    public MemoryMonitor start()
    {
        if (!ctx.isConcluded())
        {
            ctx.conclude();
        }
        pool = new FramePool(ctx.memoryBytes());
        try
        {
            final OwnedPages stores = new OwnedPages(pool);
            gmmClient = ctx.transport().connect(ctx.gmmEndpoint());
            final GmmProxy dispatchGmm = new GmmProxy(gmmClient, ctx.timeoutNs())
                .retryWindowNs(10 * ctx.timeoutNs());
            remoteOwners = new ProxyRemoteOwners(ctx.transport(), ctx.timeoutNs());
            images = new StorageImageSource(dispatchGmm, ctx.transport(), ctx.timeoutNs(), ctx.clock());
            final ReentrantLock stateLock = new ReentrantLock();
            final SecureRandom random = new SecureRandom();
            backup = new StorageBackup(dispatchGmm, ctx.transport(), ctx.timeoutNs());
            backupWriter = new BackupWriter(backup, ctx.backupRetryNs(), "mcomponent");
            final ReplicaLogs logs = new ReplicaLogs(backupWriter, ctx.replicaBatchBytes(),
                "m" + Long.toHexString(random.nextLong() >>> 16));
            replicator = new Replicator(this::componentId, dispatchGmm, ctx.transport(), ctx.timeoutNs(),
                ctx.replicaPatienceNs(), ctx.replicaBusyPauseNs(), ctx.replicaGmmPauseNs(), stateLock, stores,
                ctx.clock(), "mcomponent");
            final VRegionRouter router = new VRegionRouter(
                this::componentId,
                stores,
                (pid, home, vregion) -> dispatchGmm.vregionAlloc(pid, home, vregion),
                new UnlockedRemoteOwners(remoteOwners, stateLock),
                replicator,
                ctx.ownerFailoverNs(),
                ctx.ownerFailoverPauseNs(),
                ctx.clock());
            final ProcessHomes homes = new ProcessHomes(router, new ExecLoader(router, random), images,
                new RemoteHomeStandby(this::componentId, dispatchGmm, ctx.transport(), ctx.timeoutNs(),
                    ctx.replicaPatienceNs(), ctx.homeStandbyPauseNs(), stateLock, ctx.clock()),
                new ClusterMemoryLimit(new GmmProxy(gmmClient, ctx.timeoutNs()), this::componentId, ctx.clock()));
            final MemoryLoad load = new MemoryLoad(pool);
            dispatch = new HomeThreadDispatch(stateLock,
                load.counting(new MemoryAdapter(homes, stores, replicator, logs)),
                load.counting(new MemoryAdapter(homes, stores, replicator, logs)), replicator, "mcomponent");
            server = ctx.transport().serve(ctx.listen(), "mcomponent", dispatch);

            membership = ClusterMembership.join(
                ctx.transport(),
                ctx.gmmEndpoint(),
                ComponentKind.MCOMPONENT,
                ctx.memoryBytes(),
                server.endpoint(),
                load,
                new HeldPids(stateLock, stores, homes, logs),
                ctx.timeoutNs(),
                "mcomponent");
            final GmmProxy reconcileGmm = new GmmProxy(gmmClient, ctx.timeoutNs());
            reconciler = new ProcessReconciler(stateLock, stores, homes, logs,
                (pids, forgotten) -> reconcileGmm.processCheck(componentId(), pids, forgotten),
                ctx.reconcileIntervalNs(), "mcomponent-" + componentId());
            reconciler.start();
            LOG.info("mcomponent {} serving at {} with {} frames", componentId(), server.endpoint(),
                pool.frameCapacity());
            return this;
        }
        catch (final RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    /** Deregisters (best effort), stops heartbeats and the server, and releases the memory. Idempotent. */
    @Override
    public void close()
    {
        if (reconciler != null)
        {
            reconciler.close();
        }
        if (membership != null)
        {
            membership.close();
            membership = null;
        }
        if (server != null)
        {
            server.close();
            server = null;
        }
        if (dispatch != null)
        {
            dispatch.close();
            dispatch = null;
        }
        if (replicator != null)
        {
            replicator.close();
            replicator = null;
        }
        if (backupWriter != null)
        {
            backupWriter.close();
            backupWriter = null;
        }
        if (backup != null)
        {
            backup.close();
            backup = null;
        }
        if (remoteOwners != null)
        {
            remoteOwners.close();
            remoteOwners = null;
        }
        if (images != null)
        {
            images.close();
            images = null;
        }
        if (gmmClient != null)
        {
            gmmClient.close();
            gmmClient = null;
        }
        if (pool != null)
        {
            pool.close();
            pool = null;
        }
    }

    /** The cluster's fabric profile name as the GMM told it at registration (empty from an older GMM). */
    public String clusterFabricModel()
    {
        final ClusterMembership m = membership;
        return m == null ? "" : m.fabricModel();
    }

    /** The id the GMM assigned, or -1 before registration. */
    public int componentId()
    {
        final ClusterMembership m = membership;
        return m == null ? -1 : m.componentId();
    }

    /** The endpoint actually served on. */
    public Endpoint endpoint()
    {
        return server.endpoint();
    }

    /** Frames currently in use (the heartbeat load). */
    public int framesInUse()
    {
        return pool.framesInUse();
    }

    /** The most frames this monitor ever held at once (high-water mark). */
    public int peakFramesInUse()
    {
        return pool.peakFramesInUse();
    }

    /** Processes whose state this monitor freed because the GMM had forgotten them (see {@link MemoryContext}). */
    public long reconciledPids()
    {
        final ProcessReconciler r = reconciler;
        return r == null ? 0 : r.reconciledPids();
    }

    /** Total frames: memoryBytes / 4096. */
    public int frameCapacity()
    {
        return pool.frameCapacity();
    }
}
