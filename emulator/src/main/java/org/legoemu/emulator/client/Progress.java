package org.legoemu.emulator.client;

import org.legoemu.emulator.Sizes;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress of a large copy on stderr: one line rewritten in place on a terminal, else a line every 10 %.
 */
final class Progress
{
    private final String name;
    private final PrintWriter err;
    private final boolean terminal;
    private long totalBytes;
    private int lastTenth;

    Progress(final String name, final PrintWriter err, final boolean terminal)
    {
        this.name = name;
        this.err = err;
        this.terminal = terminal;
    }

    /** Starts a copy of {@code totalBytes}; nothing is shown below {@link StorageCommand#PROGRESS_FROM_BYTES}. */
    void start(final long totalBytes)
    {
        this.totalBytes = totalBytes;
        this.lastTenth = 0;
    }

    /** {@code doneBytes} of the copy are done. */
    void update(final long doneBytes)
    {
        if (totalBytes < StorageCommand.PROGRESS_FROM_BYTES)
        {
            return;
        }
        final int tenth = (int)(doneBytes * 10 / totalBytes);
        if (!terminal && tenth == lastTenth)
        {
            return;
        }
        lastTenth = tenth;
        err.printf(Locale.ROOT, "%s%s: %s of %s (%d%%)%s", terminal ? "\r" : "", name, Sizes.format(doneBytes),
            Sizes.format(totalBytes), doneBytes * 100 / totalBytes, terminal ? "" : "\n");
        err.flush();
    }

    /** The copy is over: ends the in-place line. */
    void finish()
    {
        if (terminal && totalBytes >= StorageCommand.PROGRESS_FROM_BYTES)
        {
            err.println();
            err.flush();
        }
    }
}
