package org.legoemu.mcomponent;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.legoemu.abi.elf.ElfFile;
import org.legoemu.abi.linux.Errno;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.Reply;
import org.legoemu.fabric.proxy.ExecImage;
import org.legoemu.fabric.sbe.MessageHeaderEncoder;
import org.legoemu.fabric.sbe.P2M_PCACHE_MISSEncoder;
import org.legoemu.fabric.sbe.VmaOp;
import org.legoemu.mcomponent.owner.FramePool;
import org.legoemu.mcomponent.owner.ProcessPages;
import org.legoemu.mcomponent.vm.AddressLayout;
import org.legoemu.mcomponent.vm.Mman;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The P2M/M2M handlers through MemoryProxy and MemoryAdapter, without a transport. */
class MemoryHandlersTest
{
    static final Path GUESTS = Path.of("../emulator/guests/bin").toAbsolutePath().normalize();
    private static final long PAGE = AddressLayout.PAGE_SIZE;
    private static final int PID = 1000;
    private static final int PCOMPONENT = 7;
    private static final int ANON_PRIVATE = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS;

    @TempDir
    Path root;
    private LocalCluster cluster;

    @BeforeEach
    void setUp() throws Exception
    {
        Files.copy(GUESTS.resolve("hello"), root.resolve("hello"));
        Files.writeString(root.resolve("script.txt"), "#!/bin/sh\necho not elf\n");
        cluster = new LocalCluster(64L << 20, root);
    }

    @AfterEach
    void tearDown()
    {
        cluster.close();
    }

    @Test
    void execveLoadsStaticRiscvBinaryAndBuildsStack() throws Exception
    {
        final byte[] file = Files.readAllBytes(root.resolve("hello"));
        final ElfFile elf = ElfFile.parse(file);
        final ExecImage image = cluster.proxy.execve(
            PID, PCOMPONENT, "/hello", List.of("hello", "world"), List.of("HOME=/", "LANG=C"));

        assertEquals(elf.entry(), image.entry());
        assertEquals(0, image.stackPointer() & 15);
        assertTrue(image.stackPointer() > AddressLayout.STACK_START && image.stackPointer() < AddressLayout.TASK_SIZE);
        assertEquals(0, image.brk() & (PAGE - 1));
        assertTrue(image.brk() > image.entry());

        final byte[] line = new byte[4096];
        final long entryPage = AddressLayout.pageDown(image.entry());
        final int prot = cluster.proxy.pcacheMiss(PID, PCOMPONENT, entryPage, Mman.PROT_EXEC, line);
        assertEquals(Mman.PROT_EXEC, prot & Mman.PROT_EXEC);
        final ElfFile.ProgramHeader text = elf.loadSegments().stream()
            .filter(ph -> ph.vaddr() <= image.entry() && image.entry() < ph.vaddr() + ph.filesz())
            .findFirst().orElseThrow();
        final int fileOffset = (int)(text.offset() + (image.entry() - text.vaddr()));
        final int inPage = (int)(image.entry() - entryPage);
        assertArrayEquals(Arrays.copyOfRange(file, fileOffset, fileOffset + 16),
            Arrays.copyOfRange(line, inPage, inPage + 16), "instruction bytes at the entry point");

        final long spPage = AddressLayout.pageDown(image.stackPointer());
        assertEquals(Mman.PROT_READ | Mman.PROT_WRITE, cluster.proxy.pcacheMiss(PID, PCOMPONENT, spPage, 1, line));
        final ByteBuffer stack = ByteBuffer.wrap(line).order(ByteOrder.LITTLE_ENDIAN);
        final int spOffset = (int)(image.stackPointer() - spPage);
        assertEquals(2, stack.getLong(spOffset), "argc");
        final long argv0 = stack.getLong(spOffset + 8);
        final byte[] argLine = new byte[4096];
        cluster.proxy.pcacheMiss(PID, PCOMPONENT, AddressLayout.pageDown(argv0), 1, argLine);
        final int at = (int)(argv0 - AddressLayout.pageDown(argv0));
        assertEquals("hello", new String(argLine, at, 5, StandardCharsets.UTF_8));

        assertTrue(cluster.pool.framesInUse() > 0);
        final long freed = cluster.proxy.processExit(PID);
        assertTrue(freed > 0);
        assertEquals(0, cluster.pool.framesInUse());
    }

    @Test
    void execveErrorsCarryTheCause()
    {
        final RemoteErrorException notElf = assertThrows(RemoteErrorException.class,
            () -> cluster.proxy.execve(PID, PCOMPONENT, "/script.txt", List.of("x"), List.of()));
        assertEquals(Errno.ENOEXEC, notElf.errno());
        assertEquals("not an ELF file", notElf.getMessage());

        final RemoteErrorException missing = assertThrows(RemoteErrorException.class,
            () -> cluster.proxy.execve(PID, PCOMPONENT, "/nope", List.of("x"), List.of()));
        assertEquals(Errno.ENOENT, missing.errno());
        assertEquals(0, cluster.pool.framesInUse());
    }

    @Test
    void demandZeroThenFlushThenMissReturnsTheFlushedBytes()
    {
        exec();
        final int before = cluster.pool.framesInUse();
        final long addr = cluster.proxy.mmap(PID, 0, 2 * PAGE, Mman.PROT_READ | Mman.PROT_WRITE, ANON_PRIVATE);
        final byte[] line = new byte[4096];
        Arrays.fill(line, (byte)1);
        assertEquals(3, cluster.proxy.pcacheMiss(PID, PCOMPONENT, addr, Mman.PROT_WRITE, line));
        assertArrayEquals(new byte[4096], line, "demand zero");
        assertEquals(before + 1, cluster.pool.framesInUse());

        final byte[] data = new byte[4096];
        for (int i = 0; i < data.length; i++)
        {
            data[i] = (byte)(i * 31);
        }
        cluster.proxy.pcacheFlush(PID, PCOMPONENT, addr + PAGE, data);
        cluster.proxy.pcacheMiss(PID, PCOMPONENT, addr + PAGE, Mman.PROT_READ, line);
        assertArrayEquals(data, line);

        cluster.proxy.munmap(PID, addr, 2 * PAGE);
        assertEquals(before, cluster.pool.framesInUse());
        final RemoteErrorException gone = assertThrows(RemoteErrorException.class,
            () -> cluster.proxy.pcacheMiss(PID, PCOMPONENT, addr, Mman.PROT_READ, line));
        assertEquals(Errno.EFAULT, gone.errno());
    }

    @Test
    void missOutsideEveryVmaIsEfaultAndWriteToReadOnlyIsEacces()
    {
        exec();
        final byte[] line = new byte[4096];
        final RemoteErrorException efault = assertThrows(RemoteErrorException.class,
            () -> cluster.proxy.pcacheMiss(PID, PCOMPONENT, 0x1000, Mman.PROT_READ, line));
        assertEquals(Errno.EFAULT, efault.errno());
        assertTrue(efault.getMessage().contains("no mapping at 0x1000"), efault.getMessage());
        final RemoteErrorException flushFault = assertThrows(RemoteErrorException.class,
            () -> cluster.proxy.pcacheFlush(PID, PCOMPONENT, 0x1000, line));
        assertEquals(Errno.EFAULT, flushFault.errno());

        final long ro = cluster.proxy.mmap(PID, 0, PAGE, Mman.PROT_READ, ANON_PRIVATE);
        final RemoteErrorException eacces = assertThrows(RemoteErrorException.class,
            () -> cluster.proxy.pcacheMiss(PID, PCOMPONENT, ro, Mman.PROT_WRITE, line));
        assertEquals(Errno.EACCES, eacces.errno());
        assertEquals(Mman.PROT_READ, cluster.proxy.pcacheMiss(PID, PCOMPONENT, ro, Mman.PROT_READ, line));

        cluster.proxy.mprotect(PID, ro, PAGE, Mman.PROT_READ | Mman.PROT_WRITE);
        assertEquals(3, cluster.proxy.pcacheMiss(PID, PCOMPONENT, ro, Mman.PROT_WRITE, line));
        final RemoteErrorException enomem = assertThrows(RemoteErrorException.class,
            () -> cluster.proxy.mprotect(PID, ro, 2 * PAGE, Mman.PROT_READ));
        assertEquals(Errno.ENOMEM, enomem.errno());
    }

    @Test
    void brkThroughTheProxy()
    {
        final ExecImage image = exec();
        assertEquals(image.brk(), cluster.proxy.brk(PID, 0));
        assertEquals(image.brk() + 10_000, cluster.proxy.brk(PID, image.brk() + 10_000));
        final byte[] line = new byte[4096];
        assertEquals(3, cluster.proxy.pcacheMiss(PID, PCOMPONENT, image.brk() + 8192, Mman.PROT_WRITE, line));
        assertEquals(image.brk(), cluster.proxy.brk(PID, image.brk()));
    }

    @Test
    void poolExhaustionIsEnomemOnTheFaultPath()
    {
        try (FramePool tiny = new FramePool(PAGE))
        {
            final ProcessPages store = new ProcessPages(PID, PCOMPONENT, tiny);
            store.applyVma(VmaOp.MAP, 0x10000, 0x10000 + 4 * PAGE, Mman.PROT_READ | Mman.PROT_WRITE);
            assertTrue(store.resolve(0x10000, Mman.PROT_READ) >= 0);
            assertEquals(-Errno.ENOMEM, store.resolve(0x10000 + PAGE, Mman.PROT_READ));
            final UnsafeBuffer page = new UnsafeBuffer(new byte[4096]);
            assertEquals(-Errno.ENOMEM, store.store(0x10000 + 2 * PAGE, page, 0));
            assertEquals(1, store.release());
            assertEquals(0, tiny.framesInUse());
        }
    }

    @Test
    void piggybackedWriteBackIsAppliedBeforeTheMissIsServed()
    {
        exec();
        final long addr = cluster.proxy.mmap(PID, 0, 2 * PAGE, Mman.PROT_READ | Mman.PROT_WRITE, ANON_PRIVATE);
        final byte[] dirty = new byte[4096];
        Arrays.fill(dirty, (byte)7);
        final byte[] line = new byte[4096];
        cluster.proxy.pcacheMiss(PID, PCOMPONENT, addr + PAGE, Mman.PROT_READ, line, addr, dirty);
        assertArrayEquals(new byte[4096], line, "the missed line itself is demand zero");
        cluster.proxy.pcacheMiss(PID, PCOMPONENT, addr, Mman.PROT_READ, line);
        assertArrayEquals(dirty, line, "the piggybacked line was stored");

        Arrays.fill(dirty, (byte)9);
        cluster.proxy.pcacheMiss(PID, PCOMPONENT, addr, Mman.PROT_READ, dirty, addr, dirty);
        final byte[] nines = new byte[4096];
        Arrays.fill(nines, (byte)9);
        assertArrayEquals(nines, dirty, "a write-back of the missed line itself is visible to that miss");
    }

    @Test
    void failedPiggybackedWriteBackIsEioAndTheMissIsNotServed()
    {
        exec();
        final long addr = cluster.proxy.mmap(PID, 0, PAGE, Mman.PROT_READ | Mman.PROT_WRITE, ANON_PRIVATE);
        final byte[] line = new byte[4096];
        final RemoteErrorException failed = assertThrows(RemoteErrorException.class,
            () -> cluster.proxy.pcacheMiss(PID, PCOMPONENT, addr, Mman.PROT_READ, line, 0x1000, new byte[4096]));
        assertEquals(Errno.EIO, failed.errno());
        assertTrue(failed.getMessage().contains("piggybacked write-back failed"), failed.getMessage());
    }

    @Test
    void missAndFlushFromAnotherPComponentAreRefusedWithEpermAndLogged()
    {
        exec();
        final long addr = cluster.proxy.mmap(PID, 0, PAGE, Mman.PROT_READ | Mman.PROT_WRITE, ANON_PRIVATE);
        final byte[] secret = new byte[4096];
        Arrays.fill(secret, (byte)0x5a);
        cluster.proxy.pcacheFlush(PID, PCOMPONENT, addr, secret);
        final int intruder = PCOMPONENT + 1;
        final byte[] line = new byte[4096];
        try (AdapterWarnings warnings = new AdapterWarnings())
        {
            final RemoteErrorException miss = assertThrows(RemoteErrorException.class,
                () -> cluster.proxy.pcacheMiss(PID, intruder, addr, Mman.PROT_READ, line));
            assertEquals(Errno.EPERM, miss.errno());
            assertArrayEquals(new byte[4096], line, "nothing of the page reached the intruder");
            final byte[] overwrite = new byte[4096];
            final RemoteErrorException flush = assertThrows(RemoteErrorException.class,
                () -> cluster.proxy.pcacheFlush(PID, intruder, addr, overwrite));
            assertEquals(Errno.EPERM, flush.errno());
            final RemoteErrorException piggyback = assertThrows(RemoteErrorException.class,
                () -> cluster.proxy.pcacheMiss(PID, intruder, addr, Mman.PROT_READ, line, addr, overwrite));
            assertEquals(Errno.EPERM, piggyback.errno());

            assertEquals(List.of(
                "refused miss of pid 1000 from pComponent 8: the process runs on pComponent 7",
                "refused flush of pid 1000 from pComponent 8: the process runs on pComponent 7",
                "refused miss of pid 1000 from pComponent 8: the process runs on pComponent 7"), warnings.lines());
        }
        cluster.proxy.pcacheMiss(PID, PCOMPONENT, addr, Mman.PROT_READ, line);
        assertArrayEquals(secret, line, "the refused flushes changed nothing; the right pComponent is served");
    }

    @Test
    void badInputGetsErrorRepliesNotCrashes()
    {
        final DirectClient client = new DirectClient(cluster.adapter);
        final ExpandableArrayBuffer request = new ExpandableArrayBuffer(64);
        final Reply reply = new Reply();

        final P2M_PCACHE_MISSEncoder miss = new P2M_PCACHE_MISSEncoder();
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        miss.wrapAndApplyHeader(request, 0, header).pid(PID).pcomponentId(1).vaddr(0).access((short)1);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + miss.encodedLength();

        final RemoteErrorException truncated = assertThrows(RemoteErrorException.class,
            () -> client.call(request, 0, length - 4, reply, 0));
        assertEquals(Errno.EPROTO, truncated.errno());

        header.wrap(request, 0).schemaId(1);
        final RemoteErrorException wrongSchema = assertThrows(RemoteErrorException.class,
            () -> client.call(request, 0, length, reply, 0));
        assertEquals(Errno.EPROTO, wrongSchema.errno());

        header.wrap(request, 0).schemaId(MessageHeaderEncoder.SCHEMA_ID).templateId(999);
        final RemoteErrorException unknown = assertThrows(RemoteErrorException.class,
            () -> client.call(request, 0, length, reply, 0));
        assertEquals(Errno.EPROTO, unknown.errno(), "an unknown template is a protocol error, as at every monitor");

        final RemoteErrorException noProcess = assertThrows(RemoteErrorException.class,
            () -> cluster.proxy.mmap(4242, 0, PAGE, Mman.PROT_READ, ANON_PRIVATE));
        assertEquals(Errno.EINVAL, noProcess.errno());
    }

    private ExecImage exec()
    {
        return cluster.proxy.execve(PID, PCOMPONENT, "/hello", List.of("hello"), List.of());
    }
}
