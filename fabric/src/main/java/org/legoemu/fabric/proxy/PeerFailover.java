package org.legoemu.fabric.proxy;

import org.legoemu.fabric.Client;
import org.legoemu.fabric.FabricException;

/**
 * Where a proxy's calls go after its peer stopped answering: a pComponent's home mComponent died and the GMM
 * promoted the process's home standby (memory replication, LegoOS §4.7). Asked after a call failed in transport
 * (timeout after its retries, refused or lost connection), never after an error reply.
 */
@FunctionalInterface
public interface PeerFailover
{
    /**
     * A connection to the component that took the failed peer's place; may block while the cluster fails over.
     *
     * @param failed  the client whose call failed (its peer names the dead component); the proxy closes it once
     *                a replacement is returned.
     * @param failure what the call failed with.
     * @return a new connected client to call again, or null to give up (the failure is thrown to the caller).
     */
    Client replacement(Client failed, FabricException failure);

    /** A call succeeded after one or more replacements: the failover is over. */
    default void recovered()
    {
    }
}
