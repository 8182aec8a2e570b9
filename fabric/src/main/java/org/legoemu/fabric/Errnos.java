package org.legoemu.fabric;

/**
 * The Linux errno values the fabric itself produces (see errno(3), {@code asm-generic/errno.h}). Components use the
 * same numbers in ErrorReply for their own failures.
 */
public final class Errnos
{
    /** I/O error: the handler failed or did not answer, or the connection was lost with the call pending. */
    public static final int EIO = 5;
    /** Resource temporarily unavailable: the server's dispatch queue is full. */
    public static final int EAGAIN = 11;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** Protocol error: malformed frame, wrong schemaId, unknown templateId, truncated message. */
    public static final int EPROTO = 71;
    /** Message too long for the configured maximum frame length. */
    public static final int EMSGSIZE = 90;
    /** Address already in use: a server already listens on the endpoint. */
    public static final int EADDRINUSE = 98;
    /** Cannot send after transport endpoint shutdown: the server or client is closing or closed. */
    public static final int ESHUTDOWN = 108;
    /** Connection timed out: no reply (or no connection) within the call's timeout. */
    public static final int ETIMEDOUT = 110;
    /** Connection refused: nothing serves the peer endpoint. */
    public static final int ECONNREFUSED = 111;

    private Errnos()
    {
    }
}
