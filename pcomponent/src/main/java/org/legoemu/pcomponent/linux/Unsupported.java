package org.legoemu.pcomponent.linux;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a guest asked for and the emulator does not do: an unsupported system call, or an unsupported command or
 * flag of a supported one (e.g. fcntl(F_SETLK)). Each is logged once per JVM by name, at WARN, with the errno the
 * guest got, so that a user who sees a program fail with a bare "disk I/O error" can see why.
 */
final class Unsupported
{
    private static final Logger LOG = LoggerFactory.getLogger(Unsupported.class);
    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

    private Unsupported()
    {
    }

    /**
     * Logs {@code what} the first time it is seen.
     *
     * @param pid    the guest process, for the message.
     * @param what   e.g. "syscall fchown (55)" or "fcntl command F_SETLK (6)".
     * @param answer what the guest gets, e.g. "-ENOSYS".
     */
    static void report(final int pid, final String what, final String answer)
    {
        if (REPORTED.add(what))
        {
            LOG.warn("guest pid {} used unsupported {}: returning {}", pid, what, answer);
        }
    }

    /** The name of fcntl(2) command {@code cmd} (include/uapi/asm-generic/fcntl.h, include/uapi/linux/fcntl.h). */
    static String fcntlCommand(final int cmd)
    {
        final String name = switch (cmd)
        {
            case 5 -> "F_GETLK";
            case 6 -> "F_SETLK";
            case 7 -> "F_SETLKW";
            case 8 -> "F_SETOWN";
            case 9 -> "F_GETOWN";
            case 10 -> "F_SETSIG";
            case 11 -> "F_GETSIG";
            case 15 -> "F_SETOWN_EX";
            case 16 -> "F_GETOWN_EX";
            case 36 -> "F_OFD_GETLK";
            case 37 -> "F_OFD_SETLK";
            case 38 -> "F_OFD_SETLKW";
            case 1024 -> "F_SETLEASE";
            case 1025 -> "F_GETLEASE";
            case 1026 -> "F_NOTIFY";
            case 1031 -> "F_SETPIPE_SZ";
            case 1032 -> "F_GETPIPE_SZ";
            case 1033 -> "F_ADD_SEALS";
            case 1034 -> "F_GET_SEALS";
            default -> "command";
        };
        return "fcntl " + name + " (" + cmd + ")";
    }
}
