package org.legoemu.mcomponent.owner;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FramePoolTest
{
    private static final int FRAME = FramePool.FRAME_SIZE;

    @Test
    void allocatesDistinctZeroedFramesUntilExhaustedThenMinusOne()
    {
        try (FramePool pool = new FramePool(8L * FRAME))
        {
            final Set<Integer> frames = new HashSet<>();
            final byte[] page = new byte[FRAME];
            for (int i = 0; i < 8; i++)
            {
                final int frame = pool.allocate();
                assertTrue(frame >= 0 && frame < 8);
                assertTrue(frames.add(frame));
                pool.copyOut(frame, page, 0);
                assertArrayEquals(new byte[FRAME], page);
            }
            assertEquals(-1, pool.allocate());
            assertEquals(8, pool.framesInUse());
            assertEquals(8, pool.frameCapacity());
        }
    }

    @Test
    void freedFrameReadsZeroWhenHandedOutAgain()
    {
        try (FramePool pool = new FramePool(FRAME))
        {
            final int frame = pool.allocate();
            final byte[] data = new byte[FRAME];
            Arrays.fill(data, (byte)0x5a);
            pool.copyIn(frame, data, 0);
            final byte[] back = new byte[FRAME];
            pool.copyOut(frame, back, 0);
            assertArrayEquals(data, back);

            pool.free(frame);
            assertEquals(0, pool.framesInUse());
            final int again = pool.allocate();
            assertEquals(frame, again);
            pool.copyOut(again, back, 0);
            assertArrayEquals(new byte[FRAME], back);
        }
    }

    @Test
    void freeOfAFrameNotInUseIsRejected()
    {
        try (FramePool pool = new FramePool(2L * FRAME))
        {
            assertThrows(IllegalArgumentException.class, () -> pool.free(0));
            final int frame = pool.allocate();
            pool.free(frame);
            assertThrows(IllegalArgumentException.class, () -> pool.free(frame));
            assertThrows(IllegalArgumentException.class, () -> pool.free(7));
        }
    }

    @Test
    void rejectsSizesThatAreNotWholeFrames()
    {
        assertThrows(IllegalArgumentException.class, () -> new FramePool(0));
        assertThrows(IllegalArgumentException.class, () -> new FramePool(FRAME + 1));
    }

    @Test
    void sixtyFourGibibytePoolCostsNothingUntilTouched()
    {
        final long start = System.nanoTime();
        try (FramePool pool = new FramePool(64L << 30))
        {
            final long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(elapsedMs < 2000, "reserving took " + elapsedMs + " ms");
            assertEquals(16L << 20, pool.frameCapacity());
            final byte[] data = new byte[FRAME];
            final byte[] back = new byte[FRAME];
            for (int i = 0; i < 16; i++)
            {
                final int frame = pool.allocate();
                Arrays.fill(data, (byte)i);
                pool.copyIn(frame, data, 0);
                pool.copyOut(frame, back, 0);
                assertArrayEquals(data, back);
            }
            assertEquals(16, pool.framesInUse());
        }
    }
}
