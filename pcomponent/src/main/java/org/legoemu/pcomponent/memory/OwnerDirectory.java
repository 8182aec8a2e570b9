package org.legoemu.pcomponent.memory;

import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.linux.Errno;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.Transport;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.fabric.proxy.MemoryProxy;
import org.legoemu.fabric.proxy.VRegionOwner;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Which mComponent owns each vRegion (1 GiB, {@code vaddr >>> 30}) of one process, asked of the GMM once per vRegion
 * (P2G_VREGION_LOOKUP) and then cached, with one {@link OwnerLink} per owner (a connection and a pool of encoders).
 *
 * <p>Thread-safe. A known vRegion is looked up without a lock (an array indexed by vRegion: the Sv39 user space has
 * 256); the first lookup of a vRegion and a reroute after a failover are serialised on this directory.
 */
public final class OwnerDirectory
{
    /** log2 of the vRegion size: 1 GiB (LegoOS §4.4). */
    public static final int VREGION_SHIFT = VRegionOwner.VREGION_SHIFT;
    /** vRegions of the riscv64 Sv39 user address space (TASK_SIZE 256 GiB / 1 GiB). */
    private static final int VREGIONS = (int)(GuestMemory.TASK_SIZE >>> VREGION_SHIFT);

    private final int pid;
    private final GmmProxy gmm;
    private final Transport transport;
    private final long timeoutNs;
    private final FailoverTimings timings;
    private final AtomicReferenceArray<OwnerLink> byVRegion = new AtomicReferenceArray<>(VREGIONS);
    private final Map<Endpoint, OwnerLink> byEndpoint = new HashMap<>();

    /**
     * @param pid       the process.
     * @param gmm       proxy to the GMM (synchronized itself).
     * @param transport to connect to owners.
     * @param timeoutNs per-request timeout for owner calls.
     * @param timings   how long and how often a failed owner is failed over, and its calls retried.
     */
    public OwnerDirectory(
        final int pid, final GmmProxy gmm, final Transport transport, final long timeoutNs,
        final FailoverTimings timings)
    {
        this.timings = timings;
        this.pid = pid;
        this.gmm = gmm;
        this.transport = transport;
        this.timeoutNs = timeoutNs;
    }

    /**
     * The link to the owner of the vRegion holding {@code vaddr}.
     *
     * @throws RemoteErrorException EFAULT if the vRegion has no owner (nothing mapped there).
     * @throws FabricException      if the GMM cannot be reached.
     */
    OwnerLink ownerOf(final long vaddr)
    {
        final long vregion = vaddr >>> VREGION_SHIFT;
        if (vregion < VREGIONS)
        {
            final OwnerLink link = byVRegion.get((int)vregion);
            if (link != null)
            {
                return link;
            }
        }
        return lookUp(vregion);
    }

    private synchronized OwnerLink lookUp(final long vregion)
    {
        if (vregion >= VREGIONS)
        {
            throw new RemoteErrorException(Errno.EFAULT, "address above the user address space");
        }
        OwnerLink link = byVRegion.get((int)vregion);
        if (link == null)
        {
            final VRegionOwner owner = gmm.vregionLookup(pid, (int)vregion);
            link = linkTo(owner.ownerAddress());
            byVRegion.set((int)vregion, link);
        }
        return link;
    }

    private OwnerLink linkTo(final Endpoint endpoint)
    {
        return byEndpoint.computeIfAbsent(endpoint, (e) -> new OwnerLink(e, transport.connect(e), timeoutNs, timings.callRetries()));
    }

    /** How long and how often a failed owner is failed over. */
    FailoverTimings timings()
    {
        return timings;
    }

    /**
     * After a call to {@code failed}, the owner of the vRegion holding {@code vaddr}, failed in transport: asks the
     * GMM for the vRegion's owner. When it names another mComponent (the GMM declared the old one DEAD and promoted
     * the vRegion's secondary), routes the vRegion there and drops the link to the failed owner; when it names the
     * same one (slow, or not yet declared DEAD), pauses {@link FailoverTimings#pauseNs}. Either way the caller sends its
     * idempotent request again, until {@code deadlineNs}. Blocks only the calling thread (no ExCache lock is held:
     * only the harts that need this owner wait).
     *
     * @param deadlineNs {@link #timings()}' clock time after which the failure stands ({@link
     *                   FailoverTimings#deadlineFromNow()}).
     * @return true to send the request again; false once the deadline passed, when the calling thread is interrupted
     * (its hart is being stopped), or at once when the GMM says the vRegion is lost (EHOSTDOWN) or unknown.
     */
    boolean failover(final long vaddr, final OwnerLink failed, final long deadlineNs)
    {
        if (timings.passed(deadlineNs) || Thread.currentThread().isInterrupted())
        {
            return false; // interrupted: the hart is being stopped, and its pauses would return at once (a tight loop)
        }
        final int vregion = (int)(vaddr >>> VREGION_SHIFT);
        try
        {
            final VRegionOwner owner = gmm.vregionLookup(pid, vregion);
            if (!owner.ownerAddress().equals(failed.endpoint()))
            {
                reroute(vregion, owner.ownerAddress(), failed);
                return true;
            }
        }
        catch (final RemoteErrorException ex)
        {
            return false;
        }
        catch (final FabricException ex)
        {
            // the GMM did not answer: try again after the pause
        }
        timings.pause();
        return true;
    }

    private synchronized void reroute(final int vregion, final Endpoint to, final OwnerLink dead)
    {
        byVRegion.set(vregion, linkTo(to));
        if (byEndpoint.remove(dead.endpoint(), dead))
        {
            for (int v = 0; v < VREGIONS; v++)
            {
                byVRegion.compareAndSet(v, dead, null);
            }
            dead.close();
        }
    }

    /** A proxy to every owner this process has used, for the calls of its exit and for closing the connections. */
    public synchronized Iterable<MemoryProxy> owners()
    {
        final List<MemoryProxy> all = new ArrayList<>();
        for (final OwnerLink link : byEndpoint.values())
        {
            all.add(link.control());
        }
        return all;
    }
}
