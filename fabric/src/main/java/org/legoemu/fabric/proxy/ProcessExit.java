package org.legoemu.fabric.proxy;

/**
 * How a process run with {@code lego exec} ended (the last P2C_OUTPUT).
 *
 * @param exitStatus   as a shell shows it: the exit(2) status, or 128 + signal number for a signal death.
 * @param signal       the fatal signal number, 0 for a normal exit.
 * @param description  one line for the user when killed by a signal (e.g. "SIGSEGV: address 0x10 pc 0x10486"), else
 *                     empty.
 * @param instructions guest instructions retired.
 * @param wallNs       wall-clock time from execve to exit, ns.
 * @param model        the process's modeled figures under the pComponent's fabric profile, or null when it has none
 *                     (it never ran, or an older pComponent sent no figures).
 */
public record ProcessExit(
    int exitStatus, int signal, String description, long instructions, long wallNs, Modeled model)
{
    /**
     * The modeled figures carried in P2C_OUTPUT (docs/modeled-time.md; the same as {@code lego run}'s
     * {@code model.*} keys, without the breakdown).
     *
     * @param profile     the fabric profile's name.
     * @param modeledNs   modeled time from the process's start to its last hart's end, ns.
     * @param localNs     the same run costed with all memory local, ns.
     * @param fetches     misses the model sent to an mComponent.
     * @param missP50Ns   median modeled latency of those misses, queueing included, ns.
     * @param missP99Ns   99th percentile of the same, ns.
     */
    public record Modeled(String profile, long modeledNs, long localNs, long fetches, long missP50Ns, long missP99Ns)
    {
    }
}
