package org.legoemu.pcomponent.linux;

import java.nio.charset.StandardCharsets;

import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.GuestMemoryAccess;
import org.legoemu.abi.linux.Errno;
import org.legoemu.fabric.FabricException;

/**
 * Socket syscalls: AF_UNIX only (socket(2), socketpair(2), connect(2)); nothing in the cluster listens, so a
 * connect(2) to a path gives ENOENT when the path does not exist (what glibc's nscd probe expects when no nscd runs,
 * and what Linux gives) and ECONNREFUSED when it does. Other families give EAFNOSUPPORT, reported once. Returns
 * results or negated errnos.
 */
final class SocketSyscalls
{
    static final int AF_UNIX = 1;
    static final int SOCK_STREAM = 1;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_SEQPACKET = 5;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;
    /** sizeof(struct sockaddr_un): sa_family_t and a 108-byte sun_path (unix(7)). */
    private static final int SOCKADDR_UN_BYTES = 110;
    private static final int SUN_PATH_OFFSET = 2;

    private final LinuxProcess process;
    private final GuestMemory memory;
    private final GuestPaths paths;
    private long lastError;

    SocketSyscalls(final LinuxProcess process, final GuestPaths paths)
    {
        this.process = process;
        this.memory = process.memory();
        this.paths = paths;
    }

    /** socket(2): an unconnected AF_UNIX socket; EAFNOSUPPORT for other families, EINVAL for unknown type bits. */
    long socket(final int domain, final int type, final int protocol)
    {
        if (domain != AF_UNIX)
        {
            Unsupported.report(process.pid(), "socket family " + domain, "-EAFNOSUPPORT");
            return -Errno.EAFNOSUPPORT;
        }
        final long checked = checkType(type, protocol);
        if (checked < 0)
        {
            return checked;
        }
        return install(UnixSocket.unconnected((type & SOCK_NONBLOCK) != 0), (type & SOCK_CLOEXEC) != 0);
    }

    /**
     * socketpair(2): two connected AF_UNIX stream sockets at sv[0] and sv[1] (SOCK_DGRAM and SOCK_SEQPACKET pairs
     * are streams too: message boundaries are not kept).
     */
    long socketpair(final int domain, final int type, final int protocol, final long svAddr)
    {
        if (domain != AF_UNIX)
        {
            Unsupported.report(process.pid(), "socketpair family " + domain, "-EAFNOSUPPORT");
            return -Errno.EAFNOSUPPORT;
        }
        final long checked = checkType(type, protocol);
        if (checked < 0)
        {
            return checked;
        }
        final boolean cloexec = (type & SOCK_CLOEXEC) != 0;
        final UnixSocket[] ends = UnixSocket.pair((type & SOCK_NONBLOCK) != 0);
        return process.fds().installPair(ends[0], ends[1], cloexec, memory, svAddr);
    }

    /**
     * connect(2) of an AF_UNIX socket: EBADF, ENOTSOCK, EISCONN (a socketpair end), EINVAL (short address or another
     * family), ECONNREFUSED for an abstract address or an existing path, the lookup's errno (ENOENT, ENOTDIR, ...)
     * otherwise.
     */
    long connect(final long fd, final long addr, final long addrLen)
    {
        final OpenFile file = process.fds().get(fd);
        if (file == null)
        {
            return -Errno.EBADF;
        }
        if (!(file instanceof UnixSocket socket))
        {
            return -Errno.ENOTSOCK;
        }
        if (socket.connected())
        {
            return -Errno.EISCONN;
        }
        if (addrLen < SUN_PATH_OFFSET || addrLen > SOCKADDR_UN_BYTES)
        {
            return -Errno.EINVAL;
        }
        final byte[] sockaddr = new byte[(int)addrLen];
        GuestMemoryAccess.read(memory, addr, sockaddr, 0, sockaddr.length);
        if ((sockaddr[0] & 0xff | (sockaddr[1] & 0xff) << 8) != AF_UNIX)
        {
            return -Errno.EINVAL;
        }
        if (addrLen == SUN_PATH_OFFSET || sockaddr[SUN_PATH_OFFSET] == 0)
        {
            return addrLen == SUN_PATH_OFFSET ? -Errno.EINVAL : -Errno.ECONNREFUSED; // abstract: nobody listens
        }
        int end = SUN_PATH_OFFSET;
        while (end < sockaddr.length && sockaddr[end] != 0)
        {
            end++;
        }
        final String path = paths.resolveAt(GuestPaths.AT_FDCWD,
            new String(sockaddr, SUN_PATH_OFFSET, end - SUN_PATH_OFFSET, StandardCharsets.UTF_8));
        if (path == null)
        {
            return paths.lastError();
        }
        try
        {
            process.storage().stat(path, true);
            return -Errno.ECONNREFUSED;
        }
        catch (final FabricException ex)
        {
            return -ex.errno();
        }
    }

    /**
     * Whether sendto(2)/recvfrom(2) on {@code fd} with {@code flags} and address {@code addr} is a plain write or
     * read of a socket (flags 0, no address); else
     * {@link #lastError()} says why not: EBADF, ENOTSOCK, EOPNOTSUPP for other flags, EISCONN for an address.
     */
    boolean isSocket(final long fd, final long flags, final long addr)
    {
        final OpenFile file = process.fds().get(fd);
        lastError = file == null ? -Errno.EBADF
            : !(file instanceof UnixSocket) ? -Errno.ENOTSOCK
            : flags != 0 ? -Errno.EOPNOTSUPP
            : addr != 0 && ((UnixSocket)file).connected() ? -Errno.EISCONN
            : 0;
        if (lastError == -Errno.EOPNOTSUPP)
        {
            Unsupported.report(process.pid(), "send/recv flags 0x" + Long.toHexString(flags), "-EOPNOTSUPP");
        }
        return lastError == 0;
    }

    /** Why the last {@link #isSocket} was false (a negated errno). */
    long lastError()
    {
        return lastError;
    }

    private static long checkType(final int type, final int protocol)
    {
        final int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (base != SOCK_STREAM && base != SOCK_DGRAM && base != SOCK_SEQPACKET)
        {
            return -Errno.EINVAL;
        }
        return protocol == 0 ? 0 : -Errno.EPROTONOSUPPORT;
    }

    private long install(final OpenFile file, final boolean cloexec)
    {
        final int fd = process.fds().install(file, 0, cloexec);
        return fd < 0 ? -Errno.EMFILE : fd;
    }
}
