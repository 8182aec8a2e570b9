package org.legoemu.abi.hart;

/**
 * A run of guest instructions translated to JVM bytecode by {@link BlockCompiler}: a trace from one entry pc that
 * follows direct jumps ({@code jal}) to targets in the same page (a superblock), with a side exit at every taken
 * conditional branch, ending at an indirect jump, a jump out of the page, at an instruction the translator
 * leaves to the interpreter (ecall, a CSR other than fflags, frm and fcsr, AMO, fence.i, illegal), at the end of
 * the page, or after {@link BlockCompiler#MAX_INSTRUCTIONS}. The generated subclass is a hidden class, unloaded
 * when no page refers to it any more.
 */
public abstract class CompiledBlock
{
    /** Instructions on the longest path through the block (the interpreter's budget check). */
    int maxInstructions;

    /**
     * Runs the block on {@code hart}.
     *
     * @param hart the hart; the block sets {@code hart.blockRetired} to the number of instructions it retired.
     * @param x    {@code hart.x}.
     * @param f    {@code hart.f}.
     * @return the pc of the next instruction to execute.
     * @throws org.legoemu.abi.GuestFault from a load, store or FP instruction, after
     *                                    {@link Hart#blockFault} recorded its pc and the instructions retired before
     *                                    it.
     */
    public abstract long run(Hart hart, long[] x, long[] f);
}
