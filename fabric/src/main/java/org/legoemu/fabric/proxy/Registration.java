package org.legoemu.fabric.proxy;

/**
 * What the GMM answers to X2G_REGISTER (G2X_REGISTER_REPLY).
 *
 * @param componentId         cluster-wide id of the registered monitor, from 1 upward.
 * @param heartbeatIntervalNs how often the monitor must send X2G_HEARTBEAT, nanoseconds.
 * @param fabricModel         the cluster's fabric profile name (timing model), empty from a GMM before schema 6.
 */
public record Registration(int componentId, long heartbeatIntervalNs, long leaseNs, String fabricModel)
{
}
