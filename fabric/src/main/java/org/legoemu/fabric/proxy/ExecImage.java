package org.legoemu.fabric.proxy;

/**
 * What the home mComponent answers to P2M_EXECVE (M2P_EXECVE_REPLY): where the new image starts.
 *
 * @param entry        the program counter to start at (e_entry plus the load bias).
 * @param stackPointer the initial sp, 16-byte aligned, pointing at argc.
 * @param brk          the initial program break.
 */
public record ExecImage(long entry, long stackPointer, long brk)
{
}
