package org.legoemu.abi.hart;

import static org.legoemu.abi.hart.FloatRounding.FMT_D;
import static org.legoemu.abi.hart.FloatRounding.FMT_S;
import static org.legoemu.abi.hart.FloatRounding.canonicalNaN;
import static org.legoemu.abi.hart.FloatRounding.exponentField;
import static org.legoemu.abi.hart.FloatRounding.isInfinite;
import static org.legoemu.abi.hart.FloatRounding.isNaN;
import static org.legoemu.abi.hart.FloatRounding.isNegative;
import static org.legoemu.abi.hart.FloatRounding.isSignalingNaN;
import static org.legoemu.abi.hart.FloatRounding.isZero;
import static org.legoemu.abi.hart.FloatRounding.signMask;

/**
 * Executes the non-memory instructions of the RISC-V F and D extensions (RISC-V unprivileged ISA, chapter 11
 * "F Standard Extension for Single-Precision Floating-Point" and chapter 12 "D Standard Extension for
 * Double-Precision Floating-Point"): opcodes MADD (0x43), MSUB (0x47), NMSUB (0x4B), NMADD (0x4F) and OP-FP
 * (0x53). Loads and stores (FLW/FLD/FSW/FSD) are left to the hart.
 * <p>
 * Single-precision operands are read NaN-boxed (section 12.2): a register whose upper 32 bits are not all
 * ones reads as the canonical NaN. Single-precision results are written boxed. NaN results are always
 * canonical (section 11.3). All five rounding modes are exact and fflags accrue as section 11.2 specifies.
 * Execution never allocates.
 */
public final class FloatingPointUnit
{
    private static final int OPCODE_MADD = 0x43;
    private static final int OPCODE_MSUB = 0x47;
    private static final int OPCODE_NMSUB = 0x4B;
    private static final int OPCODE_NMADD = 0x4F;
    private static final int OPCODE_OP_FP = 0x53;

    private static final long BOX = 0xFFFFFFFF00000000L;

    private FloatingPointUnit()
    {
    }

    /**
     * Execute one F/D computational, conversion, move, compare or classify instruction.
     *
     * @param s    hart state: reads and writes {@code x[]}, {@code f[]}, {@code fflags} and reads
     *             {@code frm}; {@code pc} is not touched.
     * @param insn the 32-bit instruction word.
     * @return false when the encoding is illegal (unknown opcode/funct, a format other than S or D,
     * a reserved rounding mode in the instruction or, for DYN, in {@code frm}), in which case no state has
     * changed and the hart should raise SIGILL; true once executed.
     */
    public static boolean execute(final HartState s, final int insn)
    {
        return FastFloat.tryExecute(s, insn) || executeExact(s, insn);
    }

    /** {@link #execute} without the {@link FastFloat} shortcut: every operation in exact integer arithmetic. */
    static boolean executeExact(final HartState s, final int insn)
    {
        final int opcode = insn & 0x7F;
        final int rd = (insn >>> 7) & 0x1F;
        final int funct3 = (insn >>> 12) & 7;
        final int rs1 = (insn >>> 15) & 0x1F;
        final int rs2 = (insn >>> 20) & 0x1F;
        final int fmt = (insn >>> 25) & 3;
        if (fmt != FMT_S && fmt != FMT_D)
        {
            return false;
        }
        switch (opcode)
        {
            case OPCODE_MADD:
            case OPCODE_MSUB:
            case OPCODE_NMSUB:
            case OPCODE_NMADD:
            {
                final int rm = resolveRoundingMode(s, funct3);
                if (rm < 0)
                {
                    return false;
                }
                final int rs3 = insn >>> 27;
                final boolean negateProduct = opcode == OPCODE_NMSUB || opcode == OPCODE_NMADD;
                final boolean negateAddend = opcode == OPCODE_MSUB || opcode == OPCODE_NMADD;
                final long result = FloatArithmetic.fusedMultiplyAdd(
                    s, read(s, rs1, fmt), read(s, rs2, fmt), read(s, rs3, fmt),
                    negateProduct, negateAddend, fmt, rm);
                write(s, rd, result, fmt);
                return true;
            }
            case OPCODE_OP_FP:
                return executeOpFp(s, insn >>> 27, rd, funct3, rs1, rs2, fmt);
            default:
                return false;
        }
    }

    private static boolean executeOpFp(
        final HartState s, final int funct5, final int rd, final int funct3, final int rs1, final int rs2, final int fmt)
    {
        switch (funct5)
        {
            case 0x00:
            case 0x01:
            case 0x02:
            case 0x03:
            {
                final int rm = resolveRoundingMode(s, funct3);
                if (rm < 0)
                {
                    return false;
                }
                final long a = read(s, rs1, fmt);
                final long b = read(s, rs2, fmt);
                final long result;
                if (funct5 == 0x00 || funct5 == 0x01)
                {
                    result = FloatArithmetic.add(s, a, b, funct5 == 0x01, fmt, rm);
                }
                else if (funct5 == 0x02)
                {
                    result = FloatArithmetic.multiply(s, a, b, fmt, rm);
                }
                else
                {
                    result = FloatArithmetic.divide(s, a, b, fmt, rm);
                }
                write(s, rd, result, fmt);
                return true;
            }
            case 0x0B:
            {
                final int rm = resolveRoundingMode(s, funct3);
                if (rm < 0 || rs2 != 0)
                {
                    return false;
                }
                write(s, rd, FloatArithmetic.sqrt(s, read(s, rs1, fmt), fmt, rm), fmt);
                return true;
            }
            case 0x04:
                return signInject(s, rd, funct3, rs1, rs2, fmt);
            case 0x05:
                return minMax(s, rd, funct3, rs1, rs2, fmt);
            case 0x08:
            {
                final int rm = resolveRoundingMode(s, funct3);
                final int from = fmt == FMT_S ? FMT_D : FMT_S;
                if (rm < 0 || rs2 != from)
                {
                    return false;
                }
                write(s, rd, FloatArithmetic.convertFormat(s, read(s, rs1, from), from, fmt, rm), fmt);
                return true;
            }
            case 0x14:
                return compare(s, rd, funct3, rs1, rs2, fmt);
            case 0x18:
            {
                final int rm = resolveRoundingMode(s, funct3);
                if (rm < 0 || rs2 > 3)
                {
                    return false;
                }
                final long result = FloatArithmetic.toInteger(
                    s, read(s, rs1, fmt), fmt, (rs2 & 2) != 0, (rs2 & 1) != 0, rm);
                writeX(s, rd, result);
                return true;
            }
            case 0x1A:
            {
                final int rm = resolveRoundingMode(s, funct3);
                if (rm < 0 || rs2 > 3)
                {
                    return false;
                }
                final long raw = s.x[rs1];
                final long value;
                switch (rs2)
                {
                    case 0:
                        value = (int)raw;
                        break;
                    case 1:
                        value = raw & 0xFFFFFFFFL;
                        break;
                    default:
                        value = raw;
                        break;
                }
                write(s, rd, FloatArithmetic.fromInteger(s, value, rs2 == 3, fmt, rm), fmt);
                return true;
            }
            case 0x1C:
                if (rs2 != 0)
                {
                    return false;
                }
                if (funct3 == 0)
                {
                    final long raw = s.f[rs1];
                    writeX(s, rd, fmt == FMT_S ? (long)(int)raw : raw);
                    return true;
                }
                if (funct3 == 1)
                {
                    writeX(s, rd, classify(read(s, rs1, fmt), fmt));
                    return true;
                }
                return false;
            case 0x1E:
                if (rs2 != 0 || funct3 != 0)
                {
                    return false;
                }
                s.f[rd] = fmt == FMT_S ? BOX | (s.x[rs1] & 0xFFFFFFFFL) : s.x[rs1];
                return true;
            default:
                return false;
        }
    }

    /**
     * Resolve the instruction's rm field (section 11.2): 0..4 are static modes, 7 selects {@code frm};
     * 5, 6 and a reserved {@code frm} are illegal.
     *
     * @param s  hart state providing {@code frm}.
     * @param rm the instruction's rm field.
     * @return the effective mode 0..4, or -1 if the encoding is illegal.
     */
    public static int resolveRoundingMode(final HartState s, final int rm)
    {
        final int mode = rm == HartState.RM_DYN ? s.frm : rm;
        return mode >= 0 && mode <= HartState.RM_RMM ? mode : -1;
    }

    /**
     * FCLASS.S/FCLASS.D result mask (section 11.9 table 11.5).
     *
     * @param bits raw operand.
     * @param fmt  format.
     * @return one-hot class mask: bit 0 -inf ... bit 7 +inf, bit 8 signalling NaN, bit 9 quiet NaN.
     */
    public static long classify(final long bits, final int fmt)
    {
        if (isNaN(bits, fmt))
        {
            return isSignalingNaN(bits, fmt) ? 1L << 8 : 1L << 9;
        }
        final boolean negative = isNegative(bits, fmt);
        final int index;
        if (isInfinite(bits, fmt))
        {
            index = 0;
        }
        else if (isZero(bits, fmt))
        {
            index = 3;
        }
        else if (exponentField(bits, fmt) == 0)
        {
            index = 2;
        }
        else
        {
            index = 1;
        }
        return 1L << (negative ? index : 7 - index);
    }

    private static boolean signInject(
        final HartState s, final int rd, final int funct3, final int rs1, final int rs2, final int fmt)
    {
        final long a = read(s, rs1, fmt);
        final long b = read(s, rs2, fmt);
        final long sign = signMask(fmt);
        final long signOut;
        switch (funct3)
        {
            case 0:
                signOut = b & sign;
                break;
            case 1:
                signOut = ~b & sign;
                break;
            case 2:
                signOut = (a ^ b) & sign;
                break;
            default:
                return false;
        }
        write(s, rd, (a & ~sign) | signOut, fmt);
        return true;
    }

    private static boolean minMax(
        final HartState s, final int rd, final int funct3, final int rs1, final int rs2, final int fmt)
    {
        if (funct3 > 1)
        {
            return false;
        }
        final long a = read(s, rs1, fmt);
        final long b = read(s, rs2, fmt);
        if (isSignalingNaN(a, fmt) || isSignalingNaN(b, fmt))
        {
            s.fflags |= HartState.FFLAG_NV;
        }
        final long result;
        final boolean nanA = isNaN(a, fmt);
        final boolean nanB = isNaN(b, fmt);
        if (nanA && nanB)
        {
            result = canonicalNaN(fmt);
        }
        else if (nanA)
        {
            result = b;
        }
        else if (nanB)
        {
            result = a;
        }
        else
        {
            final boolean aLess = lessThan(a, b, fmt) || (isNegative(a, fmt) && !isNegative(b, fmt));
            result = (funct3 == 0) == aLess ? a : b;
        }
        write(s, rd, result, fmt);
        return true;
    }

    private static boolean compare(
        final HartState s, final int rd, final int funct3, final int rs1, final int rs2, final int fmt)
    {
        if (funct3 > 2)
        {
            return false;
        }
        final long a = read(s, rs1, fmt);
        final long b = read(s, rs2, fmt);
        final long result;
        if (isNaN(a, fmt) || isNaN(b, fmt))
        {
            if (funct3 != 2 || isSignalingNaN(a, fmt) || isSignalingNaN(b, fmt))
            {
                s.fflags |= HartState.FFLAG_NV;
            }
            result = 0;
        }
        else if (funct3 == 2)
        {
            result = equal(a, b, fmt) ? 1 : 0;
        }
        else if (funct3 == 1)
        {
            result = lessThan(a, b, fmt) ? 1 : 0;
        }
        else
        {
            result = lessThan(a, b, fmt) || equal(a, b, fmt) ? 1 : 0;
        }
        writeX(s, rd, result);
        return true;
    }

    private static boolean equal(final long a, final long b, final int fmt)
    {
        return a == b || (isZero(a, fmt) && isZero(b, fmt));
    }

    /**
     * Strict IEEE less-than of two non-NaN values (-0 equals +0).
     */
    private static boolean lessThan(final long a, final long b, final int fmt)
    {
        if (equal(a, b, fmt))
        {
            return false;
        }
        final boolean negA = isNegative(a, fmt);
        final boolean negB = isNegative(b, fmt);
        if (negA != negB)
        {
            return negA;
        }
        final long magA = a & ~signMask(fmt);
        final long magB = b & ~signMask(fmt);
        return negA ? magA > magB : magA < magB;
    }

    private static long read(final HartState s, final int reg, final int fmt)
    {
        final long raw = s.f[reg];
        if (fmt == FMT_D)
        {
            return raw;
        }
        return (raw & BOX) == BOX ? raw & 0xFFFFFFFFL : FloatRounding.CANONICAL_NAN_S;
    }

    private static void write(final HartState s, final int reg, final long value, final int fmt)
    {
        s.f[reg] = fmt == FMT_D ? value : BOX | value;
    }

    private static void writeX(final HartState s, final int reg, final long value)
    {
        if (reg != 0)
        {
            s.x[reg] = value;
        }
    }
}
