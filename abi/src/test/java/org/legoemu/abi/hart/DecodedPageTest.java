package org.legoemu.abi.hart;

import org.junit.jupiter.api.Test;
import org.legoemu.abi.FlatGuestMemory;
import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.SyscallHandler;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A decoded page shot down and looked up again keeps what it decoded only when the bytes and the address are the
 * ones it decoded (an ExCache line evicted and fetched again), and decodes afresh otherwise (fence.i after a store,
 * another mapping at the address, the same bytes elsewhere).
 */
class DecodedPageTest
{
    private static final long BASE = 0x10000;
    private static final int ADDI_A0_1 = 0x00100513;
    private static final int ADDI_A0_2 = 0x00200513;

    private static byte[] page(final int first)
    {
        final byte[] bytes = new byte[GuestMemory.PAGE_SIZE];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(0, first);
        return bytes;
    }

    @Test
    void theSameBytesAtTheSameAddressKeepWhatWasDecoded()
    {
        final DecodedPage page = new DecodedPage();
        page.reset(BASE, page(ADDI_A0_1));
        final long decoded = page.instruction(0);
        page.heat[0] = 7;
        page.invalidate();
        page.reset(BASE, page(ADDI_A0_1)); // another array (the line fetched again), the same bytes
        assertEquals(decoded, page.code[0], "kept decoded");
        assertEquals(7, page.heat[0], "kept its heat");
        assertTrue(page.valid);
    }

    @Test
    void otherBytesOrAnotherAddressAreDecodedAfresh()
    {
        final DecodedPage page = new DecodedPage();
        final byte[] bytes = page(ADDI_A0_1);
        page.reset(BASE, bytes);
        final long first = page.instruction(0);
        page.invalidate();
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(0, ADDI_A0_2); // a store, then fence.i
        page.reset(BASE, bytes);
        assertEquals(Op.UNDECODED, page.code[0], "the same array with new bytes is decoded afresh");
        assertNotEquals(first, page.instruction(0));
        page.invalidate();
        page.reset(BASE + GuestMemory.PAGE_SIZE, page(ADDI_A0_2));
        assertEquals(Op.UNDECODED, page.code[0], "the same bytes at another address are decoded afresh");
    }

    @Test
    void aHartRunsTheNewCodeAfterItsPageChangesAndTheOldCodeWhenItChangesBack()
    {
        final FlatGuestMemory memory = new FlatGuestMemory();
        memory.map(BASE, GuestMemory.PAGE_SIZE, GuestMemory.ACCESS_READ | GuestMemory.ACCESS_EXEC);
        final Hart hart = new Hart(memory, s -> SyscallHandler.CONTINUE);
        for (final int insn : new int[] {ADDI_A0_1, ADDI_A0_2, ADDI_A0_1})
        {
            memory.writeInt(BASE, insn);
            hart.flushTlb();
            hart.pc = BASE;
            hart.x[10] = 0;
            hart.run(1);
            assertEquals(insn == ADDI_A0_1 ? 1L : 2L, hart.x[10], "ran " + Integer.toHexString(insn));
        }
    }
}
