package org.legoemu.fabric;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.legoemu.fabric.sbe.MessageHeaderDecoder;

/**
 * A reusable holder for one reply message (messageHeader then body at offset 0). One per calling thread; no
 * allocation once its buffer has grown to the largest reply.
 */
public final class Reply
{
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(8192);
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private int length;

    /** The reply bytes, valid until this holder is reused. */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /** Length of the reply message in bytes. */
    public int length()
    {
        return length;
    }

    /** The templateId of the reply message. */
    public int templateId()
    {
        return header.wrap(buffer, 0).templateId();
    }

    /** The header decoder wrapped on this reply, for {@code XDecoder.wrapAndApplyHeader}. */
    public MessageHeaderDecoder header()
    {
        return header.wrap(buffer, 0);
    }

    /** Copies a reply message into this holder; used by transports. */
    public void set(final DirectBuffer src, final int offset, final int length)
    {
        buffer.putBytes(0, src, offset, length);
        this.length = length;
    }

    /** For transports that decode straight into the holder. */
    public MutableDirectBuffer mutableBuffer()
    {
        return buffer;
    }

    /** For transports that decode straight into the holder. */
    public void length(final int length)
    {
        this.length = length;
    }
}
