package org.legoemu.fabric.proxy;

import org.agrona.DirectBuffer;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.Reply;

/** The call-and-check-reply step every proxy shares. */
final class ProxyCalls
{
    private ProxyCalls()
    {
    }

    /**
     * Sends {@code request[0, length)} and waits for the reply, which must be {@code expectedTemplateId}.
     *
     * @param peer names the peer in the error text ("GMM", "mComponent", ...).
     * @throws FabricException EPROTO when the reply has another templateId; whatever {@link Client#call} throws.
     */
    static void call(
        final Client client, final DirectBuffer request, final int length, final Reply reply, final long timeoutNs,
        final String peer, final int expectedTemplateId)
    {
        client.call(request, 0, length, reply, timeoutNs);
        final int templateId = reply.templateId();
        if (templateId != expectedTemplateId)
        {
            throw new FabricException(Errnos.EPROTO, peer + " replied templateId " + templateId + ", expected " +
                expectedTemplateId);
        }
    }
}
