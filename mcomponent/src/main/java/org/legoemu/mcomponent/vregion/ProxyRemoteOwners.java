package org.legoemu.mcomponent.vregion;

import org.legoemu.fabric.Client;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Transport;
import org.legoemu.fabric.proxy.MemoryProxy;
import org.legoemu.fabric.proxy.VRegionOwner;
import org.legoemu.fabric.sbe.VmaOp;

import java.util.HashMap;
import java.util.Map;

/**
 * {@link RemoteOwners} over one {@link MemoryProxy} per owner endpoint, connected on first use. Not thread-safe:
 * guarded by the monitor's state lock (see the package's threading rules).
 */
public final class ProxyRemoteOwners implements RemoteOwners
{
    private final Transport transport;
    private final long timeoutNs;
    private final Map<Endpoint, MemoryProxy> proxies = new HashMap<>();

    /**
     * @param transport how to reach the other mComponents.
     * @param timeoutNs how long each call waits, nanoseconds.
     */
    public ProxyRemoteOwners(final Transport transport, final long timeoutNs)
    {
        this.transport = transport;
        this.timeoutNs = timeoutNs;
    }

    @Override
    public void vmaUpdate(
        final VRegionOwner owner, final int pid, final int pcomponentId, final VmaOp op, final long start, final long end, final int prot)
    {
        proxy(owner).vmaUpdate(pid, pcomponentId, op, start, end, prot);
    }

    @Override
    public void pageStore(final VRegionOwner owner, final int pid, final int pcomponentId, final long vaddr, final byte[] page)
    {
        proxy(owner).pageStore(pid, pcomponentId, vaddr, page);
    }

    @Override
    public long processExit(final VRegionOwner owner, final int pid)
    {
        return proxy(owner).processExitOnOwner(pid);
    }

    @Override
    public long fork(final VRegionOwner owner, final int parentPid, final int childPid, final int pcomponentId)
    {
        return proxy(owner).forkOnOwner(parentPid, childPid, pcomponentId);
    }

    @Override
    public void close()
    {
        for (final MemoryProxy proxy : proxies.values())
        {
            proxy.client().close();
        }
        proxies.clear();
    }

    private MemoryProxy proxy(final VRegionOwner owner)
    {
        MemoryProxy proxy = proxies.get(owner.ownerAddress());
        if (proxy == null)
        {
            final Client client = transport.connect(owner.ownerAddress());
            proxy = new MemoryProxy(client, timeoutNs);
            proxies.put(owner.ownerAddress(), proxy);
        }
        return proxy;
    }
}
