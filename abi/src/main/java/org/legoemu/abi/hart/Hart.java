package org.legoemu.abi.hart;

import org.legoemu.abi.GuestFault;
import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.Signal;
import org.legoemu.abi.SyscallHandler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * An RV64GC user-mode interpreter (RISC-V unprivileged ISA 20191213: RV64I chapters 2 and 5, "M" chapter 7,
 * "A" chapter 8, "C" chapter 16, "Zicsr" chapter 9, "Zifencei" chapter 3). Loads and stores of
 * {@code FLW/FLD/FSW/FSD} are executed here; every other F/D instruction is delegated to
 * {@link FloatingPointUnit#execute}.
 *
 * <p>Guest memory is reached through a direct-mapped software TLB held as parallel primitive arrays: one tag
 * array and one page array per access kind (read, write, execute). A hit is a tag compare and a little-endian
 * {@link VarHandle} access on the page's {@code byte[]}; a miss asks {@link GuestMemory#page} and fills the
 * entry. The memory tells the hart when a page stops being valid through the shootdown listener registered in
 * the constructor. Accesses that straddle a page boundary take a byte-by-byte path that translates both pages
 * before touching either, so a faulting store writes nothing.
 *
 * <p>Faults surface as {@link GuestFault} with the pc of the faulting instruction; the pc is left pointing at
 * it. Environment calls go to the {@link SyscallHandler}; {@code ebreak} is a {@link Signal#SIGTRAP} fault.
 *
 * <p>Not thread-safe: one hart runs on one thread; only {@link #invalidatePage(long)} may be called from
 * another thread (it only clears tags).
 */
public final class Hart extends HartState
{
    /** Number of TLB entries per access kind; a power of two. */
    public static final int TLB_ENTRIES = 1024;
    private static final int TLB_MASK = TLB_ENTRIES - 1;
    private static final long NO_TAG = -1L;
    private static final int PAGE_SHIFT = GuestMemory.PAGE_SHIFT;
    private static final int OFFSET_MASK = (int)GuestMemory.PAGE_MASK;
    private static final int PAGE_SIZE = GuestMemory.PAGE_SIZE;

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class,
        ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class,
        ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT_LE = MethodHandles.byteArrayViewVarHandle(short[].class,
        ByteOrder.LITTLE_ENDIAN);

    /** CSR numbers (unprivileged ISA chapter 9 and 10; privileged ISA table 2.2). */
    public static final int CSR_FFLAGS = 0x001;
    public static final int CSR_FRM = 0x002;
    public static final int CSR_FCSR = 0x003;
    public static final int CSR_CYCLE = 0xC00;
    public static final int CSR_TIME = 0xC01;
    public static final int CSR_INSTRET = 0xC02;

    /** Frequency of the {@code time} CSR in Hz: 10 MHz, the timebase of QEMU's virt board and most boards. */
    public static final long TIMEBASE_HZ = 10_000_000L;

    /** AMO funct5 values (unprivileged ISA table 8.2/24.x). */
    public static final int AMO_ADD = 0x00;
    public static final int AMO_SWAP = 0x01;
    public static final int AMO_LR = 0x02;
    public static final int AMO_SC = 0x03;
    public static final int AMO_XOR = 0x04;
    public static final int AMO_OR = 0x08;
    public static final int AMO_AND = 0x0C;
    public static final int AMO_MIN = 0x10;
    public static final int AMO_MAX = 0x14;
    public static final int AMO_MINU = 0x18;
    public static final int AMO_MAXU = 0x1C;

    private final GuestMemory memory;
    private final SyscallHandler syscalls;

    private final long[] readTag = new long[TLB_ENTRIES];
    private final long[] writeTag = new long[TLB_ENTRIES];
    private final long[] execTag = new long[TLB_ENTRIES];
    private final byte[][] readPage = new byte[TLB_ENTRIES][];
    private final byte[][] writePage = new byte[TLB_ENTRIES][];
    private final byte[][] execPage = new byte[TLB_ENTRIES][];

    private long instret;
    private boolean exited;
    private boolean reservationValid;
    private long reservationAddress;
    private final long startNanos = System.nanoTime();

    /**
     * Creates a hart with all registers zero and pc 0 and registers its TLB with {@code memory} for shootdowns.
     *
     * @param memory   the guest address space.
     * @param syscalls receives every {@code ecall}.
     */
    public Hart(final GuestMemory memory, final SyscallHandler syscalls)
    {
        this.memory = memory;
        this.syscalls = syscalls;
        flushTlb();
        memory.addShootdownListener(this::invalidatePage);
    }

    /** Instructions retired by this hart since it was created (the {@code instret} CSR). */
    public long instructionsRetired()
    {
        return instret;
    }

    /** True once the syscall handler has returned {@link SyscallHandler#EXIT}. */
    public boolean exited()
    {
        return exited;
    }

    /**
     * Drops every TLB translation of virtual page {@code vpn} (read, write and execute), and the LR reservation
     * if it lies in that page.
     *
     * @param vpn virtual page number, {@code vaddr >>> 12}.
     */
    public void invalidatePage(final long vpn)
    {
        final int i = (int)vpn & TLB_MASK;
        if (readTag[i] == vpn)
        {
            readTag[i] = NO_TAG;
            readPage[i] = null;
        }
        if (writeTag[i] == vpn)
        {
            writeTag[i] = NO_TAG;
            writePage[i] = null;
        }
        if (execTag[i] == vpn)
        {
            execTag[i] = NO_TAG;
            execPage[i] = null;
        }
        if (reservationValid && (reservationAddress >>> PAGE_SHIFT) == vpn)
        {
            reservationValid = false;
        }
    }

    /** Drops every TLB translation (also what {@code fence.i} does, as the execute TLB is the decode cache). */
    public void flushTlb()
    {
        java.util.Arrays.fill(readTag, NO_TAG);
        java.util.Arrays.fill(writeTag, NO_TAG);
        java.util.Arrays.fill(execTag, NO_TAG);
        java.util.Arrays.fill(readPage, null);
        java.util.Arrays.fill(writePage, null);
        java.util.Arrays.fill(execPage, null);
    }

    /**
     * Runs until the syscall handler reports {@link SyscallHandler#EXIT}, or {@code maxInstructions} have
     * retired.
     *
     * @param maxInstructions instruction budget for this call; must be non-negative.
     * @return the number of instructions retired by this call (an ecall that exits counts as retired).
     * @throws GuestFault on SIGSEGV/SIGBUS/SIGILL/SIGTRAP, with {@link GuestFault#pc()} set to the faulting
     *                    instruction, which is also left in {@link #pc}.
     */
    public long run(final long maxInstructions)
    {
        long retired = 0;
        try
        {
            while (retired < maxInstructions && !exited)
            {
                step();
                instret++;
                retired++;
            }
        }
        catch (final GuestFault fault)
        {
            throw fault.withPc(pc);
        }
        return retired;
    }

    private void step()
    {
        final long pc = this.pc;
        final int raw = fetch(pc);
        if ((raw & 3) == 3)
        {
            execute(raw, pc, 4);
        }
        else
        {
            final int parcel = raw & 0xFFFF;
            final int insn = Compressed.expand(parcel);
            if (insn == Compressed.ILLEGAL)
            {
                throw illegal(parcel, pc);
            }
            execute(insn, pc, 2);
        }
    }

    private static GuestFault illegal(final int bits, final long pc)
    {
        return new GuestFault(Signal.SIGILL, pc, pc, bits & 0xFFFFFFFFL, "illegal instruction");
    }

    // ------------------------------------------------------------------------------------------------------
    // Execution
    // ------------------------------------------------------------------------------------------------------

    private void execute(final int insn, final long pc, final int length)
    {
        final long[] x = this.x;
        final int opcode = insn & 0x7F;
        final int rd = (insn >>> 7) & 0x1F;
        final int funct3 = (insn >>> 12) & 7;
        final int rs1 = (insn >>> 15) & 0x1F;
        final int rs2 = (insn >>> 20) & 0x1F;
        long nextPc = pc + length;

        switch (opcode)
        {
            case 0x03: // LOAD
            {
                final long addr = x[rs1] + (insn >> 20);
                final long value;
                switch (funct3)
                {
                    case 0:
                        value = load8(addr);
                        break;
                    case 1:
                        value = load16(addr);
                        break;
                    case 2:
                        value = load32(addr);
                        break;
                    case 3:
                        value = load64(addr);
                        break;
                    case 4:
                        value = load8(addr) & 0xFFL;
                        break;
                    case 5:
                        value = load16(addr) & 0xFFFFL;
                        break;
                    case 6:
                        value = load32(addr) & 0xFFFF_FFFFL;
                        break;
                    default:
                        throw illegal(insn, pc);
                }
                x[rd] = value;
                break;
            }

            case 0x07: // LOAD-FP
            {
                final long addr = x[rs1] + (insn >> 20);
                if (funct3 == 2)
                {
                    f[rd] = 0xFFFF_FFFF_0000_0000L | (load32(addr) & 0xFFFF_FFFFL);
                }
                else if (funct3 == 3)
                {
                    f[rd] = load64(addr);
                }
                else
                {
                    throw illegal(insn, pc);
                }
                break;
            }

            case 0x0F: // MISC-MEM
                if (funct3 == 1)
                {
                    flushExecTlb();
                }
                else if (funct3 != 0)
                {
                    throw illegal(insn, pc);
                }
                break;

            case 0x13: // OP-IMM
            {
                final long a = x[rs1];
                final long imm = insn >> 20;
                final long value;
                switch (funct3)
                {
                    case 0:
                        value = a + imm;
                        break;
                    case 1:
                        if ((insn >>> 26) != 0)
                        {
                            throw illegal(insn, pc);
                        }
                        value = a << (imm & 0x3F);
                        break;
                    case 2:
                        value = a < imm ? 1 : 0;
                        break;
                    case 3:
                        value = Long.compareUnsigned(a, imm) < 0 ? 1 : 0;
                        break;
                    case 4:
                        value = a ^ imm;
                        break;
                    case 5:
                    {
                        final int funct6 = insn >>> 26;
                        if (funct6 == 0)
                        {
                            value = a >>> (imm & 0x3F);
                        }
                        else if (funct6 == 0x10)
                        {
                            value = a >> (imm & 0x3F);
                        }
                        else
                        {
                            throw illegal(insn, pc);
                        }
                        break;
                    }
                    case 6:
                        value = a | imm;
                        break;
                    default:
                        value = a & imm;
                        break;
                }
                x[rd] = value;
                break;
            }

            case 0x17: // AUIPC
                x[rd] = pc + (insn & 0xFFFFF000);
                break;

            case 0x1B: // OP-IMM-32
            {
                final int a = (int)x[rs1];
                final int value;
                switch (funct3)
                {
                    case 0:
                        value = a + (insn >> 20);
                        break;
                    case 1:
                        if ((insn >>> 25) != 0)
                        {
                            throw illegal(insn, pc);
                        }
                        value = a << rs2;
                        break;
                    case 5:
                    {
                        final int funct7 = insn >>> 25;
                        if (funct7 == 0)
                        {
                            value = a >>> rs2;
                        }
                        else if (funct7 == 0x20)
                        {
                            value = a >> rs2;
                        }
                        else
                        {
                            throw illegal(insn, pc);
                        }
                        break;
                    }
                    default:
                        throw illegal(insn, pc);
                }
                x[rd] = value;
                break;
            }

            case 0x23: // STORE
            {
                final long addr = x[rs1] + (((insn >> 25) << 5) | rd);
                final long value = x[rs2];
                switch (funct3)
                {
                    case 0:
                        store8(addr, (int)value);
                        break;
                    case 1:
                        store16(addr, (int)value);
                        break;
                    case 2:
                        store32(addr, (int)value);
                        break;
                    case 3:
                        store64(addr, value);
                        break;
                    default:
                        throw illegal(insn, pc);
                }
                break;
            }

            case 0x27: // STORE-FP
            {
                final long addr = x[rs1] + (((insn >> 25) << 5) | rd);
                if (funct3 == 2)
                {
                    store32(addr, (int)f[rs2]);
                }
                else if (funct3 == 3)
                {
                    store64(addr, f[rs2]);
                }
                else
                {
                    throw illegal(insn, pc);
                }
                break;
            }

            case 0x2F: // AMO
            {
                final int funct5 = insn >>> 27;
                if ((funct3 != 2 && funct3 != 3) || !isAmo(funct5) || (funct5 == AMO_LR && rs2 != 0))
                {
                    throw illegal(insn, pc);
                }
                x[rd] = atomic(funct5, funct3 == 3, x[rs1], x[rs2]);
                break;
            }

            case 0x33: // OP
                x[rd] = op(insn, funct3, x[rs1], x[rs2], pc);
                break;

            case 0x37: // LUI
                x[rd] = insn & 0xFFFFF000;
                break;

            case 0x3B: // OP-32
                x[rd] = op32(insn, funct3, (int)x[rs1], (int)x[rs2], pc);
                break;

            case 0x43: // MADD
            case 0x47: // MSUB
            case 0x4B: // NMSUB
            case 0x4F: // NMADD
            case 0x53: // OP-FP
                if (!FloatingPointUnit.execute(this, insn))
                {
                    throw illegal(insn, pc);
                }
                break;

            case 0x63: // BRANCH
            {
                final long a = x[rs1];
                final long b = x[rs2];
                final boolean taken;
                switch (funct3)
                {
                    case 0:
                        taken = a == b;
                        break;
                    case 1:
                        taken = a != b;
                        break;
                    case 4:
                        taken = a < b;
                        break;
                    case 5:
                        taken = a >= b;
                        break;
                    case 6:
                        taken = Long.compareUnsigned(a, b) < 0;
                        break;
                    case 7:
                        taken = Long.compareUnsigned(a, b) >= 0;
                        break;
                    default:
                        throw illegal(insn, pc);
                }
                if (taken)
                {
                    final int imm = ((insn >> 31) << 12) | (((insn >>> 7) & 1) << 11) |
                        (((insn >>> 25) & 0x3F) << 5) | (((insn >>> 8) & 0xF) << 1);
                    nextPc = pc + imm;
                }
                break;
            }

            case 0x67: // JALR
            {
                if (funct3 != 0)
                {
                    throw illegal(insn, pc);
                }
                final long target = (x[rs1] + (insn >> 20)) & ~1L;
                x[rd] = nextPc;
                nextPc = target;
                break;
            }

            case 0x6F: // JAL
            {
                final int imm = ((insn >> 31) << 20) | (insn & 0xFF000) | (((insn >>> 20) & 1) << 11) |
                    (((insn >>> 21) & 0x3FF) << 1);
                x[rd] = nextPc;
                nextPc = pc + imm;
                break;
            }

            case 0x73: // SYSTEM
                if (funct3 == 0)
                {
                    if (insn == 0x00000073)
                    {
                        x[0] = 0;
                        if (syscalls.ecall(this) == SyscallHandler.EXIT)
                        {
                            exited = true;
                        }
                        nextPc = this.pc + length;
                    }
                    else if (insn == 0x00100073)
                    {
                        throw new GuestFault(Signal.SIGTRAP, pc, pc, insn, "ebreak");
                    }
                    else
                    {
                        throw illegal(insn, pc);
                    }
                }
                else
                {
                    csr(insn, funct3, rd, rs1, pc);
                }
                break;

            default:
                throw illegal(insn, pc);
        }
        x[0] = 0;
        this.pc = nextPc;
    }

    private long op(final int insn, final int funct3, final long a, final long b, final long pc)
    {
        final int funct7 = insn >>> 25;
        if (funct7 == 0)
        {
            switch (funct3)
            {
                case 0:
                    return a + b;
                case 1:
                    return a << b;
                case 2:
                    return a < b ? 1 : 0;
                case 3:
                    return Long.compareUnsigned(a, b) < 0 ? 1 : 0;
                case 4:
                    return a ^ b;
                case 5:
                    return a >>> b;
                case 6:
                    return a | b;
                default:
                    return a & b;
            }
        }
        if (funct7 == 0x20)
        {
            if (funct3 == 0)
            {
                return a - b;
            }
            if (funct3 == 5)
            {
                return a >> b;
            }
            throw illegal(insn, pc);
        }
        if (funct7 == 1)
        {
            switch (funct3)
            {
                case 0:
                    return a * b;
                case 1:
                    return Math.multiplyHigh(a, b);
                case 2:
                    return mulhsu(a, b);
                case 3:
                    return mulhu(a, b);
                case 4:
                    return b == 0 ? -1L : a / b;
                case 5:
                    return b == 0 ? -1L : Long.divideUnsigned(a, b);
                case 6:
                    return b == 0 ? a : a % b;
                default:
                    return b == 0 ? a : Long.remainderUnsigned(a, b);
            }
        }
        throw illegal(insn, pc);
    }

    private long op32(final int insn, final int funct3, final int a, final int b, final long pc)
    {
        final int funct7 = insn >>> 25;
        if (funct7 == 0)
        {
            switch (funct3)
            {
                case 0:
                    return a + b;
                case 1:
                    return a << b;
                case 5:
                    return a >>> b;
                default:
                    throw illegal(insn, pc);
            }
        }
        if (funct7 == 0x20)
        {
            if (funct3 == 0)
            {
                return a - b;
            }
            if (funct3 == 5)
            {
                return a >> b;
            }
            throw illegal(insn, pc);
        }
        if (funct7 == 1)
        {
            switch (funct3)
            {
                case 0:
                    return a * b;
                case 4:
                    return b == 0 ? -1L : a / b;
                case 5:
                    return b == 0 ? -1L : Integer.divideUnsigned(a, b);
                case 6:
                    return b == 0 ? a : a % b;
                case 7:
                    return b == 0 ? a : Integer.remainderUnsigned(a, b);
                default:
                    throw illegal(insn, pc);
            }
        }
        throw illegal(insn, pc);
    }

    /** High 64 bits of the unsigned 128-bit product (Hacker's Delight 8-3). */
    static long mulhu(final long a, final long b)
    {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }

    /** High 64 bits of signed {@code a} times unsigned {@code b}. */
    static long mulhsu(final long a, final long b)
    {
        return Math.multiplyHigh(a, b) + ((b >> 63) & a);
    }

    private void csr(final int insn, final int funct3, final int rd, final int rs1, final long pc)
    {
        final int csr = insn >>> 20;
        final long operand = (funct3 & 4) != 0 ? rs1 : x[rs1];
        final int kind = funct3 & 3;
        final boolean writes = kind == 1 || rs1 != 0;
        final long old;
        switch (csr)
        {
            case CSR_FFLAGS:
                old = fflags;
                break;
            case CSR_FRM:
                old = frm;
                break;
            case CSR_FCSR:
                old = (frm << 5) | fflags;
                break;
            case CSR_CYCLE:
            case CSR_INSTRET:
                if (writes)
                {
                    throw illegal(insn, pc);
                }
                old = instret;
                break;
            case CSR_TIME:
                if (writes)
                {
                    throw illegal(insn, pc);
                }
                old = (System.nanoTime() - startNanos) / (1_000_000_000L / TIMEBASE_HZ);
                break;
            default:
                throw illegal(insn, pc);
        }
        if (kind == 0)
        {
            throw illegal(insn, pc);
        }
        if (writes)
        {
            final long value;
            if (kind == 1)
            {
                value = operand;
            }
            else if (kind == 2)
            {
                value = old | operand;
            }
            else
            {
                value = old & ~operand;
            }
            switch (csr)
            {
                case CSR_FFLAGS:
                    fflags = (int)value & 0x1F;
                    break;
                case CSR_FRM:
                    frm = (int)value & 7;
                    break;
                default:
                    fflags = (int)value & 0x1F;
                    frm = (int)(value >>> 5) & 7;
                    break;
            }
        }
        x[rd] = old;
    }

    private static boolean isAmo(final int funct5)
    {
        switch (funct5)
        {
            case AMO_ADD:
            case AMO_SWAP:
            case AMO_LR:
            case AMO_SC:
            case AMO_XOR:
            case AMO_OR:
            case AMO_AND:
            case AMO_MIN:
            case AMO_MAX:
            case AMO_MINU:
            case AMO_MAXU:
                return true;
            default:
                return false;
        }
    }

    /**
     * Every LR, SC and AMO goes through this one method, so that it can be made atomic across harts by
     * synchronizing here (unprivileged ISA chapter 8). Misaligned addresses are a {@link Signal#SIGBUS}, as Linux
     * reports a misaligned atomic.
     *
     * @param funct5  one of the {@code AMO_*} constants.
     * @param doubleword true for the .D forms, false for .W (32-bit, result sign-extended).
     * @param addr    the effective address (rs1).
     * @param operand rs2.
     * @return the value for rd: the old memory value, or for SC 0 on success and 1 on failure.
     */
    long atomic(final int funct5, final boolean doubleword, final long addr, final long operand)
    {
        final int size = doubleword ? 8 : 4;
        if ((addr & (size - 1)) != 0)
        {
            throw new GuestFault(Signal.SIGBUS, addr, -1, 0, "misaligned atomic");
        }
        if (funct5 == AMO_LR)
        {
            final long value = doubleword ? load64(addr) : load32(addr);
            reservationValid = true;
            reservationAddress = addr;
            return value;
        }
        if (funct5 == AMO_SC)
        {
            final boolean success = reservationValid && reservationAddress == addr;
            reservationValid = false;
            if (!success)
            {
                return 1;
            }
            if (doubleword)
            {
                store64(addr, operand);
            }
            else
            {
                store32(addr, (int)operand);
            }
            return 0;
        }

        final byte[] page = writablePage(addr);
        final int off = (int)addr & OFFSET_MASK;
        final long old = doubleword ? (long)LONG_LE.get(page, off) : (long)(int)INT_LE.get(page, off);
        final long value;
        switch (funct5)
        {
            case AMO_ADD:
                value = old + operand;
                break;
            case AMO_SWAP:
                value = operand;
                break;
            case AMO_XOR:
                value = old ^ operand;
                break;
            case AMO_OR:
                value = old | operand;
                break;
            case AMO_AND:
                value = old & operand;
                break;
            case AMO_MIN:
                value = doubleword ? Math.min(old, operand) : Math.min(old, (long)(int)operand);
                break;
            case AMO_MAX:
                value = doubleword ? Math.max(old, operand) : Math.max(old, (long)(int)operand);
                break;
            case AMO_MINU:
                value = doubleword ?
                    (Long.compareUnsigned(old, operand) <= 0 ? old : operand) :
                    (Integer.compareUnsigned((int)old, (int)operand) <= 0 ? old : operand);
                break;
            default:
                value = doubleword ?
                    (Long.compareUnsigned(old, operand) >= 0 ? old : operand) :
                    (Integer.compareUnsigned((int)old, (int)operand) >= 0 ? old : operand);
                break;
        }
        if (doubleword)
        {
            LONG_LE.set(page, off, value);
        }
        else
        {
            INT_LE.set(page, off, (int)value);
        }
        return old;
    }

    // ------------------------------------------------------------------------------------------------------
    // Memory access through the software TLB
    // ------------------------------------------------------------------------------------------------------

    private void flushExecTlb()
    {
        java.util.Arrays.fill(execTag, NO_TAG);
        java.util.Arrays.fill(execPage, null);
    }

    private byte[] readablePage(final long addr)
    {
        final long vpn = addr >>> PAGE_SHIFT;
        final int i = (int)vpn & TLB_MASK;
        if (readTag[i] == vpn)
        {
            return readPage[i];
        }
        final byte[] page = memory.page(addr, GuestMemory.ACCESS_READ);
        readPage[i] = page;
        readTag[i] = vpn;
        return page;
    }

    private byte[] writablePage(final long addr)
    {
        final long vpn = addr >>> PAGE_SHIFT;
        final int i = (int)vpn & TLB_MASK;
        if (writeTag[i] == vpn)
        {
            return writePage[i];
        }
        final byte[] page = memory.page(addr, GuestMemory.ACCESS_WRITE);
        writePage[i] = page;
        writeTag[i] = vpn;
        return page;
    }

    private byte[] executablePage(final long addr)
    {
        final long vpn = addr >>> PAGE_SHIFT;
        final int i = (int)vpn & TLB_MASK;
        if (execTag[i] == vpn)
        {
            return execPage[i];
        }
        final byte[] page = memory.page(addr, GuestMemory.ACCESS_EXEC);
        execPage[i] = page;
        execTag[i] = vpn;
        return page;
    }

    /**
     * Fetches the instruction at {@code pc}: 32 bits when they lie in one page (the caller keeps the low 16 of
     * a compressed one), otherwise the first parcel and, for a 32-bit instruction, the second from the next
     * page.
     */
    private int fetch(final long pc)
    {
        final long vpn = pc >>> PAGE_SHIFT;
        final int i = (int)vpn & TLB_MASK;
        final int off = (int)pc & OFFSET_MASK;
        if (execTag[i] == vpn && off <= PAGE_SIZE - 4)
        {
            return (int)INT_LE.get(execPage[i], off);
        }
        return fetchSlow(pc);
    }

    private int fetchSlow(final long pc)
    {
        final int off = (int)pc & OFFSET_MASK;
        final byte[] page = executablePage(pc);
        if (off <= PAGE_SIZE - 4)
        {
            return (int)INT_LE.get(page, off);
        }
        final int low = (short)SHORT_LE.get(page, off) & 0xFFFF;
        if ((low & 3) != 3)
        {
            return low;
        }
        final long next = pc + 2;
        final byte[] nextPage = executablePage(next);
        final int high = (short)SHORT_LE.get(nextPage, (int)next & OFFSET_MASK) & 0xFFFF;
        return (high << 16) | low;
    }

    /**
     * Loads a byte, sign-extended.
     *
     * @param addr guest virtual address.
     * @return the value.
     * @throws GuestFault SIGSEGV when the page is not readable.
     */
    public long load8(final long addr)
    {
        final long vpn = addr >>> PAGE_SHIFT;
        final int i = (int)vpn & TLB_MASK;
        if (readTag[i] == vpn)
        {
            return readPage[i][(int)addr & OFFSET_MASK];
        }
        return readablePage(addr)[(int)addr & OFFSET_MASK];
    }

    /** Loads a little-endian halfword, sign-extended; any alignment. */
    public long load16(final long addr)
    {
        final long vpn = addr >>> PAGE_SHIFT;
        final int i = (int)vpn & TLB_MASK;
        final int off = (int)addr & OFFSET_MASK;
        if (readTag[i] == vpn && off <= PAGE_SIZE - 2)
        {
            return (short)SHORT_LE.get(readPage[i], off);
        }
        return (short)loadSlow(addr, 2);
    }

    /** Loads a little-endian word, sign-extended; any alignment. */
    public long load32(final long addr)
    {
        final long vpn = addr >>> PAGE_SHIFT;
        final int i = (int)vpn & TLB_MASK;
        final int off = (int)addr & OFFSET_MASK;
        if (readTag[i] == vpn && off <= PAGE_SIZE - 4)
        {
            return (int)INT_LE.get(readPage[i], off);
        }
        return (int)loadSlow(addr, 4);
    }

    /** Loads a little-endian doubleword; any alignment. */
    public long load64(final long addr)
    {
        final long vpn = addr >>> PAGE_SHIFT;
        final int i = (int)vpn & TLB_MASK;
        final int off = (int)addr & OFFSET_MASK;
        if (readTag[i] == vpn && off <= PAGE_SIZE - 8)
        {
            return (long)LONG_LE.get(readPage[i], off);
        }
        return loadSlow(addr, 8);
    }

    private long loadSlow(final long addr, final int size)
    {
        final int off = (int)addr & OFFSET_MASK;
        final byte[] first = readablePage(addr);
        if (off + size <= PAGE_SIZE)
        {
            switch (size)
            {
                case 2:
                    return (short)SHORT_LE.get(first, off);
                case 4:
                    return (int)INT_LE.get(first, off);
                default:
                    return (long)LONG_LE.get(first, off);
            }
        }
        final byte[] second = readablePage(addr + size - 1);
        long value = 0;
        for (int k = 0; k < size; k++)
        {
            final int o = off + k;
            final byte b = o < PAGE_SIZE ? first[o] : second[o - PAGE_SIZE];
            value |= (b & 0xFFL) << (8 * k);
        }
        return value;
    }

    /** Stores the low byte of {@code value}. */
    public void store8(final long addr, final int value)
    {
        final long vpn = addr >>> PAGE_SHIFT;
        final int i = (int)vpn & TLB_MASK;
        if (writeTag[i] == vpn)
        {
            writePage[i][(int)addr & OFFSET_MASK] = (byte)value;
            return;
        }
        writablePage(addr)[(int)addr & OFFSET_MASK] = (byte)value;
    }

    /** Stores the low halfword of {@code value}, little-endian; any alignment. */
    public void store16(final long addr, final int value)
    {
        final long vpn = addr >>> PAGE_SHIFT;
        final int i = (int)vpn & TLB_MASK;
        final int off = (int)addr & OFFSET_MASK;
        if (writeTag[i] == vpn && off <= PAGE_SIZE - 2)
        {
            SHORT_LE.set(writePage[i], off, (short)value);
            return;
        }
        storeSlow(addr, value, 2);
    }

    /** Stores a word, little-endian; any alignment. */
    public void store32(final long addr, final int value)
    {
        final long vpn = addr >>> PAGE_SHIFT;
        final int i = (int)vpn & TLB_MASK;
        final int off = (int)addr & OFFSET_MASK;
        if (writeTag[i] == vpn && off <= PAGE_SIZE - 4)
        {
            INT_LE.set(writePage[i], off, value);
            return;
        }
        storeSlow(addr, value, 4);
    }

    /** Stores a doubleword, little-endian; any alignment. */
    public void store64(final long addr, final long value)
    {
        final long vpn = addr >>> PAGE_SHIFT;
        final int i = (int)vpn & TLB_MASK;
        final int off = (int)addr & OFFSET_MASK;
        if (writeTag[i] == vpn && off <= PAGE_SIZE - 8)
        {
            LONG_LE.set(writePage[i], off, value);
            return;
        }
        storeSlow(addr, value, 8);
    }

    private void storeSlow(final long addr, final long value, final int size)
    {
        final int off = (int)addr & OFFSET_MASK;
        final byte[] first = writablePage(addr);
        if (off + size <= PAGE_SIZE)
        {
            switch (size)
            {
                case 2:
                    SHORT_LE.set(first, off, (short)value);
                    break;
                case 4:
                    INT_LE.set(first, off, (int)value);
                    break;
                default:
                    LONG_LE.set(first, off, value);
                    break;
            }
            return;
        }
        final byte[] second = writablePage(addr + size - 1);
        for (int k = 0; k < size; k++)
        {
            final int o = off + k;
            final byte b = (byte)(value >>> (8 * k));
            if (o < PAGE_SIZE)
            {
                first[o] = b;
            }
            else
            {
                second[o - PAGE_SIZE] = b;
            }
        }
    }
}
