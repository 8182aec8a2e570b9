package org.legoemu.gmm;

/**
 * The new vRegion goes to the live mComponent with the most free frames (X2G_HEARTBEAT framesFree; before its
 * first heartbeat an mComponent counts its whole capacity as free). Ties as {@link LoadRankedPolicy}.
 * Configuration name {@code most-free}.
 */
public final class MostFreePolicy extends LoadRankedPolicy
{
    @Override
    long cost(final int componentId, final MComponentLoads loads)
    {
        return -loads.framesFree(componentId);
    }
}
