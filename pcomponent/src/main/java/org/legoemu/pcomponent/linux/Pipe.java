package org.legoemu.pcomponent.linux;

import org.legoemu.abi.Signal;
import org.legoemu.abi.linux.Errno;
import org.legoemu.abi.linux.LinuxStructs;
import org.legoemu.pcomponent.model.HartTimer;

/**
 * An anonymous pipe (pipe(7)) inside one process: a bounded byte buffer with a read end and a write end, each an
 * {@link OpenFile}. read(2) on an empty pipe returns 0 once no write end is open, EAGAIN with O_NONBLOCK, and
 * otherwise waits for a writer (another guest thread); write(2) with no read end open raises SIGPIPE (whose
 * default action kills the guest) and waits while the pipe is full. Thread-safe: guest threads may share it. In
 * modeled time a read that got bytes (or end of file) ends no earlier than the latest write or close of a write end,
 * and a write that had to wait ends no earlier than the read that made room (docs/modeled-time.md).
 */
final class Pipe
{
    /** Pipe capacity, bytes (pipe(7): 16 pages since Linux 2.6.11). */
    static final int CAPACITY_BYTES = 65536;
    private static final int O_RDONLY = 0;
    private static final int O_WRONLY = 1;
    private static final int O_NONBLOCK = 0x800;

    private final byte[] ring = new byte[CAPACITY_BYTES];
    private int head;
    private int size;
    private int readers = 1;
    private int writers = 1;
    /** Modeled and local-baseline time of the latest write or write-end close, and of the latest read. */
    private long writtenNs;
    private long writtenLocalNs;
    private long readNs;
    private long readLocalNs;

    /** The read end; {@code nonBlocking} for pipe2(O_NONBLOCK). */
    OpenFile readEnd(final boolean nonBlocking)
    {
        return new End(true, nonBlocking);
    }

    /** The write end; {@code nonBlocking} for pipe2(O_NONBLOCK). */
    OpenFile writeEnd(final boolean nonBlocking)
    {
        return new End(false, nonBlocking);
    }

    private synchronized long read(final byte[] dst, final int length, final boolean nonBlocking)
    {
        if (length == 0)
        {
            return 0;
        }
        final HartTimer timer = HartTimer.current();
        while (size == 0)
        {
            if (writers == 0)
            {
                if (timer != null)
                {
                    timer.blockUntil(writtenNs, writtenLocalNs);
                }
                return 0;
            }
            if (nonBlocking)
            {
                return -Errno.EAGAIN;
            }
            if (!await())
            {
                return -Errno.EINTR;
            }
        }
        final int n = Math.min(length, size);
        for (int i = 0; i < n; i++)
        {
            dst[i] = ring[(head + i) % CAPACITY_BYTES];
        }
        head = (head + n) % CAPACITY_BYTES;
        size -= n;
        if (timer != null)
        {
            timer.blockUntil(writtenNs, writtenLocalNs);
            readNs = Math.max(readNs, timer.nowNs());
            readLocalNs = Math.max(readLocalNs, timer.localNowNs());
        }
        notifyAll();
        return n;
    }

    private synchronized long write(final byte[] src, final int length, final boolean nonBlocking)
    {
        int done = 0;
        final HartTimer timer = HartTimer.current();
        boolean waited = false;
        while (done < length)
        {
            if (readers == 0)
            {
                throw new RaisedSignal(Signal.SIGPIPE);
            }
            if (size == CAPACITY_BYTES)
            {
                if (nonBlocking)
                {
                    return done > 0 ? done : -Errno.EAGAIN;
                }
                if (!await())
                {
                    return done > 0 ? done : -Errno.EINTR;
                }
                waited = true;
                continue;
            }
            final int n = Math.min(length - done, CAPACITY_BYTES - size);
            for (int i = 0; i < n; i++)
            {
                ring[(head + size + i) % CAPACITY_BYTES] = src[done + i];
            }
            size += n;
            done += n;
            if (timer != null)
            {
                if (waited)
                {
                    timer.blockUntil(readNs, readLocalNs);
                }
                writtenNs = Math.max(writtenNs, timer.nowNs());
                writtenLocalNs = Math.max(writtenLocalNs, timer.localNowNs());
            }
            notifyAll();
        }
        return done;
    }

    private synchronized void closeEnd(final boolean readSide)
    {
        if (readSide)
        {
            readers--;
        }
        else
        {
            writers--;
            final HartTimer timer = HartTimer.current();
            if (timer != null)
            {
                writtenNs = Math.max(writtenNs, timer.nowNs());
                writtenLocalNs = Math.max(writtenLocalNs, timer.localNowNs());
            }
        }
        notifyAll();
    }

    private boolean await()
    {
        try
        {
            wait();
            return true;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** One end of the pipe: an open file description of its own. */
    private final class End implements OpenFile
    {
        private final boolean readSide;
        private volatile boolean nonBlocking;

        End(final boolean readSide, final boolean nonBlocking)
        {
            this.readSide = readSide;
            this.nonBlocking = nonBlocking;
        }

        @Override
        public long read(final byte[] dst, final int length)
        {
            return readSide ? Pipe.this.read(dst, length, nonBlocking) : -Errno.EBADF;
        }

        @Override
        public long write(final byte[] src, final int length)
        {
            return readSide ? -Errno.EBADF : Pipe.this.write(src, length, nonBlocking);
        }

        @Override
        public long seek(final long offset, final int whence)
        {
            return -Errno.ESPIPE;
        }

        @Override
        public int statusFlags()
        {
            return (readSide ? O_RDONLY : O_WRONLY) | (nonBlocking ? O_NONBLOCK : 0);
        }

        @Override
        public void statusFlags(final int flags)
        {
            nonBlocking = (flags & O_NONBLOCK) != 0;
        }

        @Override
        public LinuxStructs.Stat stat()
        {
            return new LinuxStructs.Stat(0xc, 0, LinuxStructs.S_IFIFO | 0600, 1, 0, 0, 0, 0, 4096, 0, 0, 0, 0, 0, 0, 0);
        }

        @Override
        public void close()
        {
            closeEnd(readSide);
        }
    }
}
