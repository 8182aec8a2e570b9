package org.legoemu.fabric.proxy;

import org.agrona.collections.IntArrayList;

/**
 * What a member tells a GMM that has forgotten it (a GMM restarted after a crash keeps no state) when it registers
 * again, so that the GMM hands out no pid the cluster still uses and places the member's running processes again.
 * Its own id goes with it ({@link ClusterMembership}). Sampled on the membership's heartbeat thread; implementations
 * are thread-safe.
 */
public interface MemberState
{
    /** A member that holds no process state (the sComponent). */
    MemberState NONE = () -> 0;

    /**
     * The highest pid this member runs, or holds memory, a home or a replica log of; 0 if none.
     */
    int highestPid();

    /**
     * The processes this member runs, as pairs (pid, home mComponent id) appended to {@code pidsAndHomes} (cleared
     * first); a pComponent lists its running processes, other members none.
     */
    default void runningProcesses(final IntArrayList pidsAndHomes)
    {
        pidsAndHomes.clear();
    }
}
