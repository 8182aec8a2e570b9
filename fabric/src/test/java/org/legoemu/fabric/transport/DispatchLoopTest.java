package org.legoemu.fabric.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.Messages;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.Responder;
import org.legoemu.fabric.TestMessages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(30)
class DispatchLoopTest
{
    @Test
    void fullQueueAnswersEagainAndCloseAnswersQueuedRequestsEshutdown() throws Exception
    {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final DispatchLoop loop = new DispatchLoop("blocking",
            (final DirectBuffer buffer, final int offset, final int length, final Responder responder) ->
            {
                entered.countDown();
                try
                {
                    release.await();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
                responder.reply(Messages.encodeAck(responder.buffer(), 1));
            }, 2);
        final RecordingSink sink = new RecordingSink();
        loop.enqueue(sink, 0, request(), requestLength());
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        loop.enqueue(sink, 1, request(), requestLength());
        loop.enqueue(sink, 2, request(), requestLength());
        loop.enqueue(sink, 3, request(), requestLength());
        assertEquals(List.of("3:" + Errnos.EAGAIN), sink.answers());

        final Thread closer = new Thread(loop::close);
        closer.start();
        Thread.sleep(20);
        release.countDown();
        closer.join();
        assertEquals(List.of("3:" + Errnos.EAGAIN, "0:ack", "1:" + Errnos.ESHUTDOWN, "2:" + Errnos.ESHUTDOWN),
            sink.answers());

        loop.enqueue(sink, 4, request(), requestLength());
        assertEquals("4:" + Errnos.ESHUTDOWN, sink.answers().get(4));
    }

    @Test
    void requestsAreHandledInArrivalOrderOnOneThread() throws Exception
    {
        final List<String> threads = new ArrayList<>();
        final DispatchLoop loop = new DispatchLoop("fifo",
            (final DirectBuffer buffer, final int offset, final int length, final Responder responder) ->
            {
                threads.add(Thread.currentThread().getName());
                responder.reply(Messages.encodeAck(responder.buffer(), 1));
            }, 1024);
        final RecordingSink sink = new RecordingSink();
        for (int i = 0; i < 500; i++)
        {
            loop.enqueue(sink, i, request(), requestLength());
        }
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (sink.answers().size() < 500 && System.nanoTime() < deadlineNs)
        {
            Thread.sleep(1);
        }
        loop.close();
        final List<String> answers = sink.answers();
        assertEquals(500, answers.size());
        for (int i = 0; i < 500; i++)
        {
            assertEquals(i + ":ack", answers.get(i));
        }
        assertTrue(threads.stream().allMatch("fabric-dispatch-fifo"::equals));
    }

    private static byte[] request()
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        final int length = TestMessages.request(buffer, TestMessages.ECHO, 1);
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return bytes;
    }

    private static int requestLength()
    {
        return request().length;
    }

    private static final class RecordingSink implements ReplySink
    {
        private final List<String> answers = new ArrayList<>();

        @Override
        public synchronized void sendReply(
            final long correlationId, final DirectBuffer message, final int offset, final int lengthBytes)
        {
            if (Messages.isError(message, offset, lengthBytes))
            {
                final RemoteErrorException ex = Messages.decodeError(message, offset, lengthBytes);
                answers.add(correlationId + ":" + ex.errno());
            }
            else
            {
                answers.add(correlationId + ":ack");
            }
        }

        synchronized List<String> answers()
        {
            return new ArrayList<>(answers);
        }
    }
}
