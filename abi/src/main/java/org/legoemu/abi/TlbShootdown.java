package org.legoemu.abi;

/** Told by a {@link GuestMemory} when a page it handed out is no longer valid. */
@FunctionalInterface
public interface TlbShootdown
{
    /**
     * Drops every cached translation of the page with virtual page number {@code vpn} ({@code vaddr >>> 12}).
     * Called on the thread that evicts or unmaps; must not block.
     */
    void shootdown(long vpn);
}
