package org.legoemu.abi.hart;

import org.legoemu.abi.GuestFault;
import org.legoemu.abi.GuestMemory;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.lang.invoke.MethodHandles;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Translates hot runs of decoded guest instructions into JVM bytecode (one hidden class per block, assembled with
 * ASM), so that HotSpot compiles guest code instead of the interpreter dispatching every instruction. A block is a
 * trace: it follows direct jumps ({@code jal}) to targets in its page (a superblock), so a jump no longer ends it.
 * Each guest instruction becomes a few bytecodes on {@code x[]} with constant register indices, or, with
 * {@link #registersInLocals}, on JVM locals loaded from {@code x[]} at the block's entry and written back at each
 * exit (only the registers written before it) and on a fault; F/D and CSR instructions, which reach {@code x[]}
 * through the hart state, get the registers they touch synchronized around their call. Loads and stores call the
 * hart's TLB accessors, F/D arithmetic calls {@link FloatingPointUnit#execute}, M-extension divisions call
 * {@link MulDiv}. Semantics are those of the interpreter's dispatch loop, instruction for instruction.
 *
 * <p>Blocks are shared by every hart of the JVM through a cache keyed by entry pc, the bytes of the trace's
 * instructions and the register mode, so a code
 * page that is evicted from the ExCache and fetched again, or executed by another thread, reuses its classes;
 * modified code has other bytes and gets new blocks.
 */
final class BlockCompiler
{
    /** Longest block, in guest instructions. */
    static final int MAX_INSTRUCTIONS = 96;
    /**
     * Whether blocks compiled from now on keep guest registers in JVM locals ({@code -Dlegoemu.jitRegisters=true})
     * instead of reading and writing {@code x[]} at each instruction. Off by default: it measured slower on the CPU
     * suite (docs/performance.md, "Guest speed"). Tests switch it; blocks of both kinds may coexist.
     */
    static volatile boolean registersInLocals = Boolean.getBoolean("legoemu.jitRegisters");
    /**
     * Whether a block's trace follows direct jumps within its page ({@code -Dlegoemu.jitSuperblocks=false}: every
     * block ends at its first jump; for measurements, docs/performance.md).
     */
    static final boolean SUPERBLOCKS = !"false".equals(System.getProperty("legoemu.jitSuperblocks"));
    /** Shortest block worth a class. */
    static final int MIN_INSTRUCTIONS = 3;
    /** Blocks kept in the shared cache before it is cleared. */
    private static final int CACHE_LIMIT = 1 << 16;
    private static final long BOX = 0xFFFF_FFFF_0000_0000L;

    private static final String HART = "org/legoemu/abi/hart/Hart";
    private static final String STATE = "org/legoemu/abi/hart/HartState";
    private static final String SUPER = "org/legoemu/abi/hart/CompiledBlock";
    private static final String MULDIV = "org/legoemu/abi/hart/MulDiv";
    private static final String FPU = "org/legoemu/abi/hart/FloatingPointUnit";
    private static final String ZICSR = "org/legoemu/abi/hart/Zicsr";
    private static final String COUNTERS = "org/legoemu/abi/hart/GuestCounters";
    private static final String FAULT = "org/legoemu/abi/GuestFault";
    private static final String RUN_DESC = "(L" + HART + ";[J[J)J";

    private static final int L_HART = 1;
    private static final int L_X = 2;
    private static final int L_F = 3;
    private static final int L_FAULT_PC = 4;
    private static final int L_RETIRED = 6;
    private static final int L_TEMP = 7;
    /** Instructions retired by earlier passes through the block's loops, minus the skipped ones. */
    private static final int L_BASE = 9;
    /** Guest register r (1-31) lives in the long local {@code L_REG + 2 * r}. */
    private static final int L_REG = 12;

    private static final ConcurrentHashMap<Key, CompiledBlock> CACHE = new ConcurrentHashMap<>();
    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();

    /** Entry pc, the bytes of the block's instructions and where it keeps the registers. */
    private static final class Key
    {
        private final long pc;
        private final byte[] bytes;
        private final boolean locals;
        private final int hash;

        Key(final long pc, final byte[] bytes, final boolean locals)
        {
            this.pc = pc;
            this.bytes = bytes;
            this.locals = locals;
            this.hash = Long.hashCode(pc) * 31 + Arrays.hashCode(bytes) + (locals ? 1 : 0);
        }

        @Override
        public boolean equals(final Object o)
        {
            return o instanceof Key && ((Key)o).pc == pc && ((Key)o).locals == locals &&
                Arrays.equals(((Key)o).bytes, bytes);
        }

        @Override
        public int hashCode()
        {
            return hash;
        }
    }

    private BlockCompiler()
    {
    }

    /**
     * The block starting at {@code slot} of {@code page}, from the cache or newly translated.
     *
     * @return the block, or null if fewer than {@link #MIN_INSTRUCTIONS} instructions can be translated there.
     */
    static CompiledBlock blockAt(final DecodedPage page, final int slot)
    {
        final long[] instructions = new long[MAX_INSTRUCTIONS];
        final int[] slots = new int[MAX_INSTRUCTIONS];
        int count = 0;
        int s = slot;
        while (count < MAX_INSTRUCTIONS && s < DecodedPage.SLOTS && !contains(slots, count, s))
        {
            final long decoded = page.instruction(s);
            if ((int)decoded <= Op.BLOCK_ENTRY || !translatable(decoded))
            {
                break;
            }
            instructions[count] = decoded;
            slots[count++] = s;
            final int op = (int)decoded & 0xFF;
            if (op == Op.JALR || op == Op.JAL && !SUPERBLOCKS)
            {
                break;
            }
            if (op == Op.JAL && SUPERBLOCKS)
            {
                // a superblock: the trace goes on at the target of a direct jump in the same page
                final long offset = (s << 1) + (decoded >> 32);
                if (offset < 0 || offset >= GuestMemory.PAGE_SIZE)
                {
                    break;
                }
                s = (int)offset >>> 1;
            }
            else
            {
                s += Op.length((int)decoded) >>> 1;
            }
        }
        if (count < MIN_INSTRUCTIONS)
        {
            return null;
        }
        // the trace's instruction bytes in its order: with the entry pc they determine every pc and instruction of
        // the trace, so equal keys are equal translations, while a trace across a page costs only its own bytes
        int size = 0;
        for (int i = 0; i < count; i++)
        {
            size += Op.length((int)instructions[i]);
        }
        final byte[] traced = new byte[size];
        int at = 0;
        for (int i = 0; i < count; i++)
        {
            final int length = Op.length((int)instructions[i]);
            System.arraycopy(page.bytes(), slots[i] << 1, traced, at, length);
            at += length;
        }
        final boolean locals = registersInLocals;
        final Key key = new Key(page.base + (slot << 1), traced, locals);
        CompiledBlock block = CACHE.get(key);
        if (block == null)
        {
            block = define(translate(page.base + (slot << 1), instructions, count, locals));
            block.maxInstructions = count;
            if (CACHE.size() >= CACHE_LIMIT)
            {
                CACHE.clear();
            }
            CACHE.put(key, block);
        }
        return block;
    }

    private static boolean contains(final int[] slots, final int count, final int slot)
    {
        for (int i = 0; i < count; i++)
        {
            if (slots[i] == slot)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the decoded instruction is translated: all but system calls, breakpoints, atomics, fence.i, illegal
     * instructions and the CSRs other than {@code fflags}, {@code frm} and {@code fcsr} (the counters need the
     * interpreter's exact instret and the hart's {@link GuestCounters}; glibc's sqrt and comparisons save and restore {@code fflags} around a quiet
     * compare, so a block ending there would end every FP loop that calls them).
     */
    private static boolean translatable(final long decoded)
    {
        final int op = (int)decoded & 0xFF;
        switch (op)
        {
            case Op.CSR:
            {
                final int csr = (int)(decoded >> 32) >>> 20;
                return csr == Zicsr.CSR_FFLAGS || csr == Zicsr.CSR_FRM || csr == Zicsr.CSR_FCSR;
            }
            case Op.ECALL:
            case Op.EBREAK:
            case Op.AMO:
            case Op.FENCE_I:
            case Op.ILLEGAL:
                return false;
            default:
                return op >= Op.LI && op <= Op.MV;
        }
    }

    private static CompiledBlock define(final byte[] classBytes)
    {
        try
        {
            final Class<?> type = LOOKUP.defineHiddenClass(classBytes, true).lookupClass();
            return (CompiledBlock)type.getDeclaredConstructor().newInstance();
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalStateException("cannot define a compiled block", ex);
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // Code generation
    // ------------------------------------------------------------------------------------------------------

    private static byte[] translate(final long entryPc, final long[] instructions, final int count,
        final boolean locals)
    {
        final ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS)
        {
            @Override
            protected String getCommonSuperClass(final String a, final String b)
            {
                return "java/lang/Object";
            }
        };
        cw.visit(Opcodes.V17, Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, "org/legoemu/abi/hart/Block", null, SUPER,
            null);
        final MethodVisitor init = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, SUPER, "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();

        final MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "run", RUN_DESC, null, null);
        mv.visitCode();
        final Label tryStart = new Label();
        final Label tryEnd = new Label();
        final Label handler = new Label();
        mv.visitTryCatchBlock(tryStart, tryEnd, handler, FAULT);
        pushLong(mv, entryPc);
        mv.visitVarInsn(Opcodes.LSTORE, L_FAULT_PC);
        pushInt(mv, 0);
        mv.visitVarInsn(Opcodes.ISTORE, L_RETIRED);
        pushInt(mv, 0);
        mv.visitVarInsn(Opcodes.ISTORE, L_BASE);
        final int[] registers = locals ? registers(instructions, count) : null;
        final Emitter e = new Emitter(mv, entryPc, instructions, count, registers);
        e.loadRegisters();
        mv.visitLabel(tryStart);
        boolean ended = false;
        for (int i = 0; i < count && !ended; i++)
        {
            final long decoded = instructions[i];
            mv.visitLabel(e.labels[i]);
            ended = e.instruction((int)decoded, (int)(decoded >> 32), e.pcs[i], i);
        }
        if (!ended)
        {
            // the trace stopped before a jump: on to the next instruction, which may be one of the trace's own
            e.jump(count, e.pcs[count - 1] + Op.length((int)instructions[count - 1]));
        }
        mv.visitLabel(tryEnd);
        mv.visitLabel(handler);
        e.storeRegisters(count); // the exception stays on the operand stack for the ATHROW
        mv.visitVarInsn(Opcodes.ALOAD, L_HART);
        mv.visitVarInsn(Opcodes.LLOAD, L_FAULT_PC);
        mv.visitVarInsn(Opcodes.ILOAD, L_BASE);
        mv.visitVarInsn(Opcodes.ILOAD, L_RETIRED);
        mv.visitInsn(Opcodes.IADD);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, HART, "blockFault", "(L" + HART + ";JI)V", false);
        mv.visitInsn(Opcodes.ATHROW);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    /**
     * The guest registers (bit r for x_r, x0 never) that the block's instructions read or write, and those they may
     * write, from the decoded fields. A superset is harmless (an unused register is loaded, an unwritten one stored
     * back unchanged); the F/D and CSR instructions' own register operands are not counted: they reach {@code x[]}
     * through the hart state, and {@link Emitter#instruction} synchronizes the locals around them.
     *
     * @return {used, written}.
     */
    static int[] registers(final long[] instructions, final int count)
    {
        int used = 0;
        int written = 0;
        for (int i = 0; i < count; i++)
        {
            final int w = (int)instructions[i];
            if ((w & 0xFF) == Op.FP)
            {
                continue;
            }
            final int rd = Op.rd(w);
            if (rd != 0 && rd != Op.SINK)
            {
                written |= 1 << rd;
            }
            used |= 1 << Op.rs1(w) | 1 << Op.rs2(w);
        }
        used = (used | written) & ~1;
        return new int[] {used, written};
    }

    /**
     * Whether the F/D instruction {@code insn} (OP-FP major opcode 0x53, funct5 in bits 27-31; unprivileged ISA
     * chapters 11-12) reads an integer register: FCVT.S/D.W/WU/L/LU (0x1A) and FMV.W/D.X (0x1E) read x[rs1].
     */
    static boolean readsX(final int insn)
    {
        final int funct5 = insn >>> 27;
        return (insn & 0x7F) == 0x53 && (funct5 == 0x1A || funct5 == 0x1E);
    }

    /**
     * Whether the F/D instruction {@code insn} writes an integer register: FCVT.W/WU/L/LU.S/D (0x18), FMV.X.W/D and
     * FCLASS (0x1C), FEQ/FLT/FLE (0x14) write x[rd]. The fused multiply-adds (major opcodes 0x43-0x4F) and every
     * other operation touch only f registers and fcsr.
     */
    static boolean writesX(final int insn)
    {
        final int funct5 = insn >>> 27;
        return (insn & 0x7F) == 0x53 && (funct5 == 0x18 || funct5 == 0x1C || funct5 == 0x14);
    }

    private static void pushInt(final MethodVisitor mv, final int value)
    {
        if (value >= -1 && value <= 5)
        {
            mv.visitInsn(Opcodes.ICONST_0 + value);
        }
        else if (value >= Byte.MIN_VALUE && value <= Byte.MAX_VALUE)
        {
            mv.visitIntInsn(Opcodes.BIPUSH, value);
        }
        else if (value >= Short.MIN_VALUE && value <= Short.MAX_VALUE)
        {
            mv.visitIntInsn(Opcodes.SIPUSH, value);
        }
        else
        {
            mv.visitLdcInsn(value);
        }
    }

    private static void pushLong(final MethodVisitor mv, final long value)
    {
        if (value == 0 || value == 1)
        {
            mv.visitInsn(Opcodes.LCONST_0 + (int)value);
        }
        else
        {
            mv.visitLdcInsn(value);
        }
    }

    /** Emits the bytecode of one instruction at a time. */
    private static final class Emitter
    {
        private final MethodVisitor mv;
        /** The pc of each instruction of the block, in the order of the trace. */
        final long[] pcs;
        private final int count;
        /** The start of each instruction's bytecode, the target of jumps inside the block. */
        final Label[] labels;
        /** Registers held in locals ({@link #registers}): bit r for x_r. */
        private final int used;
        /** Registers the block may write, stored back to {@code x[]} at every exit. */
        private final int written;
        /**
         * Registers that may have been written when the block leaves after its k-th instruction (index k - 1): those
         * written by instructions 0 to k - 1, and by the rest of any loop of the block that goes back before k.
         */
        private final int[] writtenBy;
        /** The register the pending {@link #storeX} writes. */
        private int pendingRd;
        /** Whether registers live in locals ({@link #registers}) or are read and written in {@code x[]}. */
        private final boolean inLocals;

        Emitter(final MethodVisitor mv, final long entryPc, final long[] instructions, final int count,
            final int[] registers)
        {
            this.mv = mv;
            this.pcs = new long[count];
            this.count = count;
            this.inLocals = registers != null;
            this.used = inLocals ? registers[0] : 0;
            this.written = inLocals ? registers[1] : 0;
            this.labels = new Label[count];
            long pc = entryPc;
            for (int i = 0; i < count; i++)
            {
                labels[i] = new Label();
                pcs[i] = pc;
                final int w = (int)instructions[i];
                pc += (w & 0xFF) == Op.JAL ? instructions[i] >> 32 : Op.length(w);
            }
            final int[] prefix = new int[count + 1];
            for (int i = 0; i < count; i++)
            {
                final int w = (int)instructions[i];
                final int rd = Op.rd(w);
                prefix[i + 1] = prefix[i] | ((w & 0xFF) != Op.FP && rd != 0 && rd != Op.SINK ? 1 << rd : 0);
            }
            // the furthest instruction reached before leaving after k instructions, through a loop going back
            final int[] reach = new int[count + 1];
            for (int k = 0; k <= count; k++)
            {
                reach[k] = k;
            }
            for (int i = 0; i < count; i++)
            {
                final int w = (int)instructions[i];
                final int op = w & 0xFF;
                if (op == Op.JAL || op >= Op.BEQ && op <= Op.BGEU)
                {
                    final int t = indexOf(pcs[i] + (instructions[i] >> 32));
                    if (t >= 0 && t <= i)
                    {
                        for (int k = t + 1; k <= count; k++)
                        {
                            reach[k] = Math.max(reach[k], i + 1);
                        }
                    }
                }
            }
            this.writtenBy = new int[count + 1];
            for (int k = 0; k <= count; k++)
            {
                writtenBy[k] = prefix[reach[k]] & written;
            }
        }

        private static int local(final int r)
        {
            return L_REG + 2 * r;
        }

        /** Loads every register the block uses into its local (at the entry). */
        void loadRegisters()
        {
            for (int r = 1; r < 32; r++)
            {
                reload(r);
            }
        }

        /** Stores the registers the block may have written by its {@code retired}-th instruction to {@code x[]}. */
        void storeRegisters(final int retired)
        {
            final int mask = writtenBy[retired];
            for (int r = 1; r < 32; r++)
            {
                if ((mask & (1 << r)) != 0)
                {
                    sync(r);
                }
            }
        }

        /** Stores x_r's local to {@code x[r]} if the block may have written it. */
        private void sync(final int r)
        {
            if (r != 0 && (written & (1 << r)) != 0)
            {
                mv.visitVarInsn(Opcodes.ALOAD, L_X);
                pushInt(mv, r);
                mv.visitVarInsn(Opcodes.LLOAD, local(r));
                mv.visitInsn(Opcodes.LASTORE);
            }
        }

        /** Loads {@code x[r]} into x_r's local if the block holds x_r in one. */
        private void reload(final int r)
        {
            if (r != 0 && (used & (1 << r)) != 0)
            {
                mv.visitVarInsn(Opcodes.ALOAD, L_X);
                pushInt(mv, r);
                mv.visitInsn(Opcodes.LALOAD);
                mv.visitVarInsn(Opcodes.LSTORE, local(r));
            }
        }

        /** The index of the block's instruction at {@code pc}, or -1 if none starts there. */
        private int indexOf(final long pc)
        {
            for (int i = 0; i < count; i++)
            {
                if (pcs[i] == pc)
                {
                    return i;
                }
            }
            return -1;
        }

        /**
         * Jumps to {@code target} after {@code retired} instructions of this pass: inside the block when an
         * instruction of it starts there (a backward jump only while {@link Hart#mayLoop} allows another pass),
         * else leaves the block. Instruction t's constants count t instructions before it, so the base moves by
         * {@code retired - t} and every exit and fault still reports the exact count.
         */
        void jump(final int retired, final long target)
        {
            final int t = indexOf(target);
            if (t < 0)
            {
                exit(retired, target);
                return;
            }
            mv.visitVarInsn(Opcodes.ILOAD, L_BASE);
            pushInt(mv, retired - t);
            mv.visitInsn(Opcodes.IADD);
            if (t < retired)
            {
                final Label leave = new Label();
                mv.visitInsn(Opcodes.DUP);
                mv.visitVarInsn(Opcodes.ISTORE, L_TEMP);
                mv.visitVarInsn(Opcodes.ALOAD, L_HART);
                mv.visitVarInsn(Opcodes.ILOAD, L_TEMP);
                pushInt(mv, count);
                mv.visitInsn(Opcodes.IADD);
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, HART, "mayLoop", "(L" + HART + ";I)Z", false);
                mv.visitJumpInsn(Opcodes.IFEQ, leave);
                mv.visitVarInsn(Opcodes.ISTORE, L_BASE);
                mv.visitJumpInsn(Opcodes.GOTO, labels[t]);
                mv.visitLabel(leave);
                mv.visitInsn(Opcodes.POP);
                exit(retired, target);
            }
            else
            {
                mv.visitVarInsn(Opcodes.ISTORE, L_BASE);
                mv.visitJumpInsn(Opcodes.GOTO, labels[t]);
            }
        }

        /** Pushes x_r (0 for x0). */
        private void x(final int r)
        {
            if (r == 0)
            {
                mv.visitInsn(Opcodes.LCONST_0);
                return;
            }
            if (!inLocals)
            {
                mv.visitVarInsn(Opcodes.ALOAD, L_X);
                pushInt(mv, r);
                mv.visitInsn(Opcodes.LALOAD);
                return;
            }
            mv.visitVarInsn(Opcodes.LLOAD, local(r));
        }

        /** Pushes x[r] as an int (its low 32 bits). */
        private void xInt(final int r)
        {
            x(r);
            mv.visitInsn(Opcodes.L2I);
        }

        /** Starts a write of x_rd (1-31); {@link #storeX} completes it with the value on the stack. */
        private void target(final int rd)
        {
            pendingRd = rd;
            if (!inLocals)
            {
                mv.visitVarInsn(Opcodes.ALOAD, L_X);
                pushInt(mv, rd);
            }
        }

        private void storeX()
        {
            if (!inLocals)
            {
                mv.visitInsn(Opcodes.LASTORE);
                return;
            }
            mv.visitVarInsn(Opcodes.LSTORE, local(pendingRd));
        }

        /** Records the pc and retired count a fault in the next instruction reports. */
        private void faultPoint(final long pc, final int retired)
        {
            pushLong(mv, pc);
            mv.visitVarInsn(Opcodes.LSTORE, L_FAULT_PC);
            pushInt(mv, retired);
            mv.visitVarInsn(Opcodes.ISTORE, L_RETIRED);
        }

        /** Leaves the block: the registers it wrote back to {@code x[]}; hart.blockRetired = retired; return pc. */
        void exit(final int retired, final long pc)
        {
            storeRegisters(retired);
            setRetired(retired);
            pushLong(mv, pc);
            mv.visitInsn(Opcodes.LRETURN);
        }

        private void setRetired(final int retired)
        {
            mv.visitVarInsn(Opcodes.ALOAD, L_HART);
            mv.visitVarInsn(Opcodes.ILOAD, L_BASE);
            pushInt(mv, retired);
            mv.visitInsn(Opcodes.IADD);
            mv.visitFieldInsn(Opcodes.PUTFIELD, HART, "blockRetired", "I");
        }

        /** Pushes the effective address x[rs1] + imm. */
        private void address(final int rs1, final int imm)
        {
            mv.visitVarInsn(Opcodes.ALOAD, L_HART);
            x(rs1);
            if (imm != 0)
            {
                pushLong(mv, imm);
                mv.visitInsn(Opcodes.LADD);
            }
        }

        /** Binary long operation on x[rs1], x[rs2] into rd. */
        private void binary(final int rd, final int rs1, final int rs2, final int opcode)
        {
            target(rd);
            x(rs1);
            x(rs2);
            mv.visitInsn(opcode);
            storeX();
        }

        /** Binary long operation on x[rs1] and an immediate into rd. */
        private void immediate(final int rd, final int rs1, final long imm, final int opcode)
        {
            target(rd);
            x(rs1);
            pushLong(mv, imm);
            mv.visitInsn(opcode);
            storeX();
        }

        /** Shift of x[rs1] (long) by an int amount (immediate, or x[rs2]'s low bits) into rd. */
        private void shift(final int rd, final int rs1, final int rs2, final int amount, final int opcode)
        {
            target(rd);
            x(rs1);
            if (rs2 < 0)
            {
                pushInt(mv, amount);
            }
            else
            {
                xInt(rs2);
            }
            mv.visitInsn(opcode);
            storeX();
        }

        /** 32-bit operation (W forms): ints from x[rs1] and x[rs2] or an immediate, result sign-extended. */
        private void word(final int rd, final int rs1, final int rs2, final int imm, final int opcode)
        {
            target(rd);
            xInt(rs1);
            if (rs2 < 0)
            {
                pushInt(mv, imm);
            }
            else
            {
                xInt(rs2);
            }
            mv.visitInsn(opcode);
            mv.visitInsn(Opcodes.I2L);
            storeX();
        }

        /** rd = (a < b) ? 1 : 0 with a, b on the stack compared signed (LCMP) or unsigned. */
        private void setLess(final boolean unsigned)
        {
            if (unsigned)
            {
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Long", "compareUnsigned", "(JJ)I", false);
            }
            else
            {
                mv.visitInsn(Opcodes.LCMP);
            }
            final Label notLess = new Label();
            final Label done = new Label();
            mv.visitJumpInsn(Opcodes.IFGE, notLess);
            mv.visitInsn(Opcodes.LCONST_1);
            mv.visitJumpInsn(Opcodes.GOTO, done);
            mv.visitLabel(notLess);
            mv.visitInsn(Opcodes.LCONST_0);
            mv.visitLabel(done);
            storeX();
        }

        private void load(final int rd, final int rs1, final int imm, final String method, final long mask,
            final long pc, final int index)
        {
            faultPoint(pc, index);
            if (rd != Op.SINK)
            {
                target(rd);
            }
            address(rs1, imm);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, HART, method, "(J)J", false);
            if (mask != 0)
            {
                pushLong(mv, mask);
                mv.visitInsn(Opcodes.LAND);
            }
            if (rd != Op.SINK)
            {
                storeX();
            }
            else
            {
                mv.visitInsn(Opcodes.POP2);
            }
        }

        private void store(final int rs1, final int rs2, final int imm, final String method, final boolean wide,
            final long pc, final int index)
        {
            faultPoint(pc, index);
            address(rs1, imm);
            x(rs2);
            if (!wide)
            {
                mv.visitInsn(Opcodes.L2I);
            }
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, HART, method, wide ? "(JJ)V" : "(JI)V", false);
        }

        /** Side exit of a conditional branch: if taken, leave the block at pc + imm. */
        private void branch(final int rs1, final int rs2, final boolean unsigned, final int skipIfOpcode,
            final long target, final int retired)
        {
            x(rs1);
            x(rs2);
            if (unsigned)
            {
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Long", "compareUnsigned", "(JJ)I", false);
            }
            else
            {
                mv.visitInsn(Opcodes.LCMP);
            }
            final Label notTaken = new Label();
            mv.visitJumpInsn(skipIfOpcode, notTaken);
            jump(retired, target);
            mv.visitLabel(notTaken);
        }

        /**
         * Emits one instruction.
         *
         * @return true if it ends the block (JAL, JALR).
         */
        boolean instruction(final int w, final int imm, final long pc, final int index)
        {
            final int op = w & 0xFF;
            final int rd = Op.rd(w);
            final int rs1 = Op.rs1(w);
            final int rs2 = Op.rs2(w);
            final int length = Op.length(w);
            final int retired = index + 1;
            final boolean sink = rd == Op.SINK;
            switch (op)
            {
                case Op.LI:
                    if (!sink)
                    {
                        target(rd);
                        pushLong(mv, imm);
                        storeX();
                    }
                    return false;
                case Op.MV:
                    if (!sink)
                    {
                        target(rd);
                        x(rs2);
                        storeX();
                    }
                    return false;
                case Op.AUIPC:
                    if (!sink)
                    {
                        target(rd);
                        pushLong(mv, pc + imm);
                        storeX();
                    }
                    return false;
                case Op.JAL:
                    if (!sink)
                    {
                        target(rd);
                        pushLong(mv, pc + length);
                        storeX();
                    }
                    if (index + 1 < count && pcs[index + 1] == pc + imm)
                    {
                        // a superblock: the trace goes on at the target, unless the page was shot down while a
                        // load or store of the block waited for memory (the jump's successor is then looked up anew)
                        final Label onward = new Label();
                        mv.visitVarInsn(Opcodes.ALOAD, L_HART);
                        mv.visitMethodInsn(Opcodes.INVOKESTATIC, HART, "pageValid", "(L" + HART + ";)Z", false);
                        mv.visitJumpInsn(Opcodes.IFNE, onward);
                        exit(retired, pc + imm);
                        mv.visitLabel(onward);
                        return false;
                    }
                    jump(retired, pc + imm);
                    return true;
                case Op.JALR:
                    x(rs1);
                    pushLong(mv, imm);
                    mv.visitInsn(Opcodes.LADD);
                    pushLong(mv, ~1L);
                    mv.visitInsn(Opcodes.LAND);
                    mv.visitVarInsn(Opcodes.LSTORE, L_TEMP);
                    if (!sink)
                    {
                        target(rd);
                        pushLong(mv, pc + length);
                        storeX();
                    }
                    storeRegisters(retired);
                    setRetired(retired);
                    mv.visitVarInsn(Opcodes.LLOAD, L_TEMP);
                    mv.visitInsn(Opcodes.LRETURN);
                    return true;
                case Op.BEQ:
                    branch(rs1, rs2, false, Opcodes.IFNE, pc + imm, retired);
                    return false;
                case Op.BNE:
                    branch(rs1, rs2, false, Opcodes.IFEQ, pc + imm, retired);
                    return false;
                case Op.BLT:
                    branch(rs1, rs2, false, Opcodes.IFGE, pc + imm, retired);
                    return false;
                case Op.BGE:
                    branch(rs1, rs2, false, Opcodes.IFLT, pc + imm, retired);
                    return false;
                case Op.BLTU:
                    branch(rs1, rs2, true, Opcodes.IFGE, pc + imm, retired);
                    return false;
                case Op.BGEU:
                    branch(rs1, rs2, true, Opcodes.IFLT, pc + imm, retired);
                    return false;
                case Op.LB:
                    load(rd, rs1, imm, "load8", 0, pc, index);
                    return false;
                case Op.LH:
                    load(rd, rs1, imm, "load16", 0, pc, index);
                    return false;
                case Op.LW:
                    load(rd, rs1, imm, "load32", 0, pc, index);
                    return false;
                case Op.LD:
                    load(rd, rs1, imm, "load64", 0, pc, index);
                    return false;
                case Op.LBU:
                    load(rd, rs1, imm, "load8", 0xFFL, pc, index);
                    return false;
                case Op.LHU:
                    load(rd, rs1, imm, "load16", 0xFFFFL, pc, index);
                    return false;
                case Op.LWU:
                    load(rd, rs1, imm, "load32", 0xFFFF_FFFFL, pc, index);
                    return false;
                case Op.SB:
                    store(rs1, rs2, imm, "store8", false, pc, index);
                    return false;
                case Op.SH:
                    store(rs1, rs2, imm, "store16", false, pc, index);
                    return false;
                case Op.SW:
                    store(rs1, rs2, imm, "store32", false, pc, index);
                    return false;
                case Op.SD:
                    store(rs1, rs2, imm, "store64", true, pc, index);
                    return false;
                case Op.FLW:
                case Op.FLD:
                    faultPoint(pc, index);
                    mv.visitVarInsn(Opcodes.ALOAD, L_F);
                    pushInt(mv, rd);
                    address(rs1, imm);
                    if (op == Op.FLW)
                    {
                        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, HART, "load32", "(J)J", false);
                        pushLong(mv, 0xFFFF_FFFFL);
                        mv.visitInsn(Opcodes.LAND);
                        pushLong(mv, BOX);
                        mv.visitInsn(Opcodes.LOR);
                    }
                    else
                    {
                        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, HART, "load64", "(J)J", false);
                    }
                    mv.visitInsn(Opcodes.LASTORE);
                    return false;
                case Op.FSW:
                case Op.FSD:
                    faultPoint(pc, index);
                    address(rs1, imm);
                    mv.visitVarInsn(Opcodes.ALOAD, L_F);
                    pushInt(mv, rs2);
                    mv.visitInsn(Opcodes.LALOAD);
                    if (op == Op.FSW)
                    {
                        mv.visitInsn(Opcodes.L2I);
                        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, HART, "store32", "(JI)V", false);
                    }
                    else
                    {
                        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, HART, "store64", "(JJ)V", false);
                    }
                    return false;
                case Op.FP:
                {
                    // the unit reads x[rs1] or writes x[rd] itself in a few operations
                    final int fpRd = writesX(imm) ? (imm >>> 7) & 0x1F : 0;
                    faultPoint(pc, index);
                    if (readsX(imm))
                    {
                        sync((imm >>> 15) & 0x1F);
                    }
                    sync(fpRd);
                    mv.visitVarInsn(Opcodes.ALOAD, L_HART);
                    pushInt(mv, imm);
                    mv.visitMethodInsn(Opcodes.INVOKESTATIC, FPU, "execute", "(L" + STATE + ";I)Z", false);
                    final Label ok = new Label();
                    mv.visitJumpInsn(Opcodes.IFNE, ok);
                    pushInt(mv, imm);
                    pushLong(mv, pc);
                    mv.visitMethodInsn(Opcodes.INVOKESTATIC, HART, "illegal", "(IJ)L" + FAULT + ";", false);
                    mv.visitInsn(Opcodes.ATHROW);
                    mv.visitLabel(ok);
                    reload(fpRd);
                    return false;
                }
                case Op.FENCE:
                    return false;
                case Op.CSR: // fflags, frm or fcsr (translatable); cannot fault
                    sync((imm >>> 15) & 0x1F); // Zicsr reads a register operand from x[rs1]
                    if (!sink)
                    {
                        target(rd);
                    }
                    mv.visitVarInsn(Opcodes.ALOAD, L_HART);
                    pushInt(mv, imm);
                    pushLong(mv, 0);
                    mv.visitInsn(Opcodes.ACONST_NULL); // no counters: fflags, frm and fcsr only
                    pushLong(mv, pc);
                    mv.visitMethodInsn(Opcodes.INVOKESTATIC, ZICSR, "execute",
                        "(L" + STATE + ";IJL" + COUNTERS + ";J)J", false);
                    if (!sink)
                    {
                        storeX();
                    }
                    else
                    {
                        mv.visitInsn(Opcodes.POP2);
                    }
                    return false;
                default:
                    break;
            }
            if (sink)
            {
                return false; // every remaining operation only writes rd, and x0 discards it
            }
            switch (op)
            {
                case Op.ADDI:
                    immediate(rd, rs1, imm, Opcodes.LADD);
                    break;
                case Op.XORI:
                    immediate(rd, rs1, imm, Opcodes.LXOR);
                    break;
                case Op.ORI:
                    immediate(rd, rs1, imm, Opcodes.LOR);
                    break;
                case Op.ANDI:
                    immediate(rd, rs1, imm, Opcodes.LAND);
                    break;
                case Op.SLTI:
                case Op.SLTIU:
                    target(rd);
                    x(rs1);
                    pushLong(mv, imm);
                    setLess(op == Op.SLTIU);
                    break;
                case Op.SLLI:
                    shift(rd, rs1, -1, imm, Opcodes.LSHL);
                    break;
                case Op.SRLI:
                    shift(rd, rs1, -1, imm, Opcodes.LUSHR);
                    break;
                case Op.SRAI:
                    shift(rd, rs1, -1, imm, Opcodes.LSHR);
                    break;
                case Op.ADDIW:
                    word(rd, rs1, -1, imm, Opcodes.IADD);
                    break;
                case Op.SLLIW:
                    word(rd, rs1, -1, imm, Opcodes.ISHL);
                    break;
                case Op.SRLIW:
                    word(rd, rs1, -1, imm, Opcodes.IUSHR);
                    break;
                case Op.SRAIW:
                    word(rd, rs1, -1, imm, Opcodes.ISHR);
                    break;
                case Op.ADD:
                    binary(rd, rs1, rs2, Opcodes.LADD);
                    break;
                case Op.SUB:
                    binary(rd, rs1, rs2, Opcodes.LSUB);
                    break;
                case Op.XOR:
                    binary(rd, rs1, rs2, Opcodes.LXOR);
                    break;
                case Op.OR:
                    binary(rd, rs1, rs2, Opcodes.LOR);
                    break;
                case Op.AND:
                    binary(rd, rs1, rs2, Opcodes.LAND);
                    break;
                case Op.MUL:
                    binary(rd, rs1, rs2, Opcodes.LMUL);
                    break;
                case Op.SLL:
                    shift(rd, rs1, rs2, 0, Opcodes.LSHL);
                    break;
                case Op.SRL:
                    shift(rd, rs1, rs2, 0, Opcodes.LUSHR);
                    break;
                case Op.SRA:
                    shift(rd, rs1, rs2, 0, Opcodes.LSHR);
                    break;
                case Op.SLT:
                case Op.SLTU:
                    target(rd);
                    x(rs1);
                    x(rs2);
                    setLess(op == Op.SLTU);
                    break;
                case Op.ADDW:
                    word(rd, rs1, rs2, 0, Opcodes.IADD);
                    break;
                case Op.SUBW:
                    word(rd, rs1, rs2, 0, Opcodes.ISUB);
                    break;
                case Op.SLLW:
                    word(rd, rs1, rs2, 0, Opcodes.ISHL);
                    break;
                case Op.SRLW:
                    word(rd, rs1, rs2, 0, Opcodes.IUSHR);
                    break;
                case Op.SRAW:
                    word(rd, rs1, rs2, 0, Opcodes.ISHR);
                    break;
                case Op.MULW:
                    word(rd, rs1, rs2, 0, Opcodes.IMUL);
                    break;
                default: // MULH, MULHSU, MULHU, DIV, DIVU, REM, REMU, DIVW, DIVUW, REMW, REMUW
                    target(rd);
                    pushInt(mv, op);
                    x(rs1);
                    x(rs2);
                    mv.visitMethodInsn(Opcodes.INVOKESTATIC, MULDIV, "execute", "(IJJ)J", false);
                    storeX();
                    break;
            }
            return false;
        }
    }
}
