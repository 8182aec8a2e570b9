package org.legoemu.abi.hart;

import org.legoemu.abi.GuestMemory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The pre-decoded instructions of one executable 4 KiB page: one slot per 2-byte parcel, decoded lazily the first
 * time the hart executes from it, so data mixed with code and jumps into the middle of an instruction stream
 * decode exactly what they execute. A 32-bit instruction at the last parcel of the page continues in the next page
 * and is left to the hart ({@link Op#CROSS_PAGE}). The slot past the end holds {@link Op#PAGE_END}, so sequential
 * execution needs no bounds check.
 *
 * <p>A decoded page is tied to the execute-TLB entry of its hart and dies with it: a shootdown of the page (ExCache
 * eviction, munmap, mprotect) or {@code fence.i} clears {@link #valid}, and the hart looks the page up again when
 * it next executes there, decoding it afresh unless its bytes are the ones decoded before ({@link #reset}).
 * Confined to the hart's thread, except {@link #valid}, which is written under the hart's
 * run lock.
 */
final class DecodedPage
{
    /** Parcels per page. */
    static final int SLOTS = GuestMemory.PAGE_SIZE / 2;

    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class,
        ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT_LE = MethodHandles.byteArrayViewVarHandle(short[].class,
        ByteOrder.LITTLE_ENDIAN);
    
    /**
     * Decoded instructions ({@link Op#pack}) by parcel index; {@link Op#UNDECODED} until first executed. Two
     * sentinel slots follow: the parcel just past the page (reached by sequential execution) and the one after it
     * (reached after a 32-bit instruction that began in the page's last parcel).
     */
    final long[] code = new long[SLOTS + 2];
    /** Executions of each slot as the target of a jump (or page entry), for choosing blocks to compile. */
    final short[] heat = new short[SLOTS + 2];
    /** Compiled blocks by the slot they start at; null until the first block of this page is compiled. */
    CompiledBlock[] blocks;
    /** The decoded instruction a {@link Op#BLOCK_ENTRY} marker replaced, by slot (null with {@link #blocks}). */
    long[] original;
    /** Virtual address of the page's first byte. */
    long base = -1;
    /** False once the page was shot down; the hart must look it up again before decoding more of it. */
    boolean valid;
    private byte[] bytes;
    /** A copy of the bytes {@link #code} was decoded from, and their address (-1: none). */
    private final byte[] snapshot = new byte[GuestMemory.PAGE_SIZE];
    private long snapshotBase = -1;

    DecodedPage()
    {
        code[SLOTS] = Op.PAGE_END;
        code[SLOTS + 1] = Op.PAGE_END;
    }

    /**
     * Starts decoding {@code bytes} as the page at virtual address {@code base}. When the page was shot down and comes
     * back with the same bytes at the same address (its ExCache line was evicted and fetched again: a small ExCache
     * evicts code lines, whose TLB hits do not count as uses), what was decoded, heated and compiled is kept:
     * decoding is a function of the bytes alone, and compiled blocks are looked up by their bytes too
     * ({@link BlockCompiler}), so this is exact. A word count with a 256 KiB ExCache re-decoded its loop 70,807 times.
     * Otherwise the earlier contents are forgotten.
     */
    void reset(final long base, final byte[] bytes)
    {
        this.base = base;
        this.bytes = bytes;
        this.valid = true;
        if (base == snapshotBase && Arrays.equals(snapshot, bytes))
        {
            return;
        }
        snapshotBase = base;
        System.arraycopy(bytes, 0, snapshot, 0, GuestMemory.PAGE_SIZE);
        Arrays.fill(code, 0, SLOTS, Op.UNDECODED);
        Arrays.fill(heat, (short)0);
        blocks = null;
        original = null;
    }

    /** The page's bytes (the ExCache line), valid while {@link #valid}. */
    byte[] bytes()
    {
        return bytes;
    }

    /** The decoded instruction at {@code slot}, decoding it if needed and looking through a block-entry marker. */
    long instruction(final int slot)
    {
        final long decoded = code[slot];
        if (decoded == Op.UNDECODED)
        {
            return decode(slot);
        }
        return decoded == Op.BLOCK_ENTRY ? original[slot] : decoded;
    }

    /** Makes {@code slot} enter {@code block}; the slot's instruction stays available to the interpreter. */
    void install(final int slot, final CompiledBlock block)
    {
        if (blocks == null)
        {
            blocks = new CompiledBlock[SLOTS];
            original = new long[SLOTS];
        }
        original[slot] = instruction(slot);
        blocks[slot] = block;
        code[slot] = Op.BLOCK_ENTRY;
    }

    /** Forgets the page (it was shot down); what was decoded is kept for a {@link #reset} with the same bytes. */
    void invalidate()
    {
        valid = false;
        base = -1;
        bytes = null;
    }

    /**
     * Decodes the instruction at parcel {@code slot}; the caller has checked {@link #valid}.
     *
     * @return the decoded instruction, also stored in {@link #code}.
     */
    long decode(final int slot)
    {
        final int offset = slot << 1;
        final long decoded;
        if (offset <= GuestMemory.PAGE_SIZE - 4)
        {
            decoded = InstructionDecoder.decode((int)INT_LE.get(bytes, offset));
        }
        else
        {
            final int parcel = (short)SHORT_LE.get(bytes, offset) & 0xFFFF;
            decoded = (parcel & 3) == 3 ? Op.CROSS_PAGE : InstructionDecoder.decode(parcel);
        }
        code[slot] = decoded;
        return decoded;
    }
}
