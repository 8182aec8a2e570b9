package org.legoemu.pcomponent.exec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class ConsoleBufferTest
{
    private static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String text(final ConsoleBuffer.Chunk chunk)
    {
        return chunk.fd() + ":" + new String(chunk.bytes(), StandardCharsets.US_ASCII);
    }

    @Test
    void outputComesBackInWriteOrderWithAdjacentWritesOfOneFdMerged() throws IOException
    {
        final AtomicInteger arrivals = new AtomicInteger();
        final ConsoleBuffer buffer = new ConsoleBuffer(1024, arrivals::incrementAndGet);
        buffer.write(1, bytes("ab"), 0, 2);
        buffer.write(1, bytes("c"), 0, 1);
        buffer.write(2, bytes("err"), 0, 3);
        buffer.write(1, bytes("d"), 0, 1);
        assertEquals(1, arrivals.get(), "told once, when output arrived in the empty buffer");
        final List<ConsoleBuffer.Chunk> chunks = buffer.take(100, 10);
        assertEquals(List.of("1:abc", "2:err", "1:d"), chunks.stream().map(ConsoleBufferTest::text).toList());
        assertEquals(0, buffer.bufferedBytes());
    }

    @Test
    void takeStopsAtMaxBytesAndMaxChunksAndKeepsTheRest() throws IOException
    {
        final ConsoleBuffer buffer = new ConsoleBuffer(1024, () -> {});
        buffer.write(1, bytes("hello"), 0, 5);
        buffer.write(2, bytes("x"), 0, 1);
        buffer.write(1, bytes("y"), 0, 1);
        assertEquals(List.of("1:hel"), buffer.take(3, 10).stream().map(ConsoleBufferTest::text).toList());
        assertEquals(List.of("1:lo", "2:x"), buffer.take(100, 2).stream().map(ConsoleBufferTest::text).toList());
        assertEquals(List.of("1:y"), buffer.take(100, 2).stream().map(ConsoleBufferTest::text).toList());
    }

    @Test
    void aWriterBlocksWhileTheBufferIsFullAndResumesWhenTheClientTakes() throws Exception
    {
        final ConsoleBuffer buffer = new ConsoleBuffer(4, () -> {});
        final Thread writer = new Thread(() ->
        {
            try
            {
                buffer.write(1, bytes("0123456789"), 0, 10);
            }
            catch (final IOException ex)
            {
                throw new IllegalStateException(ex);
            }
        });
        writer.start();
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (got.size() < 10)
        {
            assertTrue(buffer.bufferedBytes() <= 4, "never more than the capacity");
            for (final ConsoleBuffer.Chunk chunk : buffer.take(3, 10))
            {
                got.write(chunk.bytes());
            }
            Thread.onSpinWait();
        }
        writer.join();
        assertEquals("0123456789", got.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void discardFailsABlockedWriterAndLaterWrites() throws Exception
    {
        final ConsoleBuffer buffer = new ConsoleBuffer(2, () -> {});
        final CompletableFuture<Void> write = CompletableFuture.runAsync(() ->
        {
            try
            {
                buffer.write(1, bytes("abcd"), 0, 4);
            }
            catch (final IOException ex)
            {
                throw new IllegalStateException(ex);
            }
        });
        while (buffer.bufferedBytes() < 2)
        {
            Thread.onSpinWait();
        }
        buffer.discard();
        final ExecutionException ex = assertThrows(ExecutionException.class, () -> write.get(10, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, ex.getCause().getCause());
        assertThrows(IOException.class, () -> buffer.write(2, bytes("z"), 0, 1));
        assertEquals(0, buffer.bufferedBytes());
    }

    @Test
    void anInterruptedWriterFailsAndKeepsItsInterruptFlag() throws Exception
    {
        final ConsoleBuffer buffer = new ConsoleBuffer(1, () -> {});
        final CompletableFuture<Boolean> flag = new CompletableFuture<>();
        final Thread writer = new Thread(() ->
        {
            try
            {
                buffer.write(1, bytes("ab"), 0, 2);
                flag.complete(false);
            }
            catch (final InterruptedIOException ex)
            {
                flag.complete(Thread.currentThread().isInterrupted());
            }
            catch (final IOException ex)
            {
                flag.completeExceptionally(ex);
            }
        });
        writer.start();
        while (writer.getState() != Thread.State.WAITING)
        {
            Thread.onSpinWait();
        }
        writer.interrupt();
        assertTrue(flag.get(10, TimeUnit.SECONDS));
    }
}
