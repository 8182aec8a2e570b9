package org.legoemu.fabric;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.legoemu.fabric.sbe.AckDecoder;
import org.legoemu.fabric.sbe.AckEncoder;
import org.legoemu.fabric.sbe.ErrorReplyDecoder;
import org.legoemu.fabric.sbe.ErrorReplyEncoder;
import org.legoemu.fabric.sbe.MessageHeaderDecoder;
import org.legoemu.fabric.sbe.MessageHeaderEncoder;

/**
 * Encoding and decoding of the two generic replies, ErrorReply (errno + text) and Ack (one int64), shared by the
 * transports, handlers and proxies. Thread-safe: each thread uses its own codecs.
 */
public final class Messages
{
    /** Error texts longer than this many characters are cut, so that an ErrorReply always fits a frame. */
    public static final int MAX_ERROR_TEXT_CHARS = 1024;

    private static final ThreadLocal<Codecs> CODECS = ThreadLocal.withInitial(Codecs::new);

    private Messages()
    {
    }

    /**
     * Encodes ErrorReply (messageHeader then body) at offset 0.
     *
     * @param buf   destination, grows if expandable.
     * @param errno positive Linux errno.
     * @param text  short reason; null is sent as empty, longer than {@link #MAX_ERROR_TEXT_CHARS} is cut.
     * @return encoded length in bytes.
     */
    public static int encodeError(final MutableDirectBuffer buf, final int errno, final String text)
    {
        return encodeError(buf, 0, errno, text);
    }

    /** As {@link #encodeError(MutableDirectBuffer, int, String)} at {@code offset}; returns the length in bytes. */
    public static int encodeError(final MutableDirectBuffer buf, final int offset, final int errno, final String text)
    {
        final Codecs codecs = CODECS.get();
        String safeText = text == null ? "" : text;
        if (safeText.length() > MAX_ERROR_TEXT_CHARS)
        {
            safeText = safeText.substring(0, MAX_ERROR_TEXT_CHARS);
        }
        codecs.errorEncoder.wrapAndApplyHeader(buf, offset, codecs.headerEncoder).errno(errno).text(safeText);
        return MessageHeaderEncoder.ENCODED_LENGTH + codecs.errorEncoder.encodedLength();
    }

    /**
     * Encodes Ack (messageHeader then body) at offset 0.
     *
     * @return encoded length in bytes.
     */
    public static int encodeAck(final MutableDirectBuffer buf, final long value)
    {
        final Codecs codecs = CODECS.get();
        codecs.ackEncoder.wrapAndApplyHeader(buf, 0, codecs.headerEncoder).value(value);
        return MessageHeaderEncoder.ENCODED_LENGTH + codecs.ackEncoder.encodedLength();
    }

    /** The templateId of the message at {@code offset}, or -1 if fewer than a header's bytes are present. */
    public static int templateId(final DirectBuffer buf, final int offset, final int length)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return -1;
        }
        return CODECS.get().headerDecoder.wrap(buf, offset).templateId();
    }

    /** True if the message at {@code [offset, offset+length)} is an ErrorReply of this schema. */
    public static boolean isError(final DirectBuffer buf, final int offset, final int length)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return false;
        }
        final MessageHeaderDecoder header = CODECS.get().headerDecoder.wrap(buf, offset);
        return header.schemaId() == MessageHeaderDecoder.SCHEMA_ID &&
            header.templateId() == ErrorReplyDecoder.TEMPLATE_ID;
    }

    /**
     * Decodes an ErrorReply into the exception a caller sees.
     *
     * @throws FabricException EPROTO if the ErrorReply is truncated.
     */
    public static RemoteErrorException decodeError(final DirectBuffer buf, final int offset, final int length)
    {
        final Codecs codecs = CODECS.get();
        final int end = offset + length;
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            throw new FabricException(Errnos.EPROTO, "truncated ErrorReply of " + length + " bytes");
        }
        final MessageHeaderDecoder header = codecs.headerDecoder.wrap(buf, offset);
        final int bodyOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int textLengthOffset = bodyOffset + header.blockLength();
        if (header.blockLength() < ErrorReplyDecoder.BLOCK_LENGTH ||
            textLengthOffset + ErrorReplyDecoder.textHeaderLength() > end)
        {
            throw new FabricException(Errnos.EPROTO, "truncated ErrorReply of " + length + " bytes");
        }
        final ErrorReplyDecoder decoder = codecs.errorDecoder.wrapAndApplyHeader(buf, offset, header);
        final int errno = decoder.errno();
        final int textLength = decoder.textLength();
        if (textLength < 0 || textLengthOffset + ErrorReplyDecoder.textHeaderLength() + textLength > end)
        {
            throw new FabricException(Errnos.EPROTO, "ErrorReply text runs past its " + length + " bytes");
        }
        return new RemoteErrorException(errno, decoder.text());
    }

    /**
     * Checks a received reply: throws if it is an ErrorReply or not a message of this schema.
     *
     * @throws RemoteErrorException with the peer's errno and text when the reply is an ErrorReply.
     * @throws FabricException      EPROTO when the reply is shorter than a header or has another schemaId.
     */
    public static void throwIfError(final Reply reply)
    {
        final int length = reply.length();
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            throw new FabricException(Errnos.EPROTO, "reply of " + length + " bytes is shorter than a header");
        }
        final MessageHeaderDecoder header = reply.header();
        if (header.schemaId() != MessageHeaderDecoder.SCHEMA_ID)
        {
            throw new FabricException(Errnos.EPROTO, "reply has schemaId " + header.schemaId());
        }
        if (header.templateId() == ErrorReplyDecoder.TEMPLATE_ID)
        {
            throw decodeError(reply.buffer(), 0, length);
        }
    }

    /**
     * The value of an Ack reply.
     *
     * @throws RemoteErrorException if the reply is an ErrorReply.
     * @throws FabricException      EPROTO if it is neither an Ack nor an ErrorReply.
     */
    public static long ackValue(final Reply reply)
    {
        throwIfError(reply);
        final Codecs codecs = CODECS.get();
        final int templateId = reply.templateId();
        if (templateId != AckDecoder.TEMPLATE_ID)
        {
            throw new FabricException(Errnos.EPROTO, "expected Ack, got templateId " + templateId);
        }
        return codecs.ackDecoder.wrapAndApplyHeader(reply.buffer(), 0, reply.header()).value();
    }

    private static final class Codecs
    {
        final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
        final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
        final ErrorReplyEncoder errorEncoder = new ErrorReplyEncoder();
        final ErrorReplyDecoder errorDecoder = new ErrorReplyDecoder();
        final AckEncoder ackEncoder = new AckEncoder();
        final AckDecoder ackDecoder = new AckDecoder();
    }
}
