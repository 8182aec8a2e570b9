package org.legoemu.mcomponent;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.lifecycle.BeforeTry;
import org.legoemu.abi.linux.Errno;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.proxy.ExecImage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14: an ELF with absurd program headers (a p_memsz of 2^50, a segment at the top of the address space, a
 * p_vaddr that wraps) once sent the home's loader into a page-by-page loop for minutes and stalled every later exec
 * on the cluster. Property: whatever the last PT_LOAD of {@code hello} says, execve answers (the image or ENOEXEC /
 * ENOMEM) within a bounded time, leaves no frame behind when it fails, and the next process's exec on the same home
 * still works.
 */
class AbsurdElfPropertyTest
{
    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final int PCOMPONENT = 7;

    private Path root;
    private LocalCluster cluster;
    private byte[] hello;
    private int lastLoadHeader;

    @BeforeTry
    void setUp() throws Exception
    {
        root = Files.createTempDirectory("absurd-elf");
        hello = Files.readAllBytes(MemoryHandlersTest.GUESTS.resolve("hello"));
        Files.write(root.resolve("hello"), hello);
        cluster = new LocalCluster(64L << 20, root);
        final ByteBuffer elf = ByteBuffer.wrap(hello).order(ByteOrder.LITTLE_ENDIAN);
        final long phoff = elf.getLong(0x20);
        final int phentsize = elf.getShort(0x36);
        final int phnum = elf.getShort(0x38);
        for (int i = 0; i < phnum; i++)
        {
            final int at = (int)phoff + i * phentsize;
            if (elf.getInt(at) == 1)
            {
                lastLoadHeader = at;
            }
        }
    }

    @AfterTry
    void tearDown() throws Exception
    {
        cluster.close();
        try (var files = Files.list(root))
        {
            for (final Path file : files.toList())
            {
                Files.delete(file);
            }
        }
        Files.delete(root);
    }

    @Provide
    Arbitrary<Long> sizes()
    {
        return Arbitraries.oneOf(
            Arbitraries.longs().between(0, 1L << 56),
            Arbitraries.of(1L << 50, 1L << 38, (1L << 38) - 4096, 1L << 40, 0x3f_ffff_f000L, Long.MAX_VALUE, -1L),
            Arbitraries.longs().between(0, 1L << 24));
    }

    @Provide
    Arbitrary<Long> addresses()
    {
        return Arbitraries.oneOf(
            Arbitraries.longs().between(0, 1L << 56),
            Arbitraries.of(0L, 0x10000L, 0x3f_f800_0000L, 0x3f_ffff_f000L, 1L << 47, Long.MIN_VALUE, -4096L));
    }

    @Property(tries = 60)
    void absurdProgramHeadersAnswerQuicklyAndNeverStopTheNextExec(
        @ForAll("addresses") final long vaddr, @ForAll("sizes") final long memsz, @ForAll final boolean keepVaddr)
        throws Exception
    {
        final byte[] absurd = hello.clone();
        final ByteBuffer elf = ByteBuffer.wrap(absurd).order(ByteOrder.LITTLE_ENDIAN);
        if (!keepVaddr)
        {
            elf.putLong(lastLoadHeader + 0x10, vaddr);
            elf.putLong(lastLoadHeader + 0x18, vaddr);
        }
        elf.putLong(lastLoadHeader + 0x28, memsz);
        Files.write(root.resolve("absurd"), absurd);

        assertTimeoutPreemptively(BOUND, () ->
        {
            try
            {
                cluster.proxy.execve(1000, PCOMPONENT, "/absurd", List.of("absurd"), List.of());
                cluster.proxy.processExit(1000);
            }
            catch (final RemoteErrorException ex)
            {
                assertTrue(Set.of(Errno.ENOEXEC, Errno.ENOMEM).contains(ex.errno()),
                    "errno " + ex.errno() + ": " + ex.getMessage());
            }
        }, "execve of an ELF with p_vaddr 0x" + Long.toHexString(vaddr) + ", p_memsz " + memsz);
        assertEquals(0, cluster.pool.framesInUse(), "frames left by the absurd image");

        final ExecImage next = assertTimeoutPreemptively(BOUND,
            () -> cluster.proxy.execve(1001, PCOMPONENT, "/hello", List.of("hello"), List.of()));
        assertTrue(next.entry() > 0, "the next exec works");
        cluster.proxy.processExit(1001);
    }

    @Property(tries = 1)
    void aBssOfTwoToTheFiftyIsEnomemAtOnce() throws Exception
    {
        final byte[] absurd = hello.clone();
        ByteBuffer.wrap(absurd).order(ByteOrder.LITTLE_ENDIAN).putLong(lastLoadHeader + 0x28, 1L << 50);
        Files.write(root.resolve("absurd"), absurd);
        final RemoteErrorException ex = assertTimeoutPreemptively(BOUND, () -> org.junit.jupiter.api.Assertions
            .assertThrows(RemoteErrorException.class,
                () -> cluster.proxy.execve(1000, PCOMPONENT, "/absurd", List.of("absurd"), List.of())));
        assertEquals(Errno.ENOMEM, ex.errno(), ex.getMessage());
        assertTrue(ex.getMessage().endsWith("Cannot allocate memory"), ex.getMessage());
    }
}
