package org.legoemu.pcomponent;

/** A guest could not be started (missing file, not an ELF, wrong architecture, memory side failure). */
public final class LaunchException extends RuntimeException
{
    private final int errno;

    /**
     * @param errno   positive Linux errno (ENOENT, ENOEXEC, ...).
     * @param message one line for the user, e.g. "cannot execute /bin/x: not an ELF file".
     */
    public LaunchException(final int errno, final String message)
    {
        super(message);
        this.errno = errno;
    }

    public int errno()
    {
        return errno;
    }
}
