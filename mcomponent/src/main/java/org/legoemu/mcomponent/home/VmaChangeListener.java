package org.legoemu.mcomponent.home;

import org.legoemu.fabric.sbe.VmaOp;

/**
 * Told of every VMA change an {@link AddressSpace} makes, after it made it, so the change can be applied on the
 * owners of the vRegions it touches (M2M_VMA_UPDATE).
 */
@FunctionalInterface
public interface VmaChangeListener
{
    /**
     * @param space the address space that changed.
     * @param op    MAP (replacing), UNMAP or PROTECT.
     * @param start page-aligned inclusive start.
     * @param end   page-aligned exclusive end.
     * @param prot  PROT_ bits for MAP and PROTECT, 0 for UNMAP.
     */
    void onVmaChange(AddressSpace space, VmaOp op, long start, long end, int prot);
}
