package org.legoemu.pcomponent.memory;

import org.agrona.DirectBuffer;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.Reply;

import java.util.concurrent.atomic.AtomicInteger;

/** A link (to the GMM, or to a dead home) that refuses every call with ESHUTDOWN, counting them. */
final class RefusingClient implements Client
{
    private static final Endpoint DEAD = new Endpoint("127.0.0.1", 1);

    final AtomicInteger calls = new AtomicInteger();

    @Override
    public void call(final DirectBuffer request, final int offset, final int length, final Reply reply,
        final long timeoutNs)
    {
        calls.incrementAndGet();
        throw new FabricException(Errnos.ESHUTDOWN, "refused");
    }

    @Override
    public Endpoint peer()
    {
        return DEAD;
    }

    @Override
    public void close()
    {
    }
}
