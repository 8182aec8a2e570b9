package org.legoemu.emulator;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;

import org.legoemu.fabric.faults.FaultInjector;

/**
 * What the failure tests share: a stdin that holds a guest blocked in read(2) while a component is crashed, the
 * text they feed, and waiting for a condition with a bound.
 */
final class FailureFixtures
{
    /** Longest wait for a condition: 20 s. */
    static final long WAIT_MS = 20_000;

    private FailureFixtures()
    {
    }

    static Thread crashWhenBlocked(final GatedStdin stdin, final FaultInjector faults, final String name)
    {
        final Thread thread = new Thread(() ->
        {
            try
            {
                stdin.reading.await();
                faults.crashNow(name);
                stdin.gate.countDown();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }, "crasher");
        thread.start();
        return thread;
    }

    static byte[] text()
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20_000; i++)
        {
            sb.append("word").append(i).append(' ').append(i % 7 == 0 ? '\n' : ' ');
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    static void await(final BooleanSupplier condition, final String failure) throws RuntimeException
    {
        final long until = System.currentTimeMillis() + WAIT_MS;
        while (!condition.getAsBoolean())
        {
            if (System.currentTimeMillis() > until)
            {
                throw new AssertionError(failure);
            }
            try
            {
                Thread.sleep(10);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new AssertionError(failure);
            }
        }
    }

    /** Stdin whose first read signals {@link #reading} and blocks until {@link #gate} opens. */
    static final class GatedStdin extends InputStream
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
}
