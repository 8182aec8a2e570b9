package org.legoemu.mcomponent.home;

import org.junit.jupiter.api.Test;
import org.legoemu.abi.linux.Errno;
import org.legoemu.mcomponent.vm.Mman;
import org.legoemu.mcomponent.vm.VmException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Commit accounting (issue 14): writable mappings count in full when made, a growth past the limit is ENOMEM and
 * charges nothing, unmapping and exit give the charge back, read-only mappings and mprotect of what is already
 * writable cost nothing.
 */
final class CommittedMemoryTest
{
    private static final long MIB = 1L << 20;
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;
    private static final int ANON = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;

    private final AddressSpace space = new AddressSpace(1000, 1, (s, op, start, end, prot) -> { });
    private final CommittedMemory committed = new CommittedMemory(() -> 16 * MIB);

    private long map(final long bytes, final int prot)
    {
        committed.reserve(1000, (prot & Mman.PROT_WRITE) == 0 ? 0 : bytes, "mmap");
        final long at = space.mmap(0, bytes, prot, ANON);
        committed.settle(1000, space);
        return at;
    }

    @Test
    void aMappingPastTheLimitIsEnomemAndChargesNothing()
    {
        map(10 * MIB, RW);
        map(64 * MIB, Mman.PROT_READ);
        assertEquals(10 * MIB, committed.totalBytes(), "a read-only mapping is not charged");
        final VmException refused = assertThrows(VmException.class, () -> committed.reserve(1000, 7 * MIB, "mmap"));
        assertEquals(Errno.ENOMEM, refused.errno());
        assertEquals(10 * MIB, committed.totalBytes());
        map(6 * MIB, RW);
        assertEquals(16 * MIB, committed.totalBytes(), "up to the limit exactly");
    }

    @Test
    void unmappingAndExitGiveTheChargeBack()
    {
        final long at = map(12 * MIB, RW);
        space.munmap(at, 4 * MIB);
        committed.settle(1000, space);
        assertEquals(8 * MIB, committed.bytes(1000));
        assertEquals(8 * MIB, CommittedMemory.writableBytesIn(space, at, 12 * MIB),
            "what is already writable costs nothing again");
        committed.release(1000);
        assertEquals(0, committed.totalBytes());
    }
}
