package org.legoemu.emulator;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CountDownLatch;

/** Stdin whose first read signals {@link #reading} and blocks until {@link #gate} opens. */
final class GatedStdin extends InputStream
{
    final CountDownLatch reading = new CountDownLatch(1);
    final CountDownLatch gate = new CountDownLatch(1);
    private final ByteArrayInputStream data;

    GatedStdin(final byte[] bytes)
    {
        this.data = new ByteArrayInputStream(bytes);
    }

    @Override
    public int read() throws IOException
    {
        final byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(final byte[] b, final int off, final int len) throws IOException
    {
        reading.countDown();
        try
        {
            gate.await();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        return data.read(b, off, len);
    }
}
