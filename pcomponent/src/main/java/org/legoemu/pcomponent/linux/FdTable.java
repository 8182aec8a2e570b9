package org.legoemu.pcomponent.linux;

import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.GuestMemoryAccess;
import org.legoemu.abi.linux.Errno;

import java.util.ArrayList;
import java.util.List;

/**
 * A process's file descriptor table (open(2), dup(2), fcntl(2)): the lowest free number is allocated first;
 * several descriptors may share one open file description (dup), which keeps its offset and status flags;
 * FD_CLOEXEC belongs to the descriptor. A table copied by fork(2) shares the open file descriptions (their offsets
 * and status flags) with the original; a description closes with its last descriptor in any of them.
 */
public final class FdTable
{
    /** RLIMIT_NOFILE soft limit reported and enforced. */
    public static final int MAX_FDS = 1024;

    private final List<OpenFile> files = new ArrayList<>();
    private final List<Boolean> closeOnExec = new ArrayList<>();
    private final OpenDescriptions descriptions;
    private volatile java.util.function.Consumer<OpenFile> closeListener = file -> { };

    /** Installs fds 0, 1 and 2 on the console. */
    public FdTable(final Console console)
    {
        this.descriptions = new OpenDescriptions();
        install(ConsoleFile.input(console.stdin(), console.terminal()));
        install(ConsoleFile.output(console.stdout(), console.terminal()));
        install(ConsoleFile.output(console.stderr(), console.terminal()));
    }

    /** fork(2): a copy of {@code parent}'s descriptors (and their FD_CLOEXEC) referring to the same descriptions. */
    FdTable(final FdTable parent)
    {
        this.descriptions = parent.descriptions;
        synchronized (parent)
        {
            for (int fd = 0; fd < parent.files.size(); fd++)
            {
                grow(fd);
                final OpenFile file = parent.files.get(fd);
                if (file != null)
                {
                    put(fd, file, parent.closeOnExec.get(fd));
                }
            }
        }
    }

    /**
     * Who is told of every descriptor this table closes (close(2), dup2 over it, FD_CLOEXEC at execve, exit), before
     * the description itself may close: the process's POSIX locks on the file go then.
     */
    void closeListener(final java.util.function.Consumer<OpenFile> listener)
    {
        closeListener = listener;
    }

    /** execve(2): closes every descriptor with FD_CLOEXEC. */
    synchronized void closeOnExecDescriptors()
    {
        for (int fd = 0; fd < files.size(); fd++)
        {
            if (files.get(fd) != null && closeOnExec.get(fd))
            {
                close(fd);
            }
        }
    }

    /** The process ended: closes every descriptor (its descriptions close unless another process holds them). */
    public synchronized void closeAll()
    {
        for (int fd = 0; fd < files.size(); fd++)
        {
            close(fd);
        }
    }

    /** The file behind {@code fd}, or null if it is not open. */
    public synchronized OpenFile get(final long fd)
    {
        if (fd < 0 || fd >= files.size())
        {
            return null;
        }
        return files.get((int)fd);
    }

    /** Installs {@code file} at the lowest free descriptor: the fd, or -1 if the table is full (EMFILE). */
    public synchronized int install(final OpenFile file)
    {
        return install(file, 0, false);
    }

    /**
     * Installs {@code first} and {@code second} at the two lowest free descriptors and writes them as two ints at
     * {@code addr} (pipe2(2)'s pipefd, socketpair(2)'s sv).
     *
     * @return 0, or -EMFILE when the table has no room for both (neither stays installed; both files are closed).
     * @throws org.legoemu.abi.GuestFault when {@code addr} cannot be written (both descriptors are closed first).
     */
    long installPair(
        final OpenFile first, final OpenFile second, final boolean cloexec, final GuestMemory memory, final long addr)
    {
        final int a = install(first, 0, cloexec);
        if (a < 0)
        {
            first.close();
            second.close();
            return -Errno.EMFILE;
        }
        final int b = install(second, 0, cloexec);
        if (b < 0)
        {
            close(a);
            second.close();
            return -Errno.EMFILE;
        }
        try
        {
            GuestMemoryAccess.writeInt(memory, addr, a);
            GuestMemoryAccess.writeInt(memory, addr + 4, b);
        }
        catch (final RuntimeException fault)
        {
            close(a);
            close(b);
            throw fault;
        }
        return 0;
    }

    /**
     * Installs {@code file} at the lowest free descriptor {@code >= lowest} (fcntl F_DUPFD).
     *
     * @return the fd, or -1 if no descriptor below {@link #MAX_FDS} is free (EMFILE).
     */
    public synchronized int install(final OpenFile file, final int lowest, final boolean cloexec)
    {
        for (int fd = Math.max(lowest, 0); fd < MAX_FDS; fd++)
        {
            grow(fd);
            if (files.get(fd) == null)
            {
                put(fd, file, cloexec);
                return fd;
            }
        }
        return -1;
    }

    /**
     * Makes {@code fd} refer to {@code file}, closing what it referred to before (dup2(2)/dup3(2)).
     *
     * @return false if {@code fd} is outside the table's limit (EBADF).
     */
    public synchronized boolean installAt(final int fd, final OpenFile file, final boolean cloexec)
    {
        if (fd < 0 || fd >= MAX_FDS)
        {
            return false;
        }
        grow(fd);
        final OpenFile previous = files.get(fd);
        put(fd, file, cloexec);
        if (previous != null)
        {
            closeListener.accept(previous);
        }
        if (previous != null && descriptions.drop(previous))
        {
            previous.close();
        }
        return true;
    }

    /** FD_CLOEXEC of an open {@code fd}. */
    public synchronized boolean closeOnExec(final long fd)
    {
        return get(fd) != null && closeOnExec.get((int)fd);
    }

    /** Sets FD_CLOEXEC of an open {@code fd}. */
    public synchronized void closeOnExec(final long fd, final boolean cloexec)
    {
        if (get(fd) != null)
        {
            closeOnExec.set((int)fd, cloexec);
        }
    }

    /** Closes {@code fd}; the description closes with its last descriptor. True if it was open. */
    public synchronized boolean close(final long fd)
    {
        final OpenFile file = get(fd);
        if (file == null)
        {
            return false;
        }
        files.set((int)fd, null);
        closeOnExec.set((int)fd, Boolean.FALSE);
        closeListener.accept(file);
        if (descriptions.drop(file))
        {
            file.close();
        }
        return true;
    }

    private void grow(final int fd)
    {
        while (files.size() <= fd)
        {
            files.add(null);
            closeOnExec.add(Boolean.FALSE);
        }
    }

    private void put(final int fd, final OpenFile file, final boolean cloexec)
    {
        descriptions.hold(file);
        files.set(fd, file);
        closeOnExec.set(fd, cloexec);
    }
}
