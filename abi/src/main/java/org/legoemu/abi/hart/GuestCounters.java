package org.legoemu.abi.hart;

/**
 * What a hart's {@code cycle} and {@code time} CSRs read (RISC-V unprivileged ISA 20191213, chapter 10 "Counters":
 * {@code rdcycle}, {@code rdtime}); {@code instret} is always the hart's instructions retired. The default,
 * {@link #host()}, reads the host's clock; the pComponent's timing model installs one that reads the hart's modeled
 * clock ({@link Hart#counters}). Called on the hart's own thread from the interpreter; compiled blocks leave counter
 * CSRs to the interpreter ({@link BlockCompiler}), so both read the same source. Implementations must not allocate.
 */
public interface GuestCounters
{
    /**
     * Frequency of the {@code time} CSR, Hz: 10 MHz. Linux riscv64 takes it from the device tree's
     * {@code /cpus/timebase-frequency} (arch/riscv/kernel/time.c, {@code time_init}); QEMU's virt board writes
     * {@code RISCV_ACLINT_DEFAULT_TIMEBASE_FREQ} = 10000000 there (include/hw/intc/riscv_aclint.h, hw/riscv/virt.c).
     */
    long TIMEBASE_HZ = 10_000_000L;
    /** Ns per tick of the {@code time} CSR at {@link #TIMEBASE_HZ}: 100. */
    long NS_PER_TICK = 1_000_000_000L / TIMEBASE_HZ;

    /**
     * @param instret the hart's instructions retired up to (not including) the reading instruction.
     * @return the {@code time} CSR: ticks of {@link #TIMEBASE_HZ} since the clock's origin.
     */
    long time(long instret);

    /**
     * @param instret the hart's instructions retired up to (not including) the reading instruction.
     * @return the {@code cycle} CSR: cycles since the clock's origin.
     */
    long cycle(long instret);

    /**
     * The host's counters, as before the timing model: {@code time} counts host {@link System#nanoTime()} ticks
     * from this call at {@link #TIMEBASE_HZ}, {@code cycle} equals {@code instret} (one cycle per instruction).
     */
    static GuestCounters host()
    {
        final long startNanos = System.nanoTime();
        return new GuestCounters()
        {
            @Override
            public long time(final long instret)
            {
                return (System.nanoTime() - startNanos) / NS_PER_TICK;
            }

            @Override
            public long cycle(final long instret)
            {
                return instret;
            }
        };
    }
}
