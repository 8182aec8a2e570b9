package org.legoemu.abi.hart;

/**
 * The user-level CSRs and the Zicsr instructions that access them (RISC-V unprivileged ISA 20191213, chapter 9
 * "Zicsr", chapter 10 "Counters", section 11.2 "fcsr"): {@code fflags}, {@code frm}, {@code fcsr} read/write;
 * {@code cycle}, {@code time}, {@code instret} read-only (a write is an illegal instruction, as privileged ISA
 * section 2.1 requires for read-only CSRs). Any other CSR is an illegal instruction.
 */
final class Zicsr
{
    static final int CSR_FFLAGS = 0x001;
    static final int CSR_FRM = 0x002;
    static final int CSR_FCSR = 0x003;
    static final int CSR_CYCLE = 0xC00;
    static final int CSR_TIME = 0xC01;
    static final int CSR_INSTRET = 0xC02;

    private Zicsr()
    {
    }

    /**
     * Executes CSRRW/CSRRS/CSRRC/CSRRWI/CSRRSI/CSRRCI.
     *
     * @param s          the hart state; {@code fflags}/{@code frm} are updated, {@code x} is read for rs1.
     * @param insn       the instruction word (SYSTEM opcode, funct3 != 0 and != 4).
     * @param instret    the current value of {@code instret}.
     * @param counters   what {@code cycle} and {@code time} read; null only for fflags, frm and fcsr.
     * @param pc         the instruction's pc, for the fault.
     * @return the CSR's old value, for rd.
     * @throws org.legoemu.abi.GuestFault SIGILL for an unknown CSR or a write to a read-only one.
     */
    static long execute(final HartState s, final int insn, final long instret, final GuestCounters counters,
        final long pc)
    {
        final int csr = insn >>> 20;
        final int funct3 = (insn >>> 12) & 7;
        final int rs1 = (insn >>> 15) & 0x1F;
        final long operand = (funct3 & 4) != 0 ? rs1 : s.x[rs1];
        final int kind = funct3 & 3;
        final boolean writes = kind == 1 || rs1 != 0;
        final long old;
        switch (csr)
        {
            case CSR_FFLAGS:
                old = s.fflags;
                break;
            case CSR_FRM:
                old = s.frm;
                break;
            case CSR_FCSR:
                old = ((long)s.frm << 5) | s.fflags;
                break;
            case CSR_CYCLE:
                if (writes)
                {
                    throw Hart.illegal(insn, pc);
                }
                old = counters.cycle(instret);
                break;
            case CSR_INSTRET:
                if (writes)
                {
                    throw Hart.illegal(insn, pc);
                }
                old = instret;
                break;
            case CSR_TIME:
                if (writes)
                {
                    throw Hart.illegal(insn, pc);
                }
                old = counters.time(instret);
                break;
            default:
                throw Hart.illegal(insn, pc);
        }
        if (writes)
        {
            final long value = kind == 1 ? operand : kind == 2 ? old | operand : old & ~operand;
            switch (csr)
            {
                case CSR_FFLAGS:
                    s.fflags = (int)value & 0x1F;
                    break;
                case CSR_FRM:
                    s.frm = (int)value & 7;
                    break;
                default:
                    s.fflags = (int)value & 0x1F;
                    s.frm = (int)(value >>> 5) & 7;
                    break;
            }
        }
        return old;
    }
}
