package org.legoemu.emulator.bench;

import org.HdrHistogram.Histogram;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Reply;
import org.legoemu.fabric.RequestHandler;
import org.legoemu.fabric.Responder;
import org.legoemu.fabric.Server;
import org.legoemu.fabric.Transport;
import org.legoemu.fabric.proxy.MemoryProxy;
import org.legoemu.fabric.sbe.M2P_PCACHE_LINEDecoder;
import org.legoemu.fabric.sbe.M2P_PCACHE_LINEEncoder;
import org.legoemu.fabric.sbe.MessageHeaderEncoder;
import org.legoemu.fabric.sbe.P2M_PCACHE_MISSEncoder;

import java.util.concurrent.TimeUnit;

/**
 * The raw fabric round trip an ExCache miss cannot beat: a request shaped like P2M_PCACHE_MISS, answered by a
 * server that copies a pre-encoded 4 KiB M2P_PCACHE_LINE into its reply, with no memory-side work; the client
 * copies the 4 KiB out as the ExCache does.
 */
final class FabricRoundTrip
{
    private static final int LINE_SIZE = MemoryProxy.LINE_SIZE;
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    private FabricRoundTrip()
    {
    }

    /**
     * The floor of any miss: one 4 KiB {@code System.arraycopy} between two arrays, timed like a round trip (one
     * {@code System.nanoTime} pair per copy, so the timer's own cost of some tens of ns is included).
     *
     * @return copy latency, ns.
     */
    static Histogram lineCopy(final int warmup, final int count)
    {
        final byte[] from = new byte[LINE_SIZE];
        final byte[] into = new byte[LINE_SIZE];
        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        for (int i = 0; i < warmup + count; i++)
        {
            from[i & (LINE_SIZE - 1)] = (byte)i;
            final long startNs = System.nanoTime();
            System.arraycopy(from, 0, into, 0, LINE_SIZE);
            final long ns = System.nanoTime() - startNs;
            if (i >= warmup)
            {
                histogram.recordValue(Math.min(ns, histogram.getHighestTrackableValue()));
            }
        }
        return histogram;
    }

    /**
     * Measures {@code count} round trips after {@code warmup} unmeasured ones.
     *
     * @param transport the fabric to measure (the benchmark cluster's).
     * @param at        where to serve, e.g. 127.0.0.1 port 0.
     * @return round-trip latency, ns.
     */
    static Histogram measure(final Transport transport, final Endpoint at, final int warmup, final int count)
    {
        final ExpandableArrayBuffer lineReply = new ExpandableArrayBuffer(LINE_SIZE + 64);
        final M2P_PCACHE_LINEEncoder line = new M2P_PCACHE_LINEEncoder();
        line.wrapAndApplyHeader(lineReply, 0, new MessageHeaderEncoder()).vaddr(0).prot((short)3)
            .putLine(new byte[LINE_SIZE], 0, LINE_SIZE);
        final int replyLength = MessageHeaderEncoder.ENCODED_LENGTH + line.encodedLength();
        final Server server = transport.serve(at, "bench-echo", new RequestHandler()
        {
            @Override
            public void onRequest(
                final DirectBuffer buffer, final int offset, final int length, final Responder responder)
            {
                responder.buffer().putBytes(0, lineReply, 0, replyLength);
                responder.reply(replyLength);
            }

            /** Stateless, like the mComponent's handler it stands for, so served on the caller's thread in-JVM. */
            @Override
            public boolean runsOnCallerThread()
            {
                return true;
            }
        });
        final Client client = transport.connect(server.endpoint());
        try
        {
            final ExpandableArrayBuffer request = new ExpandableArrayBuffer(128);
            final P2M_PCACHE_MISSEncoder miss = new P2M_PCACHE_MISSEncoder();
            miss.wrapAndApplyHeader(request, 0, new MessageHeaderEncoder()).pid(1).pcomponentId(1).vaddr(0)
                .access((short)1).flushVaddr(0).putFlushLine(new byte[0], 0, 0);
            final int requestLength = MessageHeaderEncoder.ENCODED_LENGTH + miss.encodedLength();
            final Reply reply = new Reply();
            final M2P_PCACHE_LINEDecoder decoder = new M2P_PCACHE_LINEDecoder();
            final byte[] into = new byte[LINE_SIZE];
            final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
            for (int i = 0; i < warmup + count; i++)
            {
                final long startNs = System.nanoTime();
                client.call(request, 0, requestLength, reply, TIMEOUT_NS);
                decoder.wrapAndApplyHeader(reply.buffer(), 0, reply.header());
                decoder.vaddr();
                decoder.prot();
                decoder.getLine(into, 0, LINE_SIZE);
                final long ns = System.nanoTime() - startNs;
                if (i >= warmup)
                {
                    histogram.recordValue(Math.min(ns, histogram.getHighestTrackableValue()));
                }
            }
            return histogram;
        }
        finally
        {
            client.close();
            server.close();
        }
    }
}
