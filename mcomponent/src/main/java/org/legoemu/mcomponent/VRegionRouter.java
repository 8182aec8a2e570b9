package org.legoemu.mcomponent;

import org.legoemu.abi.linux.Errno;
import org.legoemu.fabric.proxy.VRegionOwner;

import org.agrona.concurrent.UnsafeBuffer;
import org.legoemu.fabric.sbe.VmaOp;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;

import static org.legoemu.mcomponent.AddressLayout.VREGION_SHIFT;
import static org.legoemu.mcomponent.AddressLayout.vregion;

/**
 * Applies a home's VMA changes and image pages on the owners of the vRegions they touch (LegoOS §5.2): locally
 * when this monitor owns the vRegion, otherwise with M2M_VMA_UPDATE / M2M_PAGE_STORE / M2M_PROCESS_EXIT. New
 * vRegions get owners from the GMM ({@link VRegionOwners}) when a MAP first touches them; the answer is cached in
 * the {@link AddressSpace}.
 *
 * <p>Not thread-safe: used only on the monitor's dispatch thread.
 */
public final class VRegionRouter implements VmaChangeListener
{
    private final IntSupplier localComponentId;
    private final RegionStores localStores;
    private final VRegionOwners owners;
    private final RemoteOwners remote;
    private final UnsafeBuffer pageView = new UnsafeBuffer(new byte[0]);

    /**
     * @param localComponentId this monitor's component id (known once registered), used as the home id and to
     *                         recognise local ownership.
     * @param localStores      this monitor's owner-side state.
     * @param owners           the GMM's vRegion allocation.
     * @param remote           the M2M calls to other owners.
     */
    public VRegionRouter(
        final IntSupplier localComponentId,
        final RegionStores localStores,
        final VRegionOwners owners,
        final RemoteOwners remote)
    {
        this.localComponentId = localComponentId;
        this.localStores = localStores;
        this.owners = owners;
        this.remote = remote;
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
            final VRegionOwner owner = op == VmaOp.MAP ? ownerOf(space, vregion) : space.owner(vregion);
            if (owner != null)
            {
                if (isLocal(owner))
                {
                    localStores.getOrCreate(space.pid(), space.pcomponentId()).applyVma(op, at, chunkEnd, prot);
                }
                else
                {
                    remote.vmaUpdate(owner, space.pid(), space.pcomponentId(), op, at, chunkEnd, prot);
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
        final VRegionOwner owner = ownerOf(space, vregion(vaddr));
        if (isLocal(owner))
        {
            pageView.wrap(page);
            final int result = localStores.getOrCreate(space.pid(), space.pcomponentId()).store(vaddr, pageView, 0);
            if (result < 0)
            {
                throw new VmException(-result, "cannot store page 0x" + Long.toHexString(vaddr) + ": errno " +
                    (-result));
            }
        }
        else
        {
            remote.pageStore(owner, space.pid(), space.pcomponentId(), vaddr, page);
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
    public int localComponentId()
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
