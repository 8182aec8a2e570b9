package org.legoemu.gmm;

/**
 * The placement figures each mComponent last reported in its X2G_HEARTBEAT, read by
 * {@link VRegionPlacementPolicy} implementations.
 */
public interface MComponentLoads
{
    /** Requests the mComponent served between its last two heartbeats. */
    long recentRequests(int componentId);

    /** Free 4 KiB frames the mComponent last reported. */
    long framesFree(int componentId);
}
