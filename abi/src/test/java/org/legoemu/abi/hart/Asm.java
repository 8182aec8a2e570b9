package org.legoemu.abi.hart;

/** A minimal RV64 encoder for tests (RISC-V unprivileged ISA, chapter 24 instruction listings). */
final class Asm
{
    static final int ZERO = 0;
    static final int RA = 1;
    static final int SP = 2;
    static final int T0 = 5;
    static final int T1 = 6;
    static final int A0 = 10;
    static final int A1 = 11;
    static final int A2 = 12;
    static final int A3 = 13;
    static final int A7 = 17;

    private Asm()
    {
    }

    static int r(final int funct7, final int rs2, final int rs1, final int funct3, final int rd, final int opcode)
    {
        return (funct7 << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode;
    }

    static int i(final int imm, final int rs1, final int funct3, final int rd, final int opcode)
    {
        return (imm << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode;
    }

    static int s(final int imm, final int rs2, final int rs1, final int funct3, final int opcode)
    {
        return ((imm >> 5) << 25) | (rs2 << 20) | (rs1 << 15) | (funct3 << 12) | ((imm & 0x1F) << 7) | opcode;
    }

    static int b(final int imm, final int rs2, final int rs1, final int funct3)
    {
        return (((imm >> 12) & 1) << 31) | (((imm >> 5) & 0x3F) << 25) | (rs2 << 20) | (rs1 << 15) |
            (funct3 << 12) | (((imm >> 1) & 0xF) << 8) | (((imm >> 11) & 1) << 7) | 0x63;
    }

    static int jal(final int rd, final int imm)
    {
        return (((imm >> 20) & 1) << 31) | (((imm >> 1) & 0x3FF) << 21) | (((imm >> 11) & 1) << 20) |
            (((imm >> 12) & 0xFF) << 12) | (rd << 7) | 0x6F;
    }

    static int lui(final int rd, final int imm20)
    {
        return (imm20 << 12) | (rd << 7) | 0x37;
    }

    static int addi(final int rd, final int rs1, final int imm)
    {
        return i(imm, rs1, 0, rd, 0x13);
    }

    static int op(final int funct7, final int funct3, final int rd, final int rs1, final int rs2)
    {
        return r(funct7, rs2, rs1, funct3, rd, 0x33);
    }

    static int op32(final int funct7, final int funct3, final int rd, final int rs1, final int rs2)
    {
        return r(funct7, rs2, rs1, funct3, rd, 0x3B);
    }

    static int load(final int funct3, final int rd, final int rs1, final int imm)
    {
        return i(imm, rs1, funct3, rd, 0x03);
    }

    static int store(final int funct3, final int rs2, final int rs1, final int imm)
    {
        return s(imm, rs2, rs1, funct3, 0x23);
    }

    static int amo(final int funct5, final boolean doubleword, final int rd, final int rs1, final int rs2)
    {
        return r(funct5 << 2, rs2, rs1, doubleword ? 3 : 2, rd, 0x2F);
    }

    static int csr(final int funct3, final int rd, final int csr, final int rs1)
    {
        return i(csr, rs1, funct3, rd, 0x73);
    }

    static final int ECALL = 0x00000073;
    static final int EBREAK = 0x00100073;
}
