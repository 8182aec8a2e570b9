package org.legoemu.emulator;

import java.nio.charset.StandardCharsets;
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

    /**
     * Waits for a {@link #crashWhenBlocked} thread once the run returned: at most 10 s. A run that ended without ever
     * blocking on its stdin leaves the thread waiting for ever; it is then stopped and the test fails with the run's
     * result, instead of hanging the build.
     */
    static void joinCrasher(final Thread crasher, final Object result) throws InterruptedException
    {
        crasher.join(10_000);
        if (crasher.isAlive())
        {
            crasher.interrupt();
            throw new AssertionError("the guest ended without blocking on its stdin, so nothing crashed: " + result);
        }
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
}
