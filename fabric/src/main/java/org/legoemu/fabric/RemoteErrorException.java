package org.legoemu.fabric;

/** The peer answered with ErrorReply. Its errno and text are the peer's. */
public final class RemoteErrorException extends FabricException
{
    public RemoteErrorException(final int errno, final String text)
    {
        super(errno, text);
    }
}
