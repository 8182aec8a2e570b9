package org.legoemu.scomponent;

import org.agrona.CloseHelper;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Server;
import org.legoemu.fabric.proxy.ClusterMembership;
import org.legoemu.fabric.sbe.ComponentKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage monitor (LegoOS §4.6 sComponent): serves the files under one root directory statelessly through a
 * {@link StorageAdapter}, registered with the GMM as an SCOMPONENT (capacity 0) and heartbeating; keeps the
 * secondaries' replica backups in its {@link BackupArea}, outside the guests' namespace; removes the hidden files
 * of unlinked-while-open files whose pComponent left the cluster ({@link UnlinkedFilesCollector}); after a restart
 * with locks held, grants only lock reclaims for a grace period ({@link LockTable}, {@link LockHolderRecord}); keeps
 * the outcomes of namespace-changing requests across a restart ({@link OutcomeLog}).
 */
public final class StorageMonitor implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(StorageMonitor.class);

    private final StorageContext ctx;
    private final FileOperations files;
    private final BackupArea backups;
    private final LockTable locks;
    private final OutcomeLog outcomes;
    private Server server;
    private ClusterMembership membership;
    private UnlinkedFilesCollector unlinked;

    /**
     * @param ctx settings; concluded here if not yet.
     * @throws IllegalStateException or IllegalArgumentException if the context is invalid.
     */
    public StorageMonitor(final StorageContext ctx)
    {
        this.ctx = ctx.isConcluded() ? ctx : ctx.conclude();
        this.backups = new BackupArea(this.ctx.backupDirectory());
        this.locks = new LockTable(this.ctx.nanoClock());
        final LockHolderRecord holders = new LockHolderRecord(backups.directory());
        if (holders.heldBefore())
        {
            locks.beginGrace(this.ctx.lockGraceNs());
            LOG.info("{}: the previous sComponent stopped with file locks held: only reclaims are granted for {} ms",
                this.ctx.name(), this.ctx.lockGraceNs() / 1_000_000);
        }
        locks.heldListener(holders::held);
        this.files = new FileOperations(
            new RootedPathResolver(this.ctx.rootDirectory(), backups.directory()), this.ctx.storageFaults());
        this.outcomes = new OutcomeLog(backups.directory(), RequestDedup.DEFAULT_CAPACITY);
    }

    /**
     * Serves on the listen endpoint, registers with the GMM (retrying while it is not up, for the timeout) and
     * starts heartbeats.
     *
     * @return this.
     * @throws org.legoemu.fabric.FabricException if the endpoint cannot be bound or registration fails; the
     *                                            monitor is closed again.
     */
    public StorageMonitor start()
    {
        if (server != null)
        {
            throw new IllegalStateException(ctx.name() + " already started");
        }
        try
        {
            server = ctx.transport().serve(ctx.listenEndpoint(), ctx.name(),
                new StorageAdapter(files, backups, locks, outcomes));
            membership = ClusterMembership.join(
                ctx.transport(),
                ctx.gmmEndpoint(),
                ComponentKind.SCOMPONENT,
                0,
                server.endpoint(),
                new StorageLoad(files.resolver().root(), StorageLoad.DEFAULT_REFRESH_INTERVAL_NS),
                ctx.timeoutNs(),
                ctx.name());
            unlinked = new UnlinkedFilesCollector(files.unlinkedFiles(), locks,
                ctx.transport().connect(ctx.gmmEndpoint()), ctx.timeoutNs(), ctx.name()).start();
        }
        catch (final RuntimeException ex)
        {
            close();
            throw ex;
        }
        LOG.info("{} serving root {} on {}", ctx.name(), files.resolver().root(), server.endpoint());
        return this;
    }

    /** The endpoint actually bound. */
    public Endpoint endpoint()
    {
        if (server == null)
        {
            throw new IllegalStateException(ctx.name() + " not started");
        }
        return server.endpoint();
    }

    /** The component id the GMM assigned, -1 if not registered. */
    public int componentId()
    {
        return membership == null ? -1 : membership.componentId();
    }

    /** The cluster's file locks (for in-process inspection). */
    public LockTable locks()
    {
        return locks;
    }

    /** The file operations this monitor serves (for in-process inspection). */
    public FileOperations files()
    {
        return files;
    }

    /** Deregisters (best effort), stops heartbeats and the server. Idempotent. */
    @Override
    public void close()
    {
        CloseHelper.closeAll(unlinked, membership, server, outcomes);
        unlinked = null;
        membership = null;
        server = null;
    }
}
