package org.legoemu.abi.hart;

/**
 * The common case of F/D arithmetic done with the host's IEEE 754 operations: FADD, FSUB, FMUL, FDIV, FSQRT and the
 * fused multiply-adds, in round-to-nearest-even (the only mode Java arithmetic and {@link Math#fma} implement), when
 * the result is a finite normal number. Then the only flag the operation can raise is NX (inexact; RISC-V
 * unprivileged ISA section 11.2): OF, UF and NV need an infinite, tiny or NaN result or operand. NX is found with
 * error-free transformations (TwoSum, the FMA-based product error, the division and square-root residuals) where
 * they are exact, or is irrelevant because fflags.NX is already set (flags are sticky, and most programs never clear
 * them). Everything else returns false and {@link FloatingPointUnit} computes it exactly.
 *
 * <p>Never allocates; every result is bit-identical to the exact path (checked against it and against qemu in the
 * tests).
 */
final class FastFloat
{
    private static final long BOX = 0xFFFF_FFFF_0000_0000L;
    /** Magnitudes inside which the error terms below are exactly representable: far from underflow and overflow. */
    private static final double D_LOW = 0x1p-900;
    private static final double D_HIGH = 0x1p900;
    private static final double S_LOW = 0x1p-100;
    private static final double S_HIGH = 0x1p100;

    private FastFloat()
    {
    }

    /**
     * Executes {@code insn} if it is a fast case.
     *
     * @return true if executed (result and NX written), false if the caller must take the exact path.
     */
    static boolean tryExecute(final HartState s, final int insn)
    {
        final int opcode = insn & 0x7F;
        final int funct3 = (insn >>> 12) & 7;
        if (funct3 != HartState.RM_RNE && (funct3 != HartState.RM_DYN || s.frm != HartState.RM_RNE))
        {
            return false;
        }
        final int fmt = (insn >>> 25) & 3;
        final int rd = (insn >>> 7) & 0x1F;
        final int rs1 = (insn >>> 15) & 0x1F;
        final int rs2 = (insn >>> 20) & 0x1F;
        if (fmt == 1)
        {
            return opcode == 0x53 ? opDouble(s, insn >>> 27, rd, rs1, rs2) :
                fmaDouble(s, opcode, rd, rs1, rs2, insn >>> 27);
        }
        if (fmt == 0)
        {
            return opcode == 0x53 ? opSingle(s, insn >>> 27, rd, rs1, rs2) :
                fmaSingle(s, opcode, rd, rs1, rs2, insn >>> 27);
        }
        return false;
    }

    private static boolean opDouble(final HartState s, final int funct5, final int rd, final int rs1, final int rs2)
    {
        final double a = Double.longBitsToDouble(s.f[rs1]);
        final double b = Double.longBitsToDouble(s.f[rs2]);
        final double r;
        final boolean inexact;
        switch (funct5)
        {
            case 0x00: // FADD.D
            case 0x01: // FSUB.D
            {
                final double bb = funct5 == 0 ? b : -b;
                r = a + bb;
                if (!inRange(r, D_LOW, D_HIGH))
                {
                    return false;
                }
                final double bv = r - a;
                inexact = ((a - (r - bv)) + (bb - bv)) != 0;
                break;
            }
            case 0x02: // FMUL.D
                r = a * b;
                if (!inRange(r, D_LOW, D_HIGH))
                {
                    return false;
                }
                inexact = Math.fma(a, b, -r) != 0;
                break;
            case 0x03: // FDIV.D
                r = a / b;
                if (!inRange(r, D_LOW, D_HIGH) || !inRange(a, D_LOW, D_HIGH) || !inRange(b, D_LOW, D_HIGH))
                {
                    return false;
                }
                inexact = Math.fma(-r, b, a) != 0;
                break;
            case 0x0B: // FSQRT.D
                if (rs2 != 0 || !(a > 0) || !inRange(a, D_LOW, D_HIGH))
                {
                    return false;
                }
                r = Math.sqrt(a);
                inexact = Math.fma(-r, r, a) != 0;
                break;
            default:
                return false;
        }
        s.f[rd] = Double.doubleToRawLongBits(r);
        if (inexact)
        {
            s.fflags |= HartState.FFLAG_NX;
        }
        return true;
    }

    private static boolean fmaDouble(
        final HartState s, final int opcode, final int rd, final int rs1, final int rs2, final int rs3)
    {
        if ((s.fflags & HartState.FFLAG_NX) == 0)
        {
            return false; // whether a fused result is exact is not cheap to know: only once NX is set anyway
        }
        final double a = Double.longBitsToDouble(s.f[rs1]);
        final double b = Double.longBitsToDouble(s.f[rs2]);
        final double c = Double.longBitsToDouble(s.f[rs3]);
        final double r = fused(opcode, a, b, c);
        if (!inRange(r, D_LOW, D_HIGH) || !finite(a) || !finite(b) || !finite(c))
        {
            return false;
        }
        s.f[rd] = Double.doubleToRawLongBits(r);
        return true;
    }

    private static boolean opSingle(final HartState s, final int funct5, final int rd, final int rs1, final int rs2)
    {
        final long rawA = s.f[rs1];
        final long rawB = s.f[rs2];
        if ((rawA & BOX) != BOX || (rawB & BOX) != BOX)
        {
            return false; // an unboxed operand reads as the canonical NaN
        }
        final float a = Float.intBitsToFloat((int)rawA);
        final float b = Float.intBitsToFloat((int)rawB);
        final float r;
        final boolean inexact;
        switch (funct5)
        {
            case 0x00: // FADD.S
            case 0x01: // FSUB.S
            {
                final float bb = funct5 == 0 ? b : -b;
                r = a + bb;
                if (!inRange(r, S_LOW, S_HIGH))
                {
                    return false;
                }
                // TwoSum in double: sum + err is the exact a + bb; the float result is exact iff it equals that
                final double sum = (double)a + (double)bb;
                final double bv = sum - a;
                final double err = (a - (sum - bv)) + (bb - bv);
                inexact = err != 0 || (double)r != sum;
                break;
            }
            case 0x02: // FMUL.S
                r = a * b;
                if (!inRange(r, S_LOW, S_HIGH))
                {
                    return false;
                }
                inexact = (double)r != (double)a * (double)b; // a 48-bit product is exact in a double
                break;
            case 0x03: // FDIV.S
                r = a / b;
                if (!inRange(r, S_LOW, S_HIGH) || !inRange(a, S_LOW, S_HIGH) || !inRange(b, S_LOW, S_HIGH))
                {
                    return false;
                }
                inexact = (double)r * (double)b != (double)a;
                break;
            case 0x0B: // FSQRT.S
                if (rs2 != 0 || !(a > 0) || !inRange(a, S_LOW, S_HIGH))
                {
                    return false;
                }
                r = (float)Math.sqrt(a); // correctly rounded: 53 >= 2 * 24 + 2 (no double-rounding error)
                inexact = (double)r * (double)r != (double)a;
                break;
            default:
                return false;
        }
        s.f[rd] = BOX | (Float.floatToRawIntBits(r) & 0xFFFF_FFFFL);
        if (inexact)
        {
            s.fflags |= HartState.FFLAG_NX;
        }
        return true;
    }

    private static boolean fmaSingle(
        final HartState s, final int opcode, final int rd, final int rs1, final int rs2, final int rs3)
    {
        final long rawA = s.f[rs1];
        final long rawB = s.f[rs2];
        final long rawC = s.f[rs3];
        if ((s.fflags & HartState.FFLAG_NX) == 0 || (rawA & BOX) != BOX || (rawB & BOX) != BOX || (rawC & BOX) != BOX)
        {
            return false;
        }
        final float a = Float.intBitsToFloat((int)rawA);
        final float b = Float.intBitsToFloat((int)rawB);
        final float c = Float.intBitsToFloat((int)rawC);
        final boolean negateProduct = opcode == 0x4B || opcode == 0x4F;
        final boolean negateAddend = opcode == 0x47 || opcode == 0x4F;
        final float r = Math.fma(negateProduct ? -a : a, b, negateAddend ? -c : c);
        if (!inRange(r, S_LOW, S_HIGH) || !Float.isFinite(a) || !Float.isFinite(b) ||
            !Float.isFinite(c))
        {
            return false;
        }
        s.f[rd] = BOX | (Float.floatToRawIntBits(r) & 0xFFFF_FFFFL);
        return true;
    }

    /** FMADD (0x43): a*b+c; FMSUB (0x47): a*b-c; FNMSUB (0x4B): -(a*b)+c; FNMADD (0x4F): -(a*b)-c. */
    private static double fused(final int opcode, final double a, final double b, final double c)
    {
        final boolean negateProduct = opcode == 0x4B || opcode == 0x4F;
        final boolean negateAddend = opcode == 0x47 || opcode == 0x4F;
        return Math.fma(negateProduct ? -a : a, b, negateAddend ? -c : c);
    }

    private static boolean finite(final double v)
    {
        return Double.isFinite(v);
    }

    /** |v| in [low, high]; false for NaN, infinities and zero. */
    private static boolean inRange(final double v, final double low, final double high)
    {
        final double m = Math.abs(v);
        return m >= low && m <= high;
    }
}
