package org.legoemu.gmm;

import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.sbe.ComponentKind;
import org.legoemu.fabric.sbe.ComponentState;

/**
 * A snapshot of one registered component.
 *
 * @param componentId     cluster-wide id, from 1 upward.
 * @param kind            pComponent, mComponent, sComponent or client.
 * @param address         where the component serves requests.
 * @param state           ALIVE, SUSPECT (2 or more heartbeats missed) or DEAD (missedHeartbeats missed).
 * @param load            last reported load (mComponent frames in use, pComponent processes).
 * @param capacityBytes   capacity declared at registration, bytes.
 * @param registeredAtNs  GMM clock at registration, nanoseconds.
 * @param lastHeartbeatNs GMM clock at the last heartbeat (or registration), nanoseconds.
 * @param figures         the status figures of the last heartbeat (threads, ExCache lines, bytes stored).
 */
public record ComponentInfo(
    int componentId,
    ComponentKind kind,
    Endpoint address,
    ComponentState state,
    long load,
    long capacityBytes,
    long registeredAtNs,
    long lastHeartbeatNs,
    StatusFigures figures)
{
}
