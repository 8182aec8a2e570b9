package org.legoemu.emulator;

/** Exit statuses of the {@code lego} command besides the guest's own (which {@code run} passes through). */
public final class ExitCodes
{
    /** Bad command line (picocli's usage error code). */
    public static final int USAGE = 2;
    /** The emulator or the cluster failed (sysexits EX_SOFTWARE). */
    public static final int INTERNAL_ERROR = 70;
    /** The guest exists but cannot be executed: not an ELF, wrong machine, dynamically linked (as a shell). */
    public static final int CANNOT_EXECUTE = 126;
    /** The guest file does not exist (as a shell). */
    public static final int NOT_FOUND = 127;

    private ExitCodes()
    {
    }
}
