package org.legoemu.abi.hart;

/**
 * The less frequent integer operations, kept out of the dispatch loop so it stays small enough to compile well:
 * the M extension's high multiplies, divisions and remainders (RISC-V unprivileged ISA chapter 7, table 7.1 for
 * division by zero and overflow: quotient all ones / the dividend, remainder the dividend / zero), and the
 * arithmetic of the A extension's AMOs (chapter 8, section 8.4), and the conditions of the conditional branches
 * (section 2.5).
 */
final class MulDiv
{
    private MulDiv()
    {
    }

    /**
     * @param op one of {@link Op#MULH} ... {@link Op#REMUW}.
     * @param a  rs1.
     * @param b  rs2.
     * @return the value for rd (W forms sign-extended from 32 bits).
     */
    static long execute(final int op, final long a, final long b)
    {
        switch (op)
        {
            case Op.MULH:
                return Math.multiplyHigh(a, b);
            case Op.MULHSU:
                return mulhsu(a, b);
            case Op.MULHU:
                return mulhu(a, b);
            case Op.DIV:
                return b == 0 ? -1L : a / b;
            case Op.DIVU:
                return b == 0 ? -1L : Long.divideUnsigned(a, b);
            case Op.REM:
                return b == 0 ? a : a % b;
            case Op.REMU:
                return b == 0 ? a : Long.remainderUnsigned(a, b);
            case Op.MULW:
                return (int)a * (int)b;
            case Op.DIVW:
                return (int)b == 0 ? -1L : (int)a / (int)b;
            case Op.DIVUW:
                return (int)b == 0 ? -1L : Integer.divideUnsigned((int)a, (int)b);
            case Op.REMW:
                return (int)b == 0 ? (int)a : (int)a % (int)b;
            default:
                return (int)b == 0 ? (int)a : Integer.remainderUnsigned((int)a, (int)b);
        }
    }

    /**
     * Whether a conditional branch is taken.
     *
     * @param op one of {@link Op#BEQ} ... {@link Op#BGEU}.
     */
    static boolean branchTaken(final int op, final long a, final long b)
    {
        switch (op)
        {
            case Op.BEQ:
                return a == b;
            case Op.BNE:
                return a != b;
            case Op.BLT:
                return a < b;
            case Op.BGE:
                return a >= b;
            case Op.BLTU:
                return Long.compareUnsigned(a, b) < 0;
            default:
                return Long.compareUnsigned(a, b) >= 0;
        }
    }

    /** High 64 bits of the unsigned 128-bit product (Hacker's Delight 8-3). */
    static long mulhu(final long a, final long b)
    {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }

    /** High 64 bits of signed {@code a} times unsigned {@code b}. */
    static long mulhsu(final long a, final long b)
    {
        return Math.multiplyHigh(a, b) + ((b >> 63) & a);
    }

    /**
     * The new memory value of an AMO.
     *
     * @param funct5     one of the {@code Hart.AMO_*} read-modify-write constants (not LR/SC).
     * @param doubleword true for .D; for .W the operands' low 32 bits are used (old is already sign-extended).
     * @param old        the value in memory.
     * @param operand    rs2.
     */
    static long amo(final int funct5, final boolean doubleword, final long old, final long operand)
    {
        final long b = doubleword ? operand : (int)operand;
        switch (funct5)
        {
            case Hart.AMO_ADD:
                return old + b;
            case Hart.AMO_SWAP:
                return b;
            case Hart.AMO_XOR:
                return old ^ b;
            case Hart.AMO_OR:
                return old | b;
            case Hart.AMO_AND:
                return old & b;
            case Hart.AMO_MIN:
                return Math.min(old, b);
            case Hart.AMO_MAX:
                return Math.max(old, b);
            case Hart.AMO_MINU:
                return Long.compareUnsigned(old, b) <= 0 ? old : b;
            default:
                return Long.compareUnsigned(old, b) >= 0 ? old : b;
        }
    }
}
