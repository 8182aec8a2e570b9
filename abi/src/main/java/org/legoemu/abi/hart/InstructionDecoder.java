package org.legoemu.abi.hart;

import static org.legoemu.abi.hart.Op.SINK;

/**
 * Decodes one RV64GC instruction into the pre-decoded form the interpreter dispatches on ({@link Op}): the
 * operation, register indices with writes to x0 redirected to {@link Op#SINK}, the length, and the immediate
 * already assembled and sign-extended (RISC-V unprivileged ISA 20191213, section 2.3 "Immediate Encoding
 * Variants", and the opcode map in chapter 24). Every encoding the ISA reserves decodes to {@link Op#ILLEGAL}, so
 * the interpreter checks nothing at execution time except what depends on run-time state (the rounding mode in
 * {@code frm}, CSR numbers and writability, which {@link Op#CSR} and {@link Op#FP} check themselves).
 *
 * <p>Stateless; never allocates.
 */
final class InstructionDecoder
{
    private InstructionDecoder()
    {
    }

    /**
     * Decodes the instruction starting with the 16-bit parcel or 32-bit word {@code raw}.
     *
     * @param raw the instruction: a 32-bit word whose low two bits are 0b11, or a 16-bit parcel in the low half.
     * @return the decoded instruction ({@link Op#pack}); {@link Op#ILLEGAL} with the instruction bits (the parcel,
     * for a compressed instruction) as immediate for a reserved encoding.
     */
    static long decode(final int raw)
    {
        if ((raw & 3) == 3)
        {
            return decode32(raw, raw, 4);
        }
        final int parcel = raw & 0xFFFF;
        final int insn = Compressed.expand(parcel);
        if (insn == Compressed.ILLEGAL)
        {
            return Op.pack(Op.word(Op.ILLEGAL, 0, 0, 0, 2), parcel);
        }
        return decode32(insn, parcel, 2);
    }

    private static long decode32(final int insn, final int bits, final int length)
    {
        final int opcode = insn & 0x7F;
        final int rdField = (insn >>> 7) & 0x1F;
        final int rd = rdField == 0 ? SINK : rdField;
        final int funct3 = (insn >>> 12) & 7;
        final int rs1 = (insn >>> 15) & 0x1F;
        final int rs2 = (insn >>> 20) & 0x1F;
        final int funct7 = insn >>> 25;
        final int iImm = insn >> 20;
        int op = Op.ILLEGAL;
        int imm = 0;
        switch (opcode)
        {
            case 0x03: // LOAD
                if (funct3 < 4)
                {
                    op = Op.LB + funct3;
                }
                else if (funct3 < 7)
                {
                    op = Op.LBU + funct3 - 4;
                }
                imm = iImm;
                break;
            case 0x07: // LOAD-FP: rd is an f register, never redirected
                op = funct3 == 2 ? Op.FLW : funct3 == 3 ? Op.FLD : Op.ILLEGAL;
                return finish(op, rdField, rs1, rs2, length, op == Op.ILLEGAL ? bits : iImm);
            case 0x0F: // MISC-MEM
                op = funct3 == 0 ? Op.FENCE : funct3 == 1 ? Op.FENCE_I : Op.ILLEGAL;
                break;
            case 0x13: // OP-IMM
                imm = iImm;
                op = opImm(insn, funct3, rs1);
                if (op == Op.ADDI && iImm == 0)
                {
                    return finish(Op.MV, rd, 0, rs1, length, 0);
                }
                if (op == Op.SLLI || op == Op.SRLI || op == Op.SRAI)
                {
                    imm = iImm & 0x3F;
                }
                break;
            case 0x17: // AUIPC
                op = Op.AUIPC;
                imm = insn & 0xFFFFF000;
                break;
            case 0x1B: // OP-IMM-32
                imm = iImm;
                if (funct3 == 0)
                {
                    op = Op.ADDIW;
                }
                else if (funct3 == 1 && funct7 == 0)
                {
                    op = Op.SLLIW;
                    imm = rs2;
                }
                else if (funct3 == 5 && (funct7 == 0 || funct7 == 0x20))
                {
                    op = funct7 == 0 ? Op.SRLIW : Op.SRAIW;
                    imm = rs2;
                }
                break;
            case 0x23: // STORE
                op = funct3 < 4 ? Op.SB + funct3 : Op.ILLEGAL;
                imm = (funct7 << 5 | rdField) << 20 >> 20;
                break;
            case 0x27: // STORE-FP
                op = funct3 == 2 ? Op.FSW : funct3 == 3 ? Op.FSD : Op.ILLEGAL;
                imm = (funct7 << 5 | rdField) << 20 >> 20;
                break;
            case 0x2F: // AMO
                op = isAmo(insn, funct3, rs2) ? Op.AMO : Op.ILLEGAL;
                imm = insn;
                break;
            case 0x33: // OP
                op = op(funct7, funct3);
                if (op == Op.ADD && rs1 == 0)
                {
                    return finish(Op.MV, rd, 0, rs2, length, 0);
                }
                break;
            case 0x37: // LUI
                op = Op.LI;
                imm = insn & 0xFFFFF000;
                break;
            case 0x3B: // OP-32
                op = op32(funct7, funct3);
                break;
            case 0x43: // MADD
            case 0x47: // MSUB
            case 0x4B: // NMSUB
            case 0x4F: // NMADD
            case 0x53: // OP-FP: integer destinations are written by the FPU, which never writes x0
                return finish(Op.FP, rdField, rs1, rs2, length, insn);
            case 0x63: // BRANCH
                op = funct3 == 2 || funct3 == 3 ? Op.ILLEGAL : Op.BEQ + (funct3 < 2 ? funct3 : funct3 - 2);
                imm = ((insn >> 31) << 12) | (((insn >>> 7) & 1) << 11) | (((insn >>> 25) & 0x3F) << 5) |
                    (((insn >>> 8) & 0xF) << 1);
                break;
            case 0x67: // JALR
                op = funct3 == 0 ? Op.JALR : Op.ILLEGAL;
                imm = iImm;
                break;
            case 0x6F: // JAL
                op = Op.JAL;
                imm = ((insn >> 31) << 20) | (insn & 0xFF000) | (((insn >>> 20) & 1) << 11) |
                    (((insn >>> 21) & 0x3FF) << 1);
                break;
            case 0x73: // SYSTEM
                if (funct3 == 0)
                {
                    op = insn == 0x00000073 ? Op.ECALL : insn == 0x00100073 ? Op.EBREAK : Op.ILLEGAL;
                }
                else
                {
                    op = funct3 == 4 ? Op.ILLEGAL : Op.CSR;
                }
                imm = insn;
                break;
            default:
                break;
        }
        if (op == Op.ILLEGAL)
        {
            imm = bits;
        }
        else if (op == Op.ADDI && rs1 == 0)
        {
            op = Op.LI;
        }
        return finish(op, rd, rs1, rs2, length, imm);
    }

    private static long finish(final int op, final int rd, final int rs1, final int rs2, final int length, final int imm)
    {
        return Op.pack(Op.word(op, rd, rs1, rs2, length), imm);
    }

    private static int opImm(final int insn, final int funct3, final int rs1)
    {
        final int funct6 = insn >>> 26;
        switch (funct3)
        {
            case 0:
                return Op.ADDI;
            case 1:
                return funct6 == 0 ? Op.SLLI : Op.ILLEGAL;
            case 2:
                return Op.SLTI;
            case 3:
                return Op.SLTIU;
            case 4:
                return Op.XORI;
            case 5:
                return funct6 == 0 ? Op.SRLI : funct6 == 0x10 ? Op.SRAI : Op.ILLEGAL;
            case 6:
                return Op.ORI;
            default:
                return Op.ANDI;
        }
    }

    private static int op(final int funct7, final int funct3)
    {
        switch (funct7)
        {
            case 0:
                return Op.ADD + baseOp(funct3);
            case 0x20:
                return funct3 == 0 ? Op.SUB : funct3 == 5 ? Op.SRA : Op.ILLEGAL;
            case 1:
                return Op.MUL + funct3;
            default:
                return Op.ILLEGAL;
        }
    }

    /** OP with funct7 = 0: ADD SLL SLT SLTU XOR SRL OR AND by funct3. */
    private static int baseOp(final int funct3)
    {
        switch (funct3)
        {
            case 0:
                return 0;
            case 1:
                return Op.SLL - Op.ADD;
            case 2:
                return Op.SLT - Op.ADD;
            case 3:
                return Op.SLTU - Op.ADD;
            case 4:
                return Op.XOR - Op.ADD;
            case 5:
                return Op.SRL - Op.ADD;
            case 6:
                return Op.OR - Op.ADD;
            default:
                return Op.AND - Op.ADD;
        }
    }

    private static int op32(final int funct7, final int funct3)
    {
        switch (funct7)
        {
            case 0:
                return funct3 == 0 ? Op.ADDW : funct3 == 1 ? Op.SLLW : funct3 == 5 ? Op.SRLW : Op.ILLEGAL;
            case 0x20:
                return funct3 == 0 ? Op.SUBW : funct3 == 5 ? Op.SRAW : Op.ILLEGAL;
            case 1:
                switch (funct3)
                {
                    case 0:
                        return Op.MULW;
                    case 4:
                        return Op.DIVW;
                    case 5:
                        return Op.DIVUW;
                    case 6:
                        return Op.REMW;
                    case 7:
                        return Op.REMUW;
                    default:
                        return Op.ILLEGAL;
                }
            default:
                return Op.ILLEGAL;
        }
    }

    /** A-extension encodings (unprivileged ISA table 24.x): .W/.D widths, known funct5, LR with rs2 = 0. */
    private static boolean isAmo(final int insn, final int funct3, final int rs2)
    {
        if (funct3 != 2 && funct3 != 3)
        {
            return false;
        }
        final int funct5 = insn >>> 27;
        switch (funct5)
        {
            case Hart.AMO_LR:
                return rs2 == 0;
            case Hart.AMO_ADD:
            case Hart.AMO_SWAP:
            case Hart.AMO_SC:
            case Hart.AMO_XOR:
            case Hart.AMO_OR:
            case Hart.AMO_AND:
            case Hart.AMO_MIN:
            case Hart.AMO_MAX:
            case Hart.AMO_MINU:
            case Hart.AMO_MAXU:
                return true;
            default:
                return false;
        }
    }
}
