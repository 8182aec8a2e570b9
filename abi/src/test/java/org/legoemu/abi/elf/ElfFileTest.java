package org.legoemu.abi.elf;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.legoemu.abi.FlatGuestMemory;
import org.legoemu.abi.GuestMemory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parsing, validation and loading of hand-built ELF64 images. */
class ElfFileTest
{
    private static final long TEXT_VADDR = 0x10000;
    private static final long DATA_VADDR = 0x12345;

    /**
     * A minimal executable: header, three program headers (text RX covering the headers, data RW with .bss, and
     * GNU_RELRO), then 0x100 bytes of text and 0x20 bytes of data.
     */
    static byte[] minimalExecutable(final int type, final int machine)
    {
        final int phnum = 3;
        final int textOff = 64 + 56 * phnum;
        final int dataOff = 0x345;
        final byte[] image = new byte[dataOff + 0x20];
        final ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, (byte)0x7f).put(1, (byte)'E').put(2, (byte)'L').put(3, (byte)'F');
        b.put(4, (byte)2).put(5, (byte)1).put(6, (byte)1);
        b.putShort(16, (short)type);
        b.putShort(18, (short)machine);
        b.putInt(20, 1);
        b.putLong(24, TEXT_VADDR + textOff);
        b.putLong(32, 64);
        b.putShort(52, (short)64);
        b.putShort(54, (short)56);
        b.putShort(56, (short)phnum);
        phdr(b, 64, ElfFile.PT_LOAD, ElfFile.PF_R | ElfFile.PF_X, 0, TEXT_VADDR, textOff + 0x100, textOff + 0x100);
        phdr(b, 64 + 56, ElfFile.PT_LOAD, ElfFile.PF_R | ElfFile.PF_W, dataOff, DATA_VADDR, 0x20, 0x3000);
        phdr(b, 64 + 112, ElfFile.PT_GNU_RELRO, ElfFile.PF_R, dataOff, DATA_VADDR, 0x20, 0xcbb);
        for (int i = textOff; i < textOff + 0x100; i++)
        {
            image[i] = (byte)i;
        }
        for (int i = dataOff; i < dataOff + 0x20; i++)
        {
            image[i] = (byte)(0xA0 + i - dataOff);
        }
        return image;
    }

    private static void phdr(final ByteBuffer b, final int at, final int type, final int flags, final long offset,
        final long vaddr, final long filesz, final long memsz)
    {
        b.putInt(at, type);
        b.putInt(at + 4, flags);
        b.putLong(at + 8, offset);
        b.putLong(at + 16, vaddr);
        b.putLong(at + 24, vaddr);
        b.putLong(at + 32, filesz);
        b.putLong(at + 40, memsz);
        b.putLong(at + 48, 0x1000);
    }

    private static String reject(final byte[] image)
    {
        return assertThrows(ElfException.class, () -> ElfFile.parse(image)).getMessage();
    }

    @Test
    void parsesAMinimalExecutable() throws ElfException
    {
        final ElfFile elf = ElfFile.parse(minimalExecutable(ElfFile.ET_EXEC, ElfFile.EM_RISCV));
        assertEquals(ElfFile.ET_EXEC, elf.type());
        assertFalse(elf.isPositionIndependent());
        assertEquals(3, elf.phnum());
        assertEquals(56, elf.phentsize());
        assertEquals(64, elf.phoff());
        assertEquals(2, elf.loadSegments().size());
        assertNull(elf.tlsSegment());
        assertEquals(DATA_VADDR, elf.gnuRelro().vaddr());
        assertEquals(TEXT_VADDR + 64, elf.phdrVaddr(0), "computed from the PT_LOAD covering e_phoff");
        assertEquals(TEXT_VADDR + 64 + 0x1000, elf.phdrVaddr(0x1000));
    }

    @Test
    void rejectsNonElf()
    {
        assertEquals("not an ELF file", reject(new byte[0]));
        assertEquals("not an ELF file", reject("#!/bin/sh\necho hi\n".getBytes()));
    }

    @Test
    void rejectsTruncatedHeader()
    {
        final byte[] image = Arrays.copyOf(minimalExecutable(ElfFile.ET_EXEC, ElfFile.EM_RISCV), 40);
        assertTrue(reject(image).startsWith("truncated ELF header"));
    }

    @Test
    void rejectsWrongClassAndByteOrder()
    {
        final byte[] elf32 = minimalExecutable(ElfFile.ET_EXEC, ElfFile.EM_RISCV);
        elf32[4] = 1;
        assertEquals("ELF class is 32-bit, expected 64-bit (ELFCLASS64)", reject(elf32));
        final byte[] bigEndian = minimalExecutable(ElfFile.ET_EXEC, ElfFile.EM_RISCV);
        bigEndian[5] = 2;
        assertEquals("ELF data encoding is big-endian, expected little-endian", reject(bigEndian));
    }

    @Test
    void rejectsOtherMachines()
    {
        assertEquals("ELF machine is x86-64 (62), expected RISC-V (243)", reject(minimalExecutable(2, 62)));
        assertEquals("ELF machine is AArch64 (183), expected RISC-V (243)", reject(minimalExecutable(2, 183)));
    }

    @Test
    void rejectsRelocatableObjects()
    {
        assertTrue(reject(minimalExecutable(1, ElfFile.EM_RISCV)).contains("ET_REL"));
    }

    @Test
    void rejectsDynamicallyLinked()
    {
        final byte[] image = minimalExecutable(ElfFile.ET_DYN, ElfFile.EM_RISCV);
        ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).putInt(64 + 112, ElfFile.PT_INTERP);
        assertEquals("dynamically linked executables are not supported; link with -static", reject(image));
    }

    @Test
    void acceptsStaticPie() throws ElfException
    {
        final ElfFile elf = ElfFile.parse(minimalExecutable(ElfFile.ET_DYN, ElfFile.EM_RISCV));
        assertTrue(elf.isPositionIndependent());
    }

    @Test
    void rejectsProgramHeadersOutsideTheFile()
    {
        final byte[] image = minimalExecutable(ElfFile.ET_EXEC, ElfFile.EM_RISCV);
        ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).putLong(32, image.length - 10);
        assertTrue(reject(image).startsWith("ELF program header table"));
        ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).putLong(32, -1L);
        assertTrue(reject(image).startsWith("ELF program header table"));
    }

    @Test
    void rejectsSegmentsOutsideTheFile()
    {
        final byte[] image = minimalExecutable(ElfFile.ET_EXEC, ElfFile.EM_RISCV);
        ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).putLong(64 + 56 + 32, 0x7fff_ffff_ffffL);
        assertTrue(reject(image).startsWith("ELF segment 1"));
    }

    @Test
    void truncatedImagesAreRejectedCleanly()
    {
        final byte[] image = minimalExecutable(ElfFile.ET_EXEC, ElfFile.EM_RISCV);
        for (int len = 0; len < image.length; len++)
        {
            final byte[] cut = Arrays.copyOf(image, len);
            assertThrows(ElfException.class, () -> ElfFile.parse(cut), "length " + len);
        }
    }

    @Property(tries = 2000)
    void corruptHeadersNeverThrowAnythingButElfException(
        @ForAll @IntRange(min = 0, max = 300) final int index, @ForAll final byte value, @ForAll final long seed)
    {
        final byte[] image = minimalExecutable(ElfFile.ET_EXEC, ElfFile.EM_RISCV);
        final Random random = new Random(seed);
        image[index % image.length] = value;
        image[random.nextInt(image.length)] = (byte)random.nextInt();
        try
        {
            ElfFile.parse(image);
        }
        catch (final ElfException ex)
        {
            assertFalse(ex.getMessage().contains("\n"));
        }
    }

    @Test
    void loaderMapsCopiesAndZeroFills() throws ElfException
    {
        final byte[] image = minimalExecutable(ElfFile.ET_EXEC, ElfFile.EM_RISCV);
        final ElfFile elf = ElfFile.parse(image);
        final FlatGuestMemory memory = new FlatGuestMemory();
        final long brk = ElfImageLoader.load(elf, image, 0, memory, memory);
        assertEquals(0x16000, brk, "page-aligned end of 0x12345 + 0x3000");
        final int textOff = 64 + 56 * 3;
        assertEquals(GuestMemory.ACCESS_READ | GuestMemory.ACCESS_EXEC, memory.protection(TEXT_VADDR));
        assertArrayEquals(Arrays.copyOfRange(image, textOff, textOff + 0x100),
            memory.read(TEXT_VADDR + textOff, 0x100));
        assertEquals(GuestMemory.ACCESS_READ | GuestMemory.ACCESS_WRITE, memory.protection(DATA_VADDR));
        assertEquals(GuestMemory.ACCESS_READ | GuestMemory.ACCESS_WRITE, memory.protection(0x15000));
        assertArrayEquals(Arrays.copyOfRange(image, 0x345, 0x365), memory.read(DATA_VADDR, 0x20));
        assertArrayEquals(new byte[0x2000], memory.read(DATA_VADDR + 0x20, 0x2000), ".bss is zero");
        assertFalse(memory.isMapped(0x11000));
        assertFalse(memory.isMapped(0x16000));
        assertArrayEquals(new long[]{ 0x12000, 0x1000 }, ElfImageLoader.relroRange(elf, 0));
    }

    @Test
    void loaderAppliesTheBiasForStaticPie() throws ElfException
    {
        final byte[] image = minimalExecutable(ElfFile.ET_DYN, ElfFile.EM_RISCV);
        final ElfFile elf = ElfFile.parse(image);
        final FlatGuestMemory memory = new FlatGuestMemory();
        final long bias = 0x2aaaaaa000L;
        assertEquals(bias + 0x16000, ElfImageLoader.load(elf, image, bias, memory, memory));
        assertTrue(memory.isMapped(bias + TEXT_VADDR));
        assertEquals(bias + TEXT_VADDR + 64, elf.phdrVaddr(bias));
        assertThrows(IllegalArgumentException.class, () -> ElfImageLoader.load(elf, image, 0x123, memory, memory));
    }
}
