package org.legoemu.mcomponent;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.legoemu.abi.linux.Errno;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.mcomponent.vm.AddressLayout;
import org.legoemu.mcomponent.vm.Mman;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** P2M_FORK on one mComponent that owns every vRegion itself: the eager copy of an address space (fork(2)). */
class ForkCopyTest
{
    private static final long PAGE = AddressLayout.PAGE_SIZE;
    private static final int PARENT = 1000;
    private static final int CHILD = 1001;
    private static final int PCOMPONENT = 7;
    private static final int RW = Mman.PROT_READ | Mman.PROT_WRITE;

    @TempDir
    Path root;
    private LocalCluster cluster;

    @BeforeEach
    void setUp() throws Exception
    {
        Files.copy(MemoryHandlersTest.GUESTS.resolve("hello"), root.resolve("hello"));
        cluster = new LocalCluster(64L << 20, root);
    }

    @AfterEach
    void tearDown()
    {
        cluster.close();
    }

    @Test
    void childReadsTheParentsDataAndWritesOfEitherStayTheirOwn()
    {
        cluster.proxy.execve(PARENT, PCOMPONENT, "/hello", List.of("hello"), List.of());
        final long addr = cluster.proxy.mmap(PARENT, 0, 3 * PAGE, RW, Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS);
        final byte[] parentData = filled((byte)0x11);
        cluster.proxy.pcacheFlush(PARENT, PCOMPONENT, addr, parentData);
        final long parentBrk = cluster.proxy.brk(PARENT, 0);
        final long before = cluster.pool.framesInUse();

        final long copied = cluster.proxy.fork(PARENT, CHILD, PCOMPONENT);

        assertEquals(before, copied, "every resident frame of the parent is copied");
        assertEquals(2 * before, cluster.pool.framesInUse());
        assertEquals(parentBrk, cluster.proxy.brk(CHILD, 0), "the child inherits the program break");
        final byte[] line = new byte[4096];
        cluster.proxy.pcacheMiss(CHILD, PCOMPONENT, addr, Mman.PROT_READ, line);
        assertArrayEquals(parentData, line, "the child reads the parent's data");

        final byte[] childData = filled((byte)0x22);
        cluster.proxy.pcacheFlush(CHILD, PCOMPONENT, addr, childData);
        cluster.proxy.pcacheMiss(PARENT, PCOMPONENT, addr, Mman.PROT_READ, line);
        assertArrayEquals(parentData, line, "the child's write does not show in the parent");
        cluster.proxy.pcacheFlush(PARENT, PCOMPONENT, addr + PAGE, filled((byte)0x33));
        cluster.proxy.pcacheMiss(CHILD, PCOMPONENT, addr + PAGE, Mman.PROT_READ, line);
        assertArrayEquals(new byte[4096], line, "the parent's later write does not show in the child");

        cluster.proxy.munmap(CHILD, addr, 3 * PAGE);
        cluster.proxy.pcacheMiss(PARENT, PCOMPONENT, addr, Mman.PROT_READ, line);
        assertArrayEquals(parentData, line, "the child's munmap leaves the parent's mapping");

        cluster.proxy.processExit(PARENT);
        cluster.proxy.processExit(CHILD);
        assertEquals(0, cluster.pool.framesInUse());
    }

    @Test
    void forkOfAnUnknownParentOrOntoALiveChildIsRefused()
    {
        assertEquals(Errno.EINVAL, assertThrows(RemoteErrorException.class,
            () -> cluster.proxy.fork(PARENT, CHILD, PCOMPONENT)).errno());
        cluster.proxy.execve(PARENT, PCOMPONENT, "/hello", List.of("hello"), List.of());
        cluster.proxy.fork(PARENT, CHILD, PCOMPONENT);
        assertEquals(Errno.EEXIST, assertThrows(RemoteErrorException.class,
            () -> cluster.proxy.fork(PARENT, CHILD, PCOMPONENT)).errno());
        cluster.proxy.processExit(PARENT);
        cluster.proxy.processExit(CHILD);
        assertEquals(0, cluster.pool.framesInUse());
    }

    private static byte[] filled(final byte value)
    {
        final byte[] page = new byte[4096];
        Arrays.fill(page, value);
        return page;
    }
}
