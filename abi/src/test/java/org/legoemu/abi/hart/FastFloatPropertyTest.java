package org.legoemu.abi.hart;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link FastFloat} must be bit-for-bit and flag-for-flag what the exact unit computes, for every operation it takes:
 * FADD/FSUB/FMUL/FDIV/FSQRT and the four fused multiply-adds, single and double, static RNE and dynamic with frm=RNE,
 * with NX clear and already set.
 */
class FastFloatPropertyTest
{
    private static final long BOX = 0xFFFF_FFFF_0000_0000L;
    private static final int[] OP_FP_FUNCT5 = {0x00, 0x01, 0x02, 0x03, 0x0B};
    private static final int[] FUSED_OPCODES = {0x43, 0x47, 0x4B, 0x4F};

    @Provide
    Arbitrary<Long> doubles()
    {
        return Arbitraries.oneOf(
            Arbitraries.doubles().between(-1e6, 1e6).map(Double::doubleToRawLongBits),
            Arbitraries.doubles().map(Double::doubleToRawLongBits),
            Arbitraries.integers().between(-4096, 4096).map(i -> Double.doubleToRawLongBits(i)),
            Arbitraries.longs());
    }

    @Provide
    Arbitrary<Long> singles()
    {
        return Arbitraries.oneOf(
            Arbitraries.floats().between(-1e4f, 1e4f).map(f -> BOX | (Float.floatToRawIntBits(f) & 0xFFFF_FFFFL)),
            Arbitraries.floats().map(f -> BOX | (Float.floatToRawIntBits(f) & 0xFFFF_FFFFL)),
            Arbitraries.integers().between(-300, 300).map(i -> BOX | (Float.floatToRawIntBits(i) & 0xFFFF_FFFFL)),
            Arbitraries.integers().map(i -> BOX | (i & 0xFFFF_FFFFL)),
            Arbitraries.longs());
    }

    private static void check(final int insn, final long a, final long b, final long c, final boolean nxSet,
        final boolean dynamic)
    {
        final HartState fast = new HartState();
        final HartState exact = new HartState();
        for (final HartState s : new HartState[] {fast, exact})
        {
            s.f[1] = a;
            s.f[2] = b;
            s.f[3] = c;
            s.fflags = nxSet ? HartState.FFLAG_NX : 0;
            s.frm = dynamic ? HartState.RM_RNE : HartState.RM_RUP;
        }
        final boolean taken = FastFloat.tryExecute(fast, insn);
        FloatingPointUnit.executeExact(exact, insn);
        if (taken)
        {
            assertEquals(Long.toHexString(exact.f[5]), Long.toHexString(fast.f[5]), "result");
            assertEquals(exact.fflags, fast.fflags, "fflags");
        }
    }

    private static int rm(final boolean dynamic)
    {
        return dynamic ? HartState.RM_DYN : HartState.RM_RNE;
    }

    @Property(tries = 3000)
    void opFpDoubleMatchesTheExactUnit(@ForAll("doubles") final long a, @ForAll("doubles") final long b,
        @ForAll final boolean nxSet, @ForAll final boolean dynamic, @ForAll final byte pick)
    {
        final int funct5 = OP_FP_FUNCT5[Math.floorMod(pick, OP_FP_FUNCT5.length)];
        final int rs2 = funct5 == 0x0B ? 0 : 2;
        final int insn = (funct5 << 27) | (1 << 25) | (rs2 << 20) | (1 << 15) | (rm(dynamic) << 12) | (5 << 7) | 0x53;
        check(insn, a, b, 0, nxSet, dynamic);
    }

    @Property(tries = 3000)
    void opFpSingleMatchesTheExactUnit(@ForAll("singles") final long a, @ForAll("singles") final long b,
        @ForAll final boolean nxSet, @ForAll final boolean dynamic, @ForAll final byte pick)
    {
        final int funct5 = OP_FP_FUNCT5[Math.floorMod(pick, OP_FP_FUNCT5.length)];
        final int rs2 = funct5 == 0x0B ? 0 : 2;
        final int insn = (funct5 << 27) | (rs2 << 20) | (1 << 15) | (rm(dynamic) << 12) | (5 << 7) | 0x53;
        check(insn, a, b, 0, nxSet, dynamic);
    }

    @Property(tries = 3000)
    void fusedMultiplyAddsMatchTheExactUnit(@ForAll("doubles") final long a, @ForAll("doubles") final long b,
        @ForAll("doubles") final long c, @ForAll("singles") final long sa, @ForAll("singles") final long sb,
        @ForAll("singles") final long sc, @ForAll final boolean nxSet, @ForAll final boolean dynamic,
        @ForAll final byte pick)
    {
        final int opcode = FUSED_OPCODES[Math.floorMod(pick, FUSED_OPCODES.length)];
        final int insnD = (3 << 27) | (1 << 25) | (2 << 20) | (1 << 15) | (rm(dynamic) << 12) | (5 << 7) | opcode;
        final int insnS = (3 << 27) | (2 << 20) | (1 << 15) | (rm(dynamic) << 12) | (5 << 7) | opcode;
        check(insnD, a, b, c, nxSet, dynamic);
        check(insnS, sa, sb, sc, nxSet, dynamic);
    }
}
