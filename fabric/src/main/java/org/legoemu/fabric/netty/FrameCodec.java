package org.legoemu.fabric.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The TCP frame format of the fabric. Every frame, in both directions:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |  length: uint32 little-endian, bytes that follow (16 + N)     |  length field, 4 bytes
 *  +---------------------------------------------------------------+
 *  |  correlationId: int64 little-endian                           |  envelope, 16 bytes
 *  |                                                               |
 *  +---------------+-----------------------------------------------+
 *  |  kind: uint8  |  padding: 7 zero bytes                        |
 *  +---------------+-----------------------------------------------+
 *  |  one SBE message: messageHeader (8 bytes) then body, N bytes  |  message
 *  +---------------------------------------------------------------+
 * </pre>
 * kind is {@link #KIND_REQUEST} (client to server) or {@link #KIND_REPLY} (server to client, same correlationId as
 * the request). The whole frame, length field included, is at most the configured maximum frame length (default
 * {@link #DEFAULT_MAX_FRAME_LENGTH_BYTES}); a longer length field makes the receiver close the connection without
 * reading the frame. Frames are cut by Netty's {@link LengthFieldBasedFrameDecoder}, first in every pipeline.
 * <p>
 * Bad input on a server: a frame too short to hold a correlationId closes the connection; a frame with a
 * correlationId but a short envelope, a kind other than REQUEST, or an invalid message header is answered ErrorReply
 * EPROTO(71) and logged, and the connection stays up.
 */
public final class FrameCodec
{
    /** Bytes of the length field. */
    public static final int LENGTH_FIELD_LENGTH = 4;
    /** Bytes of the envelope (correlationId, kind, padding). */
    public static final int ENVELOPE_LENGTH = 16;
    /** Offset of the correlationId in the envelope. */
    public static final int CORRELATION_ID_OFFSET = 0;
    /** Offset of the kind in the envelope. */
    public static final int KIND_OFFSET = 8;
    /** kind of a request frame. */
    public static final byte KIND_REQUEST = 1;
    /** kind of a reply frame. */
    public static final byte KIND_REPLY = 2;
    /** Largest message the default frame carries: 16 MiB. */
    public static final int DEFAULT_MAX_MESSAGE_LENGTH_BYTES = 16 * 1024 * 1024;
    /** Default maximum frame length, length field included: 16 MiB of message plus 4 KiB for framing and headers. */
    public static final int DEFAULT_MAX_FRAME_LENGTH_BYTES = DEFAULT_MAX_MESSAGE_LENGTH_BYTES + 4096;

    private FrameCodec()
    {
    }

    /** Largest message (SBE header and body) that fits a frame of {@code maxFrameLengthBytes}. */
    public static int maxMessageLength(final int maxFrameLengthBytes)
    {
        return maxFrameLengthBytes - LENGTH_FIELD_LENGTH - ENVELOPE_LENGTH;
    }

    /**
     * A frame decoder for the head of a pipeline: strips the length field, passes envelope + message on, and fails
     * fast (without buffering) on a length above {@code maxFrameLengthBytes}.
     */
    public static LengthFieldBasedFrameDecoder newFrameDecoder(final int maxFrameLengthBytes)
    {
        return new LengthFieldBasedFrameDecoder(
            ByteOrder.LITTLE_ENDIAN, maxFrameLengthBytes, 0, LENGTH_FIELD_LENGTH, 0, LENGTH_FIELD_LENGTH, true);
    }

    /** Adds the frame decoder and {@code handlerName}/{@code handler} to {@code pipeline}. */
    static void configure(
        final ChannelPipeline pipeline,
        final int maxFrameLengthBytes,
        final String handlerName,
        final io.netty.channel.ChannelHandler handler)
    {
        pipeline.addLast("frameDecoder", newFrameDecoder(maxFrameLengthBytes));
        pipeline.addLast(handlerName, handler);
    }

    /**
     * Encodes one whole frame (length field, envelope, message) into a new buffer from {@code allocator}.
     *
     * @param message holding the SBE message at {@code [offset, offset+lengthBytes)}; copied.
     * @return the frame; the caller owns (writes or releases) it.
     */
    public static ByteBuf encode(
        final ByteBufAllocator allocator,
        final long correlationId,
        final byte kind,
        final DirectBuffer message,
        final int offset,
        final int lengthBytes)
    {
        final ByteBuf frame = allocator.ioBuffer(LENGTH_FIELD_LENGTH + ENVELOPE_LENGTH + lengthBytes);
        try
        {
            frame.writeIntLE(ENVELOPE_LENGTH + lengthBytes);
            frame.writeLongLE(correlationId);
            frame.writeByte(kind);
            frame.writeZero(ENVELOPE_LENGTH - KIND_OFFSET - 1);
            writeMessage(frame, message, offset, lengthBytes);
            return frame;
        }
        catch (final RuntimeException ex)
        {
            frame.release();
            throw ex;
        }
    }

    /** Copies {@code [offset, offset+lengthBytes)} of an Agrona buffer to the writer index of {@code out}. */
    public static void writeMessage(final ByteBuf out, final DirectBuffer src, final int offset, final int lengthBytes)
    {
        src.boundsCheck(offset, lengthBytes);
        final byte[] array = src.byteArray();
        if (array != null)
        {
            out.writeBytes(array, (int)src.wrapAdjustment() + offset, lengthBytes);
            return;
        }
        out.ensureWritable(lengthBytes);
        final int writerIndex = out.writerIndex();
        if (out.nioBufferCount() == 1)
        {
            final ByteBuffer view = out.nioBuffer(writerIndex, lengthBytes);
            src.getBytes(offset, view, 0, lengthBytes);
            out.writerIndex(writerIndex + lengthBytes);
            return;
        }
        for (int i = 0; i < lengthBytes; i++)
        {
            out.writeByte(src.getByte(offset + i));
        }
    }

    /**
     * Copies {@code lengthBytes} of {@code src} from {@code index} into {@code dst} at 0, growing {@code dst} if it
     * is expandable.
     */
    public static void readMessage(final ByteBuf src, final int index, final int lengthBytes,
        final MutableDirectBuffer dst)
    {
        dst.checkLimit(lengthBytes);
        final byte[] array = dst.byteArray();
        if (array != null && dst.wrapAdjustment() == 0)
        {
            src.getBytes(index, array, 0, lengthBytes);
            return;
        }
        for (int i = 0; i < lengthBytes; i++)
        {
            dst.putByte(i, src.getByte(index + i));
        }
    }
}
