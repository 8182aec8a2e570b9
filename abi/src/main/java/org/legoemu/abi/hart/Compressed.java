package org.legoemu.abi.hart;

/**
 * Expands RV64C compressed instructions into their 32-bit equivalents (RISC-V unprivileged ISA, chapter 16
 * "C" Standard Extension, tables 16.5-16.7), so the interpreter (and a later pre-decoded instruction cache)
 * has a single execution path.
 *
 * <p>All forms valid on RV64 are expanded, including C.FLD, C.FSD, C.FLDSP and C.FSDSP. HINT encodings
 * (e.g. C.NOP with a non-zero immediate, C.ADDI with rd=x0, C.MV/C.ADD/C.LI/C.LUI/C.SLLI with rd=x0) expand to
 * instructions whose only effect is a discarded write to x0, as the spec allows.
 */
public final class Compressed
{
    /** Returned by {@link #expand} for a reserved or illegal 16-bit encoding (also the all-zero parcel). */
    public static final int ILLEGAL = 0;

    private static final int OP_LOAD = 0x03;
    private static final int OP_LOAD_FP = 0x07;
    private static final int OP_IMM = 0x13;
    private static final int OP_IMM_32 = 0x1B;
    private static final int OP_STORE = 0x23;
    private static final int OP_STORE_FP = 0x27;
    private static final int OP = 0x33;
    private static final int OP_LUI = 0x37;
    private static final int OP_32 = 0x3B;
    private static final int OP_BRANCH = 0x63;
    private static final int OP_JALR = 0x67;
    private static final int OP_JAL = 0x6F;

    private Compressed()
    {
    }

    /**
     * Expands one 16-bit parcel.
     *
     * @param c the parcel in the low 16 bits; its low two bits must not be {@code 0b11}.
     * @return the equivalent 32-bit instruction, or {@link #ILLEGAL} for a reserved encoding.
     */
    public static int expand(final int c)
    {
        final int quadrant = c & 3;
        final int funct3 = (c >>> 13) & 7;
        switch (quadrant)
        {
            case 0:
                return quadrant0(c, funct3);
            case 1:
                return quadrant1(c, funct3);
            case 2:
                return quadrant2(c, funct3);
            default:
                return ILLEGAL;
        }
    }

    private static int quadrant0(final int c, final int funct3)
    {
        final int rdP = 8 + ((c >>> 2) & 7);
        final int rs1P = 8 + ((c >>> 7) & 7);
        final int uimmD = (((c >>> 10) & 7) << 3) | (((c >>> 5) & 3) << 6);
        final int uimmW = (((c >>> 10) & 7) << 3) | (((c >>> 6) & 1) << 2) | (((c >>> 5) & 1) << 6);
        switch (funct3)
        {
            case 0:
            {
                final int nzuimm = (((c >>> 11) & 3) << 4) | (((c >>> 7) & 0xF) << 6) |
                    (((c >>> 6) & 1) << 2) | (((c >>> 5) & 1) << 3);
                if (nzuimm == 0)
                {
                    return ILLEGAL;
                }
                return iType(nzuimm, 2, 0, rdP, OP_IMM);
            }
            case 1:
                return iType(uimmD, rs1P, 3, rdP, OP_LOAD_FP);
            case 2:
                return iType(uimmW, rs1P, 2, rdP, OP_LOAD);
            case 3:
                return iType(uimmD, rs1P, 3, rdP, OP_LOAD);
            case 5:
                return sType(uimmD, rdP, rs1P, 3, OP_STORE_FP);
            case 6:
                return sType(uimmW, rdP, rs1P, 2, OP_STORE);
            case 7:
                return sType(uimmD, rdP, rs1P, 3, OP_STORE);
            default:
                return ILLEGAL;
        }
    }

    private static int quadrant1(final int c, final int funct3)
    {
        final int rd = (c >>> 7) & 0x1F;
        final int imm6 = signExtend((((c >>> 12) & 1) << 5) | ((c >>> 2) & 0x1F), 6);
        switch (funct3)
        {
            case 0:
                return iType(imm6, rd, 0, rd, OP_IMM);
            case 1:
                if (rd == 0)
                {
                    return ILLEGAL;
                }
                return iType(imm6, rd, 0, rd, OP_IMM_32);
            case 2:
                return iType(imm6, 0, 0, rd, OP_IMM);
            case 3:
                if (rd == 2)
                {
                    final int nzimm = signExtend((((c >>> 12) & 1) << 9) | (((c >>> 6) & 1) << 4) |
                        (((c >>> 5) & 1) << 6) | (((c >>> 3) & 3) << 7) | (((c >>> 2) & 1) << 5), 10);
                    if (nzimm == 0)
                    {
                        return ILLEGAL;
                    }
                    return iType(nzimm, 2, 0, 2, OP_IMM);
                }
                else
                {
                    final int nzimm = signExtend((((c >>> 12) & 1) << 17) | (((c >>> 2) & 0x1F) << 12), 18);
                    if (nzimm == 0)
                    {
                        return ILLEGAL;
                    }
                    return (nzimm & 0xFFFFF000) | (rd << 7) | OP_LUI;
                }
            case 4:
                return miscAlu(c);
            case 5:
            {
                final int off = signExtend((((c >>> 12) & 1) << 11) | (((c >>> 11) & 1) << 4) |
                    (((c >>> 9) & 3) << 8) | (((c >>> 8) & 1) << 10) | (((c >>> 7) & 1) << 6) |
                    (((c >>> 6) & 1) << 7) | (((c >>> 3) & 7) << 1) | (((c >>> 2) & 1) << 5), 12);
                return jType(off, 0);
            }
            case 6:
            case 7:
            {
                final int rs1P = 8 + ((c >>> 7) & 7);
                final int off = signExtend((((c >>> 12) & 1) << 8) | (((c >>> 10) & 3) << 3) |
                    (((c >>> 5) & 3) << 6) | (((c >>> 3) & 3) << 1) | (((c >>> 2) & 1) << 5), 9);
                return bType(off, 0, rs1P, funct3 == 6 ? 0 : 1);
            }
            default:
                return ILLEGAL;
        }
    }

    private static int miscAlu(final int c)
    {
        final int rdP = 8 + ((c >>> 7) & 7);
        final int rs2P = 8 + ((c >>> 2) & 7);
        final int bit12 = (c >>> 12) & 1;
        final int shamt = (bit12 << 5) | ((c >>> 2) & 0x1F);
        switch ((c >>> 10) & 3)
        {
            case 0:
                return iType(shamt, rdP, 5, rdP, OP_IMM);
            case 1:
                return iType(0x400 | shamt, rdP, 5, rdP, OP_IMM);
            case 2:
                return iType(signExtend(shamt, 6), rdP, 7, rdP, OP_IMM);
            default:
            {
                final int op = (c >>> 5) & 3;
                if (bit12 == 0)
                {
                    switch (op)
                    {
                        case 0:
                            return rType(0x20, rs2P, rdP, 0, rdP, OP);
                        case 1:
                            return rType(0, rs2P, rdP, 4, rdP, OP);
                        case 2:
                            return rType(0, rs2P, rdP, 6, rdP, OP);
                        default:
                            return rType(0, rs2P, rdP, 7, rdP, OP);
                    }
                }
                switch (op)
                {
                    case 0:
                        return rType(0x20, rs2P, rdP, 0, rdP, OP_32);
                    case 1:
                        return rType(0, rs2P, rdP, 0, rdP, OP_32);
                    default:
                        return ILLEGAL;
                }
            }
        }
    }

    private static int quadrant2(final int c, final int funct3)
    {
        final int rd = (c >>> 7) & 0x1F;
        final int rs2 = (c >>> 2) & 0x1F;
        final int bit12 = (c >>> 12) & 1;
        switch (funct3)
        {
            case 0:
                return iType((bit12 << 5) | rs2, rd, 1, rd, OP_IMM);
            case 1:
            {
                final int off = (bit12 << 5) | (((c >>> 5) & 3) << 3) | (((c >>> 2) & 7) << 6);
                return iType(off, 2, 3, rd, OP_LOAD_FP);
            }
            case 2:
            {
                if (rd == 0)
                {
                    return ILLEGAL;
                }
                final int off = (bit12 << 5) | (((c >>> 4) & 7) << 2) | (((c >>> 2) & 3) << 6);
                return iType(off, 2, 2, rd, OP_LOAD);
            }
            case 3:
            {
                if (rd == 0)
                {
                    return ILLEGAL;
                }
                final int off = (bit12 << 5) | (((c >>> 5) & 3) << 3) | (((c >>> 2) & 7) << 6);
                return iType(off, 2, 3, rd, OP_LOAD);
            }
            case 4:
                if (bit12 == 0)
                {
                    if (rs2 == 0)
                    {
                        return rd == 0 ? ILLEGAL : iType(0, rd, 0, 0, OP_JALR);
                    }
                    return rType(0, rs2, 0, 0, rd, OP);
                }
                if (rs2 == 0)
                {
                    if (rd == 0)
                    {
                        return 0x00100073;
                    }
                    return iType(0, rd, 0, 1, OP_JALR);
                }
                return rType(0, rs2, rd, 0, rd, OP);
            case 5:
            {
                final int off = (((c >>> 10) & 7) << 3) | (((c >>> 7) & 7) << 6);
                return sType(off, rs2, 2, 3, OP_STORE_FP);
            }
            case 6:
            {
                final int off = (((c >>> 9) & 0xF) << 2) | (((c >>> 7) & 3) << 6);
                return sType(off, rs2, 2, 2, OP_STORE);
            }
            default:
            {
                final int off = (((c >>> 10) & 7) << 3) | (((c >>> 7) & 7) << 6);
                return sType(off, rs2, 2, 3, OP_STORE);
            }
        }
    }

    private static int signExtend(final int value, final int bits)
    {
        final int shift = 32 - bits;
        return (value << shift) >> shift;
    }

    private static int iType(final int imm, final int rs1, final int funct3, final int rd, final int opcode)
    {
        return (imm << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode;
    }

    private static int sType(final int imm, final int rs2, final int rs1, final int funct3, final int opcode)
    {
        return ((imm >> 5) << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) | ((imm & 0x1F) << 7) | opcode;
    }

    private static int rType(
        final int funct7, final int rs2, final int rs1, final int funct3, final int rd, final int opcode)
    {
        return (funct7 << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode;
    }

    private static int bType(final int imm, final int rs2, final int rs1, final int funct3)
    {
        return (((imm >> 12) & 1) << 31) | (((imm >> 5) & 0x3F) << 25) | (rs2 << 20) | (rs1 << 15) |
            (funct3 << 12) | (((imm >> 1) & 0xF) << 8) | (((imm >> 11) & 1) << 7) | OP_BRANCH;
    }

    private static int jType(final int imm, final int rd)
    {
        return (((imm >> 20) & 1) << 31) | (((imm >> 1) & 0x3FF) << 21) | (((imm >> 11) & 1) << 20) |
            (((imm >> 12) & 0xFF) << 12) | (rd << 7) | OP_JAL;
    }
}
