package org.legoemu.abi.hart;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Independent test oracle: rounds an exact {@link BigDecimal} to binary32/binary64 with
 * {@link BigDecimal#setScale(int, RoundingMode)} on the integer grid of the target's unit in the last place,
 * and derives NX/UF/OF (tininess after rounding) per IEEE 754 and RISC-V section 11.2.
 */
final class FloatReference
{
    /** Enough digits that no binary64 grid point or midpoint (subnormals included) lies strictly inside a nudge. */
    static final MathContext WIDE = new MathContext(1200, RoundingMode.DOWN);
    /** Square roots of finite doubles lie in [2^-537, 2^512], where 500 digits are enough for the same argument. */
    static final MathContext SQRT = new MathContext(500, RoundingMode.HALF_EVEN);

    long bits;
    int flags;

    static RoundingMode javaMode(final int rm)
    {
        switch (rm)
        {
            case HartState.RM_RNE:
                return RoundingMode.HALF_EVEN;
            case HartState.RM_RTZ:
                return RoundingMode.DOWN;
            case HartState.RM_RDN:
                return RoundingMode.FLOOR;
            case HartState.RM_RUP:
                return RoundingMode.CEILING;
            default:
                return RoundingMode.HALF_UP;
        }
    }

    static BigDecimal pow2(final int k)
    {
        if (k >= 0)
        {
            return new BigDecimal(BigInteger.ONE.shiftLeft(k));
        }
        return new BigDecimal(BigInteger.valueOf(5).pow(-k), -k);
    }

    static int floorLog2(final BigDecimal abs)
    {
        int e = (int)Math.floor((abs.unscaledValue().bitLength() - 1) - abs.scale() * 3.321928094887362);
        while (pow2(e).compareTo(abs) > 0)
        {
            e--;
        }
        while (pow2(e + 1).compareTo(abs) <= 0)
        {
            e++;
        }
        return e;
    }

    static BigDecimal exact(final long bits, final boolean dbl)
    {
        return dbl ? new BigDecimal(Double.longBitsToDouble(bits)) : new BigDecimal((double)Float.intBitsToFloat((int)bits));
    }

    /** Quotient truncated to WIDE digits plus a sticky nudge that keeps it strictly inside the same rounding interval. */
    static BigDecimal quotient(final BigDecimal a, final BigDecimal b)
    {
        final BigDecimal t = a.divide(b, WIDE);
        if (t.multiply(b).compareTo(a) == 0)
        {
            return t;
        }
        return t.add(t.ulp().divide(BigDecimal.TEN).multiply(BigDecimal.valueOf(t.signum())));
    }

    static BigDecimal squareRoot(final BigDecimal a)
    {
        BigDecimal t = a.sqrt(SQRT);
        if (t.multiply(t).compareTo(a) == 0)
        {
            return t;
        }
        if (t.multiply(t).compareTo(a) > 0)
        {
            t = t.subtract(t.ulp());
        }
        final BigDecimal up = t.add(t.ulp());
        if (up.multiply(up).compareTo(a) <= 0)
        {
            throw new AssertionError("sqrt bracket");
        }
        return t.add(t.ulp().divide(BigDecimal.TEN));
    }

    /** Round a non-zero exact value. */
    static FloatReference round(final BigDecimal v, final boolean dbl, final int rm)
    {
        final FloatReference r = new FloatReference();
        final int p = dbl ? 53 : 24;
        final int emin = dbl ? -1022 : -126;
        final int emax = dbl ? 1023 : 127;
        final RoundingMode mode = javaMode(rm);
        final boolean negative = v.signum() < 0;
        final int e = floorLog2(v.abs());
        final int ulpExp = Math.max(e, emin) - (p - 1);
        final BigDecimal n = v.multiply(pow2(-ulpExp));
        final BigInteger rounded = n.setScale(0, mode).toBigIntegerExact();
        final boolean inexact = new BigDecimal(rounded).compareTo(n) != 0;
        int flags = inexact ? HartState.FFLAG_NX : 0;
        if (e < emin && inexact)
        {
            final int ulpU = e - (p - 1);
            final BigInteger ru = v.multiply(pow2(-ulpU)).setScale(0, mode).toBigIntegerExact().abs();
            if (ru.compareTo(BigInteger.ONE.shiftLeft(emin - ulpU)) < 0)
            {
                flags |= HartState.FFLAG_UF;
            }
        }
        final BigInteger mag = rounded.abs();
        if (ulpExp + mag.bitLength() - 1 > emax)
        {
            r.flags = HartState.FFLAG_OF | HartState.FFLAG_NX;
            r.bits = overflow(negative, dbl, rm);
            return r;
        }
        r.flags = flags;
        if (mag.signum() == 0)
        {
            r.bits = negative ? (dbl ? Long.MIN_VALUE : 0x80000000L) : 0;
        }
        else if (dbl)
        {
            r.bits = Double.doubleToRawLongBits(Math.scalb((double)rounded.longValueExact(), ulpExp));
        }
        else
        {
            r.bits = Float.floatToRawIntBits(Math.scalb((float)rounded.longValueExact(), ulpExp)) & 0xFFFFFFFFL;
        }
        return r;
    }

    static long overflow(final boolean negative, final boolean dbl, final int rm)
    {
        final long inf = dbl ? 0x7FF0000000000000L : 0x7F800000L;
        final long sign = dbl ? Long.MIN_VALUE : 0x80000000L;
        final boolean toInf;
        switch (rm)
        {
            case HartState.RM_RTZ:
                toInf = false;
                break;
            case HartState.RM_RDN:
                toInf = negative;
                break;
            case HartState.RM_RUP:
                toInf = !negative;
                break;
            default:
                toInf = true;
                break;
        }
        return (negative ? sign : 0) | (toInf ? inf : inf - 1);
    }
}
