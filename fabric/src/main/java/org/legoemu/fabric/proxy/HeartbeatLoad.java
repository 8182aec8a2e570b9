package org.legoemu.fabric.proxy;

/**
 * The figures a monitor reports in each X2G_HEARTBEAT; sampled on the heartbeat thread once per interval. The GMM
 * uses the mComponent figures to place vRegions (LegoOS §4.5: the GMM assigns vRegions by mComponent load).
 */
@FunctionalInterface
public interface HeartbeatLoad
{
    /** mComponent: frames in use; pComponent: running processes; sComponent: 0. */
    long load();

    /** mComponent: requests served since the previous sample (least-loaded placement); others 0. */
    default long recentRequests()
    {
        return 0;
    }

    /** mComponent: free 4 KiB frames (most-free placement); others 0. */
    default long framesFree()
    {
        return 0;
    }

    /** pComponent: live guest threads of its processes (lego status); others 0. */
    default long threads()
    {
        return 0;
    }

    /** pComponent: valid 4 KiB lines in its ExCache (occupancy, lego status); others 0. */
    default long excacheLinesUsed()
    {
        return 0;
    }

    /** sComponent: bytes in the regular files it stores (lego status); others 0. */
    default long bytesStored()
    {
        return 0;
    }
}
