package org.legoemu.fabric.proxy;

import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.sbe.ComponentKind;
import org.legoemu.fabric.sbe.ComponentState;

/**
 * One component as the GMM knows it (G2X_COMPONENT).
 *
 * @param componentId cluster-wide id.
 * @param kind        pComponent, mComponent, sComponent or client.
 * @param state       ALIVE, SUSPECT (2 missed heartbeats) or DEAD.
 * @param address     where the component serves requests.
 */
public record ComponentAddress(int componentId, ComponentKind kind, ComponentState state, Endpoint address)
{
}
