package org.legoemu.fabric;

/** A call that did not get a normal reply: timeout, refused or lost connection, or an error reply. */
public class FabricException extends RuntimeException
{
    private final int errno;

    /**
     * @param errno positive Linux errno that a guest would see for this failure (e.g. ETIMEDOUT 110, EIO 5).
     */
    public FabricException(final int errno, final String message)
    {
        super(message);
        this.errno = errno;
    }

    public FabricException(final int errno, final String message, final Throwable cause)
    {
        super(message, cause);
        this.errno = errno;
    }

    /** Positive Linux errno. */
    public int errno()
    {
        return errno;
    }
}
