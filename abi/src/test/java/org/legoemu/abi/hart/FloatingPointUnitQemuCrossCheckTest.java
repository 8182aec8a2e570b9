package org.legoemu.abi.hart;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Differential test of {@link FloatingPointUnit} against qemu-riscv64 (softfloat) running a tiny static
 * riscv64 program ({@code fpu_oracle.c}). Skipped when {@code riscv64-linux-gnu-gcc} or {@code qemu-riscv64}
 * is not on the PATH.
 */
class FloatingPointUnitQemuCrossCheckTest
{
    private static final int CASES_PER_OP = 600;
    private static final int[] OPS = {
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
        32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 56};

    private static boolean onPath(final String tool)
    {
        final String path = System.getenv("PATH");
        if (path == null)
        {
            return false;
        }
        for (final String dir : path.split(File.pathSeparator))
        {
            if (new File(dir, tool).canExecute())
            {
                return true;
            }
        }
        return false;
    }

    private static long operand(final Random random, final boolean dbl)
    {
        final int maxExp = dbl ? 2047 : 255;
        final int fracBits = dbl ? 52 : 23;
        final int e;
        switch (random.nextInt(6))
        {
            case 0:
                e = random.nextInt(4);
                break;
            case 1:
                e = maxExp - random.nextInt(4);
                break;
            case 2:
                e = maxExp / 2 - 40 + random.nextInt(110);
                break;
            default:
                e = random.nextInt(maxExp + 1);
                break;
        }
        long frac = random.nextLong() & ((1L << fracBits) - 1);
        switch (random.nextInt(8))
        {
            case 0:
                frac &= 3;
                break;
            case 1:
                frac |= (1L << fracBits) - 4;
                break;
            case 2:
                frac = 1L << random.nextInt(fracBits);
                break;
            default:
                break;
        }
        final long sign = random.nextBoolean() ? (dbl ? Long.MIN_VALUE : 0x80000000L) : 0;
        return sign | ((long)e << fracBits) | frac;
    }

    private static int encode(final int op, final int rm)
    {
        final int fmt = op >= 32 ? 0 : 1;
        final int base = op & 31;
        final int rs1 = 1;
        final int rs2 = 2;
        final int rd = 3;
        if (base >= 5 && base <= 8)
        {
            return FloatingPointUnitTest.r4(0x43 + 4 * (base - 5), 4, fmt, rs2, rs1, rm, rd);
        }
        switch (base)
        {
            case 0:
            case 1:
            case 2:
            case 3:
                return FloatingPointUnitTest.opFp(base, fmt, rs2, rs1, rm, rd);
            case 4:
                return FloatingPointUnitTest.opFp(0x0B, fmt, 0, rs1, rm, rd);
            case 9:
            case 10:
                return FloatingPointUnitTest.opFp(0x05, fmt, rs2, rs1, base - 9, rd);
            case 11:
            case 12:
            case 13:
                return FloatingPointUnitTest.opFp(0x14, fmt, rs2, rs1, 13 - base, rd);
            case 14:
            case 15:
            case 16:
            case 17:
                return FloatingPointUnitTest.opFp(0x18, fmt, base - 14, rs1, rm, rd);
            case 18:
            case 19:
            case 20:
            case 21:
                return FloatingPointUnitTest.opFp(0x1A, fmt, base - 18, rs1, rm, rd);
            case 22:
                return FloatingPointUnitTest.opFp(0x08, 0, 1, rs1, rm, rd);
            case 23:
                return FloatingPointUnitTest.opFp(0x08, 1, 0, rs1, rm, rd);
            default:
                return FloatingPointUnitTest.opFp(0x1C, fmt, 0, rs1, 1, rd);
        }
    }

    private static boolean writesX(final int op)
    {
        final int base = op & 31;
        return (base >= 11 && base <= 17) || base == 24;
    }

    @Test
    void agreesWithQemuSoftfloat(@TempDir final Path dir) throws Exception
    {
        assumeTrue(onPath("riscv64-linux-gnu-gcc") && onPath("qemu-riscv64"), "riscv64 toolchain/qemu not installed");
        final Path source = dir.resolve("fpu_oracle.c");
        try (InputStream in = getClass().getResourceAsStream("fpu_oracle.c"))
        {
            Files.copy(in, source, StandardCopyOption.REPLACE_EXISTING);
        }
        final Path binary = dir.resolve("fpu_oracle");
        final Process gcc = new ProcessBuilder(
            "riscv64-linux-gnu-gcc", "-O1", "-static", "-o", binary.toString(), source.toString())
            .redirectErrorStream(true).start();
        final String gccOut = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(gcc.waitFor(120, TimeUnit.SECONDS));
        assumeTrue(gcc.exitValue() == 0, "cross compiler failed: " + gccOut);

        final Random random = new Random(0x5EED_F00DL);
        final List<long[]> cases = new ArrayList<>();
        final StringBuilder input = new StringBuilder();
        for (final int op : OPS)
        {
            final int base = op & 31;
            final boolean dbl = op < 32 ? base != 23 : false;
            for (int i = 0; i < CASES_PER_OP; i++)
            {
                final int rm = random.nextInt(5);
                long a = operand(random, base == 22 || dbl);
                final long b = random.nextInt(10) == 0 ? a : operand(random, dbl);
                final long c = operand(random, dbl);
                if (base >= 18 && base <= 21)
                {
                    a = random.nextLong() >> random.nextInt(64);
                }
                else if (base >= 14 && base <= 17 && random.nextBoolean())
                {
                    a = dbl ? Double.doubleToRawLongBits(Math.scalb(Double.longBitsToDouble(a | 0x3ff0000000000000L), random.nextInt(70) - 3)) & (a | ~Long.MIN_VALUE) :
                        Float.floatToRawIntBits(Math.scalb(Float.intBitsToFloat((int)(a | 0x3f800000L)), random.nextInt(70) - 3)) & 0xFFFFFFFFL;
                }
                cases.add(new long[]{op, rm, a, b, c});
                input.append(op).append(' ').append(rm).append(' ').append(Long.toHexString(a)).append(' ')
                    .append(Long.toHexString(b)).append(' ').append(Long.toHexString(c)).append('\n');
            }
        }
        final Path inputFile = dir.resolve("cases.txt");
        Files.writeString(inputFile, input.toString());
        final Process qemu = new ProcessBuilder("qemu-riscv64", binary.toString())
            .redirectInput(inputFile.toFile()).start();
        final List<String> lines = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(qemu.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                lines.add(line);
            }
        }
        assertTrue(qemu.waitFor(120, TimeUnit.SECONDS));
        assertEquals(cases.size(), lines.size(), "qemu output lines");

        final HartState s = new HartState();
        int mismatches = 0;
        final StringBuilder report = new StringBuilder();
        for (int i = 0; i < cases.size(); i++)
        {
            final long[] k = cases.get(i);
            final int op = (int)k[0];
            final int rm = (int)k[1];
            final int base = op & 31;
            final boolean srcSingle = op >= 32 ? true : base == 23;
            final long box = 0xFFFFFFFF00000000L;
            s.fflags = 0;
            s.frm = 0;
            s.f[1] = srcSingle && !(op >= 32 && base == 22) ? box | (k[2] & 0xFFFFFFFFL) : k[2];
            if (base == 22)
            {
                s.f[1] = k[2];
            }
            s.f[2] = op >= 32 ? box | (k[3] & 0xFFFFFFFFL) : k[3];
            s.f[4] = op >= 32 ? box | (k[4] & 0xFFFFFFFFL) : k[4];
            s.x[1] = k[2];
            s.x[3] = 0;
            assertTrue(FloatingPointUnit.execute(s, encode(op, rm)), "op " + op);
            final long actual;
            if (writesX(op))
            {
                actual = s.x[3];
            }
            else
            {
                final boolean singleDest = op >= 32 || base == 22;
                actual = singleDest ? s.f[3] & 0xFFFFFFFFL : s.f[3];
            }
            final String[] parts = lines.get(i).split(" ");
            final long expected = Long.parseUnsignedLong(parts[0], 16);
            final int expectedFlags = Integer.parseInt(parts[1], 16);
            if (expected != actual || expectedFlags != s.fflags)
            {
                if (mismatches++ < 20)
                {
                    report.append(String.format("op=%d rm=%d a=%x b=%x c=%x: qemu %x/%x, ours %x/%x%n",
                        op, rm, k[2], k[3], k[4], expected, expectedFlags, actual, s.fflags));
                }
            }
        }
        assertEquals(0, mismatches, report.toString());
    }
}
