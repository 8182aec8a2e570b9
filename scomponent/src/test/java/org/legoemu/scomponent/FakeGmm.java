package org.legoemu.scomponent;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.agrona.DirectBuffer;
import org.legoemu.fabric.RequestHandler;
import org.legoemu.fabric.Responder;
import org.legoemu.fabric.sbe.AckEncoder;
import org.legoemu.fabric.sbe.G2X_REGISTER_REPLYEncoder;
import org.legoemu.fabric.sbe.MessageHeaderDecoder;
import org.legoemu.fabric.sbe.MessageHeaderEncoder;
import org.legoemu.fabric.sbe.X2G_DEREGISTERDecoder;
import org.legoemu.fabric.sbe.X2G_HEARTBEATDecoder;
import org.legoemu.fabric.sbe.X2G_REGISTERDecoder;

/** Answers X2G_REGISTER (id 7), X2G_HEARTBEAT and X2G_DEREGISTER and records what it saw; a GMM stand-in. */
final class FakeGmm implements RequestHandler
{
    final List<String> events = new CopyOnWriteArrayList<>();
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final X2G_REGISTERDecoder register = new X2G_REGISTERDecoder();
    private final X2G_HEARTBEATDecoder heartbeat = new X2G_HEARTBEATDecoder();
    private final X2G_DEREGISTERDecoder deregister = new X2G_DEREGISTERDecoder();
    private final AckEncoder ack = new AckEncoder();
    private final G2X_REGISTER_REPLYEncoder registerReply = new G2X_REGISTER_REPLYEncoder();

    @Override
    public void onRequest(final DirectBuffer buffer, final int offset, final int length, final Responder responder)
    {
        header.wrap(buffer, offset);
        switch (header.templateId())
        {
            case X2G_REGISTERDecoder.TEMPLATE_ID:
                register.wrapAndApplyHeader(buffer, offset, header);
                events.add("register " + register.kind() + " " + register.capacityBytes() + " " + register.address());
                registerReply.wrapAndApplyHeader(responder.buffer(), 0, headerEncoder)
                    .componentId(7)
                    .heartbeatIntervalNs(10_000_000L);
                responder.reply(MessageHeaderEncoder.ENCODED_LENGTH + registerReply.encodedLength());
                return;

            case X2G_HEARTBEATDecoder.TEMPLATE_ID:
                heartbeat.wrapAndApplyHeader(buffer, offset, header);
                if (!events.contains("heartbeat " + heartbeat.componentId()))
                {
                    events.add("heartbeat " + heartbeat.componentId());
                }
                break;

            case X2G_DEREGISTERDecoder.TEMPLATE_ID:
                deregister.wrapAndApplyHeader(buffer, offset, header);
                events.add("deregister " + deregister.componentId());
                break;

            default:
                responder.error(71, "unexpected templateId " + header.templateId());
                return;
        }
        ack.wrapAndApplyHeader(responder.buffer(), 0, headerEncoder).value(0);
        responder.reply(MessageHeaderEncoder.ENCODED_LENGTH + ack.encodedLength());
    }
}
