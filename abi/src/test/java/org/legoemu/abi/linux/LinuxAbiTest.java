package org.legoemu.abi.linux;

import org.junit.jupiter.api.Test;
import org.legoemu.abi.FlatGuestMemory;
import org.legoemu.abi.GuestMemory;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Syscall numbers, errno, struct layouts and the initial stack. */
class LinuxAbiTest
{
    @Test
    void syscallNumbersAndNames()
    {
        assertEquals(56, Syscalls.OPENAT);
        assertEquals(64, Syscalls.WRITE);
        assertEquals(93, Syscalls.EXIT);
        assertEquals(94, Syscalls.EXIT_GROUP);
        assertEquals(222, Syscalls.MMAP);
        assertEquals(259, Syscalls.RISCV_FLUSH_ICACHE);
        assertEquals(293, Syscalls.RSEQ);
        assertEquals(435, Syscalls.CLONE3);
        assertEquals("openat", Syscalls.name(56));
        assertEquals("newfstatat", Syscalls.name(79));
        assertEquals("syscall_999", Syscalls.name(999));
        assertEquals("syscall_-1", Syscalls.name(-1));
        assertEquals("syscall_250", Syscalls.name(250));
    }

    @Test
    void errnoNamesAndMessages()
    {
        assertEquals(38, Errno.ENOSYS);
        assertEquals(39, Errno.ENOTEMPTY);
        assertEquals(40, Errno.ELOOP);
        assertEquals(36, Errno.ENAMETOOLONG);
        assertEquals("ENOENT", Errno.name(2));
        assertEquals("ENOENT", Errno.name(-2));
        assertEquals("No such file or directory", Errno.message(2));
        assertEquals("errno_4000", Errno.name(4000));
    }

    @Test
    void statLayoutIsAsmGeneric()
    {
        final byte[] st = LinuxStructs.stat(new LinuxStructs.Stat(1, 2, LinuxStructs.S_IFREG | 0644, 3, 4, 5, 6, 7,
            4096, 8, 9, 10, 11, 12, 13, 14));
        assertEquals(128, st.length);
        assertEquals(1, LinuxStructs.getLong(st, 0));
        assertEquals(2, LinuxStructs.getLong(st, 8));
        assertEquals(LinuxStructs.S_IFREG | 0644 | (3L << 32), LinuxStructs.getLong(st, 16));
        assertEquals(4 | (5L << 32), LinuxStructs.getLong(st, 24));
        assertEquals(6, LinuxStructs.getLong(st, 32));
        assertEquals(7, LinuxStructs.getLong(st, 48));
        assertEquals(4096, LinuxStructs.getLong(st, 56));
        assertEquals(8, LinuxStructs.getLong(st, 64));
        assertEquals(14, LinuxStructs.getLong(st, 112));
        assertEquals(0, LinuxStructs.getLong(st, 120));
    }

    @Test
    void utsnameFieldsAre65Bytes()
    {
        final byte[] u = LinuxStructs.utsname("Linux", "host", "6.1.0", "#1", "riscv64", "(none)");
        assertEquals(390, u.length);
        assertEquals('r', u[4 * 65]);
        assertEquals(0, u[4 * 65 + 7]);
        assertEquals(16, LinuxStructs.timespec(1, 2).length);
        assertEquals(-1L, LinuxStructs.getLong(LinuxStructs.rlimit(5, LinuxStructs.RLIM_INFINITY), 8));
    }

    @Test
    void initialStackMatchesCreateElfTables()
    {
        final FlatGuestMemory memory = new FlatGuestMemory();
        final long top = 0x40_0000_0000L;
        memory.map(top - 0x10000, 0x10000, GuestMemory.ACCESS_READ | GuestMemory.ACCESS_WRITE);
        final byte[] random = new byte[16];
        random[0] = 0x5A;
        final InitialStack.AuxValues aux = new InitialStack.AuxValues(0x10040, 56, 7, 0x105ec, 1000, 1001, 100, 101);
        final long sp = InitialStack.build(memory, top, List.of("/bin/prog", "-x"), List.of("A=1"), "/bin/prog",
            aux, random);
        assertEquals(0, sp & 15);
        assertEquals(2, memory.readLong(sp));
        assertEquals("/bin/prog", memory.readCString(memory.readLong(sp + 8), 100));
        assertEquals("-x", memory.readCString(memory.readLong(sp + 16), 100));
        assertEquals(0, memory.readLong(sp + 24));
        assertEquals("A=1", memory.readCString(memory.readLong(sp + 32), 100));
        assertEquals(0, memory.readLong(sp + 40));
        long at = sp + 48;
        final java.util.Map<Long, Long> auxv = new java.util.LinkedHashMap<>();
        while (true)
        {
            final long type = memory.readLong(at);
            final long value = memory.readLong(at + 8);
            at += 16;
            if (type == InitialStack.AT_NULL)
            {
                break;
            }
            auxv.put(type, value);
        }
        assertEquals(16, auxv.size());
        assertEquals(0x112DL, auxv.get((long)InitialStack.AT_HWCAP));
        assertEquals(4096L, auxv.get((long)InitialStack.AT_PAGESZ));
        assertEquals(100L, auxv.get((long)InitialStack.AT_CLKTCK));
        assertEquals(0x10040L, auxv.get((long)InitialStack.AT_PHDR));
        assertEquals(56L, auxv.get((long)InitialStack.AT_PHENT));
        assertEquals(7L, auxv.get((long)InitialStack.AT_PHNUM));
        assertEquals(0L, auxv.get((long)InitialStack.AT_BASE));
        assertEquals(0x105ecL, auxv.get((long)InitialStack.AT_ENTRY));
        assertEquals(1000L, auxv.get((long)InitialStack.AT_UID));
        assertEquals(101L, auxv.get((long)InitialStack.AT_EGID));
        assertEquals(0L, auxv.get((long)InitialStack.AT_SECURE));
        final long randomAddr = auxv.get((long)InitialStack.AT_RANDOM);
        assertEquals(0x5A, memory.read(randomAddr, 1)[0]);
        assertEquals(0, randomAddr & 15);
        assertTrue(randomAddr >= at);
        assertEquals("/bin/prog", memory.readCString(auxv.get((long)InitialStack.AT_EXECFN), 100));
        assertEquals(top - 8 - 10, (long)auxv.get((long)InitialStack.AT_EXECFN));
        assertEquals(0, memory.readLong(top - 8));
    }
}
