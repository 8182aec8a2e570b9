package org.legoemu.abi.linux;

import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.elf.ImageWriter;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds a new process's initial stack as Linux does for riscv64 (fs/exec.c {@code copy_strings} and
 * fs/binfmt_elf.c {@code create_elf_tables}, without stack randomization).
 *
 * <p>From {@code stackTop} downward: an 8-byte zero word, the execfn string, the environment strings, the
 * argument strings (each NUL-terminated UTF-8, the first of each list lowest), alignment to 16, the 16
 * AT_RANDOM bytes (riscv64 has no AT_PLATFORM string), then, at a 16-byte aligned {@code sp}: argc, the argv
 * pointers and NULL, the envp pointers and NULL, and the auxiliary vector ending with AT_NULL.
 */
public final class InitialStack
{
    public static final int AT_NULL = 0;
    public static final int AT_PHDR = 3;
    public static final int AT_PHENT = 4;
    public static final int AT_PHNUM = 5;
    public static final int AT_PAGESZ = 6;
    public static final int AT_BASE = 7;
    public static final int AT_FLAGS = 8;
    public static final int AT_ENTRY = 9;
    public static final int AT_UID = 11;
    public static final int AT_EUID = 12;
    public static final int AT_GID = 13;
    public static final int AT_EGID = 14;
    public static final int AT_HWCAP = 16;
    public static final int AT_CLKTCK = 17;
    public static final int AT_SECURE = 23;
    public static final int AT_RANDOM = 25;
    public static final int AT_EXECFN = 31;

    /** AT_HWCAP for RV64IMAFDC: bit (letter - 'a') for a, c, d, f, i, m (arch/riscv/kernel/cpufeature.c). */
    public static final long HWCAP_RV64IMAFDC = (1L << ('a' - 'a')) | (1L << ('c' - 'a')) | (1L << ('d' - 'a')) |
        (1L << ('f' - 'a')) | (1L << ('i' - 'a')) | (1L << ('m' - 'a'));
    /** AT_PAGESZ, bytes. */
    public static final long PAGE_SIZE = GuestMemory.PAGE_SIZE;
    /** AT_CLKTCK: USER_HZ ticks per second. */
    public static final long CLOCK_TICKS = 100;
    /** Number of auxv entries written, including AT_NULL. */
    public static final int AUXV_ENTRIES = 17;

    /**
     * Per-process values of the auxiliary vector.
     *
     * @param phdr  AT_PHDR: run-time address of the program headers ({@code ElfFile.phdrVaddr(bias)}).
     * @param phent AT_PHENT: size of one program header, bytes (56).
     * @param phnum AT_PHNUM: number of program headers.
     * @param entry AT_ENTRY: run-time entry point (e_entry plus load bias).
     * @param uid   AT_UID.
     * @param euid  AT_EUID.
     * @param gid   AT_GID.
     * @param egid  AT_EGID.
     */
    public record AuxValues(long phdr, long phent, long phnum, long entry, long uid, long euid, long gid, long egid)
    {
    }

    private InitialStack()
    {
    }

    /**
     * Writes the initial stack below {@code stackTop}; the pages must be mapped and writable through {@code w}.
     *
     * @param w         writes into guest memory.
     * @param stackTop  exclusive top of the stack mapping, 16-byte aligned.
     * @param argv      arguments, argv[0] first.
     * @param envp      environment entries, {@code NAME=value}.
     * @param execfn    the path given to execve (AT_EXECFN).
     * @param aux       the auxv values that depend on the image.
     * @param random16  the 16 bytes AT_RANDOM points to.
     * @return the initial stack pointer, 16-byte aligned, pointing at argc.
     * @throws IllegalArgumentException when {@code random16} is not 16 bytes or {@code stackTop} is misaligned.
     */
    public static long build(
        final ImageWriter w,
        final long stackTop,
        final List<String> argv,
        final List<String> envp,
        final String execfn,
        final AuxValues aux,
        final byte[] random16)
    {
        if (random16 == null || random16.length != 16)
        {
            throw new IllegalArgumentException("AT_RANDOM needs exactly 16 bytes");
        }
        if ((stackTop & 15) != 0)
        {
            throw new IllegalArgumentException("stack top 0x" + Long.toHexString(stackTop) + " is not 16-byte aligned");
        }

        long p = stackTop - 8;
        w.write(p, new byte[8], 0, 8);
        final long execfnAddr = p = pushString(w, p, execfn);
        final long[] envAddrs = new long[envp.size()];
        for (int i = envp.size() - 1; i >= 0; i--)
        {
            envAddrs[i] = p = pushString(w, p, envp.get(i));
        }
        final long[] argAddrs = new long[argv.size()];
        for (int i = argv.size() - 1; i >= 0; i--)
        {
            argAddrs[i] = p = pushString(w, p, argv.get(i));
        }
        p &= ~15L;
        p -= 16;
        final long randomAddr = p;
        w.write(randomAddr, random16, 0, 16);

        final int items = (argv.size() + 1) + (envp.size() + 1) + 1;
        final long sp = (p - AUXV_ENTRIES * 16L - items * 8L) & ~15L;

        final int tableBytes = items * 8 + AUXV_ENTRIES * 16;
        final ByteBuffer table = ByteBuffer.allocate(tableBytes).order(ByteOrder.LITTLE_ENDIAN);
        table.putLong(argv.size());
        for (final long a : argAddrs)
        {
            table.putLong(a);
        }
        table.putLong(0);
        for (final long e : envAddrs)
        {
            table.putLong(e);
        }
        table.putLong(0);
        aux(table, AT_HWCAP, HWCAP_RV64IMAFDC);
        aux(table, AT_PAGESZ, PAGE_SIZE);
        aux(table, AT_CLKTCK, CLOCK_TICKS);
        aux(table, AT_PHDR, aux.phdr());
        aux(table, AT_PHENT, aux.phent());
        aux(table, AT_PHNUM, aux.phnum());
        aux(table, AT_BASE, 0);
        aux(table, AT_FLAGS, 0);
        aux(table, AT_ENTRY, aux.entry());
        aux(table, AT_UID, aux.uid());
        aux(table, AT_EUID, aux.euid());
        aux(table, AT_GID, aux.gid());
        aux(table, AT_EGID, aux.egid());
        aux(table, AT_SECURE, 0);
        aux(table, AT_RANDOM, randomAddr);
        aux(table, AT_EXECFN, execfnAddr);
        aux(table, AT_NULL, 0);
        w.write(sp, table.array(), 0, tableBytes);
        return sp;
    }

    private static void aux(final ByteBuffer table, final int type, final long value)
    {
        table.putLong(type);
        table.putLong(value);
    }

    private static long pushString(final ImageWriter w, final long p, final String s)
    {
        final byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        final byte[] bytes = new byte[utf8.length + 1];
        System.arraycopy(utf8, 0, bytes, 0, utf8.length);
        final long at = p - bytes.length;
        w.write(at, bytes, 0, bytes.length);
        return at;
    }
}
