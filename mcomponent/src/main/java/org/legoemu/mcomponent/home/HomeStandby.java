package org.legoemu.mcomponent.home;

/**
 * Where a home keeps a copy of its processes' VM layouts (the home standby, LegoOS §4.7 applied to the home's
 * metadata): after every change, the home sends the standby a {@link HomeCheckpoint}; when the GMM declares the home
 * DEAD, the standby becomes the home ({@code G2M_PROMOTE_HOME}).
 */
public interface HomeStandby
{
    /** No standby: replication off, or tests of a single monitor. */
    HomeStandby NONE = new HomeStandby()
    {
        @Override
        public void checkpoint(final AddressSpace space)
        {
        }

        @Override
        public void assigned(final int pid, final int standbyId)
        {
        }

        @Override
        public void exit(final int pid)
        {
        }
    };

    /**
     * Sends the standby of {@code space}'s process its current layout. Failures are logged, not thrown: the process
     * goes on unprotected until the next checkpoint reaches a standby.
     */
    void checkpoint(AddressSpace space);

    /** Records the standby the GMM named for {@code pid} (after a home failover). */
    void assigned(int pid, int standbyId);

    /** The process exited: the standby drops its checkpoint. */
    void exit(int pid);

    /** The standby of {@code pid} as last known here: its id, -1 for none, -2 when not known yet. */
    default int standbyOf(final int pid)
    {
        return -1;
    }
}
