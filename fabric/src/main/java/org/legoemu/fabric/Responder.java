package org.legoemu.fabric;

import org.agrona.MutableDirectBuffer;

/** The answering side of one request. */
public interface Responder
{
    /** Where to encode the reply message (messageHeader then body), starting at offset 0. Grows as needed. */
    MutableDirectBuffer buffer();

    /** Sends the reply encoded in {@link #buffer()} at {@code [0, length)}. */
    void reply(int length);

    /** Sends ErrorReply with a positive Linux errno and a short text. */
    void error(int errno, String text);
}
