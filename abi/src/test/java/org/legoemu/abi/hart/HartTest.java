package org.legoemu.abi.hart;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.legoemu.abi.FlatGuestMemory;
import org.legoemu.abi.GuestFault;
import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.Signal;
import org.legoemu.abi.SyscallHandler;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.legoemu.abi.hart.Asm.A0;
import static org.legoemu.abi.hart.Asm.A1;
import static org.legoemu.abi.hart.Asm.A2;
import static org.legoemu.abi.hart.Asm.A3;
import static org.legoemu.abi.hart.Asm.A7;
import static org.legoemu.abi.hart.Asm.ZERO;

/** Instruction-level semantics of {@link Hart} (RISC-V unprivileged ISA chapters 2, 5, 7, 8, 9, 16). */
class HartTest
{
    private static final long CODE = 0x10000;
    private static final long DATA = 0x20000;
    private static final int RX = GuestMemory.ACCESS_READ | GuestMemory.ACCESS_EXEC;
    private static final int RW = GuestMemory.ACCESS_READ | GuestMemory.ACCESS_WRITE;

    private final FlatGuestMemory memory = new FlatGuestMemory();
    private final List<Long> syscalls = new ArrayList<>();
    private final Hart hart = new Hart(memory, s ->
    {
        syscalls.add(s.x[A7]);
        s.x[A0] = 100 + s.x[A7];
        return s.x[A7] == 93 ? SyscallHandler.EXIT : SyscallHandler.CONTINUE;
    });

    HartTest()
    {
        memory.map(CODE, 0x2000, RX);
        memory.map(DATA, 0x2000, RW);
        hart.pc = CODE;
    }

    private void code(final int... insns)
    {
        for (int k = 0; k < insns.length; k++)
        {
            memory.writeInt(CODE + 4L * k, insns[k]);
        }
        hart.flushTlb(); // new code is visible to a hart after fence.i (unprivileged ISA chapter 3)
    }

    private long runOne(final int insn)
    {
        code(insn);
        hart.pc = CODE;
        assertEquals(1, hart.run(1));
        return hart.pc;
    }

    private long rr(final int insn, final long a, final long b)
    {
        hart.x[A1] = a;
        hart.x[A2] = b;
        runOne(insn);
        return hart.x[A0];
    }

    @Test
    void divisionByZeroAndOverflowFollowTheSpec()
    {
        final long min = Long.MIN_VALUE;
        assertEquals(-1L, rr(Asm.op(1, 4, A0, A1, A2), 7, 0), "div by 0");
        assertEquals(-1L, rr(Asm.op(1, 5, A0, A1, A2), 7, 0), "divu by 0");
        assertEquals(7L, rr(Asm.op(1, 6, A0, A1, A2), 7, 0), "rem by 0");
        assertEquals(7L, rr(Asm.op(1, 7, A0, A1, A2), 7, 0), "remu by 0");
        assertEquals(min, rr(Asm.op(1, 4, A0, A1, A2), min, -1), "div overflow");
        assertEquals(0L, rr(Asm.op(1, 6, A0, A1, A2), min, -1), "rem overflow");
        assertEquals(-3L, rr(Asm.op(1, 4, A0, A1, A2), -7, 2), "div truncates toward zero");
        assertEquals(-1L, rr(Asm.op(1, 6, A0, A1, A2), -7, 2), "rem has the dividend's sign");
        assertEquals(Long.divideUnsigned(-7, 2), rr(Asm.op(1, 5, A0, A1, A2), -7, 2), "divu");

        assertEquals(-1L, rr(Asm.op32(1, 4, A0, A1, A2), 7, 0), "divw by 0");
        assertEquals(-1L, rr(Asm.op32(1, 5, A0, A1, A2), 7, 0x1_0000_0000L), "divuw by 0 (upper bits ignored)");
        assertEquals(-5L, rr(Asm.op32(1, 6, A0, A1, A2), 0xFFFF_FFFBL, 0), "remw by 0 sign-extends");
        assertEquals(-5L, rr(Asm.op32(1, 7, A0, A1, A2), 0xFFFF_FFFBL, 0), "remuw by 0 sign-extends");
        assertEquals((long)Integer.MIN_VALUE, rr(Asm.op32(1, 4, A0, A1, A2), 0x8000_0000L, -1), "divw overflow");
        assertEquals(0L, rr(Asm.op32(1, 6, A0, A1, A2), 0x8000_0000L, -1), "remw overflow");
        assertEquals(0x7FFF_FFFFL, rr(Asm.op32(1, 5, A0, A1, A2), 0xFFFF_FFFEL, 2), "divuw");
        assertEquals(-1L, rr(Asm.op32(1, 7, A0, A1, A2), 0xFFFF_FFFFL, 0x1_0000_0000L), "remuw by 0");
    }

    @Property(tries = 300)
    void multiplyHighMatchesBigInteger(@ForAll final long a, @ForAll final long b)
    {
        final BigInteger sa = BigInteger.valueOf(a);
        final BigInteger sb = BigInteger.valueOf(b);
        final BigInteger ua = sa.and(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE));
        final BigInteger ub = sb.and(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE));
        assertEquals(sa.multiply(sb).shiftRight(64).longValue(), rr(Asm.op(1, 1, A0, A1, A2), a, b), "mulh");
        assertEquals(sa.multiply(ub).shiftRight(64).longValue(), rr(Asm.op(1, 2, A0, A1, A2), a, b), "mulhsu");
        assertEquals(ua.multiply(ub).shiftRight(64).longValue(), rr(Asm.op(1, 3, A0, A1, A2), a, b), "mulhu");
        assertEquals(a * b, rr(Asm.op(1, 0, A0, A1, A2), a, b), "mul");
        assertEquals((long)((int)a * (int)b), rr(Asm.op32(1, 0, A0, A1, A2), a, b), "mulw");
    }

    @Test
    void multiplyHighEdgeCases()
    {
        assertEquals(-2L, rr(Asm.op(1, 3, A0, A1, A2), -1, -1), "mulhu max*max");
        assertEquals(-1L, rr(Asm.op(1, 2, A0, A1, A2), -1, -1), "mulhsu -1 * max");
        assertEquals(0L, rr(Asm.op(1, 1, A0, A1, A2), -1, -1), "mulh -1 * -1");
        assertEquals(0x4000_0000_0000_0000L, rr(Asm.op(1, 1, A0, A1, A2), Long.MIN_VALUE, Long.MIN_VALUE));
    }

    @Test
    void wordOperationsSignExtend()
    {
        assertEquals(0xFFFF_FFFF_8000_0000L, rr(Asm.op32(0, 0, A0, A1, A2), 0x7FFF_FFFF, 1), "addw");
        assertEquals(0xFFFF_FFFF_FFFF_FFFFL, rr(Asm.op32(0x20, 0, A0, A1, A2), 0, 1), "subw");
        assertEquals(0xFFFF_FFFF_8000_0000L, rr(Asm.op32(0, 1, A0, A1, A2), 1, 31 + 32), "sllw uses 5 bits");
        assertEquals(0x0000_0000_7FFF_FFFFL, rr(Asm.op32(0, 5, A0, A1, A2), 0xFFFF_FFFEL, 1), "srlw");
        assertEquals(0xFFFF_FFFF_FFFF_FFFFL, rr(Asm.op32(0x20, 5, A0, A1, A2), 0x8000_0000L, 31), "sraw");
        assertEquals(1L, rr(Asm.op32(0, 5, A0, A1, A2), 0xFFFF_FFFF_8000_0000L, 31), "srlw zero-fills bit 31");
        assertEquals(0xFFFF_FFFF_8000_0000L, rr(Asm.i(1, A1, 0, A0, 0x1B), 0x7FFF_FFFF, 0), "addiw");
        assertEquals(0xFFFF_FFFF_8000_0000L, rr(Asm.i(31, A1, 1, A0, 0x1B), 1, 0), "slliw");
        assertEquals(0xFFFF_FFFF_F800_0000L, rr(Asm.i(0x400 | 4, A1, 5, A0, 0x1B), 0x8000_0000L, 0), "sraiw");
        assertEquals(0x0800_0000L, rr(Asm.i(4, A1, 5, A0, 0x1B), 0x8000_0000L, 0), "srliw");
        assertEquals(0xFFFF_FFFF_8000_0000L, rr(Asm.lui(A0, 0x80000), 0, 0), "lui sign-extends");
        assertEquals(42L, rr(Asm.i(0, A1, 0, A0, 0x1B), 0x1234_5678_0000_002AL, 0), "sext.w");
    }

    @Test
    void shiftsUseSixBitAmounts()
    {
        assertEquals(Long.MIN_VALUE, rr(Asm.op(0, 1, A0, A1, A2), 1, 63 + 64), "sll");
        assertEquals(1L, rr(Asm.op(0, 5, A0, A1, A2), Long.MIN_VALUE, 63), "srl");
        assertEquals(-1L, rr(Asm.op(0x20, 5, A0, A1, A2), Long.MIN_VALUE, 63), "sra");
        assertEquals(Long.MIN_VALUE, rr(Asm.i(63, A1, 1, A0, 0x13), 1, 0), "slli 63");
        assertEquals(-1L, rr(Asm.i(0x400 | 63, A1, 5, A0, 0x13), Long.MIN_VALUE, 0), "srai 63");
        assertEquals(1L, rr(Asm.i(63, A1, 5, A0, 0x13), Long.MIN_VALUE, 0), "srli 63");
        assertEquals(1L, rr(Asm.op(0, 3, A0, A1, A2), 1, -1), "sltu");
        assertEquals(0L, rr(Asm.op(0, 2, A0, A1, A2), 1, -1), "slt");
        assertEquals(1L, rr(Asm.i(-1, A1, 3, A0, 0x13), 5, 0), "sltiu with -1 is unsigned max");
    }

    @Test
    void writesToX0AreDiscarded()
    {
        hart.x[A1] = 5;
        runOne(Asm.addi(ZERO, A1, 1));
        assertEquals(0, hart.x[0]);
        memory.writeLong(DATA, 77);
        hart.x[A1] = DATA;
        runOne(Asm.load(3, ZERO, A1, 0));
        assertEquals(0, hart.x[0]);
    }

    @Test
    void compressedInstructionsExecuteAndAdvanceByTwo()
    {
        // c.li a0, 5; c.addi a0, -1; c.mv a1, a0; c.add a0, a1
        memory.write(CODE, new byte[]{ 0x15, 0x45, 0x7d, 0x15, (byte)0xaa, (byte)0x85, 0x2e, (byte)0x95 }, 0, 8);
        hart.flushTlb();
        assertEquals(4, hart.run(4));
        assertEquals(CODE + 8, hart.pc);
        assertEquals(8L, hart.x[A0]);
        assertEquals(4L, hart.x[A1]);
    }

    @Test
    void compressedBranchesAndStackLoads()
    {
        hart.x[2] = DATA + 0x100;
        memory.writeLong(DATA + 0x100 + 8, 0x1122_3344_5566_7788L);
        // c.ldsp a0, 8(sp); c.bnez a0, +4 (skips the c.li a0, 5) ; c.li a0, 5; c.nop
        memory.write(CODE, new byte[]{ 0x22, 0x65, 0x11, (byte)0xe1, 0x15, 0x45, 0x01, 0x00 }, 0, 8);
        hart.flushTlb();
        assertEquals(3, hart.run(3));
        assertEquals(0x1122_3344_5566_7788L, hart.x[A0]);
        assertEquals(CODE + 8, hart.pc);
    }

    @Test
    void jumpsLinkAndClearBitZero()
    {
        hart.x[A1] = CODE + 0x101;
        final long next = runOne(Asm.i(0, A1, 0, A0, 0x67));
        assertEquals(CODE + 0x100, next);
        assertEquals(CODE + 4, hart.x[A0]);
        assertEquals(CODE - 2048, runOne(Asm.jal(A0, -2048)));
        assertEquals(CODE + 4, hart.x[A0]);
        hart.x[A1] = -1;
        hart.x[A2] = 1;
        assertEquals(CODE - 4096, runOne(Asm.b(-4096, A2, A1, 4)), "blt taken backwards");
        assertEquals(CODE + 4, runOne(Asm.b(-4096, A2, A1, 6)), "bltu not taken");
    }

    @Test
    void loadReservedStoreConditional()
    {
        memory.writeLong(DATA + 8, 10);
        hart.x[A1] = DATA + 8;
        hart.x[A2] = 99;
        code(Asm.amo(Hart.AMO_LR, true, A0, A1, 0), Asm.amo(Hart.AMO_SC, true, A3, A1, A2),
            Asm.amo(Hart.AMO_SC, true, A3, A1, A2));
        hart.run(2);
        assertEquals(10L, hart.x[A0]);
        assertEquals(0L, hart.x[A3], "sc after lr succeeds");
        assertEquals(99L, memory.readLong(DATA + 8));
        hart.x[A2] = 123;
        hart.run(1);
        assertEquals(1L, hart.x[A3], "second sc fails: reservation consumed");
        assertEquals(99L, memory.readLong(DATA + 8));

        memory.writeInt(DATA + 16, 0x8000_0000);
        hart.x[A1] = DATA + 16;
        runOne(Asm.amo(Hart.AMO_LR, false, A0, A1, 0));
        assertEquals(0xFFFF_FFFF_8000_0000L, hart.x[A0], "lr.w sign-extends");
        hart.x[A1] = DATA + 24;
        runOne(Asm.amo(Hart.AMO_SC, false, A3, A1, A2));
        assertEquals(1L, hart.x[A3], "sc to another address fails");
    }

    @Test
    void atomicMemoryOperations()
    {
        hart.x[A1] = DATA;
        memory.writeLong(DATA, 5);
        hart.x[A2] = 7;
        runOne(Asm.amo(Hart.AMO_ADD, true, A0, A1, A2));
        assertEquals(5L, hart.x[A0]);
        assertEquals(12L, memory.readLong(DATA));

        memory.writeLong(DATA, 0x0000_0001_7FFF_FFFFL);
        hart.x[A2] = 1;
        runOne(Asm.amo(Hart.AMO_ADD, false, A0, A1, A2));
        assertEquals(0x7FFF_FFFFL, hart.x[A0]);
        assertEquals(0x0000_0001_8000_0000L, memory.readLong(DATA), "amoadd.w touches only 32 bits");

        runOne(Asm.amo(Hart.AMO_SWAP, false, A0, A1, A2));
        assertEquals(0xFFFF_FFFF_8000_0000L, hart.x[A0], "amoswap.w returns sign-extended old value");

        memory.writeLong(DATA, -5);
        hart.x[A2] = 3;
        runOne(Asm.amo(Hart.AMO_MAXU, true, A0, A1, A2));
        assertEquals(-5L, memory.readLong(DATA), "amomaxu.d: -5 is the larger unsigned");
        runOne(Asm.amo(Hart.AMO_MAX, true, A0, A1, A2));
        assertEquals(3L, memory.readLong(DATA));
        hart.x[A2] = -1;
        runOne(Asm.amo(Hart.AMO_MIN, true, A0, A1, A2));
        assertEquals(-1L, memory.readLong(DATA));

        memory.writeLong(DATA, 0xAAAA_AAAA_0000_0010L);
        hart.x[A2] = 0xFFFF_FFFF_0000_0001L;
        runOne(Asm.amo(Hart.AMO_MINU, false, A0, A1, A2));
        assertEquals(0xAAAA_AAAA_0000_0001L, memory.readLong(DATA), "amominu.w compares low 32 bits");
        hart.x[A2] = 0xF0;
        runOne(Asm.amo(Hart.AMO_OR, false, A0, A1, A2));
        runOne(Asm.amo(Hart.AMO_XOR, false, A0, A1, A2));
        hart.x[A2] = 0xFFFF_FFFF_FFFF_FF0FL;
        runOne(Asm.amo(Hart.AMO_AND, true, A0, A1, A2));
        assertEquals(0xAAAA_AAAA_0000_0001L, memory.readLong(DATA));
        hart.x[A2] = 0x8000_0000L;
        runOne(Asm.amo(Hart.AMO_MIN, false, A0, A1, A2));
        assertEquals(0xAAAA_AAAA_8000_0000L, memory.readLong(DATA), "amomin.w is signed on 32 bits");
    }

    @Test
    void misalignedAtomicIsSigbus()
    {
        hart.x[A1] = DATA + 4;
        code(Asm.amo(Hart.AMO_ADD, true, A0, A1, A2));
        final GuestFault fault = assertThrows(GuestFault.class, () -> hart.run(1));
        assertEquals(Signal.SIGBUS, fault.signal());
        assertEquals(CODE, fault.pc());
    }

    @Test
    void misalignedAccessAcrossPageBoundary()
    {
        final long addr = DATA + 0x1000 - 3;
        hart.x[A1] = addr;
        hart.x[A2] = 0x0102_0304_0506_0708L;
        code(Asm.store(3, A2, A1, 0), Asm.load(3, A0, A1, 0), Asm.load(2, A3, A1, 1), Asm.load(1, A1, A1, 2));
        assertEquals(4, hart.run(4));
        assertArrayEquals(new byte[]{ 8, 7, 6, 5, 4, 3, 2, 1 }, memory.read(addr, 8));
        assertEquals(0x0102_0304_0506_0708L, hart.x[A0]);
        assertEquals(0x0405_0607L, hart.x[A3]);
        assertEquals(0x0506L, hart.x[A1]);
    }

    @Test
    void storeAcrossIntoUnmappedPageFaultsWithoutWriting()
    {
        final long addr = DATA + 0x2000 - 4;
        hart.x[A1] = addr;
        hart.x[A2] = -1;
        code(Asm.store(3, A2, A1, 0));
        final GuestFault fault = assertThrows(GuestFault.class, () -> hart.run(1));
        assertEquals(Signal.SIGSEGV, fault.signal());
        assertEquals(DATA + 0x2000 + 3, fault.address());
        assertEquals(CODE, fault.pc());
        assertArrayEquals(new byte[4], memory.read(addr, 4));
    }

    @Test
    void instructionStraddlingPagesIsFetchedInTwoHalves()
    {
        final long at = CODE + 0x1000 - 2;
        memory.writeInt(at, Asm.addi(A0, ZERO, 1234));
        hart.pc = at;
        assertEquals(1, hart.run(1));
        assertEquals(1234L, hart.x[A0]);
        assertEquals(CODE + 0x1002, hart.pc);
    }

    @Test
    void compressedInstructionAtEndOfLastPageDoesNotTouchTheNextPage()
    {
        final long at = CODE + 0x2000 - 2;
        memory.write(at, new byte[]{ 0x15, 0x45 }, 0, 2); // c.li a0, 5
        hart.pc = at;
        assertEquals(1, hart.run(1));
        assertEquals(5L, hart.x[A0]);
        final GuestFault fault = assertThrows(GuestFault.class, () -> hart.run(1));
        assertEquals(Signal.SIGSEGV, fault.signal());
        assertEquals(CODE + 0x2000, fault.address());
    }

    @Test
    void illegalInstructionReportsItsBits()
    {
        code(0xFFFF_FFFF);
        final GuestFault fault = assertThrows(GuestFault.class, () -> hart.run(10));
        assertEquals(Signal.SIGILL, fault.signal());
        assertEquals(0xFFFF_FFFFL, fault.instructionBits());
        assertEquals(CODE, fault.pc());
        assertEquals(CODE, fault.address());
        assertEquals(CODE, hart.pc);
        assertEquals(0, hart.instructionsRetired());
        assertTrue(fault.describe().startsWith("SIGILL: illegal instruction 0xffffffff at pc 0x10000"));
    }

    @Test
    void illegalCompressedAndReservedEncodings()
    {
        code(0x0000_0000);
        GuestFault fault = assertThrows(GuestFault.class, () -> hart.run(1));
        assertEquals(Signal.SIGILL, fault.signal());
        assertEquals(0L, fault.instructionBits());

        hart.pc = CODE;
        code(Asm.i(0x7C0, A1, 2, A0, 0x73)); // csrrs a0, 0x7c0 (not a user CSR), a1
        fault = assertThrows(GuestFault.class, () -> hart.run(1));
        assertEquals(Signal.SIGILL, fault.signal());

        hart.pc = CODE;
        code(Asm.csr(1, A0, Zicsr.CSR_CYCLE, A1)); // csrrw to read-only cycle
        assertEquals(Signal.SIGILL, assertThrows(GuestFault.class, () -> hart.run(1)).signal());

        hart.pc = CODE;
        code(Asm.i(0x400 | 1, A1, 1, A0, 0x13)); // slli with funct6 0x10
        assertEquals(Signal.SIGILL, assertThrows(GuestFault.class, () -> hart.run(1)).signal());
    }

    @Test
    void unmappedLoadIsSigsegvWithTheAddress()
    {
        hart.x[A1] = 0x1234_5678_9000L;
        code(Asm.addi(A2, ZERO, 1), Asm.load(3, A0, A1, 8));
        final GuestFault fault = assertThrows(GuestFault.class, () -> hart.run(5));
        assertEquals(Signal.SIGSEGV, fault.signal());
        assertEquals(0x1234_5678_9008L, fault.address());
        assertEquals(CODE + 4, fault.pc());
        assertEquals(1, hart.instructionsRetired());
        assertTrue(fault.describe().contains("address 0x123456789008 pc 0x10004"));
    }

    @Test
    void storeToReadOnlyPageIsSigsegv()
    {
        hart.x[A1] = CODE + 0x800;
        code(Asm.store(2, A1, A1, 0));
        final GuestFault fault = assertThrows(GuestFault.class, () -> hart.run(1));
        assertEquals(Signal.SIGSEGV, fault.signal());
        assertEquals(CODE + 0x800, fault.address());
    }

    @Test
    void shootdownDropsCachedTranslations()
    {
        memory.writeLong(DATA, 42);
        hart.x[A1] = DATA;
        code(Asm.load(3, A0, A1, 0), Asm.load(3, A0, A1, 0));
        hart.run(1);
        assertEquals(42L, hart.x[A0]);
        memory.protect(DATA, 0x1000, 0);
        final GuestFault fault = assertThrows(GuestFault.class, () -> hart.run(1));
        assertEquals(DATA, fault.address());
    }

    @Test
    void tlbHitsAvoidPageRequests()
    {
        hart.x[A1] = DATA;
        code(Asm.load(3, A0, A1, 0), Asm.load(3, A0, A1, 8), Asm.store(3, A0, A1, 16), Asm.store(3, A0, A1, 24),
            Asm.jal(ZERO, -16));
        hart.run(5);
        final int misses = memory.pageRequests();
        hart.run(10_000);
        assertEquals(misses, memory.pageRequests());
    }

    @Test
    void ecallGoesToTheHandlerAndExitStops()
    {
        code(Asm.addi(A7, ZERO, 64), Asm.ECALL, Asm.addi(A7, ZERO, 93), Asm.ECALL, Asm.addi(A0, ZERO, 1));
        assertEquals(4, hart.run(100));
        assertTrue(hart.exited());
        assertEquals(List.of(64L, 93L), syscalls);
        assertEquals(CODE + 16, hart.pc);
        assertEquals(0, hart.run(100));
        assertEquals(4, hart.instructionsRetired());
    }

    @Test
    void ebreakIsSigtrap()
    {
        code(Asm.EBREAK);
        final GuestFault fault = assertThrows(GuestFault.class, () -> hart.run(1));
        assertEquals(Signal.SIGTRAP, fault.signal());
        assertFalse(hart.exited());
    }

    @Test
    void budgetLimitsTheRun()
    {
        code(Asm.jal(ZERO, 0));
        assertEquals(1000, hart.run(1000));
        assertEquals(1000, hart.instructionsRetired());
    }

    @Test
    void floatingPointCsrsAndCounters()
    {
        hart.x[A1] = 0xFF;
        code(Asm.csr(1, A0, Zicsr.CSR_FCSR, A1), Asm.csr(2, A2, Zicsr.CSR_FRM, ZERO),
            Asm.csr(6, A3, Zicsr.CSR_FFLAGS, 0x01), Asm.csr(2, A0, Zicsr.CSR_INSTRET, ZERO),
            Asm.csr(5, A1, Zicsr.CSR_FRM, 0x1));
        hart.run(5);
        assertEquals(7L, hart.x[A2], "frm from fcsr bits 7:5");
        assertEquals(0x1FL, hart.x[A3], "fflags before csrrsi");
        assertEquals(3L, hart.x[A0], "instret counts retired instructions");
        assertEquals(0x1F, hart.fflags);
        assertEquals(1, hart.frm);
        assertEquals(7L, hart.x[A1]);
    }

    /**
     * rdtime and rdcycle read the hart's {@link GuestCounters} with the exact instret of the reading instruction,
     * whether the loop before them ran interpreted or as compiled blocks (which leave counter CSRs to the
     * interpreter); rdinstret stays the instret.
     */
    @Test
    void counterCsrsReadTheInstalledCountersWithTheExactInstret()
    {
        for (final boolean jit : new boolean[] {false, true})
        {
            final Hart h = new Hart(memory, s -> SyscallHandler.EXIT);
            h.jit(jit);
            h.counters(new GuestCounters()
            {
                @Override
                public long time(final long instret)
                {
                    return instret * 3 + 1;
                }

                @Override
                public long cycle(final long instret)
                {
                    return instret * 7 + 2;
                }
            });
            code(Asm.addi(A1, ZERO, 500), Asm.addi(A1, A1, -1), Asm.b(-4, ZERO, A1, 1),
                Asm.csr(2, A0, Zicsr.CSR_TIME, ZERO), Asm.csr(2, A2, Zicsr.CSR_CYCLE, ZERO),
                Asm.csr(2, A3, Zicsr.CSR_INSTRET, ZERO), 0x73);
            h.pc = CODE;
            while (!h.exited())
            {
                h.run(1 << 16);
            }
            final long loop = 1 + 500 * 2;
            assertEquals(loop * 3 + 1, h.x[A0], "rdtime, jit " + jit);
            assertEquals((loop + 1) * 7 + 2, h.x[A2], "rdcycle, jit " + jit);
            assertEquals(loop + 2, h.x[A3], "rdinstret, jit " + jit);
            h.detach();
        }
    }

    @Test
    void floatLoadNanBoxesAndStoresRoundTrip()
    {
        memory.writeInt(DATA, 0x3F80_0000);
        memory.writeLong(DATA + 8, 0x4000_0000_0000_0000L);
        hart.x[A1] = DATA;
        code(Asm.i(0, A1, 2, 1, 0x07), Asm.i(8, A1, 3, 2, 0x07), Asm.s(32, 1, A1, 2, 0x27),
            Asm.s(40, 2, A1, 3, 0x27));
        hart.run(4);
        assertEquals(0xFFFF_FFFF_3F80_0000L, hart.f[1]);
        assertEquals(0x4000_0000_0000_0000L, hart.f[2]);
        assertEquals(0x3F80_0000L, memory.readLong(DATA + 32));
        assertEquals(0x4000_0000_0000_0000L, memory.readLong(DATA + 40));
    }

    @Test
    void fenceIsANoOpAndFenceIFlushesFetches()
    {
        code(0x0FF0_000F, 0x0000_100F, Asm.addi(A0, ZERO, 1));
        hart.run(3);
        assertEquals(1L, hart.x[A0]);
    }
}
