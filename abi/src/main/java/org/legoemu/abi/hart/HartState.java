package org.legoemu.abi.hart;

/**
 * The architectural state of one RV64GC hart in user mode (RISC-V unprivileged ISA, chapters 2, 11-13):
 * integer registers, floating-point registers and fcsr. Shared by the integer interpreter and the
 * floating-point unit so neither owns the other.
 */
public class HartState
{
    /**
     * x0..x31, plus {@code x[32]}: a write-only sink that receives the interpreter's writes to x0, so {@code x[0]}
     * always reads 0. Code outside the interpreter must never write {@code x[0]}.
     */
    public final long[] x = new long[33];
    /** f0..f31 as raw 64-bit patterns; single-precision values are NaN-boxed (upper 32 bits all ones). */
    public final long[] f = new long[32];
    /** The pc of the instruction being executed, in bytes. */
    public long pc;
    /** fcsr.fflags accrued exception bits: NV=0x10, DZ=0x08, OF=0x04, UF=0x02, NX=0x01. */
    public int fflags;
    /** fcsr.frm dynamic rounding mode: 0 RNE, 1 RTZ, 2 RDN, 3 RUP, 4 RMM; 5-7 reserved. */
    public int frm;

    public static final int FFLAG_NV = 0x10;
    public static final int FFLAG_DZ = 0x08;
    public static final int FFLAG_OF = 0x04;
    public static final int FFLAG_UF = 0x02;
    public static final int FFLAG_NX = 0x01;

    public static final int RM_RNE = 0;
    public static final int RM_RTZ = 1;
    public static final int RM_RDN = 2;
    public static final int RM_RUP = 3;
    public static final int RM_RMM = 4;
    public static final int RM_DYN = 7;
}
