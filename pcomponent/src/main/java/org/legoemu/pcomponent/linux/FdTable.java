package org.legoemu.pcomponent.linux;

import java.util.ArrayList;
import java.util.List;

/** A process's file descriptor table: the lowest free number is allocated first (open(2)). */
public final class FdTable
{
    /** RLIMIT_NOFILE soft limit reported and enforced. */
    public static final int MAX_FDS = 1024;

    private final List<OpenFile> files = new ArrayList<>();

    /** Installs fds 0, 1 and 2 on the console. */
    public FdTable(final Console console)
    {
        files.add(ConsoleFile.input(console.stdin(), console.terminal()));
        files.add(ConsoleFile.output(console.stdout(), console.terminal()));
        files.add(ConsoleFile.output(console.stderr(), console.terminal()));
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
        for (int fd = 0; fd < files.size(); fd++)
        {
            if (files.get(fd) == null)
            {
                files.set(fd, file);
                return fd;
            }
        }
        if (files.size() >= MAX_FDS)
        {
            return -1;
        }
        files.add(file);
        return files.size() - 1;
    }

    /** Closes {@code fd}: true if it was open. */
    public synchronized boolean close(final long fd)
    {
        final OpenFile file = get(fd);
        if (file == null)
        {
            return false;
        }
        files.set((int)fd, null);
        file.close();
        return true;
    }
}
