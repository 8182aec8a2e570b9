package org.legoemu.pcomponent.linux;

import org.legoemu.abi.linux.Errno;
import org.legoemu.abi.linux.LinuxStructs;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;

/** fd 0, 1 or 2: a stream of the {@link Console}, seen by the guest as a pipe or a terminal. */
public final class ConsoleFile implements OpenFile
{
    private static final int O_RDONLY = 0;
    private static final int O_WRONLY = 1;

    private final InputStream in;
    private final OutputStream out;
    private final boolean terminal;

    private ConsoleFile(final InputStream in, final OutputStream out, final boolean terminal)
    {
        this.in = in;
        this.out = out;
        this.terminal = terminal;
    }

    /** The read end for fd 0. */
    public static ConsoleFile input(final InputStream in, final boolean terminal)
    {
        return new ConsoleFile(in, null, terminal);
    }

    /** A write end for fd 1 or 2. */
    public static ConsoleFile output(final OutputStream out, final boolean terminal)
    {
        return new ConsoleFile(null, out, terminal);
    }

    @Override
    public long read(final byte[] dst, final int length)
    {
        if (in == null)
        {
            return -Errno.EBADF;
        }
        try
        {
            final int n = in.read(dst, 0, length);
            return n < 0 ? 0 : n;
        }
        catch (final InterruptedIOException ex)
        {
            return -Errno.EINTR; // the thread is being stopped (InterruptibleInput); it sees the stop next
        }
        catch (final IOException ex)
        {
            return -Errno.EIO;
        }
    }

    @Override
    public long write(final byte[] src, final int length)
    {
        if (out == null)
        {
            return -Errno.EBADF;
        }
        try
        {
            out.write(src, 0, length);
            out.flush();
            return length;
        }
        catch (final IOException ex)
        {
            return -Errno.EPIPE;
        }
    }

    @Override
    public long seek(final long offset, final int whence)
    {
        return -Errno.ESPIPE;
    }

    @Override
    public LinuxStructs.Stat stat()
    {
        final int mode = terminal ? LinuxStructs.S_IFCHR | 0620 : LinuxStructs.S_IFIFO | 0600;
        return new LinuxStructs.Stat(0xc, 0, mode, 1, 0, 0, terminal ? 0x8800 : 0, 0, 4096, 0, 0, 0, 0, 0, 0, 0);
    }

    @Override
    public int statusFlags()
    {
        return in != null ? O_RDONLY : O_WRONLY;
    }

    @Override
    public boolean isTerminal()
    {
        return terminal;
    }
}
