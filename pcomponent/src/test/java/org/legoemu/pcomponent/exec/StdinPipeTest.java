package org.legoemu.pcomponent.exec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(30)
class StdinPipeTest
{
    @Test
    void acceptsUpToItsCapacityAndReadsInOrderAcrossTheWrap() throws Exception
    {
        final StdinPipe pipe = new StdinPipe(4);
        assertEquals(4, pipe.offer("abcdef".getBytes(StandardCharsets.US_ASCII), 0, 6));
        assertEquals(0, pipe.offer("x".getBytes(StandardCharsets.US_ASCII), 0, 1), "full");
        final byte[] dst = new byte[3];
        assertEquals(3, pipe.read(dst, 0, 3));
        assertEquals("abc", new String(dst, StandardCharsets.US_ASCII));
        assertEquals(2, pipe.offer("efg".getBytes(StandardCharsets.US_ASCII), 1, 2));
        assertEquals(3, pipe.read(dst, 0, 3));
        assertEquals("dfg", new String(dst, StandardCharsets.US_ASCII));
    }

    @Test
    void aReadWaitsForBytesAndEndOfInputIsSeenOnceThePipeIsEmpty() throws Exception
    {
        final StdinPipe pipe = new StdinPipe(16);
        final CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() ->
        {
            try
            {
                return pipe.read(new byte[8], 0, 8);
            }
            catch (final java.io.IOException ex)
            {
                throw new IllegalStateException(ex);
            }
        });
        pipe.offer(new byte[] {1, 2}, 0, 2);
        assertEquals(2, read.get(10, TimeUnit.SECONDS));
        pipe.offer(new byte[] {3}, 0, 1);
        pipe.endOfInput();
        assertEquals(0, pipe.offer(new byte[] {4}, 0, 1), "nothing is accepted after end of input");
        assertEquals(3, pipe.read());
        assertEquals(-1, pipe.read());
    }
}
