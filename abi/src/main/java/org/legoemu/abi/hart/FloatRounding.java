package org.legoemu.abi.hart;

/**
 * IEEE 754 binary32/binary64 encoding helpers and the single correct-rounding step shared by every
 * floating-point operation of the hart (RISC-V unprivileged ISA, section 11.2 "Floating-Point Control and
 * Status Register": rounding modes RNE/RTZ/RDN/RUP/RMM and the accrued flags NV/DZ/OF/UF/NX).
 * <p>
 * Values are handled as raw bit patterns held in a {@code long}: a single-precision value occupies the low
 * 32 bits (upper bits zero), a double-precision value all 64 bits. A finite non-zero value can be unpacked
 * into a sign, an unbiased exponent and a significand normalised so that its most significant bit is bit 62.
 * {@link #roundPack(HartState, boolean, int, long, int, int)} takes an exact (or sticky-jammed) significand
 * and produces the correctly rounded encoding, accruing NX, UF (tininess detected after rounding, as
 * RISC-V specifies) and OF. No method allocates.
 */
public final class FloatRounding
{
    /** Format index of binary32 (the {@code fmt} field value 0 of RISC-V OP-FP instructions). */
    public static final int FMT_S = 0;
    /** Format index of binary64 (the {@code fmt} field value 1 of RISC-V OP-FP instructions). */
    public static final int FMT_D = 1;

    /** Canonical quiet NaN of binary32, section 11.3. */
    public static final long CANONICAL_NAN_S = 0x7fc00000L;
    /** Canonical quiet NaN of binary64, section 12.2. */
    public static final long CANONICAL_NAN_D = 0x7ff8000000000000L;

    private static final long SIGN_S = 0x80000000L;
    private static final long SIGN_D = 0x8000000000000000L;

    private FloatRounding()
    {
    }

    /**
     * Precision in bits (including the hidden bit).
     *
     * @param fmt {@link #FMT_S} or {@link #FMT_D}.
     * @return 24 or 53.
     */
    public static int precision(final int fmt)
    {
        return fmt == FMT_S ? 24 : 53;
    }

    /**
     * Exponent bias.
     *
     * @param fmt {@link #FMT_S} or {@link #FMT_D}.
     * @return 127 or 1023.
     */
    public static int bias(final int fmt)
    {
        return fmt == FMT_S ? 127 : 1023;
    }

    /**
     * Width of the biased exponent field.
     *
     * @param fmt {@link #FMT_S} or {@link #FMT_D}.
     * @return 8 or 11.
     */
    public static int exponentBits(final int fmt)
    {
        return fmt == FMT_S ? 8 : 11;
    }

    /**
     * The sign bit mask of the format.
     *
     * @param fmt {@link #FMT_S} or {@link #FMT_D}.
     * @return the sign mask within the raw pattern.
     */
    public static long signMask(final int fmt)
    {
        return fmt == FMT_S ? SIGN_S : SIGN_D;
    }

    /**
     * The canonical quiet NaN of the format.
     *
     * @param fmt {@link #FMT_S} or {@link #FMT_D}.
     * @return the canonical NaN pattern.
     */
    public static long canonicalNaN(final int fmt)
    {
        return fmt == FMT_S ? CANONICAL_NAN_S : CANONICAL_NAN_D;
    }

    /**
     * Whether the sign bit is set.
     *
     * @param bits raw pattern.
     * @param fmt  format.
     * @return true for negative values (including -0 and negative NaNs).
     */
    public static boolean isNegative(final long bits, final int fmt)
    {
        return (bits & signMask(fmt)) != 0;
    }

    /**
     * Biased exponent field.
     *
     * @param bits raw pattern.
     * @param fmt  format.
     * @return the biased exponent.
     */
    public static int exponentField(final long bits, final int fmt)
    {
        return (int)((bits >>> (precision(fmt) - 1)) & ((1L << exponentBits(fmt)) - 1));
    }

    /**
     * Trailing significand (fraction) field.
     *
     * @param bits raw pattern.
     * @param fmt  format.
     * @return the fraction bits.
     */
    public static long fractionField(final long bits, final int fmt)
    {
        return bits & ((1L << (precision(fmt) - 1)) - 1);
    }

    private static int maxExponentField(final int fmt)
    {
        return (1 << exponentBits(fmt)) - 1;
    }

    /**
     * @param bits raw pattern.
     * @param fmt  format.
     * @return true for any NaN.
     */
    public static boolean isNaN(final long bits, final int fmt)
    {
        return exponentField(bits, fmt) == maxExponentField(fmt) && fractionField(bits, fmt) != 0;
    }

    /**
     * @param bits raw pattern.
     * @param fmt  format.
     * @return true for a signalling NaN (most significant fraction bit clear).
     */
    public static boolean isSignalingNaN(final long bits, final int fmt)
    {
        return isNaN(bits, fmt) && (bits & (1L << (precision(fmt) - 2))) == 0;
    }

    /**
     * @param bits raw pattern.
     * @param fmt  format.
     * @return true for +/- infinity.
     */
    public static boolean isInfinite(final long bits, final int fmt)
    {
        return exponentField(bits, fmt) == maxExponentField(fmt) && fractionField(bits, fmt) == 0;
    }

    /**
     * @param bits raw pattern.
     * @param fmt  format.
     * @return true for +/- 0.
     */
    public static boolean isZero(final long bits, final int fmt)
    {
        return (bits & ~signMask(fmt)) == 0;
    }

    /**
     * Signed infinity.
     *
     * @param negative sign.
     * @param fmt      format.
     * @return the infinity pattern.
     */
    public static long infinity(final boolean negative, final int fmt)
    {
        return (negative ? signMask(fmt) : 0) | ((long)maxExponentField(fmt) << (precision(fmt) - 1));
    }

    /**
     * Signed zero.
     *
     * @param negative sign.
     * @param fmt      format.
     * @return the zero pattern.
     */
    public static long zero(final boolean negative, final int fmt)
    {
        return negative ? signMask(fmt) : 0;
    }

    /**
     * Largest finite magnitude with the given sign.
     *
     * @param negative sign.
     * @param fmt      format.
     * @return the max-finite pattern.
     */
    public static long maxFinite(final boolean negative, final int fmt)
    {
        return infinity(negative, fmt) - 1;
    }

    /**
     * Unbiased exponent of the most significant set bit of a finite non-zero value.
     *
     * @param bits raw pattern of a finite non-zero value.
     * @param fmt  format.
     * @return the exponent such that the value lies in [2^e, 2^(e+1)).
     */
    public static int unpackExponent(final long bits, final int fmt)
    {
        final int field = exponentField(bits, fmt);
        final int p = precision(fmt);
        if (field != 0)
        {
            return field - bias(fmt);
        }
        final long frac = fractionField(bits, fmt);
        return 1 - bias(fmt) - (p - 1) + (63 - Long.numberOfLeadingZeros(frac));
    }

    /**
     * Significand of a finite non-zero value normalised so its most significant bit is bit 62; the value is
     * {@code sig * 2^(unpackExponent - 62)}.
     *
     * @param bits raw pattern of a finite non-zero value.
     * @param fmt  format.
     * @return the normalised significand in [2^62, 2^63).
     */
    public static long unpackSignificand(final long bits, final int fmt)
    {
        final int field = exponentField(bits, fmt);
        final int p = precision(fmt);
        final long frac = fractionField(bits, fmt);
        if (field != 0)
        {
            return (frac | (1L << (p - 1))) << (63 - p);
        }
        return frac << (Long.numberOfLeadingZeros(frac) - 1);
    }

    /**
     * Shift right, OR-ing any bit shifted out into bit 0 (the "sticky" bit).
     *
     * @param value non-negative value.
     * @param count shift count, any non-negative amount.
     * @return the jammed result.
     */
    public static long shiftRightJam(final long value, final int count)
    {
        if (count == 0)
        {
            return value;
        }
        if (count >= 63)
        {
            return value != 0 ? 1 : 0;
        }
        return (value >>> count) | ((value & ((1L << count) - 1)) != 0 ? 1 : 0);
    }

    /**
     * Rounding decision for dropped bits, section 11.2 table 11.1.
     *
     * @param dropped  the bits shifted out (unsigned, below {@code 2 * half}).
     * @param half     the weight of the most significant dropped bit.
     * @param lsbOdd   whether the retained least significant bit is 1.
     * @param negative sign of the value being rounded.
     * @param rm       static rounding mode 0..4.
     * @return true if the retained magnitude must be incremented by one unit.
     */
    public static boolean roundUp(
        final long dropped, final long half, final boolean lsbOdd, final boolean negative, final int rm)
    {
        if (dropped == 0)
        {
            return false;
        }
        switch (rm)
        {
            case HartState.RM_RNE:
                return Long.compareUnsigned(dropped, half) > 0 || (dropped == half && lsbOdd);
            case HartState.RM_RTZ:
                return false;
            case HartState.RM_RDN:
                return negative;
            case HartState.RM_RUP:
                return !negative;
            default:
                return Long.compareUnsigned(dropped, half) >= 0;
        }
    }

    /**
     * Round and encode {@code (-1)^negative * sig * 2^exp}, where {@code sig} holds the exact value or an
     * approximation whose least significant bit is a sticky bit standing for any non-zero tail (the caller
     * must supply at least two bits below the precision of the format). Accrues NX, UF and OF into
     * {@code s.fflags}. Underflow uses tininess after rounding (section 11.4 "Subnormal Arithmetic":
     * "tininess is detected after rounding").
     *
     * @param s        hart whose fflags accrue.
     * @param negative sign.
     * @param exp      exponent of the least significant bit of {@code sig}.
     * @param sig      positive significand (zero yields a signed zero).
     * @param fmt      target format.
     * @param rm       static rounding mode 0..4.
     * @return the raw encoding in the target format.
     */
    public static long roundPack(
        final HartState s, final boolean negative, final int exp, final long sig, final int fmt, final int rm)
    {
        if (sig == 0)
        {
            return zero(negative, fmt);
        }
        final int lz = Long.numberOfLeadingZeros(sig);
        final long norm = sig << (lz - 1);
        final int msbExp = exp + (63 - lz);
        final int p = precision(fmt);
        final int emin = 1 - bias(fmt);
        final int normalShift = 63 - p;

        final boolean tiny;
        final int shift;
        if (msbExp >= emin)
        {
            tiny = false;
            shift = normalShift;
        }
        else
        {
            if (msbExp == emin - 1)
            {
                final long kept = norm >>> normalShift;
                final long dropped = norm & ((1L << normalShift) - 1);
                final boolean up = roundUp(dropped, 1L << (normalShift - 1), (kept & 1) != 0, negative, rm);
                tiny = !(up && kept + 1 == (1L << p));
            }
            else
            {
                tiny = true;
            }
            shift = normalShift + (emin - msbExp);
        }

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
            kept = norm >>> shift;
            dropped = norm & ((1L << shift) - 1);
            half = 1L << (shift - 1);
        }
        final boolean inexact = dropped != 0;
        final long rounded = kept + (roundUp(dropped, half, (kept & 1) != 0, negative, rm) ? 1 : 0);
        final long sign = negative ? signMask(fmt) : 0;
        int flags = inexact ? HartState.FFLAG_NX : 0;
        if (tiny && inexact)
        {
            flags |= HartState.FFLAG_UF;
        }

        final long result;
        if (msbExp >= emin)
        {
            final long magnitude = ((long)(msbExp + bias(fmt) - 1) << (p - 1)) + rounded;
            if ((magnitude >>> (p - 1)) >= maxExponentField(fmt))
            {
                s.fflags |= HartState.FFLAG_OF | HartState.FFLAG_NX;
                return overflowResult(negative, fmt, rm);
            }
            result = sign | magnitude;
        }
        else
        {
            result = sign | rounded;
        }
        s.fflags |= flags;
        return result;
    }

    /**
     * Result of an overflow per section 11.2 / IEEE 754 7.4: infinity or the largest finite value depending
     * on the rounding mode and sign.
     *
     * @param negative sign.
     * @param fmt      format.
     * @param rm       static rounding mode 0..4.
     * @return the raw result.
     */
    public static long overflowResult(final boolean negative, final int fmt, final int rm)
    {
        switch (rm)
        {
            case HartState.RM_RTZ:
                return maxFinite(negative, fmt);
            case HartState.RM_RDN:
                return negative ? infinity(true, fmt) : maxFinite(false, fmt);
            case HartState.RM_RUP:
                return negative ? maxFinite(true, fmt) : infinity(false, fmt);
            default:
                return infinity(negative, fmt);
        }
    }
}
