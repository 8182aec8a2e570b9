package org.legoemu.abi.hart;

import org.legoemu.abi.GuestFault;
import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.Signal;
import org.legoemu.abi.SyscallHandler;
import org.legoemu.abi.TlbShootdown;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An RV64GC user-mode interpreter (RISC-V unprivileged ISA 20191213: RV64I chapters 2 and 5, "M" chapter 7,
 * "A" chapter 8, "C" chapter 16, "Zicsr" chapter 9, "Zifencei" chapter 3). Loads and stores of
 * {@code FLW/FLD/FSW/FSD} are executed here; every other F/D instruction is delegated to
 * {@link FloatingPointUnit#execute}, CSR instructions to {@link Zicsr}.
 *
 * <p><b>Instruction cache.</b> Instructions are decoded once per executable page into a {@link DecodedPage}
 * (operation number, registers, assembled immediate) held next to the execute-TLB entry, and the dispatch loop
 * switches on the operation number. A decoded page is dropped with its TLB entry: on {@code fence.i}, on
 * {@link #flushTlb()} (what {@code riscv_flush_icache} does) and on a shootdown of the page (ExCache eviction,
 * munmap, mprotect). Writes to x0 go to a sink register ({@link HartState#x}{@code [32]}), so no instruction
 * checks for x0.
 *
 * <p><b>Software TLB.</b> Data accesses go through a direct-mapped TLB held as parallel primitive arrays, one tag
 * array and one page array per access kind. A hit is a tag compare and a little-endian {@link VarHandle} access on
 * the page's {@code byte[]} (the ExCache line itself); a miss asks {@link GuestMemory#page} and fills the entry.
 * Accesses that straddle a page take a byte-by-byte path that translates both pages before touching either, so a
 * faulting store writes nothing.
 *
 * <p><b>Shootdowns and threads.</b> While it executes instructions the hart holds its run lock; it lets go of it
 * around every call into {@link GuestMemory#page} (a TLB miss), around system calls, and at safepoints (taken
 * branches and page changes) when another thread has asked for it. {@link #invalidatePage} and {@link #flushTlb}
 * take the run lock, so a thread that evicts a line returns only once no hart can still write into it: a store can
 * never land in a line that was already written back and reused. LR/SC and AMOs are compare-and-set operations on
 * the shared line, atomic against every other hart of the process (unprivileged ISA chapter 8; SC succeeds when the
 * reserved address still holds the value LR read, as in QEMU).
 *
 * <p>Faults surface as {@link GuestFault} with the pc of the faulting instruction; the pc is left pointing at it.
 * Environment calls go to the {@link SyscallHandler}; {@code ebreak} is a {@link Signal#SIGTRAP} fault.
 *
 * <p>One thread runs a hart; {@link #invalidatePage(long)} and {@link #flushTlb()} may be called from any thread.
 */
public final class Hart extends HartState
{
    /**
     * Default for {@link #jit(boolean)}: hot code is translated to JVM bytecode ({@link BlockCompiler}) unless the
     * JVM runs with {@code -Dlegoemu.jit=false}.
     */
    public static final boolean JIT_DEFAULT = !"false".equals(System.getProperty("legoemu.jit"));
    /**
     * Jumps to a pc (or entries into its page there) before its block is compiled: 40, or the JVM's
     * {@code -Dlegoemu.jitThreshold} (1 to 32767), a knob for measuring warm-up (docs/performance.md).
     */
    static final int JIT_THRESHOLD = Math.max(1, Math.min(Short.MAX_VALUE,
        Integer.getInteger("legoemu.jitThreshold", 40)));
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
    private static final VarHandle SHOOTDOWN_REQUESTS;
    private static final VarHandle PAUSE_STATE;
    /** {@link #pauseState}: not held by {@link #pause()}. */
    private static final int RUNNING = 0;
    /** {@link #pauseState}: held by {@link #pause()}. */
    private static final int PAUSED = 1;
    /** {@link #pauseState}: held by {@link #pause()}, and a shootdown is left for {@link #resume()} to apply. */
    private static final int PAUSED_SHOT_DOWN = 2;
    /** How long a shootdown waits for the run lock before it looks whether the hart is paused: 1 ms. */
    private static final long SHOOTDOWN_WAIT_NS = 1_000_000;

    static
    {
        try
        {
            SHOOTDOWN_REQUESTS = MethodHandles.lookup().findVarHandle(Hart.class, "shootdownRequests", int.class);
            PAUSE_STATE = MethodHandles.lookup().findVarHandle(Hart.class, "pauseState", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** AMO funct5 values (unprivileged ISA table 24.3). */
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
    private final DecodedPage[] execPage = new DecodedPage[TLB_ENTRIES];

    private final ReentrantLock runLock = new ReentrantLock(true);
    @SuppressWarnings("unused") // accessed through SHOOTDOWN_REQUESTS
    private volatile int shootdownRequests;
    /** Incremented under the run lock by every shootdown; tells a TLB fill that raced with one to look again. */
    private int shootdownEpoch;
    @SuppressWarnings("unused") // accessed through PAUSE_STATE
    private volatile int pauseState;

    private final TlbShootdown shootdownListener = this::invalidatePage;
    private volatile boolean stopRequested;
    private volatile boolean yieldRequested;
    private boolean jit = JIT_DEFAULT;
    /** Set by a compiled block to the instructions it retired. */
    int blockRetired;
    /** Instructions the running compiled block may retire in all, its loops included ({@link #mayLoop}). */
    private int blockBudget;
    /** The decoded page of the running compiled block. */
    private DecodedPage blockPage;
    /** The compiled block at which {@link #interpret} stopped for {@link #run} to run it; null if none. */
    private CompiledBlock nextBlock;
    /** The decoded page of {@link #nextBlock}. */
    private DecodedPage nextBlockPage;
    /** Where {@link #runBlocks} left off: the pc after its last block, i.e. the entry of the block it runs. */
    private long chainPc;
    /** Instructions retired by the blocks {@link #runBlocks} ran before the running one. */
    private long chainRetired;
    /** See {@link #chainedBlocks()}. */
    private long chainedBlocks;
    /** See {@link #blocksInstalled()}. */
    private volatile int blocksInstalled;
    private long blockFaultPc;
    private int blockFaultRetired;
    private long instret;
    private boolean exited;
    private boolean reservationValid;
    private long reservationAddress;
    private long reservationValue;
    /** What the cycle and time CSRs read: the host's clock unless the timing model installs its own. */
    private GuestCounters counters = GuestCounters.host();

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
        dropAll();
        memory.addShootdownListener(shootdownListener);
    }

    /**
     * Asks the hart to stop (another thread of its process died or called exit_group): a running hart returns from
     * {@link #run} at its next safepoint, and every later {@link #run} returns at once. Callable from any thread.
     */
    public void requestStop()
    {
        stopRequested = true;
        SHOOTDOWN_REQUESTS.getAndAdd(this, 1);
    }

    /**
     * Turns translation of hot code to JVM bytecode on or off for this hart (blocks already compiled keep running);
     * the interpreter alone gives the same results, more slowly.
     */
    public void jit(final boolean enabled)
    {
        this.jit = enabled;
    }

    /**
     * Makes the {@code cycle} and {@code time} CSRs read {@code counters} (the timing model's modeled clock under
     * {@code --guest-clock modeled}); call before the hart runs, on the thread that starts it.
     */
    public void counters(final GuestCounters counters)
    {
        this.counters = java.util.Objects.requireNonNull(counters, "counters");
    }

    /**
     * Ends the current {@link #run} call at the next safepoint, before its instruction budget is spent (the timing
     * model's pacing: a hart too far ahead of the others in modeled time waits between runs, holding no lock). Call
     * from the hart's own thread, e.g. from a system call or a memory access it makes.
     */
    public void requestYield()
    {
        if (!yieldRequested)
        {
            yieldRequested = true;
            SHOOTDOWN_REQUESTS.getAndAdd(this, 1);
        }
    }

    /** True once {@link #requestStop()} was called. */
    public boolean stopRequested()
    {
        return stopRequested;
    }

    /** Unregisters the hart from its memory's shootdowns (its thread has ended). */
    public void detach()
    {
        memory.removeShootdownListener(shootdownListener);
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
     * Drops every TLB translation and decoded instruction of virtual page {@code vpn} (read, write and execute),
     * and the LR reservation if it lies in that page. Callable from any thread: it waits until the hart is at a
     * safepoint (or not running), so on return the hart can no longer touch the page's old line. A hart held by
     * {@link #pause()} cannot touch any line until {@link #resume()}, so the shootdown does not wait for the pause to
     * end: it is left to {@code resume}, which drops the whole TLB before the hart runs again (else an eviction by
     * another thread during fork(2) would wait for the forking thread, which waits for that eviction's write-back).
     *
     * @param vpn virtual page number, {@code vaddr >>> 12}.
     */
    public void invalidatePage(final long vpn)
    {
        SHOOTDOWN_REQUESTS.getAndAdd(this, 1);
        boolean interrupted = false;
        try
        {
            while (true)
            {
                try
                {
                    if (runLock.tryLock(SHOOTDOWN_WAIT_NS, TimeUnit.NANOSECONDS))
                    {
                        try
                        {
                            dropPage(vpn);
                            shootdownEpoch++;
                        }
                        finally
                        {
                            runLock.unlock();
                        }
                        return;
                    }
                }
                catch (final InterruptedException ex)
                {
                    interrupted = true;
                }
                final int state = (int)PAUSE_STATE.getVolatile(this);
                if (state != RUNNING && PAUSE_STATE.compareAndSet(this, state, PAUSED_SHOT_DOWN))
                {
                    return;
                }
            }
        }
        finally
        {
            SHOOTDOWN_REQUESTS.getAndAdd(this, -1);
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Holds this hart at its next safepoint, or at the return of the system call it is in, or when the TLB fill it is
     * in returns, until {@link #resume()} (fork(2) copies a process while its other threads stand still). Call from
     * another thread, which must also resume it; returns once the hart stands still.
     */
    public void pause()
    {
        SHOOTDOWN_REQUESTS.getAndAdd(this, 1);
        runLock.lock();
        PAUSE_STATE.setVolatile(this, PAUSED);
    }

    /**
     * Lets a hart held by {@link #pause()} (on this thread) run on, first dropping its whole TLB if a shootdown
     * arrived meanwhile.
     */
    public void resume()
    {
        if ((int)PAUSE_STATE.getAndSet(this, RUNNING) == PAUSED_SHOT_DOWN)
        {
            dropAll();
            shootdownEpoch++;
        }
        SHOOTDOWN_REQUESTS.getAndAdd(this, -1);
        runLock.unlock();
    }

    /**
     * Drops every TLB translation and every decoded instruction (what {@code fence.i} does to this hart, and what
     * {@code riscv_flush_icache} does to every hart of a process). Callable from any thread, like
     * {@link #invalidatePage}.
     */
    public void flushTlb()
    {
        SHOOTDOWN_REQUESTS.getAndAdd(this, 1);
        runLock.lock();
        try
        {
            dropAll();
            shootdownEpoch++;
        }
        finally
        {
            SHOOTDOWN_REQUESTS.getAndAdd(this, -1);
            runLock.unlock();
        }
    }

    private void dropPage(final long vpn)
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
            if (execPage[i] != null)
            {
                execPage[i].invalidate();
            }
        }
        if (reservationValid && (reservationAddress >>> PAGE_SHIFT) == vpn)
        {
            reservationValid = false;
        }
    }

    private void dropAll()
    {
        Arrays.fill(readTag, NO_TAG);
        Arrays.fill(writeTag, NO_TAG);
        Arrays.fill(readPage, null);
        Arrays.fill(writePage, null);
        dropCode();
    }

    private void dropCode()
    {
        Arrays.fill(execTag, NO_TAG);
        for (final DecodedPage page : execPage)
        {
            if (page != null)
            {
                page.invalidate();
            }
        }
    }

    /**
     * Runs until the syscall handler reports {@link SyscallHandler#EXIT}, {@code maxInstructions} have retired, or
     * a stop was requested.
     *
     * @param maxInstructions instruction budget for this call; must be non-negative.
     * @return the number of instructions retired by this call (an ecall that exits counts as retired).
     * @throws GuestFault on SIGSEGV/SIGBUS/SIGILL/SIGTRAP, with {@link GuestFault#pc()} set to the faulting
     *                    instruction, which is also left in {@link #pc}.
     */
    public long run(final long maxInstructions)
    {
        runLock.lock();
        try
        {
            long n = 0;
            while (true)
            {
                n += interpret(maxInstructions - n);
                final CompiledBlock block = nextBlock;
                if (block == null)
                {
                    return n;
                }
                nextBlock = null;
                n += chain(nextBlockPage, block, maxInstructions - n);
            }
        }
        finally
        {
            runLock.unlock();
        }
    }

    /**
     * Runs compiled blocks from {@code block} ({@link #runBlocks}) and accounts for them in {@link #pc} and instret.
     * Called from {@link #run}, not from the interpreter loop: HotSpot may then compile (and inline the hot blocks
     * into) this small method apart from the interpreter, so that deoptimizing a block (a guest branch taken for
     * the first time) recompiles this loop, not the whole interpreter.
     */
    private long chain(final DecodedPage page, final CompiledBlock block, final long budget)
    {
        chainPc = pc;
        final long n;
        try
        {
            n = runBlocks(page, block, budget);
        }
        catch (final GuestFault fault)
        {
            pc = blockFaultPc;
            instret += chainRetired + blockFaultRetired;
            throw fault.withPc(pc);
        }
        catch (final RuntimeException | Error other)
        {
            // e.g. a failed write-back in a TLB miss: leave pc at the running block's entry, as the interpreter
            // loop does, with the blocks before it counted (the registers the block wrote stay written, unless it
            // kept them in JVM locals: BlockCompiler.registersInLocals)
            pc = chainPc;
            instret += chainRetired;
            throw other;
        }
        pc = chainPc;
        instret += n;
        return n;
    }

    static GuestFault illegal(final int bits, final long pc)
    {
        return new GuestFault(Signal.SIGILL, pc, pc, bits & 0xFFFFFFFFL, "illegal instruction");
    }

    // ------------------------------------------------------------------------------------------------------
    // The dispatch loop
    // ------------------------------------------------------------------------------------------------------

    @SuppressWarnings("checkstyle:MethodLength")
    private long interpret(final long max)
    {
        final long[] x = this.x;
        final long instretAtStart = instret;
        long pc = this.pc;
        long n = 0;
        try
        {
            outer:
            while (n < max && !exited)
            {
                if ((int)SHOOTDOWN_REQUESTS.getVolatile(this) != 0)
                {
                    if (stopRequested)
                    {
                        break;
                    }
                    if (yieldRequested)
                    {
                        yieldRequested = false;
                        SHOOTDOWN_REQUESTS.getAndAdd(this, -1);
                        break;
                    }
                    safepoint();
                }
                final DecodedPage page = codePage(pc);
                final long[] code = page.code;
                final long base = page.base;
                if (jit)
                {
                    heat(page, pc);
                }
                while (n < max)
                {
                    final int slot = (int)(pc - base) >>> 1;
                    long decoded = code[slot];
                    if ((int)decoded <= Op.BLOCK_ENTRY)
                    {
                        if (decoded == Op.PAGE_END || !page.valid)
                        {
                            continue outer;
                        }
                        if (decoded == Op.BLOCK_ENTRY)
                        {
                            final CompiledBlock block = page.blocks[slot];
                            if (max - n >= block.maxInstructions)
                            {
                                nextBlock = block; // for run, which calls chain
                                nextBlockPage = page;
                                break outer;
                            }
                            decoded = page.original[slot];
                        }
                        if (decoded == Op.UNDECODED)
                        {
                            decoded = page.decode(slot);
                        }
                        if (decoded == Op.CROSS_PAGE)
                        {
                            decoded = InstructionDecoder.decode(fetchCrossPage(pc));
                        }
                    }
                    final int w = (int)decoded;
                    final int imm = (int)(decoded >> 32);
                    switch (w & 0xFF)
                    {
                        case Op.LI:
                            x[(w >>> 8) & 0x3F] = imm;
                            break;
                        case Op.MV:
                            x[(w >>> 8) & 0x3F] = x[(w >>> 19) & 0x1F];
                            break;
                        case Op.AUIPC:
                            x[(w >>> 8) & 0x3F] = pc + imm;
                            break;
                        case Op.JAL:
                            x[(w >>> 8) & 0x3F] = pc + (w >>> 24);
                            pc += imm;
                            n++;
                            if (staysIn(page, pc))
                            {
                                continue;
                            }
                            continue outer;
                        case Op.JALR:
                        {
                            final long target = (x[(w >>> 14) & 0x1F] + imm) & ~1L;
                            x[(w >>> 8) & 0x3F] = pc + (w >>> 24);
                            pc = target;
                            n++;
                            if (staysIn(page, pc))
                            {
                                continue;
                            }
                            continue outer;
                        }
                        case Op.BEQ:
                        case Op.BNE:
                        case Op.BLT:
                        case Op.BGE:
                        case Op.BLTU:
                        case Op.BGEU:
                            if (MulDiv.branchTaken(w & 0xFF, x[(w >>> 14) & 0x1F], x[(w >>> 19) & 0x1F]))
                            {
                                pc += imm;
                                n++;
                                if (staysIn(page, pc))
                                {
                                    continue;
                                }
                                continue outer;
                            }
                            break;
                        case Op.LB:
                            x[(w >>> 8) & 0x3F] = load8(x[(w >>> 14) & 0x1F] + imm);
                            break;
                        case Op.LH:
                            x[(w >>> 8) & 0x3F] = load16(x[(w >>> 14) & 0x1F] + imm);
                            break;
                        case Op.LW:
                            x[(w >>> 8) & 0x3F] = load32(x[(w >>> 14) & 0x1F] + imm);
                            break;
                        case Op.LD:
                            x[(w >>> 8) & 0x3F] = load64(x[(w >>> 14) & 0x1F] + imm);
                            break;
                        case Op.LBU:
                            x[(w >>> 8) & 0x3F] = load8(x[(w >>> 14) & 0x1F] + imm) & 0xFFL;
                            break;
                        case Op.LHU:
                            x[(w >>> 8) & 0x3F] = load16(x[(w >>> 14) & 0x1F] + imm) & 0xFFFFL;
                            break;
                        case Op.LWU:
                            x[(w >>> 8) & 0x3F] = load32(x[(w >>> 14) & 0x1F] + imm) & 0xFFFF_FFFFL;
                            break;
                        case Op.SB:
                            store8(x[(w >>> 14) & 0x1F] + imm, (int)x[(w >>> 19) & 0x1F]);
                            break;
                        case Op.SH:
                            store16(x[(w >>> 14) & 0x1F] + imm, (int)x[(w >>> 19) & 0x1F]);
                            break;
                        case Op.SW:
                            store32(x[(w >>> 14) & 0x1F] + imm, (int)x[(w >>> 19) & 0x1F]);
                            break;
                        case Op.SD:
                            store64(x[(w >>> 14) & 0x1F] + imm, x[(w >>> 19) & 0x1F]);
                            break;
                        case Op.ADDI:
                            x[(w >>> 8) & 0x3F] = x[(w >>> 14) & 0x1F] + imm;
                            break;
                        case Op.SLTI:
                            x[(w >>> 8) & 0x3F] = x[(w >>> 14) & 0x1F] < imm ? 1 : 0;
                            break;
                        case Op.SLTIU:
                            x[(w >>> 8) & 0x3F] = x[(w >>> 14) & 0x1F] + Long.MIN_VALUE < imm + Long.MIN_VALUE ? 1 : 0;
                            break;
                        case Op.XORI:
                            x[(w >>> 8) & 0x3F] = x[(w >>> 14) & 0x1F] ^ imm;
                            break;
                        case Op.ORI:
                            x[(w >>> 8) & 0x3F] = x[(w >>> 14) & 0x1F] | imm;
                            break;
                        case Op.ANDI:
                            x[(w >>> 8) & 0x3F] = x[(w >>> 14) & 0x1F] & imm;
                            break;
                        case Op.SLLI:
                            x[(w >>> 8) & 0x3F] = x[(w >>> 14) & 0x1F] << imm;
                            break;
                        case Op.SRLI:
                            x[(w >>> 8) & 0x3F] = x[(w >>> 14) & 0x1F] >>> imm;
                            break;
                        case Op.SRAI:
                            x[(w >>> 8) & 0x3F] = x[(w >>> 14) & 0x1F] >> imm;
                            break;
                        case Op.ADDIW:
                            x[(w >>> 8) & 0x3F] = (int)x[(w >>> 14) & 0x1F] + imm;
                            break;
                        case Op.SLLIW:
                            x[(w >>> 8) & 0x3F] = (int)x[(w >>> 14) & 0x1F] << imm;
                            break;
                        case Op.SRLIW:
                            x[(w >>> 8) & 0x3F] = (int)x[(w >>> 14) & 0x1F] >>> imm;
                            break;
                        case Op.SRAIW:
                            x[(w >>> 8) & 0x3F] = (int)x[(w >>> 14) & 0x1F] >> imm;
                            break;
                        case Op.ADD:
                            x[(w >>> 8) & 0x3F] = x[(w >>> 14) & 0x1F] + x[(w >>> 19) & 0x1F];
                            break;
                        case Op.SUB:
                            x[(w >>> 8) & 0x3F] = x[(w >>> 14) & 0x1F] - x[(w >>> 19) & 0x1F];
                            break;
                        case Op.SLL:
                            x[(w >>> 8) & 0x3F] = x[(w >>> 14) & 0x1F] << x[(w >>> 19) & 0x1F];
                            break;
                        case Op.SLT:
                            x[(w >>> 8) & 0x3F] = x[(w >>> 14) & 0x1F] < x[(w >>> 19) & 0x1F] ? 1 : 0;
                            break;
                        case Op.SLTU:
                            x[(w >>> 8) & 0x3F] =
                                x[(w >>> 14) & 0x1F] + Long.MIN_VALUE < x[(w >>> 19) & 0x1F] + Long.MIN_VALUE ? 1 : 0;
                            break;
                        case Op.XOR:
                            x[(w >>> 8) & 0x3F] = x[(w >>> 14) & 0x1F] ^ x[(w >>> 19) & 0x1F];
                            break;
                        case Op.SRL:
                            x[(w >>> 8) & 0x3F] = x[(w >>> 14) & 0x1F] >>> x[(w >>> 19) & 0x1F];
                            break;
                        case Op.SRA:
                            x[(w >>> 8) & 0x3F] = x[(w >>> 14) & 0x1F] >> x[(w >>> 19) & 0x1F];
                            break;
                        case Op.OR:
                            x[(w >>> 8) & 0x3F] = x[(w >>> 14) & 0x1F] | x[(w >>> 19) & 0x1F];
                            break;
                        case Op.AND:
                            x[(w >>> 8) & 0x3F] = x[(w >>> 14) & 0x1F] & x[(w >>> 19) & 0x1F];
                            break;
                        case Op.ADDW:
                            x[(w >>> 8) & 0x3F] = (int)x[(w >>> 14) & 0x1F] + (int)x[(w >>> 19) & 0x1F];
                            break;
                        case Op.SUBW:
                            x[(w >>> 8) & 0x3F] = (int)x[(w >>> 14) & 0x1F] - (int)x[(w >>> 19) & 0x1F];
                            break;
                        case Op.SLLW:
                            x[(w >>> 8) & 0x3F] = (int)x[(w >>> 14) & 0x1F] << (int)x[(w >>> 19) & 0x1F];
                            break;
                        case Op.SRLW:
                            x[(w >>> 8) & 0x3F] = (int)x[(w >>> 14) & 0x1F] >>> (int)x[(w >>> 19) & 0x1F];
                            break;
                        case Op.SRAW:
                            x[(w >>> 8) & 0x3F] = (int)x[(w >>> 14) & 0x1F] >> (int)x[(w >>> 19) & 0x1F];
                            break;
                        case Op.MUL:
                            x[(w >>> 8) & 0x3F] = x[(w >>> 14) & 0x1F] * x[(w >>> 19) & 0x1F];
                            break;
                        case Op.MULH:
                        case Op.MULHSU:
                        case Op.MULHU:
                        case Op.DIV:
                        case Op.DIVU:
                        case Op.REM:
                        case Op.REMU:
                        case Op.MULW:
                        case Op.DIVW:
                        case Op.DIVUW:
                        case Op.REMW:
                        case Op.REMUW:
                            x[(w >>> 8) & 0x3F] = MulDiv.execute(w & 0xFF, x[(w >>> 14) & 0x1F], x[(w >>> 19) & 0x1F]);
                            break;
                        case Op.FENCE:
                            break;
                        case Op.FENCE_I:
                            dropCode();
                            pc += w >>> 24;
                            n++;
                            continue outer;
                        case Op.ECALL:
                            this.pc = pc;
                            instret = instretAtStart + n;
                            n++;
                            if (ecall() == SyscallHandler.EXIT)
                            {
                                exited = true;
                            }
                            x[0] = 0;
                            pc = this.pc + 4;
                            continue outer;
                        case Op.EBREAK:
                            throw new GuestFault(Signal.SIGTRAP, pc, pc, imm, "ebreak");
                        case Op.CSR:
                            x[(w >>> 8) & 0x3F] = Zicsr.execute(this, imm, instretAtStart + n, counters, pc);
                            break;
                        case Op.AMO:
                            x[(w >>> 8) & 0x3F] = atomic(imm >>> 27, (imm & 0x1000) != 0, x[(w >>> 14) & 0x1F],
                                x[(w >>> 19) & 0x1F]);
                            break;
                        case Op.FLW:
                            f[(w >>> 8) & 0x3F] = 0xFFFF_FFFF_0000_0000L | (load32(x[(w >>> 14) & 0x1F] + imm) & 0xFFFF_FFFFL);
                            break;
                        case Op.FLD:
                            f[(w >>> 8) & 0x3F] = load64(x[(w >>> 14) & 0x1F] + imm);
                            break;
                        case Op.FSW:
                            store32(x[(w >>> 14) & 0x1F] + imm, (int)f[(w >>> 19) & 0x1F]);
                            break;
                        case Op.FSD:
                            store64(x[(w >>> 14) & 0x1F] + imm, f[(w >>> 19) & 0x1F]);
                            break;
                        case Op.FP:
                            if (!FloatingPointUnit.execute(this, imm))
                            {
                                throw illegal(imm, pc);
                            }
                            break;
                        default:
                            throw illegal(imm, pc);
                    }
                    pc += w >>> 24;
                    n++;
                }
            }
        }
        catch (final GuestFault fault)
        {
            throw fault.withPc(pc);
        }
        finally
        {
            this.pc = pc;
            instret = instretAtStart + n;
        }
        return n;
    }

    /**
     * Chained blocks: runs compiled blocks back to back, starting with {@code firstBlock} of {@code first}, without
     * going through the dispatch loop, as long as each block's successor (direct jump, either branch direction or an
     * indirect jump's target) is itself the entry of a compiled block, in the same page or in another page held by
     * the execute TLB, its longest path fits {@code budget}, no page of the chain was shot down and no thread waits
     * for a safepoint: the same checks as the dispatch loop makes at every block boundary, so instret, instruction
     * budgets (pacing), stop and yield requests and shootdowns stay exact.
     *
     * @param budget instructions the blocks may retire; at least {@code firstBlock.maxInstructions}.
     * @return instructions retired; the next pc is left in {@link #chainPc} and its page in {@link #blockPage}.
     */
    private long runBlocks(final DecodedPage first, final CompiledBlock firstBlock, final long budget)
    {
        final long[] x = this.x;
        final long[] f = this.f;
        DecodedPage page = first;
        CompiledBlock block = firstBlock;
        CompiledBlock[] blocks = page.blocks;
        long base = page.base;
        long n = 0;
        blockPage = page;
        while (true)
        {
            chainRetired = n;
            blockBudget = (int)Math.min(budget - n, Integer.MAX_VALUE >> 1);
            final long pc = block.run(this, x, f);
            n += blockRetired;
            chainPc = pc;
            if (!page.valid || (int)SHOOTDOWN_REQUESTS.getVolatile(this) != 0)
            {
                return n;
            }
            if (((pc - base) >>> PAGE_SHIFT) != 0)
            {
                final long vpn = pc >>> PAGE_SHIFT;
                final int i = (int)vpn & TLB_MASK;
                if (execTag[i] != vpn || execPage[i].blocks == null)
                {
                    return n;
                }
                page = execPage[i];
                blocks = page.blocks;
                base = page.base;
                blockPage = page;
            }
            block = blocks[(int)(pc - base) >>> 1];
            if (block == null || budget - n < block.maxInstructions)
            {
                return n;
            }
            chainedBlocks++;
        }
    }

    /** Compiled blocks this hart installed in its decoded pages (tests wait for it; volatile, read by them). */
    int blocksInstalled()
    {
        return blocksInstalled;
    }

    /** Blocks entered straight from their predecessor block by {@link #runBlocks}, not through the dispatch loop. */
    long chainedBlocks()
    {
        return chainedBlocks;
    }

    /**
     * Whether a jump to {@code target} may continue with {@code page}'s decoded instructions: the target is in the
     * page, the page was not shot down, and no thread waits for a safepoint.
     */
    private boolean staysIn(final DecodedPage page, final long target)
    {
        if (((target - page.base) >>> PAGE_SHIFT) == 0 && page.valid &&
            (int)SHOOTDOWN_REQUESTS.getVolatile(this) == 0)
        {
            if (jit)
            {
                heat(page, target);
            }
            return true;
        }
        return false;
    }

    /** Counts a jump to {@code pc} and compiles the block there when it gets hot. */
    private void heat(final DecodedPage page, final long pc)
    {
        final int slot = (int)(pc - page.base) >>> 1;
        if (++page.heat[slot] == JIT_THRESHOLD)
        {
            page.heat[slot] = Short.MIN_VALUE; // compiled or not worth it: do not look again for a long while
            if (page.valid && page.code[slot] != Op.BLOCK_ENTRY)
            {
                final CompiledBlock block = BlockCompiler.blockAt(page, slot);
                if (block != null)
                {
                    page.install(slot, block);
                    blocksInstalled++;
                }
            }
        }
    }

    /**
     * Called by a compiled block at a jump back to one of its own instructions (a loop kept inside the block): the
     * block may go round again if {@code retiredBound}, the most it can have retired at its next exit, fits the
     * budget the dispatch loop gave it, its page was not shot down, and no thread waits for a safepoint (the same
     * rule as a jump in the dispatch loop, so shootdowns, fence.i and instruction budgets stay exact).
     */
    static boolean mayLoop(final Hart hart, final int retiredBound)
    {
        return retiredBound <= hart.blockBudget && hart.blockPage.valid &&
            (int)SHOOTDOWN_REQUESTS.getVolatile(hart) == 0;
    }

    /**
     * Called by a compiled block where its trace follows a direct jump (a superblock): whether the block's page is
     * still valid. A shootdown lands only while the hart has released its run lock, i.e. in a TLB miss of one of the
     * block's loads or stores, so the code after the jump is the page's current code exactly when this holds.
     */
    static boolean pageValid(final Hart hart)
    {
        return hart.blockPage.valid;
    }

    /**
     * Called by a compiled block's exception handler: the fault happened at {@code pc}, after {@code retired}
     * instructions of the block.
     */
    static void blockFault(final Hart hart, final long pc, final int retired)
    {
        hart.blockFaultPc = pc;
        hart.blockFaultRetired = retired;
    }

    /** Lets a thread waiting in {@link #invalidatePage} or {@link #flushTlb} in; the run lock is fair. */
    private void safepoint()
    {
        runLock.unlock();
        runLock.lock();
    }

    private int ecall()
    {
        runLock.unlock();
        try
        {
            return syscalls.ecall(this);
        }
        finally
        {
            runLock.lock();
        }
    }

    /** The decoded page holding {@code pc}, filling the execute TLB on a miss. */
    private DecodedPage codePage(final long pc)
    {
        final long vpn = pc >>> PAGE_SHIFT;
        final int i = (int)vpn & TLB_MASK;
        if (execTag[i] == vpn)
        {
            return execPage[i];
        }
        final byte[] bytes = translate(pc, GuestMemory.ACCESS_EXEC);
        DecodedPage page = execPage[i];
        if (page == null)
        {
            page = new DecodedPage();
            execPage[i] = page;
        }
        page.reset(vpn << PAGE_SHIFT, bytes);
        execTag[i] = vpn;
        return page;
    }

    /**
     * Asks the memory for the page holding {@code addr}, with the run lock released (the memory may have to evict
     * a line and shoot down this or another hart). A shootdown that lands while the lock is released may concern
     * the page just obtained, so the lookup is repeated until none did.
     */
    private byte[] translate(final long addr, final int access)
    {
        if (!runLock.isHeldByCurrentThread())
        {
            return memory.page(addr, access);
        }
        while (true)
        {
            final int epoch = shootdownEpoch;
            runLock.unlock();
            final byte[] page;
            try
            {
                page = memory.page(addr, access);
            }
            finally
            {
                runLock.lock();
            }
            if (epoch == shootdownEpoch)
            {
                return page;
            }
        }
    }

    /** The 32-bit instruction at {@code pc} whose second parcel lies in the next page. */
    private int fetchCrossPage(final long pc)
    {
        byte[] first;
        byte[] second;
        int epoch;
        do
        {
            epoch = shootdownEpoch;
            first = translate(pc, GuestMemory.ACCESS_EXEC);
            second = translate(pc + 2, GuestMemory.ACCESS_EXEC);
        }
        while (epoch != shootdownEpoch);
        final int low = (short)SHORT_LE.get(first, (int)pc & OFFSET_MASK) & 0xFFFF;
        final int high = (short)SHORT_LE.get(second, 0) & 0xFFFF;
        return (high << 16) | low;
    }

    // ------------------------------------------------------------------------------------------------------
    // Atomics
    // ------------------------------------------------------------------------------------------------------

    /**
     * Every LR, SC and AMO goes through this one method (unprivileged ISA chapter 8). AMOs are compare-and-set
     * loops on the line, so they are atomic against other harts' AMOs and stores; SC succeeds only if this hart
     * holds a reservation on {@code addr} and memory still holds the value LR read. Misaligned addresses are a
     * {@link Signal#SIGBUS}, as Linux reports a misaligned atomic.
     *
     * @param funct5     one of the {@code AMO_*} constants.
     * @param doubleword true for the .D forms, false for .W (32-bit, result sign-extended).
     * @param addr       the effective address (rs1).
     * @param operand    rs2.
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
            final byte[] page = readablePage(addr);
            final int off = (int)addr & OFFSET_MASK;
            final long value = doubleword ? LineAtomics.getLongVolatile(page, off) : LineAtomics.getIntVolatile(page, off);
            reservationValid = true;
            reservationAddress = addr;
            reservationValue = value;
            return value;
        }
        final byte[] page = writablePage(addr);
        final int off = (int)addr & OFFSET_MASK;
        if (funct5 == AMO_SC)
        {
            final boolean reserved = reservationValid && reservationAddress == addr;
            reservationValid = false;
            if (!reserved)
            {
                return 1;
            }
            final boolean stored = doubleword ?
                LineAtomics.compareAndSetLong(page, off, reservationValue, operand) :
                LineAtomics.compareAndSetInt(page, off, (int)reservationValue, (int)operand);
            return stored ? 0 : 1;
        }
        while (true)
        {
            final long old = doubleword ? LineAtomics.getLongVolatile(page, off) : LineAtomics.getIntVolatile(page, off);
            final long value = MulDiv.amo(funct5, doubleword, old, operand);
            final boolean stored = doubleword ?
                LineAtomics.compareAndSetLong(page, off, old, value) :
                LineAtomics.compareAndSetInt(page, off, (int)old, (int)value);
            if (stored)
            {
                return old;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // Memory access through the software TLB
    // ------------------------------------------------------------------------------------------------------

    private byte[] readablePage(final long addr)
    {
        final long vpn = addr >>> PAGE_SHIFT;
        final int i = (int)vpn & TLB_MASK;
        if (readTag[i] == vpn)
        {
            return readPage[i];
        }
        final byte[] page = translate(addr, GuestMemory.ACCESS_READ);
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
        final byte[] page = translate(addr, GuestMemory.ACCESS_WRITE);
        writePage[i] = page;
        writeTag[i] = vpn;
        return page;
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
        if (off + size <= PAGE_SIZE)
        {
            final byte[] page = readablePage(addr);
            switch (size)
            {
                case 2:
                    return (short)SHORT_LE.get(page, off);
                case 4:
                    return (int)INT_LE.get(page, off);
                default:
                    return (long)LONG_LE.get(page, off);
            }
        }
        byte[] first;
        byte[] second;
        int epoch;
        do
        {
            epoch = shootdownEpoch;
            first = readablePage(addr);
            second = readablePage(addr + size - 1);
        }
        while (epoch != shootdownEpoch);
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
        if (off + size <= PAGE_SIZE)
        {
            final byte[] page = writablePage(addr);
            switch (size)
            {
                case 2:
                    SHORT_LE.set(page, off, (short)value);
                    break;
                case 4:
                    INT_LE.set(page, off, (int)value);
                    break;
                default:
                    LONG_LE.set(page, off, value);
                    break;
            }
            return;
        }
        byte[] first;
        byte[] second;
        int epoch;
        do
        {
            epoch = shootdownEpoch;
            first = writablePage(addr);
            second = writablePage(addr + size - 1);
        }
        while (epoch != shootdownEpoch);
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
