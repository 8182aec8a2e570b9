package org.legoemu.abi.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A parsed, validated ELF64 little-endian RISC-V executable (System V gABI "ELF-64 Object File Format"; RISC-V
 * ELF psABI). Only what an execve of a static executable needs: the file header and the program headers.
 *
 * <p>Accepted: {@code ET_EXEC}, and {@code ET_DYN} without {@code PT_INTERP} (static-PIE). Rejected with an
 * {@link ElfException}: anything that is not ELF, not ELFCLASS64, not little-endian, not EM_RISCV, dynamically
 * linked (has {@code PT_INTERP}), without a loadable segment, or whose headers or segments do not fit in the
 * file. Parsing never throws anything but {@link ElfException} for a malformed image.
 */
public final class ElfFile
{
    public static final int ET_EXEC = 2;
    public static final int ET_DYN = 3;
    public static final int EM_RISCV = 243;

    public static final int PT_NULL = 0;
    public static final int PT_LOAD = 1;
    public static final int PT_DYNAMIC = 2;
    public static final int PT_INTERP = 3;
    public static final int PT_NOTE = 4;
    public static final int PT_PHDR = 6;
    public static final int PT_TLS = 7;
    public static final int PT_GNU_EH_FRAME = 0x6474e550;
    public static final int PT_GNU_STACK = 0x6474e551;
    public static final int PT_GNU_RELRO = 0x6474e552;
    public static final int PT_RISCV_ATTRIBUTES = 0x70000003;

    public static final int PF_X = 1;
    public static final int PF_W = 2;
    public static final int PF_R = 4;

    /** Size of the ELF64 file header in bytes. */
    public static final int EHDR_SIZE = 64;
    /** Size of one ELF64 program header in bytes. */
    public static final int PHDR_SIZE = 56;
    /** Refuse more program headers than Linux does (ELF_MIN_ALIGN / sizeof(phdr), binfmt_elf.c: 64 KiB). */
    public static final int MAX_PHNUM = 65536 / PHDR_SIZE;

    /**
     * One program header (gABI "Program Header").
     *
     * @param type   p_type, e.g. {@link #PT_LOAD}.
     * @param flags  p_flags, bits {@link #PF_R}, {@link #PF_W}, {@link #PF_X}.
     * @param offset p_offset, bytes from the start of the file.
     * @param vaddr  p_vaddr, before adding the load bias.
     * @param filesz p_filesz, bytes present in the file.
     * @param memsz  p_memsz, bytes in memory (the rest zero-filled).
     * @param align  p_align, bytes.
     */
    public record ProgramHeader(int type, int flags, long offset, long vaddr, long filesz, long memsz, long align)
    {
        /** Exclusive end of the segment in memory, before the load bias. */
        public long vaddrEnd()
        {
            return vaddr + memsz;
        }
    }

    private final int type;
    private final long entry;
    private final long phoff;
    private final int phnum;
    private final int phentsize;
    private final List<ProgramHeader> programHeaders;

    private ElfFile(
        final int type,
        final long entry,
        final long phoff,
        final int phnum,
        final int phentsize,
        final List<ProgramHeader> programHeaders)
    {
        this.type = type;
        this.entry = entry;
        this.phoff = phoff;
        this.phnum = phnum;
        this.phentsize = phentsize;
        this.programHeaders = programHeaders;
    }

    /**
     * Parses and validates an executable image.
     *
     * @param image the whole file.
     * @return the parsed file.
     * @throws ElfException with a one-line reason when the image is not a loadable static riscv64 executable.
     */
    public static ElfFile parse(final byte[] image) throws ElfException
    {
        if (image == null || image.length < 4 ||
            image[0] != 0x7f || image[1] != 'E' || image[2] != 'L' || image[3] != 'F')
        {
            throw new ElfException("not an ELF file");
        }
        if (image.length < EHDR_SIZE)
        {
            throw new ElfException("truncated ELF header: " + image.length + " bytes, need " + EHDR_SIZE);
        }
        if (image[4] != 2)
        {
            throw new ElfException("ELF class is " + (image[4] == 1 ? "32-bit" : "invalid (" + image[4] + ")") +
                ", expected 64-bit (ELFCLASS64)");
        }
        if (image[5] != 1)
        {
            throw new ElfException("ELF data encoding is " + (image[5] == 2 ? "big-endian" : "invalid (" +
                image[5] + ")") + ", expected little-endian");
        }
        if (image[6] != 1)
        {
            throw new ElfException("ELF version " + image[6] + " is not supported, expected 1");
        }

        final ByteBuffer buf = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        final int type = buf.getShort(16) & 0xFFFF;
        final int machine = buf.getShort(18) & 0xFFFF;
        if (machine != EM_RISCV)
        {
            throw new ElfException("ELF machine is " + machineName(machine) + " (" + machine +
                "), expected RISC-V (" + EM_RISCV + ")");
        }
        if (type != ET_EXEC && type != ET_DYN)
        {
            throw new ElfException("ELF type " + typeName(type) + " (" + type +
                ") is not an executable, expected ET_EXEC or ET_DYN");
        }
        final long entry = buf.getLong(24);
        final long phoff = buf.getLong(32);
        final int ehsize = buf.getShort(52) & 0xFFFF;
        final int phentsize = buf.getShort(54) & 0xFFFF;
        final int phnum = buf.getShort(56) & 0xFFFF;
        if (ehsize < EHDR_SIZE)
        {
            throw new ElfException("ELF header size " + ehsize + " is smaller than " + EHDR_SIZE);
        }
        if (phnum == 0)
        {
            throw new ElfException("ELF file has no program headers");
        }
        if (phnum > MAX_PHNUM)
        {
            throw new ElfException("ELF file has " + phnum + " program headers, at most " + MAX_PHNUM +
                " are supported");
        }
        if (phentsize != PHDR_SIZE)
        {
            throw new ElfException("ELF program header size is " + phentsize + ", expected " + PHDR_SIZE);
        }
        if (!fits(phoff, (long)phnum * phentsize, image.length))
        {
            throw new ElfException("ELF program header table (offset " + phoff + ", " + phnum +
                " entries) lies outside the " + image.length + "-byte file");
        }

        final List<ProgramHeader> headers = new ArrayList<>(phnum);
        boolean hasLoad = false;
        for (int n = 0; n < phnum; n++)
        {
            final int at = (int)phoff + n * phentsize;
            final ProgramHeader ph = new ProgramHeader(
                buf.getInt(at),
                buf.getInt(at + 4),
                buf.getLong(at + 8),
                buf.getLong(at + 16),
                buf.getLong(at + 32),
                buf.getLong(at + 40),
                buf.getLong(at + 48));
            validate(ph, n, image.length);
            if (ph.type() == PT_INTERP)
            {
                throw new ElfException("dynamically linked executables are not supported; link with -static");
            }
            hasLoad |= ph.type() == PT_LOAD;
            headers.add(ph);
        }
        if (!hasLoad)
        {
            throw new ElfException("ELF file has no loadable (PT_LOAD) segment");
        }
        return new ElfFile(type, entry, phoff, phnum, phentsize, Collections.unmodifiableList(headers));
    }

    private static void validate(final ProgramHeader ph, final int index, final int fileLength) throws ElfException
    {
        if (ph.type() != PT_LOAD && ph.type() != PT_TLS && ph.type() != PT_INTERP && ph.type() != PT_PHDR)
        {
            return;
        }
        if (!fits(ph.offset(), ph.filesz(), fileLength))
        {
            throw new ElfException("ELF segment " + index + " (offset " + ph.offset() + ", " + ph.filesz() +
                " bytes) lies outside the " + fileLength + "-byte file");
        }
        if (ph.type() == PT_LOAD || ph.type() == PT_TLS)
        {
            if (Long.compareUnsigned(ph.filesz(), ph.memsz()) > 0)
            {
                throw new ElfException("ELF segment " + index + " has p_filesz " + ph.filesz() +
                    " larger than p_memsz " + ph.memsz());
            }
            if (ph.memsz() < 0 || ph.vaddr() < 0 || ph.vaddr() + ph.memsz() < ph.vaddr() ||
                ph.vaddr() + ph.memsz() > (1L << 56))
            {
                throw new ElfException("ELF segment " + index + " at 0x" + Long.toHexString(ph.vaddr()) +
                    " with " + ph.memsz() + " bytes lies outside the user address space");
            }
        }
        if (ph.type() == PT_LOAD && ph.align() > 1 &&
            ((ph.vaddr() - ph.offset()) & (ph.align() - 1)) != 0 && Long.bitCount(ph.align()) == 1)
        {
            throw new ElfException("ELF segment " + index + " has p_vaddr and p_offset not congruent modulo " +
                "p_align");
        }
    }

    private static boolean fits(final long offset, final long length, final int fileLength)
    {
        return offset >= 0 && length >= 0 && offset <= fileLength && length <= fileLength - offset;
    }

    private static String machineName(final int machine)
    {
        switch (machine)
        {
            case 3:
                return "x86";
            case 8:
                return "MIPS";
            case 20:
                return "PowerPC";
            case 21:
                return "PowerPC64";
            case 22:
                return "S/390";
            case 40:
                return "ARM";
            case 62:
                return "x86-64";
            case 183:
                return "AArch64";
            case 243:
                return "RISC-V";
            case 258:
                return "LoongArch";
            default:
                return "unknown";
        }
    }

    private static String typeName(final int type)
    {
        switch (type)
        {
            case 0:
                return "ET_NONE";
            case 1:
                return "ET_REL";
            case 4:
                return "ET_CORE";
            default:
                return "unknown";
        }
    }

    /** e_type: {@link #ET_EXEC} or {@link #ET_DYN}. */
    public int type()
    {
        return type;
    }

    /** e_entry, before adding the load bias. */
    public long entry()
    {
        return entry;
    }

    /** e_phoff: file offset of the program header table, bytes. */
    public long phoff()
    {
        return phoff;
    }

    /** e_phnum: number of program headers. */
    public int phnum()
    {
        return phnum;
    }

    /** e_phentsize: size of one program header, bytes (always {@value #PHDR_SIZE}). */
    public int phentsize()
    {
        return phentsize;
    }

    /** All program headers in file order; unmodifiable. */
    public List<ProgramHeader> programHeaders()
    {
        return programHeaders;
    }

    /** The PT_LOAD headers in file order (the gABI requires ascending p_vaddr). */
    public List<ProgramHeader> loadSegments()
    {
        final List<ProgramHeader> loads = new ArrayList<>();
        for (final ProgramHeader ph : programHeaders)
        {
            if (ph.type() == PT_LOAD)
            {
                loads.add(ph);
            }
        }
        return loads;
    }

    /** The PT_TLS header, or null when the program has no thread-local storage. */
    public ProgramHeader tlsSegment()
    {
        return find(PT_TLS);
    }

    /** The PT_GNU_RELRO header, or null. */
    public ProgramHeader gnuRelro()
    {
        return find(PT_GNU_RELRO);
    }

    /** True for ET_DYN (static-PIE): the caller chooses a load bias; false for ET_EXEC (bias 0). */
    public boolean isPositionIndependent()
    {
        return type == ET_DYN;
    }

    /**
     * The run-time address of the program header table, for AT_PHDR: PT_PHDR's p_vaddr if present, otherwise the
     * address at which the first PT_LOAD that covers file offset e_phoff maps it (as binfmt_elf.c does).
     *
     * @param loadBias added to every p_vaddr (0 for ET_EXEC).
     * @return the address, or 0 when no loaded segment contains the headers.
     */
    public long phdrVaddr(final long loadBias)
    {
        final ProgramHeader phdr = find(PT_PHDR);
        if (phdr != null)
        {
            return phdr.vaddr() + loadBias;
        }
        final long tableEnd = phoff + (long)phnum * phentsize;
        for (final ProgramHeader ph : programHeaders)
        {
            if (ph.type() == PT_LOAD && phoff >= ph.offset() && tableEnd <= ph.offset() + ph.filesz())
            {
                return ph.vaddr() + (phoff - ph.offset()) + loadBias;
            }
        }
        return 0;
    }

    private ProgramHeader find(final int type)
    {
        for (final ProgramHeader ph : programHeaders)
        {
            if (ph.type() == type)
            {
                return ph;
            }
        }
        return null;
    }
}
