package org.legoemu.mcomponent.vregion;

import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.legoemu.abi.linux.Errno;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.proxy.VRegionOwner;
import org.legoemu.fabric.sbe.VmaOp;
import org.legoemu.mcomponent.home.AddressSpace;
import org.legoemu.mcomponent.home.VmaChangeListener;
import org.legoemu.mcomponent.owner.OwnedPages;
import org.legoemu.mcomponent.owner.ProcessPages;
import org.legoemu.mcomponent.replica.Replicator;
import org.legoemu.mcomponent.vm.AddressLayout;
import org.legoemu.mcomponent.vm.VmException;
import org.legoemu.mcomponent.vm.Vma;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;

import static org.legoemu.mcomponent.vm.AddressLayout.VREGION_SHIFT;
import static org.legoemu.mcomponent.vm.AddressLayout.vregion;

/**
 * Applies a home's VMA changes and image pages on the owners of the vRegions they touch (LegoOS §5.2): locally
 * when this monitor owns the vRegion, otherwise with M2M_VMA_UPDATE / M2M_PAGE_STORE / M2M_PROCESS_EXIT. New
 * vRegions get owners from the GMM ({@link VRegionOwners}) when a MAP first touches them; the answer is cached in
 * the {@link AddressSpace}.
 *
 * <p>Not thread-safe: guarded by the monitor's state lock (see the package's threading rules).
 */
public final class VRegionRouter implements VmaChangeListener
{

    private final IntSupplier localComponentId;
    private final OwnedPages localStores;
    private final VRegionOwners owners;
    private final RemoteOwners remote;
    private final Replicator replicator;
    private final long failoverNs;
    private final long failoverPauseNs;
    private final NanoClock clock;
    private final UnsafeBuffer pageView = new UnsafeBuffer(new byte[0]);
    /** Pages stored here were handed to the replicator without waiting (bulk fill); the next awaited store waits. */
    private boolean replicasQueued;

    /**
     * @param localComponentId this monitor's component id (known once registered), used as the home id and to
     *                         recognise local ownership.
     * @param localStores      this monitor's owner-side state.
     * @param owners           the GMM's vRegion allocation.
     * @param remote           the M2M calls to other owners.
     * @param replicator       replicates the changes applied to local stores (null: no replication).
     * @param failoverNs       how long a home keeps asking the GMM for a new owner of a vRegion whose owner stopped
     *                         answering, ns ({@code MemoryContext.ownerFailoverNs}).
     * @param failoverPauseNs  pause before each such question, lock given up, ns
     *                         ({@code MemoryContext.ownerFailoverPauseNs}).
     * @param clock            times the failover deadline.
     */
    public VRegionRouter(
        final IntSupplier localComponentId,
        final OwnedPages localStores,
        final VRegionOwners owners,
        final RemoteOwners remote,
        final Replicator replicator,
        final long failoverNs,
        final long failoverPauseNs,
        final NanoClock clock)
    {
        this.clock = clock;
        this.localComponentId = localComponentId;
        this.localStores = localStores;
        this.owners = owners;
        this.remote = remote;
        this.replicator = replicator;
        this.failoverNs = failoverNs;
        this.failoverPauseNs = failoverPauseNs;
    }

    /**
     * Learns the owners of every vRegion the process's VMAs touch (a home taking over from a checkpoint), so later
     * changes reach them.
     */
    public void learnOwners(final AddressSpace space)
    {
        for (final Vma vma : space.vmas())
        {
            for (int vregion = vregion(vma.start()); vregion <= vregion(vma.end() - 1); vregion++)
            {
                ownerOf(space, vregion);
            }
        }
    }

    /** {@inheritDoc} */
    @Override
    public void onVmaChange(final AddressSpace space, final VmaOp op, final long start, final long end, final int prot)
    {
        long at = start;
        while (at < end)
        {
            final int vregion = vregion(at);
            final long chunkEnd = Math.min(end, ((long)vregion + 1) << VREGION_SHIFT);
            VRegionOwner owner = op == VmaOp.MAP ? ownerOf(space, vregion) : space.owner(vregion);
            final long failoverDeadlineNs = clock.nanoTime() + failoverNs;
            while (owner != null)
            {
                try
                {
                    applyVmaOn(owner, space, op, at, chunkEnd, prot);
                    break;
                }
                catch (final RemoteErrorException ex)
                {
                    throw ex;
                }
                catch (final FabricException ex)
                {
                    owner = failover(space, vregion, ex, failoverDeadlineNs);
                }
            }
            at = chunkEnd;
        }
    }

    /**
     * Installs one whole page on its owner (execve image and initial stack).
     *
     * @param space the process.
     * @param vaddr page-aligned address, inside a VMA.
     * @param page  4096 bytes.
     * @throws VmException ENOMEM or EFAULT from a local store; remote failures surface as FabricException.
     */
    public void storePage(final AddressSpace space, final long vaddr, final byte[] page)
    {
        storePage(space, vaddr, page, true);
    }

    /**
     * Installs one whole page on its owner, as {@link #storePage(AddressSpace, long, byte[])}; with {@code
     * awaitReplica} false a page stored here is handed to the replicator without waiting for its secondary to hold
     * it. The replicator sends its queue in order on one thread, so a later store with {@code awaitReplica} true
     * returns only once every page queued before it is replicated too: a bulk fill (execve image, file mapping) waits
     * once per batch instead of once per page, and is answered only after its last wait.
     */
    public void storePage(final AddressSpace space, final long vaddr, final byte[] page, final boolean awaitReplica)
    {
        VRegionOwner owner = ownerOf(space, vregion(vaddr));
        final long failoverDeadlineNs = clock.nanoTime() + failoverNs;
        while (true)
        {
            try
            {
                storePageOn(owner, space, vaddr, page, awaitReplica);
                return;
            }
            catch (final RemoteErrorException ex)
            {
                throw ex;
            }
            catch (final FabricException ex)
            {
                owner = failover(space, vregion(vaddr), ex, failoverDeadlineNs);
            }
        }
    }

    private void applyVmaOn(
        final VRegionOwner owner, final AddressSpace space, final VmaOp op, final long start, final long end,
        final int prot)
    {
        if (!isLocal(owner))
        {
            remote.vmaUpdate(owner, space.pid(), space.pcomponentId(), op, start, end, prot);
            return;
        }
        final ProcessPages store = localStores.getOrCreate(space.pid(), space.pcomponentId());
        store.applyVma(op, start, end, prot);
        final Replicator.Record record = replicator == null ? null : replicator.vmaApplied(store, op, start, end, prot);
        if (record != null)
        {
            replicator.submitAndWait(record);
        }
    }

    private void storePageOn(
        final VRegionOwner owner, final AddressSpace space, final long vaddr, final byte[] page,
        final boolean awaitReplica)
    {
        if (!isLocal(owner))
        {
            remote.pageStore(owner, space.pid(), space.pcomponentId(), vaddr, page);
            awaitQueuedReplicas(awaitReplica);
            return;
        }
        pageView.wrap(page);
        final ProcessPages store = localStores.getOrCreate(space.pid(), space.pcomponentId());
        final int result = store.store(vaddr, pageView, 0);
        if (result < 0)
        {
            throw new VmException(-result, "cannot store page 0x" + Long.toHexString(vaddr) + ": errno " +
                (-result));
        }
        final Replicator.Record record = replicator == null ? null : replicator.pageStored(store, vaddr, pageView);
        if (record != null)
        {
            if (awaitReplica)
            {
                replicator.submitAndWait(record);
                replicasQueued = false;
            }
            else
            {
                replicator.submit(record, null, 0);
                replicasQueued = true;
            }
            return;
        }
        awaitQueuedReplicas(awaitReplica);
    }

    /** With {@code await}, waits until the pages queued unawaited before are replicated, if there are any. */
    private void awaitQueuedReplicas(final boolean await)
    {
        if (await && replicasQueued)
        {
            replicator.awaitQueued();
            replicasQueued = false;
        }
    }

    /**
     * After a call to the owner of {@code vregion} failed in transport: pauses (lock given up), asks the GMM for the
     * vRegion's owner again (it changes once the GMM has declared the old one DEAD and promoted its secondary) and
     * returns it; rethrows {@code failure} once {@code deadlineNs} has passed.
     */
    private VRegionOwner failover(
        final AddressSpace space, final int vregion, final FabricException failure, final long deadlineNs)
    {
        if (clock.nanoTime() > deadlineNs)
        {
            throw failure;
        }
        remote.pause(failoverPauseNs);
        try
        {
            final VRegionOwner owner = owners.allocate(space.pid(), localComponentId.getAsInt(), vregion);
            space.owner(vregion, owner);
            return owner;
        }
        catch (final RemoteErrorException ex)
        {
            throw ex;
        }
        catch (final FabricException ex)
        {
            return space.owner(vregion);
        }
    }

    /**
     * Frees the process's frames on every owner of its vRegions, this monitor included.
     *
     * @param space the process's address space (its cached owners say where the frames are).
     * @return the total number of frames freed.
     */
    public long releaseEverywhere(final AddressSpace space)
    {
        long freed = localStores.release(space.pid());
        if (replicator != null)
        {
            replicator.processExit(space.pid());
        }
        for (final VRegionOwner owner : remoteOwners(space))
        {
            freed += remote.processExit(owner, space.pid());
        }
        return freed;
    }

    /**
     * fork(2), eager copy: every owner of the parent's vRegions (this monitor included) copies the parent's VMAs and
     * frames it holds to the child. The child's cached owners must already equal the parent's.
     *
     * @return the total number of frames copied.
     * @throws VmException ENOMEM when an owner ran out of frames (the child's frames are freed everywhere first);
     *                     remote failures surface as FabricException.
     */
    public long forkEverywhere(final AddressSpace parent, final AddressSpace child)
    {
        long copied = localStores.fork(parent.pid(), child.pid(), child.pcomponentId());
        try
        {
            if (copied < 0)
            {
                throw new VmException(Errno.ENOMEM, "out of memory frames copying pid " + parent.pid());
            }
            final ProcessPages localChild = localStores.get(child.pid());
            if (replicator != null && localChild != null)
            {
                replicator.seedAll(localChild);
            }
            for (final VRegionOwner owner : remoteOwners(parent))
            {
                copied += remote.fork(owner, parent.pid(), child.pid(), child.pcomponentId());
            }
        }
        catch (final RuntimeException ex)
        {
            releaseEverywhere(child);
            throw ex;
        }
        return copied;
    }

    /** This monitor's component id. */
    int localComponentId()
    {
        return localComponentId.getAsInt();
    }

    /** One entry per remote mComponent owning some vRegion of {@code space} (the first vRegion's record). */
    private Collection<VRegionOwner> remoteOwners(final AddressSpace space)
    {
        final Map<Integer, VRegionOwner> byId = new LinkedHashMap<>();
        for (int vregion = 0; vregion < AddressLayout.VREGION_COUNT; vregion++)
        {
            final VRegionOwner owner = space.owner(vregion);
            if (owner != null && !isLocal(owner))
            {
                byId.putIfAbsent(owner.ownerId(), owner);
            }
        }
        return byId.values();
    }

    private VRegionOwner ownerOf(final AddressSpace space, final int vregion)
    {
        VRegionOwner owner = space.owner(vregion);
        if (owner == null)
        {
            owner = owners.allocate(space.pid(), localComponentId.getAsInt(), vregion);
            space.owner(vregion, owner);
        }
        return owner;
    }

    private boolean isLocal(final VRegionOwner owner)
    {
        return owner.ownerId() == localComponentId.getAsInt();
    }

}
