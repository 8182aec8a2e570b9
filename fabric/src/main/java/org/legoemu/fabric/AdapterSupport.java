package org.legoemu.fabric;

import org.agrona.DirectBuffer;
import org.legoemu.fabric.sbe.MessageHeaderDecoder;

import java.nio.ByteOrder;

/**
 * Request validation shared by the components' {@link RequestHandler} adapters: each check returns {@code null} when
 * the request is well formed, or the error text, which the adapter sends as an EPROTO ErrorReply (through its own
 * exception type).
 */
public final class AdapterSupport
{
    private AdapterSupport()
    {
    }

    /**
     * Checks that the root block announced by {@code header} is at least {@code expectedBlockLength} bytes and lies
     * inside {@code request}.
     *
     * @param header  the decoded header of {@code request}.
     * @param request the whole request message, header first.
     * @return {@code null} when it does, else the error text.
     */
    public static String blockLengthError(
        final MessageHeaderDecoder header, final DirectBuffer request, final int expectedBlockLength)
    {
        final int blockLength = header.blockLength();
        if (blockLength < expectedBlockLength ||
            MessageHeaderDecoder.ENCODED_LENGTH + blockLength > request.capacity())
        {
            return "templateId " + header.templateId() + " block of " + blockLength + " bytes in a " +
                request.capacity() + " byte message, expected " + expectedBlockLength;
        }
        return null;
    }

    /**
     * Checks that the variable-length field at {@code limit} (a little-endian uint32 length, then the bytes) lies
     * inside {@code request}.
     *
     * @param header  the decoded header of {@code request}.
     * @param request the whole request message, header first.
     * @return {@code null} when it does, else the error text.
     */
    public static String varFieldError(final MessageHeaderDecoder header, final DirectBuffer request, final int limit)
    {
        final int capacity = request.capacity();
        if (limit + Integer.BYTES > capacity ||
            limit + Integer.BYTES + (request.getInt(limit, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL) > capacity)
        {
            return "templateId " + header.templateId() + " variable-length field runs past the " + capacity +
                " byte message";
        }
        return null;
    }
}
