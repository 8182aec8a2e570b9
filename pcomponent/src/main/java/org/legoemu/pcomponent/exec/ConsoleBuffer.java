package org.legoemu.pcomponent.exec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The console output of a process run for a remote client: what the guest writes to fds 1 and 2, kept in write
 * order until the client polls it. Bounded: a write that finds the buffer full blocks the guest thread until the
 * client has taken some (as a write(2) to a full pipe blocks, pipe(7)); an interrupt (the process is being killed)
 * or {@link #discard()} (the client is gone) fails it.
 */
public final class ConsoleBuffer
{
    /** One run of output from one fd. */
    public record Chunk(int fd, byte[] bytes)
    {
    }

    private final int capacityBytes;
    private final Runnable onData;
    private final ArrayDeque<Chunk> chunks = new ArrayDeque<>();
    private int bufferedBytes;
    private int headOffset;
    private boolean discarded;

    /**
     * @param capacityBytes most output bytes held for the client.
     * @param onData        run (on the writing thread, outside any lock) when output arrives in an empty buffer.
     */
    public ConsoleBuffer(final int capacityBytes, final Runnable onData)
    {
        this.capacityBytes = capacityBytes;
        this.onData = onData;
    }

    /** The stream for fd 1 or 2. */
    public OutputStream stream(final int fd)
    {
        return new OutputStream()
        {
            @Override
            public void write(final int b) throws IOException
            {
                ConsoleBuffer.this.write(fd, new byte[] {(byte)b}, 0, 1);
            }

            @Override
            public void write(final byte[] b, final int off, final int len) throws IOException
            {
                ConsoleBuffer.this.write(fd, b, off, len);
            }
        };
    }

    /**
     * Appends output, blocking while the buffer is full.
     *
     * @throws InterruptedIOException if the writing thread is interrupted while blocked (its interrupt flag is kept).
     * @throws IOException            once the buffer has been discarded.
     */
    public void write(final int fd, final byte[] bytes, final int offset, final int length) throws IOException
    {
        int done = 0;
        while (done < length)
        {
            final boolean wasEmpty;
            final int n;
            synchronized (this)
            {
                while (bufferedBytes >= capacityBytes && !discarded)
                {
                    try
                    {
                        wait();
                    }
                    catch (final InterruptedException ex)
                    {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("console write interrupted");
                    }
                }
                if (discarded)
                {
                    throw new IOException("the exec client is gone");
                }
                n = Math.min(length - done, capacityBytes - bufferedBytes);
                wasEmpty = bufferedBytes == 0;
                chunks.addLast(new Chunk(fd, Arrays.copyOfRange(bytes, offset + done, offset + done + n)));
                bufferedBytes += n;
            }
            if (wasEmpty)
            {
                onData.run();
            }
            done += n;
        }
    }

    /**
     * Takes up to {@code maxBytes} of the oldest output, in write order, adjacent writes to one fd merged into one
     * chunk; at most {@code maxChunks} chunks.
     */
    public synchronized List<Chunk> take(final int maxBytes, final int maxChunks)
    {
        final List<Chunk> taken = new ArrayList<>();
        final ByteArrayOutputStream run = new ByteArrayOutputStream();
        int runFd = -1;
        int room = maxBytes;
        while (room > 0 && !chunks.isEmpty())
        {
            final Chunk head = chunks.peekFirst();
            if (head.fd() != runFd)
            {
                if (run.size() > 0)
                {
                    if (taken.size() + 2 > maxChunks)
                    {
                        break;
                    }
                    taken.add(new Chunk(runFd, run.toByteArray()));
                    run.reset();
                }
                runFd = head.fd();
            }
            final int available = head.bytes().length - headOffset;
            final int n = Math.min(room, available);
            run.write(head.bytes(), headOffset, n);
            room -= n;
            bufferedBytes -= n;
            if (n == available)
            {
                chunks.removeFirst();
                headOffset = 0;
            }
            else
            {
                headOffset += n;
            }
        }
        if (run.size() > 0)
        {
            taken.add(new Chunk(runFd, run.toByteArray()));
        }
        if (!taken.isEmpty())
        {
            notifyAll();
        }
        return taken;
    }

    /** Output bytes waiting for the client. */
    public synchronized int bufferedBytes()
    {
        return bufferedBytes;
    }

    /** Drops what is buffered and fails every write from now on (the client is gone). */
    public synchronized void discard()
    {
        discarded = true;
        chunks.clear();
        bufferedBytes = 0;
        headOffset = 0;
        notifyAll();
    }
}
