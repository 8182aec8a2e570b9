package org.legoemu.fabric.proxy;

/**
 * The GMM's answer to a home's M2G_COMMIT.
 *
 * @param grantedBytes   the home's grant now, bytes.
 * @param limitBytes     the cluster-wide commit limit (the memory of the mComponents not DEAD), bytes.
 * @param committedBytes the grants of every live home together, this one included, bytes.
 */
public record CommitGrant(long grantedBytes, long limitBytes, long committedBytes)
{
}
