package org.legoemu.fabric.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import org.agrona.concurrent.UnsafeBuffer;
import org.legoemu.fabric.auth.HandshakeTranscript;
import org.legoemu.fabric.sbe.MessageHeaderDecoder;
import org.legoemu.fabric.sbe.MessageHeaderEncoder;
import org.legoemu.fabric.sbe.X2X_AUTH_CHALLENGEDecoder;
import org.legoemu.fabric.sbe.X2X_AUTH_CHALLENGEEncoder;
import org.legoemu.fabric.sbe.X2X_AUTH_CONFIRMDecoder;
import org.legoemu.fabric.sbe.X2X_AUTH_CONFIRMEncoder;
import org.legoemu.fabric.sbe.X2X_AUTH_HELLODecoder;
import org.legoemu.fabric.sbe.X2X_AUTH_HELLOEncoder;
import org.legoemu.fabric.sbe.X2X_AUTH_RESPONSEDecoder;
import org.legoemu.fabric.sbe.X2X_AUTH_RESPONSEEncoder;

/**
 * Frames of the connection handshake (X2X_AUTH_HELLO, _CHALLENGE, _RESPONSE, _CONFIRM in {@code lego-messages.xml}):
 * ordinary {@link FrameCodec} frames with correlationId 0, kind REQUEST from the client and REPLY from the server,
 * each carrying one message whose only data field is exactly 32 bytes (a nonce or a proof). Every such frame is at
 * most {@link #MAX_FRAME_LENGTH_BYTES}, so a peer that has not authenticated can make the receiver buffer no more.
 * Not thread-safe: one instance per handshake.
 */
public final class HandshakeCodec
{
    /** Largest handshake frame, length field included, in bytes (the largest, HELLO, takes 66). */
    public static final int MAX_FRAME_LENGTH_BYTES = 128;

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[MAX_FRAME_LENGTH_BYTES]);

    /** A handshake message that passed {@link #decode}: its templateId, HELLO's version (else 0) and its 32 bytes. */
    public record Received(int templateId, int version, byte[] value)
    {
    }

    /** A handshake frame that is malformed or unexpected; the message is the one-line reason. */
    public static final class BadHandshakeException extends Exception
    {
        private static final long serialVersionUID = 1L;

        BadHandshakeException(final String reason)
        {
            super(reason, null, false, false);
        }
    }

    /** X2X_AUTH_HELLO (client to server) with {@link HandshakeTranscript#VERSION}, as a whole frame. */
    public ByteBuf hello(final ByteBufAllocator allocator, final byte[] clientNonce)
    {
        final X2X_AUTH_HELLOEncoder encoder = new X2X_AUTH_HELLOEncoder().wrapAndApplyHeader(scratch, 0, headerEncoder)
            .version(HandshakeTranscript.VERSION).putClientNonce(clientNonce, 0, clientNonce.length);
        return frame(allocator, FrameCodec.KIND_REQUEST, encoder.encodedLength());
    }

    /** X2X_AUTH_CHALLENGE (server to client), as a whole frame. */
    public ByteBuf challenge(final ByteBufAllocator allocator, final byte[] serverNonce)
    {
        final X2X_AUTH_CHALLENGEEncoder encoder = new X2X_AUTH_CHALLENGEEncoder()
            .wrapAndApplyHeader(scratch, 0, headerEncoder).putServerNonce(serverNonce, 0, serverNonce.length);
        return frame(allocator, FrameCodec.KIND_REPLY, encoder.encodedLength());
    }

    /** X2X_AUTH_RESPONSE (client to server), as a whole frame. */
    public ByteBuf response(final ByteBufAllocator allocator, final byte[] clientProof)
    {
        final X2X_AUTH_RESPONSEEncoder encoder = new X2X_AUTH_RESPONSEEncoder()
            .wrapAndApplyHeader(scratch, 0, headerEncoder).putClientProof(clientProof, 0, clientProof.length);
        return frame(allocator, FrameCodec.KIND_REQUEST, encoder.encodedLength());
    }

    /** X2X_AUTH_CONFIRM (server to client), as a whole frame. */
    public ByteBuf confirm(final ByteBufAllocator allocator, final byte[] serverProof)
    {
        final X2X_AUTH_CONFIRMEncoder encoder = new X2X_AUTH_CONFIRMEncoder()
            .wrapAndApplyHeader(scratch, 0, headerEncoder).putServerProof(serverProof, 0, serverProof.length);
        return frame(allocator, FrameCodec.KIND_REPLY, encoder.encodedLength());
    }

    /**
     * Decodes the frame at the reader index of {@code in} (length field first) if it has fully arrived, consuming it.
     *
     * @param expectedKind        {@link FrameCodec#KIND_REQUEST} on the server, {@link FrameCodec#KIND_REPLY} on the
     *                            client.
     * @param expectedTemplateId  the message the receiver's state allows next.
     * @return the message, or null if the frame is incomplete (nothing consumed).
     * @throws BadHandshakeException if the frame is too long, has the wrong kind, is not the expected message of this
     *                               schema, or its value is not exactly 32 bytes.
     */
    public Received decode(final ByteBuf in, final byte expectedKind, final int expectedTemplateId)
        throws BadHandshakeException
    {
        if (in.readableBytes() < FrameCodec.LENGTH_FIELD_LENGTH)
        {
            return null;
        }
        final long length = in.getUnsignedIntLE(in.readerIndex());
        if (length > MAX_FRAME_LENGTH_BYTES - FrameCodec.LENGTH_FIELD_LENGTH ||
            length < FrameCodec.ENVELOPE_LENGTH + MessageHeaderDecoder.ENCODED_LENGTH)
        {
            throw new BadHandshakeException("frame of " + length + " bytes is not a handshake message");
        }
        if (in.readableBytes() < FrameCodec.LENGTH_FIELD_LENGTH + length)
        {
            return null;
        }
        in.skipBytes(FrameCodec.LENGTH_FIELD_LENGTH);
        final byte kind = in.getByte(in.readerIndex() + FrameCodec.KIND_OFFSET);
        in.skipBytes(FrameCodec.ENVELOPE_LENGTH);
        final int messageLength = (int)length - FrameCodec.ENVELOPE_LENGTH;
        final byte[] message = new byte[messageLength];
        in.readBytes(message);
        if (kind != expectedKind)
        {
            throw new BadHandshakeException("frame kind " + kind + " where the handshake expects " + expectedKind);
        }
        return decodeMessage(new UnsafeBuffer(message), messageLength, expectedTemplateId);
    }

    private Received decodeMessage(final UnsafeBuffer message, final int length, final int expectedTemplateId)
        throws BadHandshakeException
    {
        final MessageHeaderDecoder header = headerDecoder.wrap(message, 0);
        if (header.schemaId() != MessageHeaderDecoder.SCHEMA_ID || header.templateId() != expectedTemplateId)
        {
            throw new BadHandshakeException("message of schema " + header.schemaId() + " template " +
                header.templateId() + " where the handshake expects template " + expectedTemplateId);
        }
        final int minBlockLength = expectedTemplateId == X2X_AUTH_HELLODecoder.TEMPLATE_ID ?
            X2X_AUTH_HELLODecoder.BLOCK_LENGTH : 0;
        final int valueLengthOffset = MessageHeaderDecoder.ENCODED_LENGTH + header.blockLength();
        if (header.blockLength() < minBlockLength || valueLengthOffset + Integer.BYTES > length)
        {
            throw new BadHandshakeException("truncated handshake message of " + length + " bytes");
        }
        final long valueLength = message.getInt(valueLengthOffset, MessageHeaderDecoder.BYTE_ORDER) & 0xFFFF_FFFFL;
        if (valueLength != HandshakeTranscript.NONCE_LENGTH_BYTES ||
            valueLengthOffset + Integer.BYTES + valueLength != length)
        {
            throw new BadHandshakeException("handshake value of " + valueLength + " bytes in a message of " + length +
                " bytes, expected " + HandshakeTranscript.NONCE_LENGTH_BYTES);
        }
        final byte[] value = new byte[(int)valueLength];
        int version = 0;
        switch (expectedTemplateId)
        {
            case X2X_AUTH_HELLODecoder.TEMPLATE_ID:
            {
                final X2X_AUTH_HELLODecoder decoder =
                    new X2X_AUTH_HELLODecoder().wrapAndApplyHeader(message, 0, header);
                version = decoder.version();
                decoder.getClientNonce(value, 0, value.length);
                break;
            }
            case X2X_AUTH_CHALLENGEDecoder.TEMPLATE_ID:
                new X2X_AUTH_CHALLENGEDecoder().wrapAndApplyHeader(message, 0, header)
                    .getServerNonce(value, 0, value.length);
                break;
            case X2X_AUTH_RESPONSEDecoder.TEMPLATE_ID:
                new X2X_AUTH_RESPONSEDecoder().wrapAndApplyHeader(message, 0, header)
                    .getClientProof(value, 0, value.length);
                break;
            case X2X_AUTH_CONFIRMDecoder.TEMPLATE_ID:
                new X2X_AUTH_CONFIRMDecoder().wrapAndApplyHeader(message, 0, header)
                    .getServerProof(value, 0, value.length);
                break;
            default:
                throw new IllegalArgumentException("templateId " + expectedTemplateId + " is not a handshake message");
        }
        return new Received(expectedTemplateId, version, value);
    }

    private ByteBuf frame(final ByteBufAllocator allocator, final byte kind, final int bodyLength)
    {
        return FrameCodec.encode(allocator, 0, kind, scratch, 0, MessageHeaderEncoder.ENCODED_LENGTH + bodyLength);
    }
}
