package org.legoemu.pcomponent.memory;

import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntArrayList;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Transport;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.fabric.proxy.MemoryProxy;
import org.legoemu.fabric.proxy.VRegionOwner;

import java.util.HashMap;
import java.util.concurrent.locks.LockSupport;

import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.RemoteErrorException;
import java.util.Map;

/**
 * Which mComponent owns each vRegion (1 GiB, {@code vaddr >>> 30}) of one process, asked of the GMM once per
 * vRegion (P2G_VREGION_LOOKUP) and then cached, with one {@link MemoryProxy} per owner for the threads that
 * access the ExCache (used under its lock) and another per owner for the ExCache's flusher thread, since a
 * proxy serves one thread at a time.
 *
 * <p>Thread-safe: lookups are serialised on this directory; each returned proxy belongs to its caller's role.
 */
public final class OwnerDirectory
{
    /** log2 of the vRegion size: 1 GiB (LegoOS §4.4). */
    public static final int VREGION_SHIFT = 30;

    private final int pid;
    private final GmmProxy gmm;
    private final Transport transport;
    private final long timeoutNs;
    private final Int2ObjectHashMap<MemoryProxy> byVRegion = new Int2ObjectHashMap<>();
    private final Map<Endpoint, MemoryProxy> byEndpoint = new HashMap<>();
    private final Map<Endpoint, MemoryProxy> flusherByEndpoint = new HashMap<>();

    /**
     * @param pid       the process.
     * @param gmm       proxy to the GMM, used only under the caller's serialisation.
     * @param transport to connect to owners.
     * @param timeoutNs per-request timeout for owner calls.
     */
    public OwnerDirectory(final int pid, final GmmProxy gmm, final Transport transport, final long timeoutNs)
    {
        this.pid = pid;
        this.gmm = gmm;
        this.transport = transport;
        this.timeoutNs = timeoutNs;
    }

    /**
     * The proxy to the owner of the vRegion holding {@code vaddr}.
     *
     * @throws org.legoemu.fabric.RemoteErrorException EFAULT if the vRegion has no owner (nothing mapped there).
     */
    public synchronized MemoryProxy ownerOf(final long vaddr)
    {
        final int vregion = (int)(vaddr >>> VREGION_SHIFT);
        MemoryProxy proxy = byVRegion.get(vregion);
        if (proxy == null)
        {
            final VRegionOwner owner = gmm.vregionLookup(pid, vregion);
            proxy = byEndpoint.computeIfAbsent(
                owner.ownerAddress(), (e) -> new MemoryProxy(transport.connect(e), timeoutNs));
            byVRegion.put(vregion, proxy);
        }
        return proxy;
    }

    /**
     * The flusher thread's proxy to the owner of the vRegion holding {@code vaddr}: same owner as
     * {@link #ownerOf}, its own connection.
     *
     * @throws org.legoemu.fabric.RemoteErrorException EFAULT if the vRegion has no owner (nothing mapped there).
     */
    public synchronized MemoryProxy flusherOwnerOf(final long vaddr)
    {
        final MemoryProxy owner = ownerOf(vaddr);
        for (final Map.Entry<Endpoint, MemoryProxy> e : byEndpoint.entrySet())
        {
            if (e.getValue() == owner)
            {
                return flusherByEndpoint.computeIfAbsent(
                    e.getKey(), (endpoint) -> new MemoryProxy(transport.connect(endpoint), timeoutNs));
            }
        }
        throw new IllegalStateException("owner proxy without an endpoint");
    }

    /**
     * After a call to {@code failed}, the owner of the vRegion holding {@code vaddr}, failed in transport: asks the
     * GMM for the vRegion's owner. When it names another mComponent (the GMM declared the old one DEAD and promoted
     * the vRegion's secondary), routes the vRegion there and drops the connections to the failed owner; when it
     * names the same one (slow, or not yet declared DEAD), pauses {@link HomeFailover#PAUSE_NS}. Either way the
     * caller sends its idempotent request again, until {@code deadlineNs}. Blocks the caller meanwhile (the ExCache's
     * lock stays held: the process's other harts wait too).
     *
     * @param deadlineNs {@link System#nanoTime()} after which the failure stands.
     * @return true to send the request again; false once the deadline passed, or at once when the GMM says the
     * vRegion is lost (EHOSTDOWN) or unknown.
     */
    public boolean failover(final long vaddr, final MemoryProxy failed, final long deadlineNs)
    {
        if (System.nanoTime() > deadlineNs)
        {
            return false;
        }
        final int vregion = (int)(vaddr >>> VREGION_SHIFT);
        final Endpoint dead = endpointOf(failed);
        try
        {
            final VRegionOwner owner = gmm.vregionLookup(pid, vregion);
            if (!owner.ownerAddress().equals(dead))
            {
                reroute(vregion, owner.ownerAddress(), dead);
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
        LockSupport.parkNanos(HomeFailover.PAUSE_NS);
        return true;
    }

    private synchronized Endpoint endpointOf(final MemoryProxy proxy)
    {
        for (final Map.Entry<Endpoint, MemoryProxy> e : byEndpoint.entrySet())
        {
            if (e.getValue() == proxy)
            {
                return e.getKey();
            }
        }
        for (final Map.Entry<Endpoint, MemoryProxy> e : flusherByEndpoint.entrySet())
        {
            if (e.getValue() == proxy)
            {
                return e.getKey();
            }
        }
        return proxy.client().peer();
    }

    private synchronized void reroute(final int vregion, final Endpoint to, final Endpoint dead)
    {
        byVRegion.put(vregion, byEndpoint.computeIfAbsent(to, (e) -> new MemoryProxy(transport.connect(e), timeoutNs)));
        final MemoryProxy gone = byEndpoint.remove(dead);
        final MemoryProxy goneFlusher = flusherByEndpoint.remove(dead);
        if (gone != null)
        {
            final IntArrayList stale = new IntArrayList();
            byVRegion.forEachInt((v, proxy) ->
            {
                if (proxy == gone)
                {
                    stale.addInt(v);
                }
            });
            for (int i = 0; i < stale.size(); i++)
            {
                byVRegion.remove(stale.getInt(i));
            }
            gone.client().close();
        }
        if (goneFlusher != null)
        {
            goneFlusher.client().close();
        }
    }

    /** Every distinct owner proxy this process has used (both roles), for cleanup. */
    public synchronized Iterable<MemoryProxy> owners()
    {
        final java.util.List<MemoryProxy> all = new java.util.ArrayList<>(byEndpoint.values());
        all.addAll(flusherByEndpoint.values());
        return all;
    }
}
