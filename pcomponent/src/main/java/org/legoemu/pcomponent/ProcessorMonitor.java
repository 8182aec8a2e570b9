package org.legoemu.pcomponent;

import org.legoemu.abi.Signal;
import org.legoemu.abi.linux.Errno;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.Server;
import org.legoemu.fabric.proxy.ClusterMembership;
import org.legoemu.fabric.proxy.ComponentAddress;
import org.legoemu.fabric.proxy.ComponentStatus;
import org.legoemu.fabric.proxy.ExecImage;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.fabric.proxy.MemoryProxy;
import org.legoemu.fabric.proxy.Placement;
import org.legoemu.fabric.proxy.StorageProxy;
import org.legoemu.fabric.sbe.ComponentKind;
import org.legoemu.pcomponent.excache.EvictionPolicy;
import org.legoemu.pcomponent.excache.ExCache;
import org.legoemu.pcomponent.files.FileCache;
import org.legoemu.pcomponent.exec.ExecService;
import org.legoemu.pcomponent.linux.GuestThread;
import org.legoemu.pcomponent.linux.GuestThreads;
import org.legoemu.pcomponent.linux.ChildProcesses;
import org.legoemu.pcomponent.linux.LinuxProcess;
import org.legoemu.pcomponent.memory.HomeFailover;
import org.legoemu.pcomponent.linux.ProcessLauncher;
import org.legoemu.pcomponent.linux.SillyRenames;
import org.legoemu.pcomponent.linux.FileLocks;
import org.legoemu.pcomponent.linux.LockReclaimer;
import org.legoemu.pcomponent.memory.OwnerDirectory;
import org.legoemu.pcomponent.memory.ProcessMemory;
import org.legoemu.pcomponent.model.FabricModel;
import org.legoemu.pcomponent.model.FabricProfile;
import org.legoemu.pcomponent.model.ModelFigures;
import org.legoemu.pcomponent.model.ProcessClock;
import org.legoemu.pcomponent.model.ProcessorModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;


/**
 * The processor monitor (LegoOS §4.3): runs the processes placed on it, each guest thread a Java thread running
 * a {@link Hart}, all of them sharing this pComponent's {@link ExCache}. It never owns virtual-to-physical
 * mappings: the ELF is loaded by the home mComponent (P2M_EXECVE), lines come from vRegion owners.
 */
public final class ProcessorMonitor implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ProcessorMonitor.class);
    /** Instructions a hart runs between checks of its exit flag. */

    private final ProcessorContext ctx;
    private final ExCache cache;
    private final FileCache fileCache;
    private final SillyRenames sillyRenames = new SillyRenames(
        () -> this.membership == null ? -1 : this.membership.componentId());
    private final FileLocks fileLocks = new FileLocks(
        () -> this.membership == null ? -1 : this.membership.componentId());
    private final ProcessorLoad load;
    private final RunningProcesses running = new RunningProcesses();
    private volatile ProcessorModel model;
    private Server server;
    private ExecService exec;
    private ClusterMembership membership;
    private LockReclaimer lockReclaimer;
    private volatile GmmProxy reclaimGmm;
    private final ProcessLauncher children = new ChildLauncher();

    public ProcessorMonitor(final ProcessorContext ctx)
    {
        this.ctx = ctx.conclude();
        this.cache = new ExCache(
            ctx.excacheBytes(), ctx.excacheWays(), EvictionPolicy.named(ctx.excachePolicy()), ctx.excacheVictims());
        this.cache.piggyback(ctx.excachePiggyback());
        this.cache.zeroFill(ctx.excacheZeroFill());
        this.cache.prefetch(ctx.excachePrefetch(), ctx.excachePrefetchDepth());
        this.model = new ProcessorModel(ctx.fabricModel(), "pcomponent", ctx.excacheVictims(), ctx.excachePiggyback());
        if (!model.profile().off())
        {
            this.cache.observer(model);
        }
        this.load = new ProcessorLoad(cache);
        this.fileCache = ctx.fileCacheBytes() == 0 ? FileCache.DISABLED : new FileCache(ctx.fileCacheBytes());
    }

    /**
     * Serves on the listen endpoint and joins the cluster.
     *
     * @throws FabricException if the endpoint cannot be bound or the GMM cannot be reached.
     */
    public ProcessorMonitor start()
    {
        exec = new ExecService(this::execute, ctx.clientLeaseNs(), "pcomponent");
        server = ctx.transport().serve(ctx.listen(), "pcomponent",
            new ProcessorAdapter(exec, this::componentId, this::endpoint));
        membership = ClusterMembership.join(ctx.transport(), ctx.gmm(), ComponentKind.PCOMPONENT, ctx.excacheBytes(),
            server.endpoint(), load, running, ctx.timeoutNs(), "pcomponent");
        final String clusterModel = membership.fabricModel();
        if (ctx.fabricModelFromGmm() && FabricProfile.NAMED.containsKey(clusterModel))
        {
            model = new ProcessorModel(new FabricModel(FabricProfile.named(clusterModel), 1,
                ctx.fabricModel().replicated()), "pcomponent", ctx.excacheVictims(), ctx.excachePiggyback());
            cache.observer(model);
            LOG.info("timing model: fabric profile {} (the GMM's)", clusterModel);
        }
        else if (ctx.fabricModelFromGmm())
        {
            LOG.warn("the GMM names fabric model '{}', which this pComponent does not know: modeling with {}",
                clusterModel, model.profile().name());
        }
        lockReclaimer = new LockReclaimer(fileLocks, this::lookupStorage,
            sComponent -> new StorageProxy(() -> ctx.transport().connect(sComponent.address()), ctx.timeoutNs(),
                ctx.retryWindowNs(), ctx.nanoClock()), "pcomponent").start();
        membership.leaseListener(silentNs -> load.killAll(Signal.SIGKILL, "pComponent " + componentId() +
            " was cut off from the GMM for " + silentNs / 1_000_000 + " ms and its lease ran out (the GMM frees " +
            "the memory of a pComponent it declares DEAD)"));
        return this;
    }

    /**
     * The sComponent the GMM names now, for the {@link LockReclaimer}, through a connection of its own that is opened
     * again after a failure (a restarted GMM).
     *
     * @throws FabricException if the GMM cannot answer or names none.
     */
    private ComponentAddress lookupStorage()
    {
        if (reclaimGmm == null)
        {
            reclaimGmm = new GmmProxy(ctx.transport().connect(ctx.gmm()), ctx.timeoutNs());
        }
        try
        {
            return reclaimGmm.lookupKind(ComponentKind.SCOMPONENT);
        }
        catch (final org.legoemu.fabric.RemoteErrorException ex)
        {
            throw ex;
        }
        catch (final FabricException ex)
        {
            reclaimGmm.client().close();
            reclaimGmm = null;
            throw ex;
        }
    }

    public int componentId()
    {
        return membership.componentId();
    }

    /**
     * Kills every process running here with {@code signal}; each stops at its harts' next safepoint and its
     * {@link #execute} returns its figures so far ({@code lego run} on SIGINT/SIGTERM or at its time limit).
     *
     * @param description why, as the process's end is reported.
     */
    public void killAll(final Signal signal, final String description)
    {
        load.killAll(signal, description);
    }

    /** The cluster's fabric profile name as the GMM told it at registration (empty from an older GMM). */
    public String clusterFabricModel()
    {
        return membership.fabricModel();
    }

    /** The fabric profile this pComponent models with (the GMM's, unless it was given its own). */
    public String fabricModel()
    {
        return model.profile().name();
    }

    public Endpoint endpoint()
    {
        return server.endpoint();
    }

    /** This pComponent's file cache (for its statistics); {@link FileCache#DISABLED} with size 0. */
    public FileCache fileCache()
    {
        return fileCache;
    }

    /** This pComponent's ExCache (for its statistics). */
    public ExCache excache()
    {
        return cache;
    }

    /** This pComponent in modeled time. */
    public ProcessorModel model()
    {
        return model;
    }

    /**
     * The proxy to the home mComponent of {@code placement}'s process, launched or forked alike: it fails over to the
     * home the GMM promotes when this one dies ({@link HomeFailover}), and waits out the home's storage retries on
     * execve. A forked child's proxy once lacked the failover, and its home's crash killed it.
     */
    private MemoryProxy homeProxy(final Placement placement, final GmmProxy gmm)
    {
        final long timeoutNs = ctx.timeoutNs();
        return new MemoryProxy(ctx.transport().connect(placement.homeAddress()), timeoutNs,
            new HomeFailover(placement.pid(), gmm, ctx.transport(), ctx.failoverTimings()))
            .execTimeoutNs(ctx.retryWindowNs() + timeoutNs).maxRetries(ctx.callRetries());
    }

    /**
     * Runs a placed process on the calling thread until it exits or is killed.
     *
     * @return how it ended; a guest fault is a result, not an exception.
     * @throws LaunchException if the program could not be started (ENOENT, ENOEXEC, memory side failure).
     */
    public ProcessResult execute(final LaunchRequest request)
    {
        final long timeoutNs = ctx.timeoutNs();
        final GmmProxy gmm = new GmmProxy(ctx.transport().connect(ctx.gmm()), timeoutNs)
            .retryWindowNs(ctx.retryWindowNs());
        final Placement placement;
        try
        {
            placement = verifyPlacement(gmm, request.placement());
        }
        catch (final LaunchException ex)
        {
            gmm.client().close();
            throw ex;
        }
        final MemoryProxy home = homeProxy(placement, gmm);
        final OwnerDirectory owners = new OwnerDirectory(placement.pid(), gmm, ctx.transport(), timeoutNs,
            ctx.failoverTimings());
        StorageProxy storage = null;
        try
        {
            storage = connectStorage(gmm);
            return run(request, gmm, home, storage, owners);
        }
        finally
        {
            gmm.client().close();
            home.client().close();
            if (storage != null)
            {
                storage.close();
            }
            for (final MemoryProxy owner : owners.owners())
            {
                owner.client().close();
            }
        }
    }

    /**
     * A pComponent runs only the processes the GMM placed on it (P2G_PROCESS_LOOKUP), with the home the GMM chose, so
     * that no client can make it load an image into another process's address space.
     *
     * @return the GMM's placement.
     * @throws LaunchException ESRCH if the GMM has not placed the pid, EPERM if it placed it elsewhere or with another
     *                         home.
     */
    private Placement verifyPlacement(final GmmProxy gmm, final Placement claimed)
    {
        final Placement placed;
        try
        {
            placed = gmm.processLookup(claimed.pid());
        }
        catch (final FabricException ex)
        {
            throw new LaunchException(ex.errno(), "pid " + claimed.pid() + " is not placed by the GMM: " +
                ex.getMessage());
        }
        if (placed.pcomponentId() != componentId() || placed.homeMComponentId() != claimed.homeMComponentId())
        {
            throw new LaunchException(Errno.EPERM, "pid " + claimed.pid() + " is placed on pComponent " +
                placed.pcomponentId() + " with home mComponent " + placed.homeMComponentId() + ", not here with " +
                claimed.homeMComponentId());
        }
        return placed;
    }

    private StorageProxy connectStorage(final GmmProxy gmm)
    {
        try
        {
            return new StorageProxy(
                () -> ctx.transport().connect(gmm.lookupKind(ComponentKind.SCOMPONENT).address()),
                ctx.timeoutNs(), ctx.retryWindowNs(), ctx.nanoClock());
        }
        catch (final FabricException ex)
        {
            throw new LaunchException(ex.errno(), "cannot reach the cluster's storage: " + ex.getMessage());
        }
    }

    private long clusterMemoryBytes(final GmmProxy gmm)
    {
        long memoryBytes = 0;
        int mcomponents = 0;
        try
        {
            for (final ComponentStatus component : gmm.status().components())
            {
                if (component.kind() == ComponentKind.MCOMPONENT)
                {
                    memoryBytes += component.capacityBytes();
                    mcomponents++;
                }
            }
        }
        catch (final FabricException ex)
        {
            throw new LaunchException(ex.errno(), "cannot reach the GMM: " + ex.getMessage());
        }
        if (mcomponents > 0)
        {
            model.fabric().mcomponents(mcomponents);
        }
        return memoryBytes;
    }

    private ProcessResult run(
        final LaunchRequest request, final GmmProxy gmm, final MemoryProxy home, final StorageProxy storage,
        final OwnerDirectory owners)
    {
        final Placement placement = request.placement();
        final int pid = placement.pid();
        final long memoryBytes = clusterMemoryBytes(gmm);
        final long startNs = System.nanoTime();
        final ExecImage image;
        running.started(pid, placement.homeMComponentId());
        try
        {
            image = home.execve(pid, componentId(), request.path(), request.argv(), request.envp());
        }
        catch (final FabricException ex)
        {
            running.ended(pid);
            forgetPlacement(gmm, pid, ex.errno() == Errno.ENOENT ? 127 : 126);
            throw new LaunchException(ex.errno(), "cannot execute " + request.path() + ": " + ex.getMessage());
        }

        final ProcessMemory memory = new ProcessMemory(pid, componentId(), cache, owners);
        final LinuxProcess process = new LinuxProcess(
            pid, memory, home, storage, request.console(), request.path(), image.brk(), memoryBytes);
        process.launcher(children);
        process.fileCache(fileCache);
        process.sillyRenames(sillyRenames);
        process.fileLocks(fileLocks);
        final java.time.Instant started = java.time.Instant.now();
        process.clock(new ProcessClock(model, ctx.guestClock(), started.getEpochSecond() * 1_000_000_000L +
            started.getNano(), model.launchNs()));
        load.started(process.threads());
        process.cwd(request.cwd());
        final GuestThread main = process.threads().create();
        main.hart().pc = image.entry();
        main.hart().x[2] = image.stackPointer();
        ProcessResult result = null;
        try
        {
            request.control().attach(process.threads());
            process.threads().start(main);
            final GuestThreads.Outcome outcome = process.threads().await();
            final long wallNs = System.nanoTime() - startNs;
            result = outcome.signal() == null ?
                new ProcessResult(process.exitStatus(), null, null, outcome.instructions(), wallNs,
                    outcome.hartCpuNs(), memory.lines().stats(), process.clock().figures()) :
                new ProcessResult(outcome.signal().shellExitStatus(), outcome.signal(), outcome.description(),
                    outcome.instructions(), wallNs, outcome.hartCpuNs(), memory.lines().stats(),
                    process.clock().figures());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new LaunchException(Errno.EINTR, "interrupted while pid " + pid + " was running");
        }
        finally
        {
            load.ended(process.threads());
            process.fds().closeAll();
            process.vforkDone();
            memory.lines().release();
            releaseMemory(home, owners, gmm, pid,
                result == null ? 128 + Signal.SIGKILL.number() : result.exitStatus());
            running.ended(pid);
        }
        return result;
    }

    /**
     * Frees the process's memory through its home (P2M_PROCESS_EXIT frees it on every owner); if the home cannot
     * be reached, asks each owner this pComponent used to free its part (M2M_PROCESS_EXIT), so that live
     * mComponents keep no frame of it. Then tells the GMM.
     */
    private static void releaseMemory(
        final MemoryProxy home, final OwnerDirectory owners, final GmmProxy gmm, final int pid, final int status)
    {
        try
        {
            home.processExit(pid);
        }
        catch (final FabricException ex)
        {
            LOG.warn("pid {}: home mComponent did not free its memory ({}); asking each owner", pid, ex.getMessage());
            for (final MemoryProxy owner : owners.owners())
            {
                if (owner.client().peer().equals(home.client().peer()))
                {
                    continue;
                }
                try
                {
                    owner.processExitOnOwner(pid);
                }
                catch (final FabricException ownerEx)
                {
                    LOG.warn("pid {}: owner {} did not free its memory: {}", pid, owner.client().peer(),
                        ownerEx.getMessage());
                }
            }
        }
        forgetPlacement(gmm, pid, status);
    }

    /** X2G_PROCESS_EXIT: the GMM forgets the placement (also of a process that never started). */
    private static void forgetPlacement(final GmmProxy gmm, final int pid, final int status)
    {
        try
        {
            gmm.processExit(pid, status);
        }
        catch (final FabricException ex)
        {
            LOG.warn("pid {}: GMM did not record the exit: {}", pid, ex.getMessage());
        }
    }

    /** The connections a forked child uses, closed when it ends. */
    private record ChildLinks(GmmProxy gmm, MemoryProxy home, StorageProxy storage, OwnerDirectory owners)
    {
        void close()
        {
            gmm.client().close();
            home.client().close();
            storage.close();
            for (final MemoryProxy owner : owners.owners())
            {
                owner.client().close();
            }
        }
    }

    /**
     * Runs the children guests fork (LegoOS §4.5): each is placed by the GMM on this pComponent with its parent's
     * home, which copies the address space; each runs on threads of its own and frees its memory when it ends,
     * like a launched process. A child outlives its parent (nobody reaps it then); the exec session of the launched
     * process ends with that process alone.
     */
    private final class ChildLauncher implements ProcessLauncher
    {
        private final Map<Integer, ChildLinks> pending = new ConcurrentHashMap<>();

        @Override
        public LinuxProcess fork(final LinuxProcess parent)
        {
            final long timeoutNs = ctx.timeoutNs();
            final GmmProxy gmm = new GmmProxy(ctx.transport().connect(ctx.gmm()), timeoutNs)
            .retryWindowNs(ctx.retryWindowNs());
            final Placement placement;
            try
            {
                placement = gmm.forkPlace(parent.pid());
            }
            catch (final FabricException ex)
            {
                gmm.client().close();
                throw new Refused(Errno.EAGAIN, "GMM did not place a child of pid " + parent.pid() + ": " +
                    ex.getMessage());
            }
            final int pid = placement.pid();
            running.started(pid, placement.homeMComponentId());
            final MemoryProxy home = homeProxy(placement, gmm);
            final StorageProxy storage;
            try
            {
                final long copyStartNs = System.nanoTime();
                final long framesCopied = home.fork(parent.pid(), pid, componentId());
                LOG.debug("pid {} forked pid {}: {} frames copied in {} us", parent.pid(), pid, framesCopied,
                    (System.nanoTime() - copyStartNs) / 1000);
                storage = connectStorage(gmm);
            }
            catch (final FabricException | LaunchException ex)
            {
                final int errno = ex instanceof FabricException fe ? fe.errno() : ((LaunchException)ex).errno();
                releaseMemory(home, new OwnerDirectory(pid, gmm, ctx.transport(), timeoutNs, ctx.failoverTimings()),
                    gmm, pid, 128 + Signal.SIGKILL.number());
                gmm.client().close();
                home.client().close();
                running.ended(pid);
                throw new Refused(errno == Errno.ENOMEM ? Errno.ENOMEM : Errno.EAGAIN,
                    "fork of pid " + parent.pid() + " failed: " + ex.getMessage());
            }
            final OwnerDirectory owners =
                new OwnerDirectory(pid, gmm, ctx.transport(), timeoutNs, ctx.failoverTimings());
            final ProcessMemory memory = new ProcessMemory(pid, componentId(), cache, owners);
            pending.put(pid, new ChildLinks(gmm, home, storage, owners));
            return new LinuxProcess(parent, pid, memory, home, storage);
        }

        @Override
        public void start(final LinuxProcess child, final GuestThread main)
        {
            final ChildLinks links = pending.remove(child.pid());
            final Thread runner = new Thread(() -> run(child, main, links), "process-" + child.pid());
            runner.setDaemon(true);
            runner.start();
        }

        private void run(final LinuxProcess child, final GuestThread main, final ChildLinks links)
        {
            final int pid = child.pid();
            int waitStatus = ChildProcesses.waitStatus(0, Signal.SIGKILL);
            int shellStatus = Signal.SIGKILL.shellExitStatus();
            load.started(child.threads());
            try
            {
                child.threads().start(main);
                final GuestThreads.Outcome outcome = child.threads().await();
                waitStatus = ChildProcesses.waitStatus(child.exitStatus(), outcome.signal());
                shellStatus = outcome.signal() == null ? child.exitStatus() : outcome.signal().shellExitStatus();
                if (outcome.signal() != null)
                {
                    LOG.info("pid {} (forked) killed: {}", pid, outcome.description());
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            finally
            {
                load.ended(child.threads());
                child.fds().closeAll();
                child.vforkDone();
                child.lines().release();
                releaseMemory(links.home(), links.owners(), links.gmm(), pid, shellStatus);
                running.ended(pid);
                links.close();
                final ModelFigures modeled = child.clock().figures();
                child.parentsChildren().ended(pid, waitStatus, modeled.modeledNs(), modeled.localNs());
            }
        }
    }

    /**
     * Kills the processes run for exec clients (SIGKILL, their clients are told), stops the ExCache's flusher and
     * the file cache's read-ahead, leaves the cluster and stops serving.
     */
    @Override
    public void close()
    {
        if (exec != null)
        {
            exec.close();
        }
        if (lockReclaimer != null)
        {
            lockReclaimer.close();
            if (reclaimGmm != null)
            {
                reclaimGmm.client().close();
            }
        }
        cache.close();
        fileCache.close();
        if (membership != null)
        {
            membership.close();
        }
        if (server != null)
        {
            server.close();
        }
    }
}
