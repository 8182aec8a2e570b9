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

    /**
     * What this member holds of the processes' memory, as quadruples (pid, vregion, role, peer id) appended to
     * {@code entries} (cleared first), role a {@link org.legoemu.fabric.sbe.HeldRole} value: an mComponent lists the
     * vRegions it owns (peer: the secondary it replicates them to, -1 none, -2 not known yet) and keeps the log of
     * (SECONDARY, peer -2), and the processes it is home of (vregion -1, peer: the home standby, -1 none, -2 not
     * known yet) and home standby of (vregion -1, peer -2); other members none. A restarted GMM rebuilds its vRegion
     * directory from them (M2G_MEMORY_RESTORE).
     */
    default void heldMemory(final IntArrayList entries)
    {
        entries.clear();
    }

    /** The commit grant this member holds as a home mComponent (M2G_COMMIT), bytes; 0 for other members. */
    default long committedBytes()
    {
        return 0;
    }
}
