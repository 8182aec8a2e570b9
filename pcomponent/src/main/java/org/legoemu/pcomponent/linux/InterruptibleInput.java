package org.legoemu.pcomponent.linux;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A guest's stdin that a stop can interrupt: a read on the JVM's own stdin (a pipe or a terminal) cannot be
 * interrupted, so a guest blocked in read(0) could never be killed ({@code lego run} on SIGTERM, a fatal signal from
 * another thread). A pump thread, started at the first read, reads the source only when a reader waits for data, one
 * chunk of at most {@link #CHUNK_BYTES} at a time (no read-ahead beyond what the guest asked for); a reader waits for
 * the chunk interruptibly and gets {@link InterruptedIOException} when its thread is interrupted. Bytes the pump reads
 * after that reader gave up are kept for the next read: nothing is lost. The source is never closed.
 */
public final class InterruptibleInput extends InputStream
{
    /** Largest chunk the pump reads at once, bytes. */
    public static final int CHUNK_BYTES = 64 * 1024;

    private final InputStream source;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private byte[] chunk = new byte[0];
    private int position;
    private boolean wanted;
    private boolean eof;
    private IOException failure;
    private Thread pump;

    public InterruptibleInput(final InputStream source)
    {
        this.source = source;
    }

    @Override
    public int read() throws IOException
    {
        final byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    /**
     * @throws InterruptedIOException if the calling thread is interrupted while it waits for data.
     * @throws IOException            what reading the source threw.
     */
    @Override
    public int read(final byte[] b, final int off, final int len) throws IOException
    {
        if (len == 0)
        {
            return 0;
        }
        try
        {
            lock.lockInterruptibly();
        }
        catch (final InterruptedException ex)
        {
            throw new InterruptedIOException("stdin read interrupted");
        }
        try
        {
            while (position == chunk.length)
            {
                if (eof)
                {
                    return -1;
                }
                if (failure != null)
                {
                    throw failure;
                }
                wanted = true;
                startPump();
                changed.signalAll();
                changed.await();
            }
            final int n = Math.min(len, chunk.length - position);
            System.arraycopy(chunk, position, b, off, n);
            position += n;
            return n;
        }
        catch (final InterruptedException ex)
        {
            throw new InterruptedIOException("stdin read interrupted");
        }
        finally
        {
            lock.unlock();
        }
    }

    @Override
    public int available()
    {
        lock.lock();
        try
        {
            return chunk.length - position;
        }
        finally
        {
            lock.unlock();
        }
    }

    private void startPump()
    {
        if (pump == null)
        {
            pump = new Thread(this::pump, "guest-stdin");
            pump.setDaemon(true);
            pump.start();
        }
    }

    private void pump()
    {
        final byte[] buffer = new byte[CHUNK_BYTES];
        while (true)
        {
            lock.lock();
            try
            {
                while (!wanted || position < chunk.length)
                {
                    changed.awaitUninterruptibly();
                }
                wanted = false;
            }
            finally
            {
                lock.unlock();
            }
            int n;
            IOException error = null;
            try
            {
                n = source.read(buffer, 0, buffer.length);
            }
            catch (final IOException ex)
            {
                n = -1;
                error = ex;
            }
            lock.lock();
            try
            {
                if (error != null)
                {
                    failure = error;
                }
                else if (n < 0)
                {
                    eof = true;
                }
                else
                {
                    chunk = java.util.Arrays.copyOf(buffer, n);
                    position = 0;
                }
                changed.signalAll();
                if (eof || failure != null)
                {
                    return;
                }
            }
            finally
            {
                lock.unlock();
            }
        }
    }
}
