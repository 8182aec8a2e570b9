package org.legoemu.pcomponent.excache;

/**
 * Where one process's ExCache lines come from and go back to: the owner mComponent of each vRegion, reached
 * over the fabric (P2M_PCACHE_MISS, P2M_PCACHE_FLUSH), and the process's harts' TLBs.
 */
public interface LineBackend
{
    /**
     * Fetches the 4 KiB line at line-aligned {@code vaddr} into {@code line}.
     *
     * @return the line's PROT_ bits (1 read, 2 write, 4 exec) from its VMA.
     * @throws org.legoemu.abi.GuestFault SIGSEGV if there is no mapping or the access is not permitted, SIGBUS
     *                                    if the memory side failed (out of memory, unreachable).
     */
    int fetch(long vaddr, int access, byte[] line);

    /**
     * Writes back a dirty line.
     *
     * @throws org.legoemu.pcomponent.excache.WriteBackException if the owner cannot take it.
     */
    void flush(long vaddr, byte[] line);

    /** Drops every TLB entry of this process for virtual page {@code vpn}. */
    void shootdown(long vpn);
}
