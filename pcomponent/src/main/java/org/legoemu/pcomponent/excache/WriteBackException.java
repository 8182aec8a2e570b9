package org.legoemu.pcomponent.excache;

/** A dirty line could not be written back to its owner mComponent; the line's data would be lost. */
public final class WriteBackException extends RuntimeException
{
    /** Linux ENOMEM. */
    private static final int ENOMEM = 12;

    public WriteBackException(final String message, final Throwable cause)
    {
        super(message, cause);
    }

    /**
     * Why a process was killed because no mComponent had a free frame for its memory, worded as Linux's OOM killer
     * reports it ("Out of memory: ...").
     */
    public static String outOfMemoryReason(final String detail)
    {
        return "Out of memory: the memory components have no free frame (" + detail + ")";
    }

    /**
     * Whether the owner refused the line because it has no free frame (ErrorReply ENOMEM): the cluster's memory is
     * full, and the process is killed as Linux's OOM killer would (SIGKILL), not with SIGBUS.
     */
    public boolean outOfMemory()
    {
        return getCause() instanceof org.legoemu.fabric.RemoteErrorException &&
            ((org.legoemu.fabric.RemoteErrorException)getCause()).errno() == ENOMEM;
    }
}
