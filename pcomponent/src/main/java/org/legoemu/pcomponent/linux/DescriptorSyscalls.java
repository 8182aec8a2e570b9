package org.legoemu.pcomponent.linux;

import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.linux.Errno;

/**
 * Descriptor syscalls (dup(2), dup3(2), fcntl(2), pipe2(2)): new descriptors share the open file description
 * (offset, status flags); FD_CLOEXEC is per descriptor. Returns results or negated errnos.
 */
final class DescriptorSyscalls
{
    static final int F_DUPFD = 0;
    static final int F_GETFD = 1;
    static final int F_SETFD = 2;
    static final int F_GETFL = 3;
    static final int F_SETFL = 4;
    static final int F_DUPFD_CLOEXEC = 1030;
    static final int FD_CLOEXEC = 1;
    static final int O_CLOEXEC = 0x80000;
    static final int O_NONBLOCK = 0x800;
    static final int O_DIRECT = 0x4000;

    private final FdTable fds;
    private final GuestMemory memory;
    private final LinuxProcess process;

    DescriptorSyscalls(final LinuxProcess process)
    {
        this.process = process;
        this.fds = process.fds();
        this.memory = process.memory();
    }

    /**
     * pipe2(2): a {@link Pipe}, its read end at pipefd[0] and write end at pipefd[1] (two ints); flags O_CLOEXEC,
     * O_NONBLOCK (O_DIRECT accepted as a byte stream); EINVAL for others, EMFILE when the table is full.
     */
    long pipe2(final long pipefdAddr, final int flags)
    {
        if ((flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT)) != 0)
        {
            return -Errno.EINVAL;
        }
        final Pipe pipe = new Pipe();
        final boolean cloexec = (flags & O_CLOEXEC) != 0;
        final boolean nonBlocking = (flags & O_NONBLOCK) != 0;
        return fds.installPair(pipe.readEnd(nonBlocking), pipe.writeEnd(nonBlocking), cloexec, memory, pipefdAddr);
    }

    /** dup(2): the lowest free descriptor, EBADF, EMFILE. */
    long dup(final long oldfd)
    {
        return dupFrom(oldfd, 0, false);
    }

    /** dup3(2): EINVAL (flags other than O_CLOEXEC, same fd), EBADF; checked in the kernel's order. */
    long dup3(final long oldfd, final long newfd, final int flags)
    {
        if ((flags & ~O_CLOEXEC) != 0 || oldfd == newfd)
        {
            return -Errno.EINVAL;
        }
        final OpenFile file = fds.get(oldfd);
        if (file == null || newfd < 0 || newfd >= FdTable.MAX_FDS)
        {
            return -Errno.EBADF;
        }
        fds.installAt((int)newfd, file, (flags & O_CLOEXEC) != 0);
        return newfd;
    }

    /**
     * fcntl(2) F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL (O_APPEND, O_NONBLOCK); else EINVAL, logged
     * once by name ({@link Unsupported}).
     */
    long fcntl(final long fd, final int cmd, final long arg)
    {
        final OpenFile file = fds.get(fd);
        if (file == null)
        {
            return -Errno.EBADF;
        }
        switch (cmd)
        {
            case F_DUPFD:
            case F_DUPFD_CLOEXEC:
                if (arg < 0 || arg >= FdTable.MAX_FDS)
                {
                    return -Errno.EINVAL;
                }
                return dupFrom(fd, (int)arg, cmd == F_DUPFD_CLOEXEC);
            case F_GETFD:
                return fds.closeOnExec(fd) ? FD_CLOEXEC : 0;
            case F_SETFD:
                fds.closeOnExec(fd, (arg & FD_CLOEXEC) != 0);
                return 0;
            case F_GETFL:
                return file.statusFlags();
            case F_SETFL:
                file.statusFlags((int)arg);
                return 0;
            case FileLocks.F_GETLK:
            case FileLocks.F_SETLK:
            case FileLocks.F_SETLKW:
            case FileLocks.F_OFD_GETLK:
            case FileLocks.F_OFD_SETLK:
            case FileLocks.F_OFD_SETLKW:
                return file instanceof StorageFile storageFile && !storageFile.isDirectory()
                    ? process.fileLocks().fcntl(process, storageFile, cmd, arg) : -Errno.EINVAL;
            default:
                Unsupported.report(process.pid(), Unsupported.fcntlCommand(cmd), "-EINVAL");
                return -Errno.EINVAL;
        }
    }

    /** flock(2): EBADF, EINVAL (an operation other than LOCK_SH, LOCK_EX, LOCK_UN, or not a file), EWOULDBLOCK. */
    long flock(final long fd, final int operation)
    {
        final OpenFile file = fds.get(fd);
        if (file == null)
        {
            return -Errno.EBADF;
        }
        return file instanceof StorageFile storageFile ? process.fileLocks().flock(process, storageFile, operation)
            : -Errno.EINVAL;
    }

    private long dupFrom(final long oldfd, final int lowest, final boolean cloexec)
    {
        final OpenFile file = fds.get(oldfd);
        if (file == null)
        {
            return -Errno.EBADF;
        }
        final int fd = fds.install(file, lowest, cloexec);
        return fd < 0 ? -Errno.EMFILE : fd;
    }
}
