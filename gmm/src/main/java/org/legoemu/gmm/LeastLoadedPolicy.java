package org.legoemu.gmm;

/**
 * LegoOS's default vRegion placement (§4.5): the new vRegion goes to the live mComponent that served the fewest
 * requests between its last two heartbeats (X2G_HEARTBEAT recentRequests). Ties as {@link LoadRankedPolicy}.
 * Configuration name {@code least-loaded}.
 */
public final class LeastLoadedPolicy extends LoadRankedPolicy
{
    @Override
    long cost(final int componentId, final MComponentLoads loads)
    {
        return loads.recentRequests(componentId);
    }
}
