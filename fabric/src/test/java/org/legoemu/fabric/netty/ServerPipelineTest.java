package org.legoemu.fabric.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.Messages;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.TestMessages;
import org.legoemu.fabric.sbe.AckDecoder;
import org.legoemu.fabric.sbe.MessageHeaderDecoder;
import org.legoemu.fabric.transport.HandlerInvoker;
import org.legoemu.fabric.transport.InboundRequest;
import org.legoemu.fabric.transport.ProtocolErrorLog;
import org.legoemu.fabric.transport.RequestQueue;
import org.slf4j.LoggerFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server pipeline on an {@link EmbeddedChannel}, with the handler run synchronously on the test thread. */
class ServerPipelineTest
{
    private static final int MAX_FRAME_LENGTH_BYTES = 64 * 1024;

    private final UnpooledByteBufAllocator allocator = new UnpooledByteBufAllocator(false);
    private final List<ByteBuf> inputs = new ArrayList<>();
    private EmbeddedChannel channel;

    @BeforeAll
    static void paranoidLeakDetection()
    {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    @BeforeEach
    void setUp()
    {
        channel = newChannel();
    }

    @AfterEach
    void tearDown()
    {
        channel.finishAndReleaseAll();
        for (final ByteBuf input : inputs)
        {
            assertEquals(0, input.refCnt(), "input buffer leaked");
        }
    }

    @Test
    void requestSplitIntoOneByteFragmentsIsReassembledAndAnswered()
    {
        final ByteBuf frame = requestFrame(42, TestMessages.ECHO, 0x1234_5678_9ABCL);
        final int length = frame.readableBytes();
        for (int i = 0; i < length; i++)
        {
            assertNull(channel.readOutbound());
            channel.writeInbound(track(frame.copy(i, 1)));
        }
        frame.release();

        final ByteBuf reply = channel.readOutbound();
        assertEquals(0x1234_5678_9ABCL, ackValue(reply, 42));
        assertTrue(channel.isActive());
    }

    @Test
    void requestHoldersOfAConnectionAreReusedOnceDispatchedAndNotWhileQueued()
    {
        final HandlerInvoker invoker = new HandlerInvoker("test", TestMessages.handler(() -> {}));
        final List<InboundRequest> queued = new ArrayList<>();
        final List<InboundRequest> seen = new ArrayList<>();
        final boolean[] holdBack = {true};
        final RequestQueue recording = (request) ->
        {
            seen.add(request);
            if (holdBack[0])
            {
                queued.add(request);
            }
            else
            {
                invoker.invoke(request);
            }
        };
        final EmbeddedChannel pooled = new EmbeddedChannel();
        pooled.config().setAllocator(allocator);
        NettyServer.configurePipeline(pooled, MAX_FRAME_LENGTH_BYTES, recording,
            new ProtocolErrorLog(LoggerFactory.getLogger(ServerPipelineTest.class), "test"));
        try
        {
            pooled.writeInbound(track(requestFrame(1, TestMessages.ECHO, 11)));
            pooled.writeInbound(track(requestFrame(2, TestMessages.ECHO, 22)));
            assertNotSame(seen.get(0), seen.get(1), "a queued holder is not handed out again");
            queued.forEach(invoker::invoke);
            assertEquals(11, ackValue(pooled.readOutbound(), 1));
            assertEquals(22, ackValue(pooled.readOutbound(), 2));

            holdBack[0] = false;
            for (int i = 3; i < 10; i++)
            {
                pooled.writeInbound(track(requestFrame(i, TestMessages.ECHO, 100 + i)));
                assertEquals(100 + i, ackValue(pooled.readOutbound(), i));
                assertTrue(seen.get(i - 1) == seen.get(0) || seen.get(i - 1) == seen.get(1),
                    "request " + i + " came in a holder of the pool");
            }
        }
        finally
        {
            pooled.finishAndReleaseAll();
        }
    }

    @Test
    void oversizedLengthFieldClosesTheChannelWithoutAllocatingIt()
    {
        final ByteBuf header = track(Unpooled.buffer(8).writeIntLE(Integer.MAX_VALUE - 1).writeLongLE(7));
        channel.writeInbound(header);

        assertFalse(channel.isActive());
        assertNull(channel.readOutbound());
        final long used = allocator.metric().usedHeapMemory() + allocator.metric().usedDirectMemory();
        assertTrue(used < MAX_FRAME_LENGTH_BYTES, "allocated " + used + " bytes");
    }

    @Test
    void wrongSchemaIdGetsErrorReplyEproto()
    {
        final ByteBuf frame = requestFrame(9, TestMessages.ECHO, 1);
        frame.setShortLE(FrameCodec.LENGTH_FIELD_LENGTH + FrameCodec.ENVELOPE_LENGTH +
            MessageHeaderDecoder.schemaIdEncodingOffset(), 999);
        channel.writeInbound(track(frame));

        assertEquals(Errnos.EPROTO, errorReply(channel.readOutbound(), 9).errno());
        assertTrue(channel.isActive());
    }

    @Test
    void unknownTemplateIdGetsErrorReplyEproto()
    {
        final ByteBuf frame = requestFrame(10, TestMessages.ECHO, 1);
        frame.setShortLE(FrameCodec.LENGTH_FIELD_LENGTH + FrameCodec.ENVELOPE_LENGTH +
            MessageHeaderDecoder.templateIdEncodingOffset(), 9999);
        channel.writeInbound(track(frame));

        assertEquals(Errnos.EPROTO, errorReply(channel.readOutbound(), 10).errno());
        assertTrue(channel.isActive());
    }

    @Test
    void replyTemplateSentAsRequestGetsErrorReplyEproto()
    {
        final ByteBuf frame = requestFrame(11, TestMessages.ECHO, 1);
        frame.setShortLE(FrameCodec.LENGTH_FIELD_LENGTH + FrameCodec.ENVELOPE_LENGTH +
            MessageHeaderDecoder.templateIdEncodingOffset(), AckDecoder.TEMPLATE_ID);
        channel.writeInbound(track(frame));

        assertEquals(Errnos.EPROTO, errorReply(channel.readOutbound(), 11).errno());
    }

    @Test
    void truncatedMessageGetsErrorReplyEproto()
    {
        final ByteBuf frame = Unpooled.buffer().writeIntLE(FrameCodec.ENVELOPE_LENGTH + 5).writeLongLE(12)
            .writeByte(FrameCodec.KIND_REQUEST).writeZero(7).writeZero(5);
        channel.writeInbound(track(frame));

        assertEquals(Errnos.EPROTO, errorReply(channel.readOutbound(), 12).errno());
        assertTrue(channel.isActive());
    }

    @Test
    void shortEnvelopeWithCorrelationIdGetsErrorReplyEproto()
    {
        final ByteBuf frame = Unpooled.buffer().writeIntLE(10).writeLongLE(13).writeShortLE(1);
        channel.writeInbound(track(frame));

        assertEquals(Errnos.EPROTO, errorReply(channel.readOutbound(), 13).errno());
        assertTrue(channel.isActive());
    }

    @Test
    void replyKindFromClientGetsErrorReplyEproto()
    {
        final ByteBuf frame = requestFrame(14, TestMessages.ECHO, 1);
        frame.setByte(FrameCodec.LENGTH_FIELD_LENGTH + FrameCodec.KIND_OFFSET, FrameCodec.KIND_REPLY);
        channel.writeInbound(track(frame));

        assertEquals(Errnos.EPROTO, errorReply(channel.readOutbound(), 14).errno());
    }

    @Test
    void frameWithoutCorrelationIdClosesTheChannel()
    {
        channel.writeInbound(track(Unpooled.buffer().writeIntLE(3).writeMedium(0)));

        assertFalse(channel.isActive());
        assertNull(channel.readOutbound());
    }

    @Test
    void throwingAndSilentHandlersGetErrorReplyEio()
    {
        channel.writeInbound(track(requestFrame(15, TestMessages.THROW, 0)));
        channel.writeInbound(track(requestFrame(16, TestMessages.SILENT, 0)));

        assertEquals(Errnos.EIO, errorReply(channel.readOutbound(), 15).errno());
        assertEquals(Errnos.EIO, errorReply(channel.readOutbound(), 16).errno());
        assertTrue(channel.isActive());
    }

    @Test
    void serverKeepsAnsweringAfterGarbage()
    {
        channel.writeInbound(track(Unpooled.buffer().writeIntLE(20).writeLongLE(1).writeZero(12)));
        channel.writeInbound(track(requestFrame(17, TestMessages.ECHO, 99)));

        assertEquals(Errnos.EPROTO, errorReply(channel.readOutbound(), 1).errno());
        assertEquals(99, ackValue(channel.readOutbound(), 17));
    }

    @Property(tries = 300)
    void randomBytesNeverEscapeThePipeline(@ForAll @Size(max = 300) final List<byte[]> chunks)
    {
        final EmbeddedChannel garbage = newChannel();
        final List<ByteBuf> written = new ArrayList<>();
        for (final byte[] chunk : chunks)
        {
            if (!garbage.isActive())
            {
                break;
            }
            if (chunk.length == 0)
            {
                continue;
            }
            final ByteBuf buf = Unpooled.wrappedBuffer(chunk.clone());
            written.add(buf);
            garbage.writeInbound(buf);
        }
        garbage.checkException();
        ByteBuf out;
        while ((out = garbage.readOutbound()) != null)
        {
            try
            {
                final int lengthField = out.getIntLE(0);
                assertEquals(out.readableBytes() - FrameCodec.LENGTH_FIELD_LENGTH, lengthField);
                assertEquals(FrameCodec.KIND_REPLY, out.getByte(FrameCodec.LENGTH_FIELD_LENGTH +
                    FrameCodec.KIND_OFFSET));
                final DirectBuffer message = messageOf(out);
                final int length = out.readableBytes() - FrameCodec.LENGTH_FIELD_LENGTH - FrameCodec.ENVELOPE_LENGTH;
                assertTrue(Messages.isError(message, 0, length));
                assertEquals(Errnos.EPROTO, Messages.decodeError(message, 0, length).errno());
            }
            finally
            {
                out.release();
            }
        }
        garbage.finishAndReleaseAll();
        for (final ByteBuf buf : written)
        {
            assertEquals(0, buf.refCnt(), "input buffer leaked");
        }
    }

    @Property(tries = 500)
    void randomBodiesInValidFramesGetErrorReplyEprotoOrClose(@ForAll @Size(max = 40) final List<byte[]> bodies)
    {
        final EmbeddedChannel garbage = newChannel();
        final List<ByteBuf> written = new ArrayList<>();
        for (final byte[] body : bodies)
        {
            if (!garbage.isActive())
            {
                break;
            }
            final ByteBuf frame = Unpooled.buffer(4 + body.length).writeIntLE(body.length).writeBytes(body);
            written.add(frame);
            garbage.writeInbound(frame);
        }
        garbage.checkException();
        int replies = 0;
        ByteBuf out;
        while ((out = garbage.readOutbound()) != null)
        {
            replies++;
            final long correlationId = out.getLongLE(FrameCodec.LENGTH_FIELD_LENGTH);
            assertEquals(Errnos.EPROTO, errorReply(out, correlationId).errno());
        }
        assertTrue(replies <= bodies.size());
        garbage.finishAndReleaseAll();
        for (final ByteBuf buf : written)
        {
            assertEquals(0, buf.refCnt(), "input buffer leaked");
        }
    }

    private EmbeddedChannel newChannel()
    {
        final HandlerInvoker invoker = new HandlerInvoker("test", TestMessages.handler(() -> {}));
        final RequestQueue synchronous = invoker::invoke;
        final EmbeddedChannel embedded = new EmbeddedChannel();
        embedded.config().setAllocator(allocator);
        NettyServer.configurePipeline(embedded, MAX_FRAME_LENGTH_BYTES, synchronous,
            new ProtocolErrorLog(LoggerFactory.getLogger(ServerPipelineTest.class), "test"));
        return embedded;
    }

    private ByteBuf track(final ByteBuf buf)
    {
        inputs.add(buf);
        return buf;
    }

    private static ByteBuf requestFrame(final long correlationId, final int behaviour, final long argument)
    {
        final ExpandableArrayBuffer message = new ExpandableArrayBuffer(64);
        final int length = TestMessages.request(message, behaviour, argument);
        return FrameCodec.encode(UnpooledByteBufAllocator.DEFAULT, correlationId, FrameCodec.KIND_REQUEST, message, 0,
            length);
    }

    private static DirectBuffer messageOf(final ByteBuf frame)
    {
        final int length = frame.readableBytes() - FrameCodec.LENGTH_FIELD_LENGTH - FrameCodec.ENVELOPE_LENGTH;
        final byte[] bytes = new byte[length];
        frame.getBytes(FrameCodec.LENGTH_FIELD_LENGTH + FrameCodec.ENVELOPE_LENGTH, bytes);
        return new UnsafeBuffer(bytes);
    }

    private static void assertReplyEnvelope(final ByteBuf frame, final long correlationId)
    {
        assertEquals(frame.readableBytes() - FrameCodec.LENGTH_FIELD_LENGTH, frame.getIntLE(0));
        assertEquals(correlationId, frame.getLongLE(FrameCodec.LENGTH_FIELD_LENGTH));
        assertEquals(FrameCodec.KIND_REPLY, frame.getByte(FrameCodec.LENGTH_FIELD_LENGTH + FrameCodec.KIND_OFFSET));
    }

    private static long ackValue(final ByteBuf frame, final long correlationId)
    {
        try
        {
            assertReplyEnvelope(frame, correlationId);
            final DirectBuffer message = messageOf(frame);
            final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(message, 0);
            assertEquals(AckDecoder.TEMPLATE_ID, header.templateId());
            return new AckDecoder().wrapAndApplyHeader(message, 0, header).value();
        }
        finally
        {
            frame.release();
        }
    }

    private static RemoteErrorException errorReply(final ByteBuf frame, final long correlationId)
    {
        try
        {
            assertReplyEnvelope(frame, correlationId);
            final DirectBuffer message = messageOf(frame);
            final int length = message.capacity();
            assertTrue(Messages.isError(message, 0, length));
            return Messages.decodeError(message, 0, length);
        }
        finally
        {
            frame.release();
        }
    }
}
