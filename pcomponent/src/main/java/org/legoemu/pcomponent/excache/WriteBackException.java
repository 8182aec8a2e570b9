package org.legoemu.pcomponent.excache;

/** A dirty line could not be written back to its owner mComponent; the line's data would be lost. */
public final class WriteBackException extends RuntimeException
{
    public WriteBackException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
