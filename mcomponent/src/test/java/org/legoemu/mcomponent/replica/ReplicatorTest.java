package org.legoemu.mcomponent.replica;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.legoemu.fabric.DeferredReply;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Messages;
import org.legoemu.fabric.Responder;
import org.legoemu.fabric.Server;
import org.legoemu.fabric.inproc.InJvmTransport;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.fabric.sbe.ComponentKind;
import org.legoemu.fabric.sbe.ComponentState;
import org.legoemu.fabric.sbe.G2X_COMPONENTEncoder;
import org.legoemu.fabric.sbe.G2X_VREGION_OWNEREncoder;
import org.legoemu.fabric.sbe.M2M_REPLICA_APPENDDecoder;
import org.legoemu.fabric.sbe.MessageHeaderDecoder;
import org.legoemu.fabric.sbe.MessageHeaderEncoder;
import org.legoemu.fabric.sbe.P2G_VREGION_LOOKUPDecoder;
import org.legoemu.mcomponent.MemoryContext;
import org.legoemu.mcomponent.owner.FramePool;
import org.legoemu.mcomponent.owner.OwnedPages;
import org.legoemu.mcomponent.vm.AddressLayout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Replicator}'s ordering promise that bulk fills rely on: pages handed over without waiting are sent in order,
 * and {@link Replicator#awaitQueued()} returns only once the secondary has acknowledged every one of them. The GMM and
 * the secondary are fakes on the in-JVM fabric; the secondary holds its Acks until the test lets them go.
 */
@Timeout(30)
class ReplicatorTest
{
    private static final int PID = 1000;
    private static final int SELF = 3;
    private static final int SECONDARY = 4;
    private static final long PAGE = AddressLayout.PAGE_SIZE;
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    private final InJvmTransport transport = new InJvmTransport();
    private final List<Long> appended = new CopyOnWriteArrayList<>();
    private final List<DeferredReply> heldAcks = new CopyOnWriteArrayList<>();
    private Replicator replicator;

    @AfterEach
    void tearDown()
    {
        if (replicator != null)
        {
            replicator.close();
        }
        transport.close();
    }

    @Test
    void aBarrierReturnsOnlyOnceEveryPageQueuedBeforeItIsAcknowledgedInOrder() throws Exception
    {
        final Server secondary = transport.serve(new Endpoint(InJvmTransport.HOST, 0), "secondary", this::onAppend);
        final Server gmmServer = transport.serve(new Endpoint(InJvmTransport.HOST, 0), "gmm",
            (buffer, offset, length, responder) -> onGmm(buffer, offset, responder, secondary.endpoint()));
        final GmmProxy gmm = new GmmProxy(transport.connect(gmmServer.endpoint()), TIMEOUT_NS);
        final ReentrantLock stateLock = new ReentrantLock();
        replicator = new Replicator(() -> SELF, gmm, transport, TIMEOUT_NS, MemoryContext.DEFAULT_REPLICA_PATIENCE_NS,
            MemoryContext.DEFAULT_REPLICA_BUSY_PAUSE_NS, MemoryContext.DEFAULT_REPLICA_GMM_PAUSE_NS, stateLock,
            new OwnedPages(new FramePool(16L << 20)), SystemNanoClock.INSTANCE, "test");

        final UnsafeBuffer page = new UnsafeBuffer(new byte[(int)PAGE]);
        for (int i = 0; i < 3; i++)
        {
            replicator.submit(replicator.page(PID, 1, (16 + i) * PAGE, page, 0), null, 0);
        }
        final AtomicBoolean barrierPassed = new AtomicBoolean();
        final Thread waiter = new Thread(() ->
        {
            replicator.awaitQueued();
            barrierPassed.set(true);
        }, "barrier");
        waiter.start();

        for (int acked = 0; acked < 3; acked++)
        {
            awaitHeld(acked + 1);
            Thread.sleep(20);
            assertFalse(barrierPassed.get(), "the barrier passed with " + acked + " of 3 pages acknowledged");
            assertEquals(acked + 1, appended.size(), "the replicator sends one page at a time, in order");
            final ExpandableArrayBuffer ack = new ExpandableArrayBuffer(64);
            heldAcks.get(acked).reply(ack, 0, Messages.encodeAck(ack, 0));
        }
        waiter.join(TimeUnit.SECONDS.toMillis(10));
        assertTrue(barrierPassed.get(), "the barrier did not pass once all 3 pages were acknowledged");
        assertEquals(List.of(16 * PAGE, 17 * PAGE, 18 * PAGE), appended);
    }

    private void awaitHeld(final int count) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (heldAcks.size() < count && System.nanoTime() < deadlineNs)
        {
            Thread.sleep(1);
        }
        assertEquals(count, heldAcks.size(), "appends reaching the secondary");
    }

    private void onAppend(final DirectBuffer buffer, final int offset, final int length, final Responder responder)
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, offset);
        final M2M_REPLICA_APPENDDecoder append = new M2M_REPLICA_APPENDDecoder().wrapAndApplyHeader(buffer, offset,
            header);
        appended.add(append.start());
        heldAcks.add(responder.defer());
    }

    private static void onGmm(
        final DirectBuffer buffer, final int offset, final Responder responder, final Endpoint secondary)
    {
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, offset);
        final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
        if (header.templateId() == P2G_VREGION_LOOKUPDecoder.TEMPLATE_ID)
        {
            final P2G_VREGION_LOOKUPDecoder lookup = new P2G_VREGION_LOOKUPDecoder().wrapAndApplyHeader(buffer, offset,
                header);
            final G2X_VREGION_OWNEREncoder owner = new G2X_VREGION_OWNEREncoder()
                .wrapAndApplyHeader(responder.buffer(), 0, headerEncoder)
                .pid(lookup.pid()).vregion(lookup.vregion()).ownerMComponentId(SELF).secondaryMComponentId(SECONDARY)
                .ownerAddress("inproc:99").secondaryAddress(secondary.toString());
            responder.reply(MessageHeaderEncoder.ENCODED_LENGTH + owner.encodedLength());
            return;
        }
        final G2X_COMPONENTEncoder component = new G2X_COMPONENTEncoder()
            .wrapAndApplyHeader(responder.buffer(), 0, headerEncoder)
            .componentId(SECONDARY).kind(ComponentKind.MCOMPONENT).state(ComponentState.ALIVE)
            .address(secondary.toString());
        responder.reply(MessageHeaderEncoder.ENCODED_LENGTH + component.encodedLength());
    }
}
