package org.legoemu.fabric.proxy;

/**
 * What the home answers to P2M_MMAP and P2M_BRK (M2P_VM_REPLY).
 *
 * @param value      mmap: the mapping's address; brk: the new (or unchanged) break.
 * @param freshStart page-aligned start of the pages the call newly mapped anonymous, which no frame holds yet.
 * @param freshEnd   their exclusive end; equal to {@code freshStart} when nothing is fresh.
 */
public record VmResult(long value, long freshStart, long freshEnd)
{
}
