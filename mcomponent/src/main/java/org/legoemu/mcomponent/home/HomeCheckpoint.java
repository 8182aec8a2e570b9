package org.legoemu.mcomponent.home;

import org.legoemu.mcomponent.vm.Vma;

import java.util.List;

/**
 * A process's VM layout as its home last sent it to the process's home standby (M2M_HOME_CHECKPOINT): enough to
 * rebuild the home's {@link AddressSpace} if the home dies (the pages themselves are on the vRegion owners).
 *
 * @param pid          the process.
 * @param pcomponentId the pComponent it runs on.
 * @param brkStart     start of the heap, bytes (virtual address).
 * @param brk          current program break, bytes (virtual address).
 * @param vmas         every VMA, address order.
 */
public record HomeCheckpoint(int pid, int pcomponentId, long brkStart, long brk, List<Vma> vmas)
{
}
