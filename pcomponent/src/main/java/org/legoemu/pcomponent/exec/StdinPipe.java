package org.legoemu.pcomponent.exec;

import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * The guest's fd 0 when a remote client feeds it (C2P_STDIN): a bounded pipe. The client's bytes are accepted while
 * there is room; a guest read blocks until there are bytes or end of input, as a read(2) from an empty pipe does
 * (pipe(7)), and returns 0 at end of input once the pipe is empty.
 */
public final class StdinPipe extends InputStream
{
    private final byte[] ring;
    private int head;
    private int size;
    private boolean endOfInput;

    /**
     * @param capacityBytes most bytes held for the guest.
     */
    public StdinPipe(final int capacityBytes)
    {
        this.ring = new byte[capacityBytes];
    }

    /**
     * Accepts as many of the client's bytes as fit.
     *
     * @return bytes accepted, maybe 0 while the pipe is full; 0 after end of input.
     */
    public synchronized int offer(final byte[] bytes, final int offset, final int length)
    {
        if (endOfInput)
        {
            return 0;
        }
        final int n = Math.min(length, ring.length - size);
        for (int i = 0; i < n; i++)
        {
            ring[(head + size + i) % ring.length] = bytes[offset + i];
        }
        size += n;
        if (n > 0)
        {
            notifyAll();
        }
        return n;
    }

    /** The client has no more input: reads return end of file once the pipe is empty. */
    public synchronized void endOfInput()
    {
        endOfInput = true;
        notifyAll();
    }

    /** Bytes waiting for the guest. */
    public synchronized int available()
    {
        return size;
    }

    @Override
    public int read() throws InterruptedIOException
    {
        final byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    /**
     * Blocks until at least one byte or end of input.
     *
     * @return bytes read, -1 at end of input.
     * @throws InterruptedIOException if the reading thread is interrupted (the process is being killed).
     */
    @Override
    public synchronized int read(final byte[] dst, final int offset, final int length) throws InterruptedIOException
    {
        if (length == 0)
        {
            return 0;
        }
        while (size == 0 && !endOfInput)
        {
            try
            {
                wait();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("stdin read interrupted");
            }
        }
        if (size == 0)
        {
            return -1;
        }
        final int n = Math.min(length, size);
        for (int i = 0; i < n; i++)
        {
            dst[offset + i] = ring[(head + i) % ring.length];
        }
        head = (head + n) % ring.length;
        size -= n;
        return n;
    }
}
