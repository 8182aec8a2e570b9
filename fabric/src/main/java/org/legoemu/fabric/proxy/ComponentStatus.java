package org.legoemu.fabric.proxy;

import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.sbe.ComponentKind;
import org.legoemu.fabric.sbe.ComponentState;

/**
 * One row of the cluster status (G2C_STATUS components group).
 *
 * @param componentId    cluster-wide id.
 * @param kind           component kind.
 * @param state          ALIVE, SUSPECT or DEAD.
 * @param load           last reported load: mComponent frames in use, pComponent processes, sComponent 0.
 * @param capacityBytes  capacity declared at registration, bytes.
 * @param registeredAtNs the GMM's uptime when the component registered, ns (its uptime is the status's uptime minus
 *                       this).
 * @param address        where the component serves requests.
 * @param threads          pComponent: live guest threads at its last heartbeat; others 0.
 * @param excacheLinesUsed pComponent: valid 4 KiB ExCache lines at its last heartbeat (of capacityBytes / 4096);
 *                         others 0.
 * @param vregionsOwned    mComponent: vRegions the GMM has assigned to it; others 0.
 * @param bytesStored      sComponent: bytes in its files at its last heartbeat; others 0.
 */
public record ComponentStatus(
    int componentId,
    ComponentKind kind,
    ComponentState state,
    long load,
    long capacityBytes,
    long registeredAtNs,
    Endpoint address,
    long threads,
    long excacheLinesUsed,
    long vregionsOwned,
    long bytesStored)
{
    /** Size of one ExCache line and one mComponent frame, bytes. */
    public static final long PAGE_BYTES = MemoryProxy.LINE_SIZE;

    /** mComponent: frames of its memory; pComponent: lines of its ExCache (capacity / 4 KiB); else 0. */
    public long pagesTotal()
    {
        return capacityBytes / PAGE_BYTES;
    }
}
