package org.legoemu.abi.hart;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.legoemu.abi.FlatGuestMemory;
import org.legoemu.abi.GuestFault;
import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.SyscallHandler;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The block compiler must give exactly the interpreter's results: random loops of integer, M-extension, load,
 * store, fflags/frm/fcsr and F/D instructions that move values between x and f registers (with forward conditional
 * branches inside, so blocks have side exits and jumps inside the block, and an optional inner loop whose back edge
 * stays inside the compiled block; or cut into segments in two code pages joined by jumps, some linking, taken
 * branches and indirect jumps, so blocks are chained, and superblocks follow the jumps within a page) run hot
 * enough to be compiled on one hart and interpreted only on another, in random instruction budgets per
 * {@code run} (so loops inside blocks and chains stop at the budget), with the registers of the compiled blocks in
 * {@code x[]} or in JVM locals ({@link BlockCompiler#registersInLocals}); x and f registers, memory, fcsr,
 * instret, pc and any fault must match.
 */
class BlockCompilerPropertyTest
{
    private static final long CODE = 0x10000;
    private static final long DATA = 0x40000;
    private static final int DATA_BYTES = 0x2000;
    private static final int BASE = 30;    // holds DATA + 0x800, never written by the generated code
    private static final int COUNTER = 31; // loop counter
    private static final int INNER = 29;   // inner loop counter, never written by the generated instructions
    private static final int LINK = 28;    // target of an indirect jump between segments
    private static final int CODE_BYTES = 0x2000;

    @Provide
    Arbitrary<Integer> instruction()
    {
        final Arbitrary<Integer> rd = Arbitraries.integers().between(0, 28);
        final Arbitrary<Integer> rs = Arbitraries.integers().between(0, 31);
        final Arbitrary<Integer> imm12 = Arbitraries.integers().between(-2048, 2047);
        final Arbitrary<Integer> shamt = Arbitraries.integers().between(0, 63);
        final Arbitrary<Integer> offset = Arbitraries.integers().between(-2040, 2040);
        final Arbitrary<Integer> opPick = Arbitraries.integers().between(0, 100);
        return Combinators.combine(opPick, rd, rs, rs, imm12, shamt, offset).as((p, d, s1, s2, imm, sh, off) ->
        {
            if (p < 30)
            {
                // OP and OP-32, including M: funct7 0/0x20/1 with every funct3
                final int[][] forms = {{0, 0}, {0x20, 0}, {0, 1}, {0, 2}, {0, 3}, {0, 4}, {0, 5}, {0x20, 5},
                    {0, 6}, {0, 7}, {1, 0}, {1, 1}, {1, 2}, {1, 3}, {1, 4}, {1, 5}, {1, 6}, {1, 7}};
                final int[] f = forms[Math.floorMod(imm, forms.length)];
                final boolean word = (sh & 1) == 1;
                if (word && (f[0] == 0 && (f[1] == 2 || f[1] == 3 || f[1] == 4 || f[1] == 6 || f[1] == 7)
                    || f[0] == 1 && (f[1] >= 1 && f[1] <= 3)))
                {
                    return Asm.op(f[0], f[1], d, s1, s2);
                }
                return word ? Asm.op32(f[0], f[1], d, s1, s2) : Asm.op(f[0], f[1], d, s1, s2);
            }
            if (p < 50)
            {
                final int funct3 = Math.floorMod(sh, 8);
                if (funct3 == 1)
                {
                    return Asm.i(sh & 0x3F, s1, 1, d, 0x13);
                }
                if (funct3 == 5)
                {
                    return Asm.i((sh & 0x3F) | ((imm & 1) << 10), s1, 5, d, 0x13);
                }
                return Asm.i(imm, s1, funct3, d, 0x13);
            }
            if (p < 58)
            {
                final int funct3 = new int[] {0, 1, 5}[Math.floorMod(sh, 3)];
                final int amount = funct3 == 0 ? imm : (sh & 0x1F) | (funct3 == 5 && (imm & 1) == 1 ? 0x400 : 0);
                return Asm.i(amount, s1, funct3, d, 0x1B);
            }
            if (p < 62)
            {
                return Asm.lui(d, imm & 0xFFFFF);
            }
            if (p < 65)
            {
                return (((imm & 0xFFFFF)) << 12) | (d << 7) | 0x17; // auipc
            }
            if (p < 80)
            {
                return Asm.load(Math.floorMod(sh, 7), d, BASE, off);
            }
            if (p < 88)
            {
                return Asm.store(Math.floorMod(sh, 4), s2, BASE, off);
            }
            if (p < 90)
            {
                // fflags, frm or fcsr: any Zicsr form, register or immediate operand
                final int funct3 = new int[] {1, 2, 3, 5, 6, 7}[Math.floorMod(sh, 6)];
                return Asm.csr(funct3, d, 1 + Math.floorMod(imm, 3), s1);
            }
            if (p < 93)
            {
                // F/D operations that read or write integer registers (and one that touches only f registers),
                // so blocks hand x[] to the floating-point unit and take it back: fmv.d.x, fmv.x.d, fcvt.d.l
                // (round to nearest), feq.d, fadd.d
                final int[][] fp = {{0x79, 0, 0}, {0x71, 0, 0}, {0x69, 2, 0}, {0x51, s2, 2}, {0x01, s2, 0}};
                final int[] form = fp[Math.floorMod(imm, fp.length)];
                return Asm.r(form[0], form[1], s1, form[2], d, 0x53);
            }
            // forward branch over the next instruction (a side exit of the block); operands from x0..x3 only, so
            // equal operands (the boundary of every condition) are common
            final int funct3 = new int[] {0, 1, 4, 5, 6, 7}[Math.floorMod(sh, 6)];
            return Asm.b(8, s2 & 3, s1 & 3, funct3);
        });
    }

    private static final class Outcome
    {
        long[] x;
        long[] f;
        byte[] data;
        long instret;
        String fault;
        long pc;
        long chained;
        long fcsr;
        /** A run retired more instructions than its budget. */
        boolean overBudget;
    }

    /**
     * The body with an inner loop from instruction {@code from} to {@code to} (indices into body, none if
     * {@code from < 0}) repeated {@code trips} times: {@code nop; li INNER, trips} before it, {@code nop;
     * addi INNER, INNER, -1; bnez INNER, <from>} after it (the nops absorb a preceding skip-next branch, so the
     * loop always ends).
     */
    private static List<Integer> withInnerLoop(final List<Integer> body, final int from, final int to,
        final int trips)
    {
        if (from < 0)
        {
            return body;
        }
        final List<Integer> code = new java.util.ArrayList<>(body.subList(0, from));
        code.add(Asm.addi(0, 0, 0));
        code.add(Asm.addi(INNER, 0, trips));
        final int head = code.size();
        code.addAll(body.subList(from, to + 1));
        code.add(Asm.addi(0, 0, 0));
        code.add(Asm.addi(INNER, INNER, -1));
        code.add(Asm.b((head - code.size()) * 4, 0, INNER, 1)); // bnez INNER, head
        code.addAll(body.subList(to + 1, body.size()));
        return code;
    }

    private static Outcome run(final List<Integer> body, final long[] seeds, final boolean jit,
        final boolean locals)
    {
        return run(body, seeds, jit, 1_000, locals);
    }

    private static Outcome run(final List<Integer> body, final long[] seeds, final boolean jit, final int budget,
        final boolean locals)
    {
        final List<Integer> code = new java.util.ArrayList<>(body);
        code.addAll(loopTail(CODE + 4L * code.size()));
        final java.util.Map<Long, Integer> image = new java.util.TreeMap<>();
        place(image, CODE, code);
        return run(image, seeds, jit, budget, locals);
    }

    private static void assertSame(final Outcome interpreted, final Outcome compiled)
    {
        assertEquals(interpreted.fault, compiled.fault, "fault");
        assertEquals(interpreted.pc, compiled.pc, "pc");
        assertEquals(interpreted.instret, compiled.instret, "instret");
        assertArrayEquals(interpreted.x, compiled.x, "registers");
        assertArrayEquals(interpreted.f, compiled.f, "f registers");
        assertArrayEquals(interpreted.data, compiled.data, "memory");
        assertEquals(interpreted.fcsr, compiled.fcsr, "fcsr");
    }

    /**
     * {@code nop; addi COUNTER, COUNTER, -1; bnez COUNTER, CODE; ecall}, the first at {@code at} (a trailing
     * forward branch lands on the nop, not past the counter; the first three are a block of their own when the
     * body is not before them).
     */
    private static List<Integer> loopTail(final long at)
    {
        return List.of(Asm.addi(0, 0, 0), Asm.addi(COUNTER, COUNTER, -1), Asm.b((int)(CODE - (at + 8)), 0, COUNTER,
            1), Asm.ECALL);
    }

    private static void place(final java.util.Map<Long, Integer> image, final long at, final List<Integer> code)
    {
        for (int k = 0; k < code.size(); k++)
        {
            image.put(at + 4L * k, code.get(k));
        }
    }

    /**
     * Runs the instructions of {@code image} (address to instruction, within the two code pages) from CODE; with
     * {@code jit}, compiling blocks that keep the registers in JVM locals or in {@code x[]} as {@code locals} says.
     */
    private static Outcome run(final java.util.Map<Long, Integer> image, final long[] seeds, final boolean jit,
        final int budget, final boolean locals)
    {
        final boolean mode = BlockCompiler.registersInLocals;
        BlockCompiler.registersInLocals = locals;
        try
        {
            return run(image, seeds, jit, budget);
        }
        finally
        {
            BlockCompiler.registersInLocals = mode;
        }
    }

    private static Outcome run(final java.util.Map<Long, Integer> image, final long[] seeds, final boolean jit,
        final int budget)
    {
        final FlatGuestMemory memory = new FlatGuestMemory();
        memory.map(CODE, CODE_BYTES, GuestMemory.ACCESS_READ | GuestMemory.ACCESS_EXEC);
        memory.map(DATA, DATA_BYTES, GuestMemory.ACCESS_READ | GuestMemory.ACCESS_WRITE);
        image.forEach(memory::writeInt);
        final Hart hart = new Hart(memory, s -> SyscallHandler.EXIT);
        hart.jit(jit);
        System.arraycopy(seeds, 0, hart.x, 1, 28);
        hart.x[BASE] = DATA + 0x800;
        hart.x[COUNTER] = 200;
        hart.pc = CODE;
        final Outcome outcome = new Outcome();
        try
        {
            while (!hart.exited())
            {
                final long retired = hart.run(budget);
                outcome.overBudget |= retired > budget;
            }
        }
        catch (final GuestFault fault)
        {
            outcome.fault = fault.describe();
        }
        outcome.x = Arrays.copyOf(hart.x, 32);
        outcome.f = hart.f.clone();
        outcome.data = memory.read(DATA, DATA_BYTES);
        outcome.instret = hart.instructionsRetired();
        outcome.pc = hart.pc;
        outcome.chained = hart.chainedBlocks();
        outcome.fcsr = ((long)hart.frm << 5) | hart.fflags;
        return outcome;
    }

    /**
     * The body cut into segments, each ending in a transfer to the next segment (the last one to the loop's tail in
     * the first page); {@code kinds} picks for each segment the transfer ({@code kind % 3}: 0 a direct jump
     * ({@code jal}, linking into x1 in odd segments), 1 a taken branch ({@code beq x0, x0}; a {@code jal} when the target is out of a branch's
     * reach), 2 an indirect jump ({@code jalr} through {@link #LINK}, set just before)) and, but for the first
     * segment, the code page it lies in ({@code kind / 3}), so successors are in the same page or the other one,
     * often at the same offset. Every transfer follows a nop, which absorbs a preceding skip-next branch.
     */
    private static java.util.Map<Long, Integer> segmented(final List<Integer> body, final int segments,
        final List<Integer> kinds)
    {
        final int[] cut = new int[segments + 1];
        for (int k = 0; k <= segments; k++)
        {
            cut[k] = body.size() * k / segments;
        }
        final long[] start = new long[segments + 1];
        final long[] cursor = {CODE, CODE + 0x1000};
        for (int k = 0; k < segments; k++)
        {
            final int kind = kinds.get(k % kinds.size());
            final int page = k == 0 ? 0 : kind / 3;
            start[k] = cursor[page];
            cursor[page] += 4L * (cut[k + 1] - cut[k] + transferLength(kind % 3));
        }
        start[segments] = cursor[0];
        final java.util.Map<Long, Integer> image = new java.util.TreeMap<>();
        for (int k = 0; k < segments; k++)
        {
            final List<Integer> code = new java.util.ArrayList<>(body.subList(cut[k], cut[k + 1]));
            code.add(Asm.addi(0, 0, 0));
            final long from = start[k] + 4L * code.size();
            final long to = start[k + 1];
            switch (kinds.get(k % kinds.size()) % 3)
            {
                case 1:
                    code.add(Math.abs(to - from) < 4000 ? Asm.b((int)(to - from), 0, 0, 0)
                        : Asm.jal(0, (int)(to - from)));
                    break;
                case 2:
                    final int upper = (int)((to + 0x800) >> 12);
                    code.add(Asm.lui(LINK, upper));
                    code.add(Asm.addi(LINK, LINK, (int)(to - ((long)upper << 12))));
                    code.add(Asm.i(0, LINK, 0, 0, 0x67)); // jalr x0, 0(LINK)
                    break;
                default:
                    // odd segments link (jal ra): a superblock following it must still write the link register
                    code.add(Asm.jal(k % 2, (int)(to - from)));
                    break;
            }
            place(image, start[k], code);
        }
        place(image, start[segments], loopTail(start[segments]));
        return image;
    }

    private static int transferLength(final int kind)
    {
        return kind == 2 ? 4 : 2;
    }

    @Property(tries = 150)
    void compiledBlocksComputeWhatTheInterpreterComputes(
        @ForAll @Size(min = 3, max = 40) final List<@net.jqwik.api.From("instruction") Integer> body,
        @ForAll @Size(value = 29) final List<Long> seedList,
        @ForAll final boolean locals)
    {
        final long[] seeds = seedList.stream().mapToLong(Long::longValue).toArray();
        assertSame(run(body, seeds, false, false), run(body, seeds, true, locals));
    }

    @Property(tries = 150)
    void loopsInsideCompiledBlocksComputeWhatTheInterpreterComputes(
        @ForAll @Size(min = 3, max = 40) final List<@net.jqwik.api.From("instruction") Integer> body,
        @ForAll @Size(value = 29) final List<Long> seedList,
        @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 1_000_000) final int loopPick,
        @ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 9) final int trips,
        @ForAll @net.jqwik.api.constraints.IntRange(min = 50, max = 3_000) final int budget,
        @ForAll final boolean locals)
    {
        final long[] seeds = seedList.stream().mapToLong(Long::longValue).toArray();
        final int from = loopPick % body.size();
        final int to = from + (loopPick / body.size()) % (body.size() - from);
        final List<Integer> code = withInnerLoop(body, from, to, trips);
        assertSame(run(code, seeds, false, budget, false), run(code, seeds, true, budget, locals));
    }

    @Property(tries = 20)
    void aFaultInsideACompiledBlockReportsThePcAndCountOfTheInterpreter(
        @ForAll @Size(min = 3, max = 20) final List<@net.jqwik.api.From("instruction") Integer> body,
        @ForAll @Size(value = 29) final List<Long> seeds,
        @ForAll final boolean locals)
    {
        // after the body runs hot, the pointer register walks off the data mapping and the load faults
        final List<Integer> walking = new java.util.ArrayList<>(body);
        walking.add(Asm.addi(BASE, BASE, 64));
        walking.add(Asm.load(3, 0, BASE, 0));
        final long[] s = seeds.stream().mapToLong(Long::longValue).toArray();
        assertSame(run(walking, s, false, false), run(walking, s, true, locals));
    }

    @Property(tries = 150)
    void chainedBlocksComputeWhatTheInterpreterComputes(
        @ForAll @Size(min = 6, max = 40) final List<@net.jqwik.api.From("instruction") Integer> body,
        @ForAll @Size(value = 29) final List<Long> seedList,
        @ForAll @net.jqwik.api.constraints.IntRange(min = 2, max = 6) final int segments,
        @ForAll @Size(min = 1, max = 6) final List<@net.jqwik.api.constraints.IntRange(min = 0, max = 5) Integer> kinds,
        @ForAll @net.jqwik.api.constraints.IntRange(min = 300, max = 3_000) final int budget,
        @ForAll final boolean faulting,
        @ForAll final boolean locals)
    {
        final long[] seeds = seedList.stream().mapToLong(Long::longValue).toArray();
        final List<Integer> code = new java.util.ArrayList<>(body);
        if (faulting)
        {
            // once the blocks are hot and chained, the pointer register walks off the data mapping and a load faults
            code.add(Asm.addi(BASE, BASE, 64));
            code.add(Asm.load(3, 0, BASE, 0));
        }
        final int cuts = Math.min(segments, code.size() / 2);
        final java.util.Map<Long, Integer> image = segmented(code, cuts, kinds);
        // a segment in the second page is a block of its own, entered by chaining once both pages' blocks are hot
        final boolean secondPage = java.util.stream.IntStream.range(1, cuts)
            .anyMatch(k -> kinds.get(k % kinds.size()) / 3 == 1);
        final Outcome interpreted = run(image, seeds, false, budget, false);
        final Outcome compiled = run(image, seeds, true, budget, locals);
        assertSame(interpreted, compiled);
        org.junit.jupiter.api.Assertions.assertFalse(compiled.overBudget, "a run went past its instruction budget");
        if (interpreted.fault == null && secondPage)
        {
            org.junit.jupiter.api.Assertions.assertTrue(compiled.chained > 0, "no block was entered by chaining");
        }
    }
}
