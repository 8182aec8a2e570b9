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
 */
public record ComponentStatus(
    int componentId,
    ComponentKind kind,
    ComponentState state,
    long load,
    long capacityBytes,
    long registeredAtNs,
    Endpoint address)
{
}
