package org.legoemu.fabric.proxy;

import java.util.List;

/**
 * The cluster as the GMM sees it (G2C_STATUS).
 *
 * @param uptimeNs   time since the GMM started, nanoseconds.
 * @param components every registered component in id order.
 * @param fabricModel the cluster's fabric profile name (timing model), empty from a GMM before schema 6.
 */
public record ClusterStatus(long uptimeNs, List<ComponentStatus> components, String fabricModel)
{
}
