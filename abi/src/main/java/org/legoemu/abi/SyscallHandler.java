package org.legoemu.abi;

import org.legoemu.abi.hart.HartState;

/**
 * The kernel as the hart sees it: called on every {@code ecall} (Linux riscv64 calling convention: number in
 * a7, arguments in a0..a5, result or negated errno in a0).
 */
@FunctionalInterface
public interface SyscallHandler
{
    /**
     * Performs the system call whose number is in {@code state.x[17]} and writes its result to
     * {@code state.x[10]}. The pc has not been advanced yet; the hart advances it past the ecall on return.
     *
     * @return {@link #CONTINUE}, or {@link #EXIT} when the calling thread has exited (exit, exit_group).
     * @throws GuestFault when the call kills the guest (e.g. a fatal signal it raised).
     */
    int ecall(HartState state);

    int CONTINUE = 0;
    int EXIT = 1;
}
