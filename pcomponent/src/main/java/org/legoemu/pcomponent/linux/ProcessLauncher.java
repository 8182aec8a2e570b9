package org.legoemu.pcomponent.linux;

/**
 * Runs the processes a guest creates with fork(2) on this pComponent (LegoOS §4.5: the child stays on the parent's
 * pComponent; its home mComponent copies the address space). Implemented by the processor monitor.
 */
public interface ProcessLauncher
{
    /**
     * fork(2): places a child of {@code parent} with the GMM (P2G_FORK_PLACE) and has the home copy the parent's
     * address space to it (P2M_FORK). The parent's dirty ExCache lines must have been written back.
     *
     * @return the child, with a copy of the parent's descriptors, cwd and break, and no thread yet.
     * @throws Refused EAGAIN when the GMM or the home cannot place or copy it, ENOMEM when the memory ran out.
     */
    LinuxProcess fork(LinuxProcess parent);

    /**
     * Runs {@code child} from {@code main} (created by {@code child.threads()}, registers set) on threads of its own
     * until it ends; then closes its descriptors, frees its memory on every owner, tells the GMM, and only then
     * reports its status to the parent's {@link ChildProcesses} (so a parent that waited sees no frame of it left).
     */
    void start(LinuxProcess child, GuestThread main);

    /** A fork that failed with a Linux errno. */
    final class Refused extends RuntimeException
    {
        private final int errno;

        public Refused(final int errno, final String message)
        {
            super(message);
            this.errno = errno;
        }

        /** The positive Linux errno the guest's fork gets. */
        public int errno()
        {
            return errno;
        }
    }
}
