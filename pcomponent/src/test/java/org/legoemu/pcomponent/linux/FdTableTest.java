package org.legoemu.pcomponent.linux;

import org.legoemu.abi.linux.LinuxStructs;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Descriptor allocation and sharing as open(2), dup(2), dup3(2) and close(2) define them. */
class FdTableTest
{
    /** An open file description that counts its close(2) calls. */
    private static final class Counted implements OpenFile
    {
        int closes;

        @Override
        public long read(final byte[] dst, final int length)
        {
            return 0;
        }

        @Override
        public long write(final byte[] src, final int length)
        {
            return length;
        }

        @Override
        public long seek(final long offset, final int whence)
        {
            return 0;
        }

        @Override
        public int statusFlags()
        {
            return 2;
        }

        @Override
        public LinuxStructs.Stat stat()
        {
            return null;
        }

        @Override
        public void close()
        {
            closes++;
        }
    }

    private final FdTable fds = new FdTable(new Console(
        new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(), new ByteArrayOutputStream(), false));

    @Test
    void allocatesTheLowestFreeDescriptorAtOrAboveTheMinimum()
    {
        final Counted a = new Counted();
        assertEquals(3, fds.install(a));
        assertEquals(4, fds.install(new Counted()));
        assertTrue(fds.close(3));
        assertEquals(3, fds.install(new Counted()));
        assertEquals(20, fds.install(a, 20, true));
        assertTrue(fds.closeOnExec(20));
        assertFalse(fds.closeOnExec(3));
        assertEquals(21, fds.install(a, 20, false));
        assertNull(fds.get(10));
        assertEquals(5, fds.install(new Counted()));
        assertEquals(-1, fds.install(a, FdTable.MAX_FDS, false), "EMFILE above the limit");
    }

    @Test
    void aSharedDescriptionClosesWithItsLastDescriptor()
    {
        final Counted shared = new Counted();
        final int fd = fds.install(shared);
        final int dup = fds.install(shared, 0, false);
        assertSame(fds.get(fd), fds.get(dup));
        assertTrue(fds.close(fd));
        assertEquals(0, shared.closes);
        assertFalse(fds.close(fd), "EBADF the second time");
        assertTrue(fds.close(dup));
        assertEquals(1, shared.closes);
    }

    @Test
    void installAtReplacesAndClosesWhatWasThere()
    {
        final Counted first = new Counted();
        final Counted second = new Counted();
        final int fd = fds.install(first);
        assertTrue(fds.installAt(fd, second, true));
        assertEquals(1, first.closes);
        assertSame(second, fds.get(fd));
        assertTrue(fds.closeOnExec(fd));
        assertTrue(fds.installAt(100, second, false));
        assertSame(second, fds.get(100));
        assertFalse(fds.installAt(FdTable.MAX_FDS, second, false));
        assertFalse(fds.installAt(-1, second, false));
    }

    @Test
    void aForkedTableSharesDescriptionsThatCloseWithTheirLastDescriptorInAnyProcess()
    {
        final Counted shared = new Counted();
        final Counted cloexec = new Counted();
        assertEquals(3, fds.install(shared));
        assertEquals(4, fds.install(cloexec, 0, true));
        final FdTable child = new FdTable(fds);
        assertSame(shared, child.get(3));
        assertTrue(child.closeOnExec(4), "FD_CLOEXEC is copied");

        assertTrue(fds.close(3));
        assertEquals(0, shared.closes, "the child still refers to it");
        child.closeOnExecDescriptors();
        assertNull(child.get(4));
        assertEquals(0, cloexec.closes, "the parent still refers to it");
        assertSame(shared, child.get(3));

        child.closeAll();
        assertEquals(1, shared.closes);
        assertNull(child.get(0));
        fds.closeAll();
        assertEquals(1, cloexec.closes);
    }
}
