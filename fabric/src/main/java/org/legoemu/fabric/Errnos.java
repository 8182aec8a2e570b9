package org.legoemu.fabric;

/**
 * Linux errno values (asm-generic/errno-base.h, errno.h) carried in ErrorReply: the ones the fabric itself produces
 * (see errno(3)) and the ones components (GMM, sComponent) put in ErrorReply for their own failures.
 */
public final class Errnos
{
    /** No such file or directory; no such component. */
    public static final int ENOENT = 2;
    /** Device or resource busy (rmdir or rename of the namespace root). */
    public static final int EBUSY = 16;
    /** Directory not empty (rmdir(2), rename(2)). */
    public static final int ENOTEMPTY = 39;
    /** No locks available: a restarted sComponent is in its lock grace period (only reclaims are granted). */
    public static final int ENOLCK = 37;
    /** No such process (unknown pid). */
    public static final int ESRCH = 3;
    /** I/O error: the handler failed or did not answer, or the connection was lost with the call pending. */
    public static final int EIO = 5;
    /** Resource temporarily unavailable: the server's dispatch queue is full. */
    public static final int EAGAIN = 11;
    /** Resource deadlock would occur: waiting for a file lock would close a cycle of waiters. */
    public static final int EDEADLK = 35;
    /** Out of memory: the cluster's commit limit leaves too little. */
    public static final int ENOMEM = 12;
    /** Permission denied. */
    public static final int EACCES = 13;
    /** Bad address: the address (vRegion) has no owner. */
    public static final int EFAULT = 14;
    /** File exists. */
    public static final int EEXIST = 17;
    /** Not a directory. */
    public static final int ENOTDIR = 20;
    /** Is a directory. */
    public static final int EISDIR = 21;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** File too large. */
    public static final int EFBIG = 27;
    /** No space left on device. */
    public static final int ENOSPC = 28;
    /** File name too long. */
    public static final int ENAMETOOLONG = 36;
    /** Too many levels of symbolic links. */
    public static final int ELOOP = 40;
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
    /** Host is down: the mComponent that held a vRegion is DEAD and no replica of it is left. */
    public static final int EHOSTDOWN = 112;

    private Errnos()
    {
    }
}
