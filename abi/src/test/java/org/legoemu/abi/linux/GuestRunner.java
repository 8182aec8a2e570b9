package org.legoemu.abi.linux;

import org.legoemu.abi.FlatGuestMemory;
import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.elf.ElfException;
import org.legoemu.abi.elf.ElfFile;
import org.legoemu.abi.elf.ElfImageLoader;
import org.legoemu.abi.hart.Hart;

import java.util.List;

/** Loads a static riscv64 executable into a {@link FlatGuestMemory} and runs it on one {@link Hart}. */
public final class GuestRunner
{
    public static final long STACK_TOP = 0x40_0000_0000L;
    public static final long STACK_SIZE = 1L << 20;
    public static final long PIE_BIAS = 0x2aaaaaa000L;

    public final FlatGuestMemory memory = new FlatGuestMemory();
    public final TestKernel kernel;
    public final Hart hart;
    public final ElfFile elf;
    public final long loadBias;

    public GuestRunner(final byte[] image, final List<String> argv, final List<String> envp) throws ElfException
    {
        elf = ElfFile.parse(image);
        loadBias = elf.isPositionIndependent() ? PIE_BIAS : 0;
        final long brk = ElfImageLoader.load(elf, image, loadBias, memory, memory);
        kernel = new TestKernel(memory, brk);
        memory.map(STACK_TOP - STACK_SIZE, STACK_SIZE, GuestMemory.ACCESS_READ | GuestMemory.ACCESS_WRITE);
        final byte[] random = new byte[16];
        for (int i = 0; i < 16; i++)
        {
            random[i] = (byte)(i * 37 + 11);
        }
        final InitialStack.AuxValues aux = new InitialStack.AuxValues(
            elf.phdrVaddr(loadBias), elf.phentsize(), elf.phnum(), elf.entry() + loadBias, 0, 0, 0, 0);
        final long sp = InitialStack.build(memory, STACK_TOP, argv, envp, argv.get(0), aux, random);
        hart = new Hart(memory, kernel);
        hart.pc = elf.entry() + loadBias;
        hart.x[2] = sp;
    }

    /** Runs until exit or until {@code budget} instructions retired; returns the instructions retired. */
    public long run(final long budget)
    {
        long total = 0;
        while (!hart.exited() && total < budget)
        {
            total += hart.run(Math.min(budget - total, 100_000_000L));
        }
        return total;
    }
}
