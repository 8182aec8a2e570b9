package org.legoemu.pcomponent.memory;

import org.agrona.collections.Int2ObjectHashMap;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Transport;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.fabric.proxy.MemoryProxy;
import org.legoemu.fabric.proxy.VRegionOwner;

import java.util.HashMap;
import java.util.Map;

/**
 * Which mComponent owns each vRegion (1 GiB, {@code vaddr >>> 30}) of one process, asked of the GMM once per
 * vRegion (P2G_VREGION_LOOKUP) and then cached, with one {@link MemoryProxy} per owner.
 *
 * <p>Not thread-safe: used under the ExCache lock, the only place misses and flushes are sent from.
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
    public MemoryProxy ownerOf(final long vaddr)
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

    /** Every distinct owner this process has used, for cleanup. */
    public Iterable<MemoryProxy> owners()
    {
        return byEndpoint.values();
    }
}
