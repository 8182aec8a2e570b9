package org.legoemu.pcomponent;

import org.legoemu.abi.Signal;
import org.legoemu.pcomponent.excache.ExCacheStats;
import org.legoemu.pcomponent.model.ModelFigures;

/**
 * How a guest process ended.
 *
 * @param exitStatus   what a shell would show: the exit(2) status, or 128 + signal number for a signal death.
 * @param signal       the fatal signal, or null for a normal exit.
 * @param description  one line for the user when killed (e.g. "SIGSEGV: address 0x10 pc 0x10486"), else null.
 * @param instructions guest instructions retired.
 * @param wallNs       wall-clock time from execve to exit, ns.
 * @param hartCpuNs    CPU time the process's hart threads consumed (interpreting and in system calls), ns; 0 if the
 *                     JVM cannot measure thread CPU time.
 * @param excache      the process's own ExCache counters, or null when it never ran.
 * @param model        the process's modeled time (docs/modeled-time.md), or null when it never ran.
 */
public record ProcessResult(
    int exitStatus, Signal signal, String description, long instructions, long wallNs, long hartCpuNs,
    ExCacheStats excache, ModelFigures model)
{
    /** A result without ExCache counters. */
    public ProcessResult(
        final int exitStatus, final Signal signal, final String description, final long instructions, final long wallNs)
    {
        this(exitStatus, signal, description, instructions, wallNs, 0, null, null);
    }
}
