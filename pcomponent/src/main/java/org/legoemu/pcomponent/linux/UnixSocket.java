package org.legoemu.pcomponent.linux;

import org.legoemu.abi.linux.Errno;
import org.legoemu.abi.linux.LinuxStructs;

/**
 * An AF_UNIX socket (unix(7)) as an open file description. One made by socket(2) is unconnected: read and write
 * give ENOTCONN, and connect(2) finds no listener (nothing in the cluster can listen). One end of a socketpair(2) is
 * connected to the other through two {@link Pipe}s, one per direction, so it reads what the peer writes, sees end of
 * file once every descriptor of the peer is closed, and raises SIGPIPE writing to a closed peer, as a stream socket.
 */
final class UnixSocket implements OpenFile
{
    private static final int O_RDWR = 2;
    private static final int O_NONBLOCK = 0x800;

    private final OpenFile in;
    private final OpenFile out;
    private volatile boolean nonBlocking;

    private UnixSocket(final OpenFile in, final OpenFile out, final boolean nonBlocking)
    {
        this.in = in;
        this.out = out;
        this.nonBlocking = nonBlocking;
    }

    /** socket(AF_UNIX, ...): an unconnected socket. */
    static UnixSocket unconnected(final boolean nonBlocking)
    {
        return new UnixSocket(null, null, nonBlocking);
    }

    /** socketpair(AF_UNIX, SOCK_STREAM, ...): two connected ends, [0] and [1]. */
    static UnixSocket[] pair(final boolean nonBlocking)
    {
        final Pipe toSecond = new Pipe();
        final Pipe toFirst = new Pipe();
        return new UnixSocket[] {
            new UnixSocket(toFirst.readEnd(nonBlocking), toSecond.writeEnd(nonBlocking), nonBlocking),
            new UnixSocket(toSecond.readEnd(nonBlocking), toFirst.writeEnd(nonBlocking), nonBlocking)};
    }

    /** True once connected (a socketpair end). */
    boolean connected()
    {
        return in != null;
    }

    @Override
    public long read(final byte[] dst, final int length)
    {
        return in == null ? -Errno.ENOTCONN : in.read(dst, length);
    }

    @Override
    public long write(final byte[] src, final int length)
    {
        return out == null ? -Errno.ENOTCONN : out.write(src, length);
    }

    @Override
    public long seek(final long offset, final int whence)
    {
        return -Errno.ESPIPE;
    }

    @Override
    public int statusFlags()
    {
        return O_RDWR | (nonBlocking ? O_NONBLOCK : 0);
    }

    @Override
    public void statusFlags(final int flags)
    {
        nonBlocking = (flags & O_NONBLOCK) != 0;
        if (in != null)
        {
            in.statusFlags(flags);
            out.statusFlags(flags);
        }
    }

    @Override
    public LinuxStructs.Stat stat()
    {
        return new LinuxStructs.Stat(0x8, 0, LinuxStructs.S_IFSOCK | 0777, 1, 0, 0, 0, 0, 4096, 0, 0, 0, 0, 0, 0, 0);
    }

    @Override
    public void close()
    {
        if (in != null)
        {
            in.close();
            out.close();
        }
    }
}
