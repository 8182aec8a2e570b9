package org.legoemu.abi.hart;

import static org.legoemu.abi.hart.FloatRounding.canonicalNaN;
import static org.legoemu.abi.hart.FloatRounding.infinity;
import static org.legoemu.abi.hart.FloatRounding.isInfinite;
import static org.legoemu.abi.hart.FloatRounding.isNaN;
import static org.legoemu.abi.hart.FloatRounding.isNegative;
import static org.legoemu.abi.hart.FloatRounding.isSignalingNaN;
import static org.legoemu.abi.hart.FloatRounding.isZero;
import static org.legoemu.abi.hart.FloatRounding.precision;
import static org.legoemu.abi.hart.FloatRounding.roundPack;
import static org.legoemu.abi.hart.FloatRounding.shiftRightJam;
import static org.legoemu.abi.hart.FloatRounding.signMask;
import static org.legoemu.abi.hart.FloatRounding.unpackExponent;
import static org.legoemu.abi.hart.FloatRounding.unpackSignificand;
import static org.legoemu.abi.hart.FloatRounding.zero;

/**
 * Correctly rounded IEEE 754 arithmetic on raw binary32/binary64 patterns in all five RISC-V rounding modes
 * (RISC-V unprivileged ISA, sections 11.6 "Single-Precision Floating-Point Computational Instructions",
 * 11.7 "Conversion and Move", and chapter 12 for double precision). Exact intermediate results are formed
 * with integer arithmetic (128-bit where needed) and rounded once by
 * {@link FloatRounding#roundPack(HartState, boolean, int, long, int, int)}; NaN results are always the
 * canonical NaN (section 11.3). Flags accrue into {@code s.fflags}. No method allocates.
 */
public final class FloatArithmetic
{
    private FloatArithmetic()
    {
    }

    private static long invalid(final HartState s, final int fmt)
    {
        s.fflags |= HartState.FFLAG_NV;
        return canonicalNaN(fmt);
    }

    private static long nanResult(final HartState s, final long a, final long b, final int fmt)
    {
        if (isSignalingNaN(a, fmt) || isSignalingNaN(b, fmt))
        {
            s.fflags |= HartState.FFLAG_NV;
        }
        return canonicalNaN(fmt);
    }

    /**
     * {@code a + b} (or {@code a - b} when {@code subtract}), FADD/FSUB.
     *
     * @param s        hart whose fflags accrue.
     * @param a        first operand.
     * @param b        second operand.
     * @param subtract true for FSUB.
     * @param fmt      format.
     * @param rm       static rounding mode 0..4.
     * @return the rounded result.
     */
    public static long add(
        final HartState s, final long a, final long b, final boolean subtract, final int fmt, final int rm)
    {
        if (isNaN(a, fmt) || isNaN(b, fmt))
        {
            return nanResult(s, a, b, fmt);
        }
        final long bb = subtract ? b ^ signMask(fmt) : b;
        final boolean signA = isNegative(a, fmt);
        final boolean signB = isNegative(bb, fmt);
        if (isInfinite(a, fmt))
        {
            if (isInfinite(bb, fmt) && signA != signB)
            {
                return invalid(s, fmt);
            }
            return a;
        }
        if (isInfinite(bb, fmt))
        {
            return bb;
        }
        if (isZero(a, fmt))
        {
            if (isZero(bb, fmt))
            {
                return signA == signB ? a : zero(rm == HartState.RM_RDN, fmt);
            }
            return bb;
        }
        if (isZero(bb, fmt))
        {
            return a;
        }

        int expA = unpackExponent(a, fmt);
        int expB = unpackExponent(bb, fmt);
        long sigA = unpackSignificand(a, fmt) >>> 1;
        long sigB = unpackSignificand(bb, fmt) >>> 1;
        boolean sign = signA;
        if (expA < expB || (expA == expB && sigA < sigB))
        {
            final int te = expA;
            expA = expB;
            expB = te;
            final long ts = sigA;
            sigA = sigB;
            sigB = ts;
            sign = signB;
        }
        sigB = shiftRightJam(sigB, expA - expB);
        final long sum = signA == signB ? sigA + sigB : sigA - sigB;
        if (sum == 0)
        {
            return zero(rm == HartState.RM_RDN, fmt);
        }
        return roundPack(s, sign, expA - 61, sum, fmt, rm);
    }

    /**
     * {@code a * b}, FMUL.
     *
     * @param s   hart whose fflags accrue.
     * @param a   first operand.
     * @param b   second operand.
     * @param fmt format.
     * @param rm  static rounding mode 0..4.
     * @return the rounded result.
     */
    public static long multiply(final HartState s, final long a, final long b, final int fmt, final int rm)
    {
        if (isNaN(a, fmt) || isNaN(b, fmt))
        {
            return nanResult(s, a, b, fmt);
        }
        final boolean sign = isNegative(a, fmt) != isNegative(b, fmt);
        if (isInfinite(a, fmt) || isInfinite(b, fmt))
        {
            if (isZero(a, fmt) || isZero(b, fmt))
            {
                return invalid(s, fmt);
            }
            return infinity(sign, fmt);
        }
        if (isZero(a, fmt) || isZero(b, fmt))
        {
            return zero(sign, fmt);
        }
        final long sigA = unpackSignificand(a, fmt);
        final long sigB = unpackSignificand(b, fmt);
        final long hi = Math.multiplyHigh(sigA, sigB);
        final long lo = sigA * sigB;
        final long sig = hi | (lo != 0 ? 1 : 0);
        return roundPack(s, sign, unpackExponent(a, fmt) + unpackExponent(b, fmt) - 60, sig, fmt, rm);
    }

    /**
     * {@code a / b}, FDIV; raises DZ for a finite non-zero dividend and a zero divisor.
     *
     * @param s   hart whose fflags accrue.
     * @param a   dividend.
     * @param b   divisor.
     * @param fmt format.
     * @param rm  static rounding mode 0..4.
     * @return the rounded result.
     */
    public static long divide(final HartState s, final long a, final long b, final int fmt, final int rm)
    {
        if (isNaN(a, fmt) || isNaN(b, fmt))
        {
            return nanResult(s, a, b, fmt);
        }
        final boolean sign = isNegative(a, fmt) != isNegative(b, fmt);
        if (isInfinite(a, fmt))
        {
            return isInfinite(b, fmt) ? invalid(s, fmt) : infinity(sign, fmt);
        }
        if (isInfinite(b, fmt))
        {
            return zero(sign, fmt);
        }
        if (isZero(b, fmt))
        {
            if (isZero(a, fmt))
            {
                return invalid(s, fmt);
            }
            s.fflags |= HartState.FFLAG_DZ;
            return infinity(sign, fmt);
        }
        if (isZero(a, fmt))
        {
            return zero(sign, fmt);
        }
        final long sigB = unpackSignificand(b, fmt) >>> 10;
        long rem = unpackSignificand(a, fmt) >>> 10;
        int exp = unpackExponent(a, fmt) - unpackExponent(b, fmt);
        if (rem < sigB)
        {
            rem <<= 1;
            exp--;
        }
        final int bits = precision(fmt) + 3;
        long quotient = 0;
        for (int i = 0; i < bits; i++)
        {
            quotient <<= 1;
            if (rem >= sigB)
            {
                rem -= sigB;
                quotient |= 1;
            }
            rem <<= 1;
        }
        final long sig = quotient | (rem != 0 ? 1 : 0);
        return roundPack(s, sign, exp - (bits - 1), sig, fmt, rm);
    }

    /**
     * Square root, FSQRT; NV for negative non-zero operands, {@code sqrt(-0) = -0}.
     *
     * @param s   hart whose fflags accrue.
     * @param a   operand.
     * @param fmt format.
     * @param rm  static rounding mode 0..4.
     * @return the rounded result.
     */
    public static long sqrt(final HartState s, final long a, final int fmt, final int rm)
    {
        if (isNaN(a, fmt))
        {
            return nanResult(s, a, a, fmt);
        }
        if (isZero(a, fmt))
        {
            return a;
        }
        if (isNegative(a, fmt))
        {
            return invalid(s, fmt);
        }
        if (isInfinite(a, fmt))
        {
            return a;
        }
        final int expA = unpackExponent(a, fmt);
        final long sigA = unpackSignificand(a, fmt);
        final long radicand;
        final int exp;
        if (((expA - 61) & 1) == 0)
        {
            radicand = sigA >>> 1;
            exp = expA - 61;
        }
        else
        {
            radicand = sigA >>> 2;
            exp = expA - 60;
        }
        final int extraPairs = Math.max(0, precision(fmt) + 3 - 31);
        final int iterations = 31 + extraPairs;
        long root = 0;
        long rem = 0;
        for (int i = 0; i < iterations; i++)
        {
            final long pair = i < 31 ? (radicand >>> (60 - 2 * i)) & 3 : 0;
            rem = (rem << 2) | pair;
            final long trial = (root << 2) | 1;
            if (rem >= trial)
            {
                rem -= trial;
                root = (root << 1) | 1;
            }
            else
            {
                root <<= 1;
            }
        }
        final long sig = root | (rem != 0 ? 1 : 0);
        return roundPack(s, false, (exp >> 1) - extraPairs, sig, fmt, rm);
    }

    /**
     * Fused {@code (negateProduct ? -(a*b) : a*b) + (negateAddend ? -c : c)} with a single rounding,
     * FMADD/FMSUB/FNMSUB/FNMADD (section 11.6). NV is raised for {@code inf * 0} even when {@code c} is a
     * quiet NaN.
     *
     * @param s             hart whose fflags accrue.
     * @param a             multiplicand.
     * @param b             multiplier.
     * @param c             addend.
     * @param negateProduct negate the product.
     * @param negateAddend  negate the addend.
     * @param fmt           format.
     * @param rm            static rounding mode 0..4.
     * @return the rounded result.
     */
    public static long fusedMultiplyAdd(
        final HartState s,
        final long a,
        final long b,
        final long c,
        final boolean negateProduct,
        final boolean negateAddend,
        final int fmt,
        final int rm)
    {
        final boolean infTimesZero =
            (isInfinite(a, fmt) && isZero(b, fmt)) || (isZero(a, fmt) && isInfinite(b, fmt));
        if (isNaN(a, fmt) || isNaN(b, fmt) || isNaN(c, fmt))
        {
            if (infTimesZero || isSignalingNaN(a, fmt) || isSignalingNaN(b, fmt) || isSignalingNaN(c, fmt))
            {
                s.fflags |= HartState.FFLAG_NV;
            }
            return canonicalNaN(fmt);
        }
        if (infTimesZero)
        {
            return invalid(s, fmt);
        }
        final boolean signP = (isNegative(a, fmt) != isNegative(b, fmt)) != negateProduct;
        final long cc = negateAddend ? c ^ signMask(fmt) : c;
        final boolean signC = isNegative(cc, fmt);
        if (isInfinite(a, fmt) || isInfinite(b, fmt))
        {
            if (isInfinite(cc, fmt) && signC != signP)
            {
                return invalid(s, fmt);
            }
            return infinity(signP, fmt);
        }
        if (isInfinite(cc, fmt))
        {
            return cc;
        }
        if (isZero(a, fmt) || isZero(b, fmt))
        {
            if (isZero(cc, fmt))
            {
                return signP == signC ? cc : zero(rm == HartState.RM_RDN, fmt);
            }
            return cc;
        }

        final long sigA = unpackSignificand(a, fmt);
        final long sigB = unpackSignificand(b, fmt);
        final int expP = unpackExponent(a, fmt) + unpackExponent(b, fmt);
        long pHi = Math.multiplyHigh(sigA, sigB);
        long pLo = sigA * sigB;
        if (isZero(cc, fmt))
        {
            final long sig = pHi | (pLo != 0 ? 1 : 0);
            return roundPack(s, signP, expP - 60, sig, fmt, rm);
        }

        // Product P = (pHi:pLo) * 2^(expP - 124), P in [2^124, 2^126).
        // Addend C = (sigC << 62) * 2^(expC - 124), placed on the same 128-bit scale.
        final int expC = unpackExponent(cc, fmt);
        final long sigC = unpackSignificand(cc, fmt);
        long cHi = sigC >>> 2;
        long cLo = sigC << 62;
        final int commonExp;
        if (expP >= expC)
        {
            commonExp = expP;
            final int d = expP - expC;
            if (d >= 128)
            {
                cHi = 0;
                cLo = 1;
            }
            else if (d >= 64)
            {
                final boolean sticky = cLo != 0 || (d > 64 && (cHi << (128 - d)) != 0);
                cLo = (cHi >>> (d - 64)) | (sticky ? 1 : 0);
                cHi = 0;
            }
            else if (d > 0)
            {
                final boolean sticky = (cLo << (64 - d)) != 0;
                cLo = (cLo >>> d) | (cHi << (64 - d)) | (sticky ? 1 : 0);
                cHi >>>= d;
            }
        }
        else
        {
            commonExp = expC;
            final int d = expC - expP;
            if (d >= 128)
            {
                pHi = 0;
                pLo = 1;
            }
            else if (d >= 64)
            {
                final boolean sticky = pLo != 0 || (d > 64 && (pHi << (128 - d)) != 0);
                pLo = (pHi >>> (d - 64)) | (sticky ? 1 : 0);
                pHi = 0;
            }
            else if (d > 0)
            {
                final boolean sticky = (pLo << (64 - d)) != 0;
                pLo = (pLo >>> d) | (pHi << (64 - d)) | (sticky ? 1 : 0);
                pHi >>>= d;
            }
        }

        long rHi;
        long rLo;
        boolean sign = signP;
        if (signP == signC)
        {
            rLo = pLo + cLo;
            rHi = pHi + cHi + (Long.compareUnsigned(rLo, pLo) < 0 ? 1 : 0);
        }
        else
        {
            final boolean productLarger = pHi != cHi ? pHi > cHi : Long.compareUnsigned(pLo, cLo) >= 0;
            if (productLarger)
            {
                rLo = pLo - cLo;
                rHi = pHi - cHi - (Long.compareUnsigned(pLo, cLo) < 0 ? 1 : 0);
            }
            else
            {
                rLo = cLo - pLo;
                rHi = cHi - pHi - (Long.compareUnsigned(cLo, pLo) < 0 ? 1 : 0);
                sign = signC;
            }
            if (rHi == 0 && rLo == 0)
            {
                return zero(rm == HartState.RM_RDN, fmt);
            }
        }

        final long sig;
        final int exp;
        if (rHi != 0)
        {
            final int shift = 65 - Long.numberOfLeadingZeros(rHi);
            if (shift == 64)
            {
                sig = rHi | (rLo != 0 ? 1 : 0);
            }
            else
            {
                sig = (rHi << (64 - shift)) | (rLo >>> shift) | ((rLo << (64 - shift)) != 0 ? 1 : 0);
            }
            exp = commonExp - 124 + shift;
        }
        else
        {
            sig = (rLo >>> 1) | (rLo & 1);
            exp = commonExp - 124 + 1;
        }
        return roundPack(s, sign, exp, sig, fmt, rm);
    }

    /**
     * Convert between binary32 and binary64, FCVT.S.D / FCVT.D.S (section 12.5).
     *
     * @param s       hart whose fflags accrue.
     * @param a       operand in {@code fromFmt}.
     * @param fromFmt source format.
     * @param toFmt   destination format.
     * @param rm      static rounding mode 0..4.
     * @return the rounded result in {@code toFmt}.
     */
    public static long convertFormat(
        final HartState s, final long a, final int fromFmt, final int toFmt, final int rm)
    {
        if (isNaN(a, fromFmt))
        {
            if (isSignalingNaN(a, fromFmt))
            {
                s.fflags |= HartState.FFLAG_NV;
            }
            return canonicalNaN(toFmt);
        }
        final boolean sign = isNegative(a, fromFmt);
        if (isInfinite(a, fromFmt))
        {
            return infinity(sign, toFmt);
        }
        if (isZero(a, fromFmt))
        {
            return zero(sign, toFmt);
        }
        return roundPack(s, sign, unpackExponent(a, fromFmt) - 62, unpackSignificand(a, fromFmt), toFmt, rm);
    }

    /**
     * Convert an integer to floating point, FCVT.fmt.W/WU/L/LU (section 11.7).
     *
     * @param s        hart whose fflags accrue.
     * @param value    the integer, already sign- or zero-extended to 64 bits as the instruction requires.
     * @param unsigned whether {@code value} is to be read as an unsigned 64-bit integer.
     * @param fmt      destination format.
     * @param rm       static rounding mode 0..4.
     * @return the rounded result.
     */
    public static long fromInteger(
        final HartState s, final long value, final boolean unsigned, final int fmt, final int rm)
    {
        if (value == 0)
        {
            return zero(false, fmt);
        }
        final boolean negative = !unsigned && value < 0;
        final long magnitude = negative ? -value : value;
        if (magnitude < 0)
        {
            return roundPack(s, negative, 1, (magnitude >>> 1) | (magnitude & 1), fmt, rm);
        }
        return roundPack(s, negative, 0, magnitude, fmt, rm);
    }

    /**
     * Convert floating point to an integer with saturation, FCVT.W/WU/L/LU.fmt (section 11.7 table 11.4):
     * NaN and positive overflow give the largest value, negative overflow the smallest; out-of-range inputs
     * raise NV only, in-range inexact ones NX. 32-bit results are sign-extended to 64 bits (also for WU).
     *
     * @param s        hart whose fflags accrue.
     * @param a        operand.
     * @param fmt      source format.
     * @param is64     L/LU (true) or W/WU (false).
     * @param unsigned WU/LU.
     * @param rm       static rounding mode 0..4.
     * @return the integer value as written to x[rd].
     */
    public static long toInteger(
        final HartState s, final long a, final int fmt, final boolean is64, final boolean unsigned, final int rm)
    {
        final long maxResult;
        final long minResult;
        if (is64)
        {
            maxResult = unsigned ? -1L : Long.MAX_VALUE;
            minResult = unsigned ? 0 : Long.MIN_VALUE;
        }
        else
        {
            maxResult = unsigned ? -1L : Integer.MAX_VALUE;
            minResult = unsigned ? 0 : Integer.MIN_VALUE;
        }
        if (isNaN(a, fmt))
        {
            s.fflags |= HartState.FFLAG_NV;
            return maxResult;
        }
        final boolean negative = isNegative(a, fmt);
        if (isInfinite(a, fmt))
        {
            s.fflags |= HartState.FFLAG_NV;
            return negative ? minResult : maxResult;
        }
        if (isZero(a, fmt))
        {
            return 0;
        }

        final int exp = unpackExponent(a, fmt);
        final long sig = unpackSignificand(a, fmt);
        final long magnitude;
        boolean inexact = false;
        if (exp >= 64)
        {
            s.fflags |= HartState.FFLAG_NV;
            return negative ? minResult : maxResult;
        }
        else if (exp >= 62)
        {
            magnitude = sig << (exp - 62);
        }
        else
        {
            final int shift = 62 - exp;
            final long kept;
            final long dropped;
            final long half;
            if (shift >= 64)
            {
                kept = 0;
                dropped = 1;
                half = 1L << 62;
            }
            else
            {
                kept = sig >>> shift;
                dropped = sig & ((1L << shift) - 1);
                half = 1L << (shift - 1);
            }
            inexact = dropped != 0;
            magnitude = kept + (FloatRounding.roundUp(dropped, half, (kept & 1) != 0, negative, rm) ? 1 : 0);
        }

        final boolean inRange;
        if (negative)
        {
            if (unsigned)
            {
                inRange = magnitude == 0;
            }
            else
            {
                inRange = Long.compareUnsigned(magnitude, is64 ? 1L << 63 : 1L << 31) <= 0;
            }
        }
        else
        {
            if (unsigned)
            {
                inRange = is64 || Long.compareUnsigned(magnitude, 0xFFFFFFFFL) <= 0;
            }
            else
            {
                inRange = Long.compareUnsigned(magnitude, is64 ? Long.MAX_VALUE : Integer.MAX_VALUE) <= 0;
            }
        }
        if (!inRange)
        {
            s.fflags |= HartState.FFLAG_NV;
            return negative ? minResult : maxResult;
        }
        if (inexact)
        {
            s.fflags |= HartState.FFLAG_NX;
        }
        final long result = negative ? -magnitude : magnitude;
        return is64 ? result : (long)(int)result;
    }
}
