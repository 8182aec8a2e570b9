package org.legoemu.pcomponent.linux;

import org.junit.jupiter.api.Test;

import java.io.InterruptedIOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** A reader blocked on the guest's stdin can be interrupted, and no byte is lost by it. */
class InterruptibleInputTest
{
    @Test
    void anInterruptedReaderGivesUpAndTheNextReaderGetsEveryByte() throws Exception
    {
        final PipedOutputStream writer = new PipedOutputStream();
        final InterruptibleInput input = new InterruptibleInput(new PipedInputStream(writer, 1 << 16));
        final AtomicReference<Throwable> thrown = new AtomicReference<>();
        final Thread blocked = new Thread(() ->
        {
            try
            {
                input.read(new byte[16], 0, 16);
            }
            catch (final Throwable ex)
            {
                thrown.set(ex);
            }
        });
        blocked.start();
        Thread.sleep(200);
        blocked.interrupt();
        blocked.join(5_000);
        assertInstanceOf(InterruptedIOException.class, thrown.get(), "a stop interrupts a read with no data");

        writer.write("after the stop".getBytes(StandardCharsets.US_ASCII));
        writer.close();
        final byte[] buffer = new byte[64];
        final int n = CompletableFuture.supplyAsync(() ->
        {
            try
            {
                return input.read(buffer, 0, buffer.length);
            }
            catch (final java.io.IOException ex)
            {
                throw new IllegalStateException(ex);
            }
        }).get(5, TimeUnit.SECONDS);
        assertEquals("after the stop", new String(buffer, 0, n, StandardCharsets.US_ASCII));
        assertEquals(-1, input.read(buffer, 0, buffer.length), "then end of file");
    }
}
