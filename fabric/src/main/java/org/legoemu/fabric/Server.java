package org.legoemu.fabric;

/** A running request server. */
public interface Server extends AutoCloseable
{
    /** The endpoint actually bound (with the chosen port when 0 was asked). */
    Endpoint endpoint();

    /** Stops accepting; requests in flight get ErrorReply ESHUTDOWN. */
    @Override
    void close();
}
