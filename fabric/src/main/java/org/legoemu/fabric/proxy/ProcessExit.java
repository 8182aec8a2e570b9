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
 */
public record ProcessExit(int exitStatus, int signal, String description, long instructions, long wallNs)
{
}
