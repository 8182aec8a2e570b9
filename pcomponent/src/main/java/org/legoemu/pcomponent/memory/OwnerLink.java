package org.legoemu.pcomponent.memory;

import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.proxy.MemoryProxy;

/**
 * One process's link to one owner mComponent: a connection ({@link Client}, safe for concurrent calls) and a pool of
 * {@link MemoryProxy} encoders over it, one per call in flight, since a proxy serves one call at a time. So misses of
 * several harts to one owner are in flight together.
 *
 * <p>Thread-safe. {@link #acquire} and {@link #release} allocate nothing once the pool holds as many proxies as calls
 * have been in flight at once (at most {@value #POOLED} are kept).
 */
final class OwnerLink
{
    /** Idle proxies kept per owner. */
    static final int POOLED = 64;

    private final Endpoint endpoint;
    private final Client client;
    private final long timeoutNs;
    private final ManyToManyConcurrentArrayQueue<MemoryProxy> idle = new ManyToManyConcurrentArrayQueue<>(POOLED);
    private final int callRetries;
    private final MemoryProxy control;

    /**
     * @param endpoint  the owner.
     * @param client    connected to it.
     * @param timeoutNs per-call timeout of its proxies, nanoseconds.
     * @param callRetries how often its proxies send an idempotent call that timed out again.
     */
    OwnerLink(final Endpoint endpoint, final Client client, final long timeoutNs, final int callRetries)
    {
        this.callRetries = callRetries;
        this.endpoint = endpoint;
        this.client = client;
        this.timeoutNs = timeoutNs;
        this.control = new MemoryProxy(client, timeoutNs).maxRetries(callRetries);
    }

    Endpoint endpoint()
    {
        return endpoint;
    }

    /** A proxy for one call by the calling thread; give it back with {@link #release}. */
    MemoryProxy acquire()
    {
        final MemoryProxy proxy = idle.poll();
        return proxy != null ? proxy : new MemoryProxy(client, timeoutNs).maxRetries(callRetries);
    }

    void release(final MemoryProxy proxy)
    {
        idle.offer(proxy);
    }

    /** A proxy for the calls outside the miss path (process exit on the owner, closing), synchronized itself. */
    MemoryProxy control()
    {
        return control;
    }

    void close()
    {
        client.close();
    }
}
