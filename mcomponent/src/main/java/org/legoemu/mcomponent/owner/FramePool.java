package org.legoemu.mcomponent.owner;

import jnr.ffi.Pointer;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.UnsafeBuffer;
import org.legoemu.abi.GuestMemory;

import java.util.BitSet;

/**
 * The mComponent's physical memory: {@code capacityBytes} of host memory reserved with
 * {@code mmap(NULL, capacityBytes, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE, -1, 0)} and cut
 * into 4 KiB frames indexed by int (DESIGN.md "Memory, the way LegoOS does it"; LegoOS §5.3 physical memory
 * allocation at the mComponent).
 *
 * <p>Because the reservation is MAP_NORESERVE, an emulated memory larger than the host costs nothing until frames
 * are touched. Frames never handed out before come from a high-water mark and are zero because the kernel zero-fills
 * anonymous pages; freed frames are returned to the host with {@code madvise(MADV_DONTNEED)}, which also makes them
 * read as zero when handed out again, so {@link #allocate()} always returns a zeroed frame without writing it.
 *
 * <p>Not thread-safe: one thread at a time, under the monitor's state lock (see the package's threading rules), calls every
 * method except {@link #framesInUse()} and {@link #frameCapacity()}, which may be read from any thread.
 */
public final class FramePool implements AutoCloseable
{
    /** Frame size, bytes. */
    public static final int FRAME_SIZE = GuestMemory.PAGE_SIZE;
    /** log2 of {@link #FRAME_SIZE}. */
    public static final int FRAME_SHIFT = 12;

    private final long address;
    private final long capacityBytes;
    private final int frameCapacity;
    private final IntArrayList freeFrames = new IntArrayList();
    private final BitSet inUse;
    private final UnsafeBuffer frameView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer sourceView = new UnsafeBuffer(0, 0);
    private int highWaterFrames;
    private volatile int framesInUse;
    private volatile int peakFramesInUse;
    private boolean closed;

    /**
     * Reserves the pool.
     *
     * @param capacityBytes size of the emulated physical memory, a positive multiple of {@link #FRAME_SIZE} and
     *                      at most {@code 2^31 - 1} frames (8 TiB).
     * @throws IllegalArgumentException when the size is not a positive multiple of the frame size or too large.
     * @throws IllegalStateException    when mmap fails, with the errno text.
     */
    public FramePool(final long capacityBytes)
    {
        if (capacityBytes <= 0 || (capacityBytes & (FRAME_SIZE - 1)) != 0)
        {
            throw new IllegalArgumentException(
                "memory size " + capacityBytes + " bytes is not a positive multiple of " + FRAME_SIZE);
        }
        if ((capacityBytes >>> FRAME_SHIFT) > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("memory size " + capacityBytes + " bytes exceeds 2^31-1 frames");
        }
        final LibC libc = LibC.INSTANCE;
        final Pointer p = libc.mmap(
            null,
            capacityBytes,
            LibC.PROT_READ | LibC.PROT_WRITE,
            LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS | LibC.MAP_NORESERVE,
            -1,
            0);
        if (p == null || p.address() == LibC.MAP_FAILED)
        {
            final int errno = LibC.lastErrno();
            throw new IllegalStateException(
                "mmap of " + capacityBytes + " bytes failed: " + libc.strerror(errno) + " (errno " + errno + ")");
        }
        this.address = p.address();
        this.capacityBytes = capacityBytes;
        this.frameCapacity = (int)(capacityBytes >>> FRAME_SHIFT);
        this.inUse = new BitSet(frameCapacity);
    }

    /**
     * Hands out one zeroed frame.
     *
     * @return the frame index in {@code [0, frameCapacity())}, or -1 when every frame is in use.
     */
    public int allocate()
    {
        final int frame;
        if (!freeFrames.isEmpty())
        {
            frame = freeFrames.popInt();
        }
        else if (highWaterFrames < frameCapacity)
        {
            frame = highWaterFrames++;
        }
        else
        {
            return -1;
        }
        inUse.set(frame);
        framesInUse = framesInUse + 1;
        if (framesInUse > peakFramesInUse)
        {
            peakFramesInUse = framesInUse;
        }
        return frame;
    }

    /**
     * Returns a frame to the pool and its memory to the host ({@code madvise(MADV_DONTNEED)}).
     *
     * @param frame a frame returned by {@link #allocate()} and not freed since.
     * @throws IllegalArgumentException when the frame is out of range or not in use.
     */
    void free(final int frame)
    {
        checkInUse(frame);
        final long frameAddress = address + ((long)frame << FRAME_SHIFT);
        if (LibC.INSTANCE.madvise(LibC.pointer(frameAddress), FRAME_SIZE, LibC.MADV_DONTNEED) != 0)
        {
            // madvise failed: the frame keeps its bytes, so zero it by hand to keep the demand-zero contract.
            frameView.wrap(frameAddress, FRAME_SIZE);
            frameView.setMemory(0, FRAME_SIZE, (byte)0);
        }
        inUse.clear(frame);
        freeFrames.addInt(frame);
        framesInUse = framesInUse - 1;
    }

    /**
     * Copies a whole frame into {@code dst[dstOffset, dstOffset + 4096)}.
     */
    public void copyOut(final int frame, final byte[] dst, final int dstOffset)
    {
        view(frame).getBytes(0, dst, dstOffset, FRAME_SIZE);
    }

    /**
     * Copies a whole frame into {@code dst} at {@code dstOffset}.
     */
    public void copyOut(final int frame, final MutableDirectBuffer dst, final int dstOffset)
    {
        view(frame).getBytes(0, dst, dstOffset, FRAME_SIZE);
    }

    /**
     * Overwrites a whole frame with {@code src[srcOffset, srcOffset + 4096)}.
     */
    public void copyIn(final int frame, final byte[] src, final int srcOffset)
    {
        view(frame).putBytes(0, src, srcOffset, FRAME_SIZE);
    }

    /**
     * Overwrites a whole frame with 4096 bytes of {@code src} at {@code srcOffset}.
     */
    public void copyIn(final int frame, final DirectBuffer src, final int srcOffset)
    {
        view(frame).putBytes(0, src, srcOffset, FRAME_SIZE);
    }

    /**
     * A view of one frame's 4096 bytes; the same object is rewrapped by every call, so it is valid until the next
     * call on this pool.
     */
    public UnsafeBuffer view(final int frame)
    {
        checkInUse(frame);
        frameView.wrap(address + ((long)frame << FRAME_SHIFT), FRAME_SIZE);
        return frameView;
    }

    /**
     * Copies the whole frame {@code from} over the frame {@code to} (fork's eager copy).
     */
    public void copy(final int from, final int to)
    {
        checkInUse(from);
        sourceView.wrap(address + ((long)from << FRAME_SHIFT), FRAME_SIZE);
        view(to).putBytes(0, sourceView, 0, FRAME_SIZE);
    }

    /** The most frames ever in use at once since the pool was created (a high-water mark). */
    public int peakFramesInUse()
    {
        return peakFramesInUse;
    }

    /** Frames currently handed out; readable from any thread. */
    public int framesInUse()
    {
        return framesInUse;
    }

    /** Total number of frames. */
    public int frameCapacity()
    {
        return frameCapacity;
    }

    /** Size of the reservation, bytes. */
    public long capacityBytes()
    {
        return capacityBytes;
    }

    /** Releases the reservation with munmap; frames must not be used afterwards. Idempotent. */
    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            LibC.INSTANCE.munmap(LibC.pointer(address), capacityBytes);
        }
    }

    private void checkInUse(final int frame)
    {
        if (closed)
        {
            throw new IllegalStateException("frame pool is closed");
        }
        if (frame < 0 || frame >= frameCapacity || !inUse.get(frame))
        {
            throw new IllegalArgumentException("frame " + frame + " is not in use");
        }
    }
}
