package org.legoemu.abi.hart;

import java.math.BigDecimal;
import java.math.BigInteger;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FloatingPointUnitTest
{
    private static final int S = 0;
    private static final int D = 1;
    private static final int NV = HartState.FFLAG_NV;
    private static final int DZ = HartState.FFLAG_DZ;
    private static final int OF = HartState.FFLAG_OF;
    private static final int UF = HartState.FFLAG_UF;
    private static final int NX = HartState.FFLAG_NX;
    private static final long BOX = 0xFFFFFFFF00000000L;
    private static final long QNAN_S = 0x7fc00000L;
    private static final long QNAN_D = 0x7ff8000000000000L;
    private static final long SNAN_S = 0x7f800001L;
    private static final long SNAN_D = 0x7ff0000000000001L;

    private static final int FADD = 0x00;
    private static final int FSUB = 0x01;
    private static final int FMUL = 0x02;
    private static final int FDIV = 0x03;
    private static final int FSGNJ = 0x04;
    private static final int FMINMAX = 0x05;
    private static final int FCVT_FF = 0x08;
    private static final int FSQRT = 0x0B;
    private static final int FCMP = 0x14;
    private static final int FCVT_IF = 0x18;
    private static final int FCVT_FI = 0x1A;
    private static final int FMV_X_CLASS = 0x1C;
    private static final int FMV_F_X = 0x1E;

    private final HartState s = new HartState();

    // ---- encoding helpers ----

    static int opFp(final int funct5, final int fmt, final int rs2, final int rs1, final int rm, final int rd)
    {
        return (funct5 << 27) | (fmt << 25) | (rs2 << 20) | (rs1 << 15) | (rm << 12) | (rd << 7) | 0x53;
    }

    static int r4(final int opcode, final int rs3, final int fmt, final int rs2, final int rs1, final int rm, final int rd)
    {
        return (rs3 << 27) | (fmt << 25) | (rs2 << 20) | (rs1 << 15) | (rm << 12) | (rd << 7) | opcode;
    }

    private static long box(final long single)
    {
        return BOX | (single & 0xFFFFFFFFL);
    }

    private static long fbits(final float f)
    {
        return Float.floatToRawIntBits(f) & 0xFFFFFFFFL;
    }

    private static long dbits(final double d)
    {
        return Double.doubleToRawLongBits(d);
    }

    private void setF(final int reg, final long bits, final int fmt)
    {
        s.f[reg] = fmt == S ? box(bits) : bits;
    }

    private long getF(final int reg, final int fmt)
    {
        if (fmt == S)
        {
            assertEquals(BOX, s.f[reg] & BOX, "single result must be NaN-boxed");
            return s.f[reg] & 0xFFFFFFFFL;
        }
        return s.f[reg];
    }

    /** Run a binary OP-FP op on f1, f2 into f3; returns the raw result. */
    private long binary(final int funct5, final int fmt, final long a, final long b, final int rm)
    {
        s.fflags = 0;
        setF(1, a, fmt);
        setF(2, b, fmt);
        assertTrue(FloatingPointUnit.execute(s, opFp(funct5, fmt, 2, 1, rm, 3)));
        return getF(3, fmt);
    }

    private long unary(final int funct5, final int fmt, final int rs2, final long a, final int rm)
    {
        return convert(funct5, fmt, rs2, fmt, a, rm);
    }

    private long convert(final int funct5, final int fmt, final int rs2, final int srcFmt, final long a, final int rm)
    {
        s.fflags = 0;
        setF(1, a, srcFmt);
        assertTrue(FloatingPointUnit.execute(s, opFp(funct5, fmt, rs2, 1, rm, 3)));
        return getF(3, fmt);
    }

    private long toX(final int funct5, final int fmt, final int rs2, final long a, final int rm)
    {
        s.fflags = 0;
        setF(1, a, fmt);
        assertTrue(FloatingPointUnit.execute(s, opFp(funct5, fmt, rs2, 1, rm, 5)));
        return s.x[5];
    }

    // ---- generators ----

    @Provide
    Arbitrary<Long> doubles()
    {
        return bitsArbitrary(true);
    }

    @Provide
    Arbitrary<Long> floats()
    {
        return bitsArbitrary(false);
    }

    private static Arbitrary<Long> bitsArbitrary(final boolean dbl)
    {
        final int maxExp = dbl ? 2046 : 254;
        final int fracBits = dbl ? 52 : 23;
        final Arbitrary<Integer> exponent = Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(4, Arbitraries.integers().between(0, maxExp)),
            net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 3)),
            net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(maxExp - 3, maxExp)),
            net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(maxExp / 2 - 30, maxExp / 2 + 30)));
        final Arbitrary<Long> fraction = Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(5, Arbitraries.longs().between(0, (1L << fracBits) - 1)),
            net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(0, 3)),
            net.jqwik.api.Tuple.of(1, Arbitraries.longs().between((1L << fracBits) - 4, (1L << fracBits) - 1)),
            net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, fracBits - 1).map(k -> 1L << k)));
        return Combinators.combine(Arbitraries.of(false, true), exponent, fraction)
            .as((neg, e, f) -> (neg ? (dbl ? Long.MIN_VALUE : 0x80000000L) : 0) | ((long)e << fracBits) | f);
    }

    private static boolean finite(final long bits, final int fmt)
    {
        return fmt == D ? Double.isFinite(Double.longBitsToDouble(bits)) : Float.isFinite(Float.intBitsToFloat((int)bits));
    }

    private static boolean isZeroBits(final long bits, final int fmt)
    {
        return fmt == D ? (bits << 1) == 0 : (bits & 0x7FFFFFFFL) == 0;
    }

    private static boolean neg(final long bits, final int fmt)
    {
        return fmt == D ? bits < 0 : (bits & 0x80000000L) != 0;
    }

    private static long signedZero(final boolean negative, final int fmt)
    {
        return negative ? (fmt == D ? Long.MIN_VALUE : 0x80000000L) : 0;
    }

    private void checkAgainst(final BigDecimal exact, final long actual, final int fmt, final int rm, final String what)
    {
        final FloatReference ref = FloatReference.round(exact, fmt == D, rm);
        assertEquals(Long.toHexString(ref.bits), Long.toHexString(actual), what + " rm=" + rm);
        assertEquals(ref.flags, s.fflags, what + " flags rm=" + rm);
    }

    // ---- properties against the BigDecimal oracle ----

    private void checkAdd(final long a, final long b, final int fmt, final int rm, final boolean sub)
    {
        Assume.that(finite(a, fmt) && finite(b, fmt));
        final long r = binary(sub ? FSUB : FADD, fmt, a, b, rm);
        final BigDecimal ea = FloatReference.exact(a, fmt == D);
        final BigDecimal eb = FloatReference.exact(b, fmt == D);
        final BigDecimal exact = sub ? ea.subtract(eb) : ea.add(eb);
        final String what = (sub ? "sub " : "add ") + Long.toHexString(a) + " " + Long.toHexString(b);
        if (exact.signum() == 0)
        {
            final boolean nb = neg(b, fmt) != sub;
            final boolean zeroSign = isZeroBits(a, fmt) && isZeroBits(b, fmt) && neg(a, fmt) == nb
                ? neg(a, fmt) : rm == HartState.RM_RDN;
            assertEquals(signedZero(zeroSign, fmt), r, what);
            assertEquals(0, s.fflags, what);
            return;
        }
        checkAgainst(exact, r, fmt, rm, what);
    }

    @Property(tries = 3000)
    void addSubDouble(@ForAll("doubles") final long a, @ForAll("doubles") final long b,
        @ForAll @IntRange(min = 0, max = 4) final int rm, @ForAll final boolean sub)
    {
        checkAdd(a, b, D, rm, sub);
    }

    @Property(tries = 3000)
    void addSubFloat(@ForAll("floats") final long a, @ForAll("floats") final long b,
        @ForAll @IntRange(min = 0, max = 4) final int rm, @ForAll final boolean sub)
    {
        checkAdd(a, b, S, rm, sub);
    }

    private void checkMulDiv(final long a, final long b, final int fmt, final int rm, final boolean div)
    {
        Assume.that(finite(a, fmt) && finite(b, fmt) && !isZeroBits(b, fmt));
        final long r = binary(div ? FDIV : FMUL, fmt, a, b, rm);
        final BigDecimal ea = FloatReference.exact(a, fmt == D);
        final BigDecimal eb = FloatReference.exact(b, fmt == D);
        final String what = (div ? "div " : "mul ") + Long.toHexString(a) + " " + Long.toHexString(b);
        if (isZeroBits(a, fmt))
        {
            assertEquals(signedZero(neg(a, fmt) != neg(b, fmt), fmt), r, what);
            assertEquals(0, s.fflags, what);
            return;
        }
        checkAgainst(div ? FloatReference.quotient(ea, eb) : ea.multiply(eb), r, fmt, rm, what);
    }

    @Property(tries = 3000)
    void mulDivDouble(@ForAll("doubles") final long a, @ForAll("doubles") final long b,
        @ForAll @IntRange(min = 0, max = 4) final int rm, @ForAll final boolean div)
    {
        checkMulDiv(a, b, D, rm, div);
    }

    @Property(tries = 3000)
    void mulDivFloat(@ForAll("floats") final long a, @ForAll("floats") final long b,
        @ForAll @IntRange(min = 0, max = 4) final int rm, @ForAll final boolean div)
    {
        checkMulDiv(a, b, S, rm, div);
    }

    private void checkSqrt(final long a, final int fmt, final int rm)
    {
        final long pos = fmt == D ? a & Long.MAX_VALUE : a & 0x7FFFFFFFL;
        Assume.that(finite(pos, fmt) && !isZeroBits(pos, fmt));
        final long r = unary(FSQRT, fmt, 0, pos, rm);
        checkAgainst(FloatReference.squareRoot(FloatReference.exact(pos, fmt == D)), r, fmt, rm,
            "sqrt " + Long.toHexString(pos));
    }

    @Property(tries = 1000)
    void sqrtDouble(@ForAll("doubles") final long a, @ForAll @IntRange(min = 0, max = 4) final int rm)
    {
        checkSqrt(a, D, rm);
    }

    @Property(tries = 1000)
    void sqrtFloat(@ForAll("floats") final long a, @ForAll @IntRange(min = 0, max = 4) final int rm)
    {
        checkSqrt(a, S, rm);
    }

    private void checkFma(final long a, final long b, final long c, final int fmt, final int rm, final int variant)
    {
        Assume.that(finite(a, fmt) && finite(b, fmt) && finite(c, fmt));
        final int opcode = 0x43 + 4 * variant;
        s.fflags = 0;
        setF(1, a, fmt);
        setF(2, b, fmt);
        setF(7, c, fmt);
        assertTrue(FloatingPointUnit.execute(s, r4(opcode, 7, fmt, 2, 1, rm, 3)));
        final long r = getF(3, fmt);
        final boolean negP = variant >= 2;
        final boolean negC = variant == 1 || variant == 3;
        BigDecimal product = FloatReference.exact(a, fmt == D).multiply(FloatReference.exact(b, fmt == D));
        BigDecimal addend = FloatReference.exact(c, fmt == D);
        if (negP)
        {
            product = product.negate();
        }
        if (negC)
        {
            addend = addend.negate();
        }
        final BigDecimal exact = product.add(addend);
        final String what = "fma" + variant + " " + Long.toHexString(a) + " " + Long.toHexString(b) + " " +
            Long.toHexString(c);
        if (exact.signum() == 0)
        {
            final boolean signP = (neg(a, fmt) != neg(b, fmt)) != negP;
            final boolean signC = neg(c, fmt) != negC;
            final boolean productZero = isZeroBits(a, fmt) || isZeroBits(b, fmt);
            final boolean zeroSign = productZero && isZeroBits(c, fmt) && signP == signC ? signP : rm == HartState.RM_RDN;
            assertEquals(signedZero(zeroSign, fmt), r, what);
            assertEquals(0, s.fflags, what);
            return;
        }
        checkAgainst(exact, r, fmt, rm, what);
    }

    @Property(tries = 3000)
    void fmaDouble(@ForAll("doubles") final long a, @ForAll("doubles") final long b, @ForAll("doubles") final long c,
        @ForAll @IntRange(min = 0, max = 4) final int rm, @ForAll @IntRange(min = 0, max = 3) final int variant)
    {
        checkFma(a, b, c, D, rm, variant);
    }

    @Property(tries = 3000)
    void fmaFloat(@ForAll("floats") final long a, @ForAll("floats") final long b, @ForAll("floats") final long c,
        @ForAll @IntRange(min = 0, max = 4) final int rm, @ForAll @IntRange(min = 0, max = 3) final int variant)
    {
        checkFma(a, b, c, S, rm, variant);
    }

    @Property(tries = 2000)
    void fmaDoubleCancellation(@ForAll("doubles") final long a, @ForAll("doubles") final long b,
        @ForAll @IntRange(min = 0, max = 4) final int rm, @ForAll final long noise)
    {
        Assume.that(finite(a, D) && finite(b, D));
        final double p = Double.longBitsToDouble(a) * Double.longBitsToDouble(b);
        Assume.that(Double.isFinite(p));
        final long c = dbits(-p) ^ (noise & 3);
        checkFma(a, b, c, D, rm, 0);
    }

    @Property(tries = 2000)
    void convertDoubleToFloat(@ForAll("doubles") final long a, @ForAll @IntRange(min = 0, max = 4) final int rm)
    {
        Assume.that(finite(a, D) && !isZeroBits(a, D));
        final long r = convert(FCVT_FF, S, 1, D, a, rm);
        checkAgainst(FloatReference.exact(a, true), r, S, rm, "fcvt.s.d " + Long.toHexString(a));
    }

    @Property(tries = 1000)
    void convertFloatToDoubleIsExact(@ForAll("floats") final long a)
    {
        Assume.that(finite(a, S));
        final long r = convert(FCVT_FF, D, 0, S, a, HartState.RM_RNE);
        assertEquals(dbits(Float.intBitsToFloat((int)a)), r);
        assertEquals(0, s.fflags);
    }

    @Property(tries = 3000)
    void convertToInteger(@ForAll("doubles") final long a, @ForAll @IntRange(min = 0, max = 4) final int rm,
        @ForAll @IntRange(min = 0, max = 3) final int kind, @ForAll final boolean single)
    {
        final int fmt = single ? S : D;
        final long bits;
        if (single)
        {
            bits = fbits((float)(Double.longBitsToDouble(a) / Math.pow(2, (a >>> 52 & 0x7FF) - 1023 - ((a & 63) - 8))));
        }
        else
        {
            final double x = Double.longBitsToDouble(a);
            bits = dbits(Double.isFinite(x) ? Math.scalb(x, -Math.getExponent(x) + (int)((a & 127) - 10)) : x);
        }
        Assume.that(finite(bits, fmt));
        final long r = toX(FCVT_IF, fmt, kind, bits, rm);
        final BigDecimal exact = FloatReference.exact(bits, !single);
        final BigInteger rounded = exact.setScale(0, FloatReference.javaMode(rm)).toBigIntegerExact();
        final boolean unsigned = (kind & 1) != 0;
        final int width = (kind & 2) != 0 ? 64 : 32;
        final BigInteger min = unsigned ? BigInteger.ZERO : BigInteger.ONE.shiftLeft(width - 1).negate();
        final BigInteger max = unsigned ? BigInteger.ONE.shiftLeft(width).subtract(BigInteger.ONE) :
            BigInteger.ONE.shiftLeft(width - 1).subtract(BigInteger.ONE);
        final String what = "fcvt kind=" + kind + " " + exact + " rm=" + rm;
        final long expected;
        final int flags;
        if (rounded.compareTo(min) < 0)
        {
            expected = min.longValue();
            flags = NV;
        }
        else if (rounded.compareTo(max) > 0)
        {
            expected = max.longValue();
            flags = NV;
        }
        else
        {
            expected = rounded.longValue();
            flags = new BigDecimal(rounded).compareTo(exact) != 0 ? NX : 0;
        }
        assertEquals(width == 32 ? (long)(int)expected : expected, r, what);
        assertEquals(flags, s.fflags, what);
    }

    @Property(tries = 3000)
    void convertFromInteger(@ForAll final long value, @ForAll @IntRange(min = 0, max = 4) final int rm,
        @ForAll @IntRange(min = 0, max = 3) final int kind, @ForAll final boolean single, @ForAll @IntRange(min = 0, max = 63) final int shift)
    {
        final int fmt = single ? S : D;
        final long v = value >> shift;
        s.fflags = 0;
        s.x[6] = v;
        assertTrue(FloatingPointUnit.execute(s, opFp(FCVT_FI, fmt, kind, 6, rm, 3)));
        final long r = getF(3, fmt);
        final BigInteger exactInt;
        switch (kind)
        {
            case 0:
                exactInt = BigInteger.valueOf((int)v);
                break;
            case 1:
                exactInt = BigInteger.valueOf(v & 0xFFFFFFFFL);
                break;
            case 2:
                exactInt = BigInteger.valueOf(v);
                break;
            default:
                exactInt = new BigInteger(Long.toUnsignedString(v));
                break;
        }
        if (exactInt.signum() == 0)
        {
            assertEquals(0, r);
            assertEquals(0, s.fflags);
            return;
        }
        checkAgainst(new BigDecimal(exactInt), r, fmt, rm, "fcvt from " + exactInt + " kind " + kind);
    }

    // ---- targeted examples ----

    @Test
    void roundingModesOnInexactAdd()
    {
        final double a = 1.0;
        final double b = Math.ulp(1.0) / 4;
        assertEquals(dbits(1.0), binary(FADD, D, dbits(a), dbits(b), HartState.RM_RNE));
        assertEquals(NX, s.fflags);
        assertEquals(dbits(Math.nextUp(1.0)), binary(FADD, D, dbits(a), dbits(b), HartState.RM_RUP));
        assertEquals(dbits(1.0), binary(FADD, D, dbits(a), dbits(b), HartState.RM_RDN));
        assertEquals(dbits(1.0), binary(FADD, D, dbits(a), dbits(b), HartState.RM_RTZ));
        assertEquals(dbits(-1.0), binary(FSUB, D, dbits(-a), dbits(b), HartState.RM_RTZ));
        assertEquals(dbits(Math.nextDown(-1.0)), binary(FSUB, D, dbits(-a), dbits(b), HartState.RM_RDN));
        // exact tie: RNE to even (1.0), RMM away (1 + ulp)
        final double tie = Math.ulp(1.0) / 2;
        assertEquals(dbits(1.0), binary(FADD, D, dbits(a), dbits(tie), HartState.RM_RNE));
        assertEquals(dbits(Math.nextUp(1.0)), binary(FADD, D, dbits(a), dbits(tie), HartState.RM_RMM));
        assertEquals(NX, s.fflags);
    }

    @Test
    void dynamicRoundingModeUsesFrm()
    {
        s.frm = HartState.RM_RUP;
        assertEquals(fbits(Math.nextUp(1.0f)), binary(FADD, S, fbits(1.0f), fbits(1e-10f), HartState.RM_DYN));
        s.frm = HartState.RM_RDN;
        assertEquals(fbits(1.0f), binary(FADD, S, fbits(1.0f), fbits(1e-10f), HartState.RM_DYN));
    }

    @Test
    void reservedRoundingModesAreIllegal()
    {
        s.f[1] = dbits(1.0);
        s.f[2] = dbits(3.0);
        s.f[3] = 0x1234;
        assertFalse(FloatingPointUnit.execute(s, opFp(FDIV, D, 2, 1, 5, 3)));
        assertFalse(FloatingPointUnit.execute(s, opFp(FDIV, D, 2, 1, 6, 3)));
        for (int frm = 5; frm <= 7; frm++)
        {
            s.frm = frm;
            assertFalse(FloatingPointUnit.execute(s, opFp(FDIV, D, 2, 1, 7, 3)));
            assertFalse(FloatingPointUnit.execute(s, r4(0x43, 2, D, 2, 1, 7, 3)));
            assertFalse(FloatingPointUnit.execute(s, opFp(FCVT_IF, D, 0, 1, 7, 3)));
        }
        assertEquals(0x1234, s.f[3]);
        assertEquals(0, s.fflags);
        s.frm = 0;
        assertFalse(FloatingPointUnit.execute(s, opFp(FADD, 2, 2, 1, 0, 3)), "half precision");
        assertFalse(FloatingPointUnit.execute(s, opFp(FADD, 3, 2, 1, 0, 3)), "quad precision");
        assertFalse(FloatingPointUnit.execute(s, opFp(FSGNJ, D, 2, 1, 3, 3)));
        assertFalse(FloatingPointUnit.execute(s, opFp(FMINMAX, D, 2, 1, 2, 3)));
        assertFalse(FloatingPointUnit.execute(s, opFp(FCMP, D, 2, 1, 3, 3)));
        assertFalse(FloatingPointUnit.execute(s, opFp(FSQRT, D, 1, 1, 0, 3)));
        assertFalse(FloatingPointUnit.execute(s, opFp(0x07, D, 2, 1, 0, 3)));
        assertFalse(FloatingPointUnit.execute(s, opFp(FCVT_FF, D, 1, 1, 0, 3)), "fcvt.d.d");
        // rounding-mode-free instructions ignore frm
        s.frm = 6;
        assertTrue(FloatingPointUnit.execute(s, opFp(FSGNJ, D, 2, 1, 0, 3)));
    }

    @Test
    void saturatingConversions()
    {
        final int rne = HartState.RM_RNE;
        assertEquals(Integer.MAX_VALUE, toX(FCVT_IF, D, 0, QNAN_D, rne));
        assertEquals(NV, s.fflags);
        assertEquals(-1L, toX(FCVT_IF, D, 1, QNAN_D, rne));
        assertEquals(Long.MAX_VALUE, toX(FCVT_IF, S, 2, QNAN_S, rne));
        assertEquals(-1L, toX(FCVT_IF, S, 3, SNAN_S, rne));
        assertEquals(NV, s.fflags);
        assertEquals(Integer.MIN_VALUE, toX(FCVT_IF, D, 0, dbits(Double.NEGATIVE_INFINITY), rne));
        assertEquals(Integer.MAX_VALUE, toX(FCVT_IF, D, 0, dbits(Double.POSITIVE_INFINITY), rne));
        assertEquals(0L, toX(FCVT_IF, D, 1, dbits(Double.NEGATIVE_INFINITY), rne));
        assertEquals(Long.MIN_VALUE, toX(FCVT_IF, D, 2, dbits(-1e30), rne));
        assertEquals(NV, s.fflags);
        assertEquals(-1L, toX(FCVT_IF, D, 3, dbits(1e30), rne));
        assertEquals(Integer.MAX_VALUE, toX(FCVT_IF, D, 0, dbits(2147483647.6), rne));
        assertEquals(NV, s.fflags);
        assertEquals(Integer.MAX_VALUE, toX(FCVT_IF, D, 0, dbits(2147483647.6), HartState.RM_RTZ));
        assertEquals(NX, s.fflags);
        // -0.5 to WU: rounds to 0 (not invalid) in RNE/RTZ/RUP, invalid in RDN/RMM
        assertEquals(0L, toX(FCVT_IF, D, 1, dbits(-0.5), rne));
        assertEquals(NX, s.fflags);
        assertEquals(0L, toX(FCVT_IF, D, 1, dbits(-0.5), HartState.RM_RDN));
        assertEquals(NV, s.fflags);
        assertEquals(0L, toX(FCVT_IF, D, 1, dbits(-0.5), HartState.RM_RMM));
        assertEquals(NV, s.fflags);
        // WU results are sign-extended
        assertEquals(0xFFFFFFFFB2D05E00L, toX(FCVT_IF, D, 1, dbits(3e9), rne));
        assertEquals(0, s.fflags);
        assertEquals(Long.MIN_VALUE, toX(FCVT_IF, D, 2, dbits(-0x1p63), rne));
        assertEquals(0, s.fflags);
        assertEquals(0xFFFFFFFFFFFFF800L, toX(FCVT_IF, D, 3, dbits(0x1.fffffffffffffp63), rne));
        assertEquals(0, s.fflags);
        assertEquals(2L, toX(FCVT_IF, D, 2, dbits(2.5), rne));
        assertEquals(3L, toX(FCVT_IF, D, 2, dbits(2.5), HartState.RM_RMM));
        assertEquals(-3L, toX(FCVT_IF, D, 2, dbits(-2.5), HartState.RM_RMM));
        assertEquals(-3L, toX(FCVT_IF, D, 2, dbits(-2.1), HartState.RM_RDN));
        assertEquals(3L, toX(FCVT_IF, D, 2, dbits(2.1), HartState.RM_RUP));
        assertEquals(1L, toX(FCVT_IF, D, 2, dbits(Double.MIN_VALUE), HartState.RM_RUP));
        assertEquals(NX, s.fflags);
    }

    @Test
    void conversionResultToX0IsDiscarded()
    {
        s.f[1] = dbits(42.0);
        assertTrue(FloatingPointUnit.execute(s, opFp(FCVT_IF, D, 2, 1, 0, 0)));
        assertTrue(FloatingPointUnit.execute(s, opFp(FMV_X_CLASS, D, 0, 1, 1, 0)));
        assertTrue(FloatingPointUnit.execute(s, opFp(FCMP, D, 1, 1, 2, 0)));
        assertEquals(0, s.x[0]);
    }

    @Test
    void minMaxNaNRulesAndSignedZeros()
    {
        assertEquals(dbits(-0.0), binary(FMINMAX, D, dbits(0.0), dbits(-0.0), 0));
        assertEquals(dbits(-0.0), binary(FMINMAX, D, dbits(-0.0), dbits(0.0), 0));
        assertEquals(dbits(0.0), binary(FMINMAX, D, dbits(-0.0), dbits(0.0), 1));
        assertEquals(dbits(0.0), binary(FMINMAX, D, dbits(0.0), dbits(-0.0), 1));
        assertEquals(fbits(-0.0f), binary(FMINMAX, S, fbits(0.0f), fbits(-0.0f), 0));
        assertEquals(dbits(2.0), binary(FMINMAX, D, QNAN_D, dbits(2.0), 0));
        assertEquals(0, s.fflags);
        assertEquals(dbits(2.0), binary(FMINMAX, D, dbits(2.0), SNAN_D, 1));
        assertEquals(NV, s.fflags);
        assertEquals(QNAN_D, binary(FMINMAX, D, 0x7ff8000000000123L, 0xfff8000000000000L, 0));
        assertEquals(0, s.fflags);
        assertEquals(QNAN_S, binary(FMINMAX, S, SNAN_S, 0xffc00001L, 1));
        assertEquals(NV, s.fflags);
        assertEquals(dbits(-3.0), binary(FMINMAX, D, dbits(-3.0), dbits(1.0), 0));
        assertEquals(dbits(1.0), binary(FMINMAX, D, dbits(-3.0), dbits(1.0), 1));
        assertEquals(fbits(-1.0f), binary(FMINMAX, S, fbits(-1.0f), fbits(-3.0f), 1));
    }

    @Test
    void compareFlags()
    {
        assertEquals(1, binaryToX(FCMP, D, dbits(0.0), dbits(-0.0), 2));
        assertEquals(0, binaryToX(FCMP, D, dbits(0.0), dbits(-0.0), 1));
        assertEquals(1, binaryToX(FCMP, D, dbits(0.0), dbits(-0.0), 0));
        assertEquals(1, binaryToX(FCMP, D, dbits(-2.0), dbits(-1.0), 1));
        assertEquals(0, binaryToX(FCMP, D, dbits(-1.0), dbits(-2.0), 0));
        assertEquals(0, s.fflags);
        assertEquals(0, binaryToX(FCMP, D, QNAN_D, dbits(1.0), 2));
        assertEquals(0, s.fflags, "feq quiet");
        assertEquals(0, binaryToX(FCMP, D, SNAN_D, dbits(1.0), 2));
        assertEquals(NV, s.fflags, "feq sNaN");
        assertEquals(0, binaryToX(FCMP, D, QNAN_D, dbits(1.0), 1));
        assertEquals(NV, s.fflags, "flt qNaN");
        assertEquals(0, binaryToX(FCMP, S, fbits(1.0f), QNAN_S, 0));
        assertEquals(NV, s.fflags, "fle qNaN");
        assertEquals(1, binaryToX(FCMP, S, fbits(-1.0f), fbits(Float.MIN_VALUE), 1));
    }

    private long binaryToX(final int funct5, final int fmt, final long a, final long b, final int funct3)
    {
        s.fflags = 0;
        setF(1, a, fmt);
        setF(2, b, fmt);
        assertTrue(FloatingPointUnit.execute(s, opFp(funct5, fmt, 2, 1, funct3, 5)));
        return s.x[5];
    }

    @Test
    void classifyEveryClass()
    {
        final long[] d = {
            dbits(Double.NEGATIVE_INFINITY), dbits(-1.0), dbits(-Double.MIN_VALUE), dbits(-0.0),
            dbits(0.0), dbits(Double.MIN_VALUE), dbits(1.0), dbits(Double.POSITIVE_INFINITY), SNAN_D, QNAN_D};
        final long[] f = {
            fbits(Float.NEGATIVE_INFINITY), fbits(-1.0f), fbits(-Float.MIN_VALUE), fbits(-0.0f),
            fbits(0.0f), fbits(Float.MIN_VALUE), fbits(1.0f), fbits(Float.POSITIVE_INFINITY), SNAN_S, QNAN_S};
        for (int i = 0; i < 10; i++)
        {
            assertEquals(1L << i, toX(FMV_X_CLASS, D, 0, d[i], 1), "double class " + i);
            assertEquals(1L << i, toX(FMV_X_CLASS, S, 0, f[i], 1), "single class " + i);
            assertEquals(0, s.fflags);
        }
        s.f[1] = fbits(1.0f);
        assertTrue(FloatingPointUnit.execute(s, opFp(FMV_X_CLASS, S, 0, 1, 1, 5)));
        assertEquals(1L << 9, s.x[5], "unboxed single classifies as quiet NaN");
    }

    @Test
    void malformedNaNBoxReadsAsCanonicalNaN()
    {
        s.fflags = 0;
        s.f[1] = fbits(1.0f);
        s.f[2] = box(fbits(2.0f));
        assertTrue(FloatingPointUnit.execute(s, opFp(FADD, S, 2, 1, 0, 3)));
        assertEquals(BOX | QNAN_S, s.f[3]);
        assertEquals(0, s.fflags);
        // fsgnj.s with improperly boxed input uses canonical NaN as rs1
        s.f[1] = 0x00000000_3f800000L;
        s.f[2] = box(fbits(-2.0f));
        assertTrue(FloatingPointUnit.execute(s, opFp(FSGNJ, S, 2, 1, 0, 3)));
        assertEquals(BOX | 0xffc00000L, s.f[3]);
        // fmin.s with a malformed operand returns the other operand
        s.f[1] = 0x12345678_3f800000L;
        assertTrue(FloatingPointUnit.execute(s, opFp(FMINMAX, S, 2, 1, 0, 3)));
        assertEquals(box(fbits(-2.0f)), s.f[3]);
        // fcvt.d.s of a malformed single is canonical double NaN, no NV
        s.fflags = 0;
        assertTrue(FloatingPointUnit.execute(s, opFp(FCVT_FF, D, 0, 1, 0, 3)));
        assertEquals(QNAN_D, s.f[3]);
        assertEquals(0, s.fflags);
        // fmv.x.w ignores boxing and sign-extends the low word
        s.f[1] = 0x00000000_bf800000L;
        assertTrue(FloatingPointUnit.execute(s, opFp(FMV_X_CLASS, S, 0, 1, 0, 5)));
        assertEquals(0xFFFFFFFF_bf800000L, s.x[5]);
    }

    @Test
    void moves()
    {
        s.x[6] = 0x12345678_9abcdef0L;
        assertTrue(FloatingPointUnit.execute(s, opFp(FMV_F_X, S, 0, 6, 0, 3)));
        assertEquals(0xFFFFFFFF_9abcdef0L, s.f[3]);
        assertTrue(FloatingPointUnit.execute(s, opFp(FMV_F_X, D, 0, 6, 0, 4)));
        assertEquals(0x12345678_9abcdef0L, s.f[4]);
        assertTrue(FloatingPointUnit.execute(s, opFp(FMV_X_CLASS, D, 0, 4, 0, 5)));
        assertEquals(0x12345678_9abcdef0L, s.x[5]);
        assertTrue(FloatingPointUnit.execute(s, opFp(FMV_X_CLASS, S, 0, 3, 0, 5)));
        assertEquals(0xFFFFFFFF_9abcdef0L, s.x[5]);
    }

    @Test
    void signInjection()
    {
        assertEquals(dbits(-1.5), binary(FSGNJ, D, dbits(1.5), dbits(-0.0), 0));
        assertEquals(dbits(1.5), binary(FSGNJ, D, dbits(-1.5), dbits(-0.0), 1));
        assertEquals(dbits(1.5), binary(FSGNJ, D, dbits(-1.5), dbits(-3.0), 2));
        assertEquals(0xfff0000000000001L, binary(FSGNJ, D, SNAN_D, dbits(-1.0), 0));
        assertEquals(0, s.fflags);
        assertEquals(fbits(-1.5f), binary(FSGNJ, S, fbits(1.5f), fbits(1.0f), 1));
    }

    @Test
    void specialArithmetic()
    {
        assertEquals(QNAN_D, binary(FADD, D, dbits(Double.POSITIVE_INFINITY), dbits(Double.NEGATIVE_INFINITY), 0));
        assertEquals(NV, s.fflags);
        assertEquals(QNAN_D, binary(FADD, D, 0x7ff8000000000abcL, dbits(1.0), 0));
        assertEquals(0, s.fflags, "qNaN input propagates canonically without NV");
        assertEquals(QNAN_S, binary(FMUL, S, SNAN_S, fbits(1.0f), 0));
        assertEquals(NV, s.fflags);
        assertEquals(QNAN_D, binary(FMUL, D, dbits(0.0), dbits(Double.NEGATIVE_INFINITY), 0));
        assertEquals(NV, s.fflags);
        assertEquals(dbits(Double.NEGATIVE_INFINITY), binary(FDIV, D, dbits(-1.0), dbits(0.0), 0));
        assertEquals(DZ, s.fflags);
        assertEquals(QNAN_D, binary(FDIV, D, dbits(0.0), dbits(-0.0), 0));
        assertEquals(NV, s.fflags);
        assertEquals(dbits(-0.0), unary(FSQRT, D, 0, dbits(-0.0), 0));
        assertEquals(0, s.fflags);
        assertEquals(QNAN_S, unary(FSQRT, S, 0, fbits(-1.0f), 0));
        assertEquals(NV, s.fflags);
        assertEquals(dbits(-0.0), binary(FSUB, D, dbits(1.0), dbits(1.0), HartState.RM_RDN));
        assertEquals(dbits(0.0), binary(FSUB, D, dbits(1.0), dbits(1.0), HartState.RM_RUP));
        assertEquals(dbits(Double.POSITIVE_INFINITY), binary(FMUL, D, dbits(Double.MAX_VALUE), dbits(2.0), 0));
        assertEquals(OF | NX, s.fflags);
        assertEquals(dbits(Double.MAX_VALUE), binary(FMUL, D, dbits(Double.MAX_VALUE), dbits(2.0), HartState.RM_RTZ));
        assertEquals(OF | NX, s.fflags);
        assertEquals(dbits(Double.MIN_VALUE), binary(FMUL, D, dbits(Double.MIN_VALUE), dbits(0.5), HartState.RM_RUP));
        assertEquals(UF | NX, s.fflags);
        assertEquals(dbits(0.0), binary(FMUL, D, dbits(Double.MIN_VALUE), dbits(0.5), HartState.RM_RNE));
        assertEquals(UF | NX, s.fflags);
        // exact subnormal result: no UF
        assertEquals(dbits(Double.MIN_VALUE * 2), binary(FMUL, D, dbits(Double.MIN_VALUE), dbits(2.0), 0));
        assertEquals(0, s.fflags);
    }

    @Test
    void tininessIsDetectedAfterRounding()
    {
        // largest value below MIN_NORMAL that rounds (unbounded) up to MIN_NORMAL: not tiny, so no UF
        final double below = Math.nextDown(Double.MIN_NORMAL);
        final double r = binaryD(FMUL, below, 1.0 + 0x1p-52, HartState.RM_RNE);
        assertEquals(Double.MIN_NORMAL, r);
        assertEquals(NX, s.fflags);
        binaryD(FMUL, below, 1.0 + 0x1p-52, HartState.RM_RTZ);
        assertEquals(UF | NX, s.fflags);
    }

    private double binaryD(final int funct5, final double a, final double b, final int rm)
    {
        return Double.longBitsToDouble(binary(funct5, D, dbits(a), dbits(b), rm));
    }

    @Test
    void fmaSpecials()
    {
        s.fflags = 0;
        s.f[1] = dbits(Double.POSITIVE_INFINITY);
        s.f[2] = dbits(0.0);
        s.f[7] = QNAN_D;
        assertTrue(FloatingPointUnit.execute(s, r4(0x43, 7, D, 2, 1, 0, 3)));
        assertEquals(QNAN_D, s.f[3]);
        assertEquals(NV, s.fflags, "inf*0 + qNaN raises NV");
        s.fflags = 0;
        s.f[1] = dbits(Double.POSITIVE_INFINITY);
        s.f[2] = dbits(1.0);
        s.f[7] = dbits(Double.POSITIVE_INFINITY);
        assertTrue(FloatingPointUnit.execute(s, r4(0x47, 7, D, 2, 1, 0, 3)));
        assertEquals(QNAN_D, s.f[3]);
        assertEquals(NV, s.fflags, "inf - inf");
        // fnmadd: -(a*b) - c
        s.fflags = 0;
        s.f[1] = dbits(2.0);
        s.f[2] = dbits(3.0);
        s.f[7] = dbits(1.0);
        assertTrue(FloatingPointUnit.execute(s, r4(0x4F, 7, D, 2, 1, 0, 3)));
        assertEquals(dbits(-7.0), s.f[3]);
        // fnmsub: -(a*b) + c
        assertTrue(FloatingPointUnit.execute(s, r4(0x4B, 7, D, 2, 1, 0, 3)));
        assertEquals(dbits(-5.0), s.f[3]);
        // single rounding: (1+2^-52)^2 - (1+2^-51) = 2^-104 exactly
        s.f[1] = dbits(1.0 + 0x1p-52);
        s.f[2] = dbits(1.0 + 0x1p-52);
        s.f[7] = dbits(1.0 + 0x1p-51);
        assertTrue(FloatingPointUnit.execute(s, r4(0x47, 7, D, 2, 1, 0, 3)));
        assertEquals(dbits(0x1p-104), s.f[3]);
    }

    @Test
    void convertDoubleToFloatRounding()
    {
        final double x = 1.0 + 0x1p-24 + 0x1p-30;
        assertEquals(fbits(1.0f + 0x1p-23f), convert(FCVT_FF, S, 1, D, dbits(x), HartState.RM_RNE));
        assertEquals(NX, s.fflags);
        assertEquals(fbits(1.0f), convert(FCVT_FF, S, 1, D, dbits(x), HartState.RM_RTZ));
        assertEquals(fbits(Float.POSITIVE_INFINITY), convert(FCVT_FF, S, 1, D, dbits(1e300), HartState.RM_RNE));
        assertEquals(OF | NX, s.fflags);
        assertEquals(fbits(Float.MAX_VALUE), convert(FCVT_FF, S, 1, D, dbits(1e300), HartState.RM_RDN));
        assertEquals(fbits(-0.0f), convert(FCVT_FF, S, 1, D, dbits(-1e-300), HartState.RM_RNE));
        assertEquals(UF | NX, s.fflags);
        assertEquals(fbits(-Float.MIN_VALUE), convert(FCVT_FF, S, 1, D, dbits(-1e-300), HartState.RM_RDN));
        assertEquals(QNAN_S, convert(FCVT_FF, S, 1, D, SNAN_D, HartState.RM_RNE));
        assertEquals(NV, s.fflags);
        assertEquals(QNAN_S, convert(FCVT_FF, S, 1, D, 0xfff8000000000001L, HartState.RM_RNE));
        assertEquals(0, s.fflags);
    }
}
