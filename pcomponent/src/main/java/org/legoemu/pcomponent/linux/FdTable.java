package org.legoemu.pcomponent.linux;

import java.util.ArrayList;
import java.util.List;

/**
 * A process's file descriptor table (open(2), dup(2), fcntl(2)): the lowest free number is allocated first;
 * several descriptors may share one open file description (dup), which keeps its offset and status flags;
 * FD_CLOEXEC belongs to the descriptor.
 */
public final class FdTable
{
    /** RLIMIT_NOFILE soft limit reported and enforced. */
    public static final int MAX_FDS = 1024;

    private final List<OpenFile> files = new ArrayList<>();
    private final List<Boolean> closeOnExec = new ArrayList<>();

    /** Installs fds 0, 1 and 2 on the console. */
    public FdTable(final Console console)
    {
        install(ConsoleFile.input(console.stdin(), console.terminal()));
        install(ConsoleFile.output(console.stdout(), console.terminal()));
        install(ConsoleFile.output(console.stderr(), console.terminal()));
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
        if (previous != null && previous != file && !isShared(previous))
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
        if (!isShared(file))
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
        files.set(fd, file);
        closeOnExec.set(fd, cloexec);
    }

    private boolean isShared(final OpenFile file)
    {
        for (final OpenFile other : files)
        {
            if (other == file)
            {
                return true;
            }
        }
        return false;
    }
}
