package org.legoemu.fabric;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.legoemu.fabric.sbe.MessageHeaderDecoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessagesTest
{
    @Property(tries = 200)
    void errorReplyRoundTrips(
        @ForAll @IntRange(min = 1, max = 4095) final int errno,
        @ForAll @StringLength(max = 200) final String text)
    {
        final String safeText = text.replaceAll("[\\ud800-\\udfff]", "?");
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(16);
        final int length = Messages.encodeError(buffer, errno, safeText);
        assertTrue(Messages.isError(buffer, 0, length));
        final RemoteErrorException ex = Messages.decodeError(buffer, 0, length);
        assertEquals(errno, ex.errno());
        assertEquals(safeText, ex.getMessage());
    }

    @Test
    void longErrorTextIsCut()
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(16);
        final int length = Messages.encodeError(buffer, Errnos.EIO, "x".repeat(5000));
        assertEquals(Messages.MAX_ERROR_TEXT_CHARS, Messages.decodeError(buffer, 0, length).getMessage().length());
    }

    @Test
    void truncatedErrorReplyIsEproto()
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(16);
        final int length = Messages.encodeError(buffer, Errnos.EIO, "some text");
        for (int cut = 0; cut < length; cut++)
        {
            final int truncated = cut;
            assertEquals(Errnos.EPROTO, assertThrows(FabricException.class,
                () -> Messages.decodeError(buffer, 0, truncated)).errno());
        }
    }

    @Test
    void replyHolderTurnsErrorReplyIntoRemoteErrorException()
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(16);
        final Reply reply = new Reply();
        reply.set(buffer, 0, Messages.encodeError(buffer, 2, "no such file"));
        final RemoteErrorException ex = assertThrows(RemoteErrorException.class, () -> Messages.throwIfError(reply));
        assertEquals(2, ex.errno());
        assertEquals("no such file", ex.getMessage());
    }

    @Test
    void ackValueAndItsErrors()
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(16);
        final Reply reply = new Reply();
        reply.set(buffer, 0, Messages.encodeAck(buffer, -5L));
        assertEquals(-5L, Messages.ackValue(reply));
        assertFalse(Messages.isError(reply.buffer(), 0, reply.length()));

        final int[] length = new int[1];
        final ExpandableArrayBuffer notAck = TestMessages.request(TestMessages.ECHO, 1, length);
        reply.set(notAck, 0, length[0]);
        assertEquals(Errnos.EPROTO, assertThrows(FabricException.class, () -> Messages.ackValue(reply)).errno());

        notAck.putShort(MessageHeaderDecoder.schemaIdEncodingOffset(), (short)1, MessageHeaderDecoder.BYTE_ORDER);
        reply.set(notAck, 0, length[0]);
        assertEquals(Errnos.EPROTO, assertThrows(FabricException.class, () -> Messages.throwIfError(reply)).errno());
        reply.set(notAck, 0, 3);
        assertEquals(Errnos.EPROTO, assertThrows(FabricException.class, () -> Messages.throwIfError(reply)).errno());
    }
}
