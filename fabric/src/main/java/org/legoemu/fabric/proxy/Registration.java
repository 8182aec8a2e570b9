package org.legoemu.fabric.proxy;

/**
 * What the GMM answers to X2G_REGISTER (G2X_REGISTER_REPLY).
 *
 * @param componentId         cluster-wide id of the registered monitor, from 1 upward.
 * @param heartbeatIntervalNs how often the monitor must send X2G_HEARTBEAT, nanoseconds.
 */
public record Registration(int componentId, long heartbeatIntervalNs, long leaseNs)
{
}
