package org.legoemu.mcomponent.vm;

/**
 * A VM system call or execve that fails with a Linux errno; the monitor answers it with ErrorReply. Not used on
 * the page-fault path, which returns negative errnos instead.
 */
public final class VmException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final int errno;

    /**
     * @param errno   positive Linux errno.
     * @param message one line for the ErrorReply text.
     */
    public VmException(final int errno, final String message)
    {
        super(message);
        this.errno = errno;
    }

    /** Positive Linux errno. */
    public int errno()
    {
        return errno;
    }
}
