package org.legoemu.gmm;

import org.legoemu.fabric.Errnos;

/** A request the GMM refuses; the adapter turns it into ErrorReply with {@link #errno()}. */
public final class GmmException extends RuntimeException
{
    private final int errno;

    /**
     * @param errno   positive Linux errno, see {@link Errnos}.
     * @param message one-line reason, sent as the ErrorReply text.
     */
    public GmmException(final int errno, final String message)
    {
        super(message, null, false, false);
        this.errno = errno;
    }

    /** Positive Linux errno. */
    public int errno()
    {
        return errno;
    }
}
