package org.legoemu.mcomponent;

import org.agrona.DirectBuffer;
import org.legoemu.fabric.RequestHandler;
import org.legoemu.fabric.Responder;
import org.legoemu.fabric.proxy.HeartbeatLoad;
import org.legoemu.mcomponent.owner.FramePool;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The mComponent's heartbeat figures (X2G_HEARTBEAT): frames in use, requests served since the previous sample
 * (LegoOS's least-loaded vRegion placement, §4.5) and free frames (most-free placement). Counts every request
 * that passes through {@link #counting(RequestHandler)}; {@link #recentRequests()} is called by the heartbeat
 * thread only.
 */
final class MemoryLoad implements HeartbeatLoad
{
    private final FramePool pool;
    private final AtomicLong requestsServed = new AtomicLong();
    private long requestsAtLastSample;

    /**
     * @param pool the frames whose use and free count are reported.
     */
    MemoryLoad(final FramePool pool)
    {
        this.pool = pool;
    }

    /** {@code handler}, counting each request before handing it on. */
    RequestHandler counting(final RequestHandler handler)
    {
        return (final DirectBuffer buffer, final int offset, final int length, final Responder responder) ->
        {
            requestsServed.incrementAndGet();
            handler.onRequest(buffer, offset, length, responder);
        };
    }

    /** Requests counted since this monitor started. */
    long requestsServed()
    {
        return requestsServed.get();
    }

    @Override
    public long load()
    {
        return pool.framesInUse();
    }

    @Override
    public long recentRequests()
    {
        final long total = requestsServed.get();
        final long recent = total - requestsAtLastSample;
        requestsAtLastSample = total;
        return recent;
    }

    @Override
    public long framesFree()
    {
        return pool.frameCapacity() - (long)pool.framesInUse();
    }
}
