package org.legoemu.abi.hart;

/**
 * Operation numbers of pre-decoded instructions ({@link InstructionDecoder}, {@link DecodedPage}). One number
 * per RV64GC operation the interpreter's dispatch switch distinguishes; dense, so the switch compiles to a jump
 * table. Compressed instructions decode to the number of their 32-bit expansion (RISC-V unprivileged ISA
 * chapter 16: every RVC instruction expands to a single base instruction).
 *
 * <p>A decoded instruction is one {@code int}: bits 0-7 the operation, 8-13 the destination register index
 * (0-31, or {@link #SINK} for writes to x0), 14-18 rs1, 19-23 rs2, 24-27 the instruction length in bytes
 * (2 or 4). Its immediate is a separate {@code int}; the two travel packed in one {@code long} ({@link #pack}).
 */
final class Op
{
    /**
     * Slot not decoded yet. This and the three markers below have length 0 in their word, so they are the only
     * words {@code <= BLOCK_ENTRY}; every real instruction has length 2 or 4.
     */
    static final int UNDECODED = 0;
    /** A 32-bit instruction whose second half lies in the next page: fetched and decoded on every execution. */
    static final int CROSS_PAGE = 1;
    /** The sentinel slot past the end of a page: sequential execution left the page. */
    static final int PAGE_END = 2;
    /** A compiled block starts here ({@link DecodedPage#blocks}); the instruction itself is in {@link DecodedPage#original}. */
    static final int BLOCK_ENTRY = 3;

    /** LUI, and ADDI with rs1 = x0 (li, c.li): rd = imm. */
    static final int LI = 4;
    static final int AUIPC = 5;
    static final int JAL = 6;
    static final int JALR = 7;
    static final int BEQ = 8;
    static final int BNE = 9;
    static final int BLT = 10;
    static final int BGE = 11;
    static final int BLTU = 12;
    static final int BGEU = 13;
    static final int LB = 14;
    static final int LH = 15;
    static final int LW = 16;
    static final int LD = 17;
    static final int LBU = 18;
    static final int LHU = 19;
    static final int LWU = 20;
    static final int SB = 21;
    static final int SH = 22;
    static final int SW = 23;
    static final int SD = 24;
    static final int ADDI = 25;
    static final int SLTI = 26;
    static final int SLTIU = 27;
    static final int XORI = 28;
    static final int ORI = 29;
    static final int ANDI = 30;
    static final int SLLI = 31;
    static final int SRLI = 32;
    static final int SRAI = 33;
    static final int ADDIW = 34;
    static final int SLLIW = 35;
    static final int SRLIW = 36;
    static final int SRAIW = 37;
    static final int ADD = 38;
    static final int SUB = 39;
    static final int SLL = 40;
    static final int SLT = 41;
    static final int SLTU = 42;
    static final int XOR = 43;
    static final int SRL = 44;
    static final int SRA = 45;
    static final int OR = 46;
    static final int AND = 47;
    static final int ADDW = 48;
    static final int SUBW = 49;
    static final int SLLW = 50;
    static final int SRLW = 51;
    static final int SRAW = 52;
    static final int MUL = 53;
    static final int MULH = 54;
    static final int MULHSU = 55;
    static final int MULHU = 56;
    static final int DIV = 57;
    static final int DIVU = 58;
    static final int REM = 59;
    static final int REMU = 60;
    static final int MULW = 61;
    static final int DIVW = 62;
    static final int DIVUW = 63;
    static final int REMW = 64;
    static final int REMUW = 65;
    static final int FENCE = 66;
    static final int FENCE_I = 67;
    static final int ECALL = 68;
    static final int EBREAK = 69;
    /** Zicsr instruction; the immediate is the instruction word. */
    static final int CSR = 70;
    /** LR/SC/AMO; the immediate is the instruction word. */
    static final int AMO = 71;
    static final int FLW = 72;
    static final int FLD = 73;
    static final int FSW = 74;
    static final int FSD = 75;
    /** Any other F/D instruction, executed by {@link FloatingPointUnit}; the immediate is the instruction word. */
    static final int FP = 76;
    /** ADD with rs1 = x0 or ADDI with imm 0 (mv, c.mv): rd = rs2 (the source is placed in the rs2 field). */
    static final int MV = 77;
    /** Encoding reserved or unknown: SIGILL; the immediate holds the instruction bits. */
    static final int ILLEGAL = 78;

    /** Index of the write-only scratch register that receives writes to x0 (see {@link HartState#x}). */
    static final int SINK = 32;

    static final int RD_SHIFT = 8;
    static final int RS1_SHIFT = 14;
    static final int RS2_SHIFT = 19;
    static final int LENGTH_SHIFT = 24;

    private Op()
    {
    }

    /** Packs a decoded instruction word. */
    static int word(final int op, final int rd, final int rs1, final int rs2, final int length)
    {
        return op | (rd << RD_SHIFT) | (rs1 << RS1_SHIFT) | (rs2 << RS2_SHIFT) | (length << LENGTH_SHIFT);
    }

    /** A decoded instruction as one {@code long}: the immediate in the high 32 bits, the word in the low 32. */
    static long pack(final int word, final int imm)
    {
        return ((long)imm << 32) | (word & 0xFFFF_FFFFL);
    }

    static int op(final int word)
    {
        return word & 0xFF;
    }

    static int rd(final int word)
    {
        return (word >>> RD_SHIFT) & 0x3F;
    }

    static int rs1(final int word)
    {
        return (word >>> RS1_SHIFT) & 0x1F;
    }

    static int rs2(final int word)
    {
        return (word >>> RS2_SHIFT) & 0x1F;
    }

    static int length(final int word)
    {
        return word >>> LENGTH_SHIFT;
    }
}
