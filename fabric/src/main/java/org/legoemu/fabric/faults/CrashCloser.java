package org.legoemu.fabric.faults;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a process crash does to a component's TCP connections: the kernel closes them, so the component's
 * listening socket goes away (new connections are refused, ECONNREFUSED) and every open connection to or from it
 * ends (calls pending on it fail, EIO). Used by a {@link FaultInjector} whose cluster runs over TCP: it remembers
 * the servers and clients each component's view opened and, when that component crashes, closes them once, on a
 * thread of its own (never on a thread of the crashed component, whose server waits for its own threads).
 */
final class CrashCloser
{
    private static final Logger LOG = LoggerFactory.getLogger(CrashCloser.class);

    private final Map<String, List<AutoCloseable>> opened = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> closed = new ConcurrentHashMap<>();
    /** One thread at most, which ends when idle for a second (an injector has no close). */
    private final ExecutorService closer = new ThreadPoolExecutor(0, 1, 1, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), (r) ->
        {
            final Thread t = new Thread(r, "fault-crash-closer");
            t.setDaemon(true);
            return t;
        });

    /** Records a server or client {@code component} opened. */
    void opened(final String component, final AutoCloseable resource)
    {
        opened.computeIfAbsent(component, (k) -> new CopyOnWriteArrayList<>()).add(resource);
    }

    /** Starts closing everything {@code component} opened, unless already started. Returns at once. */
    void crash(final String component)
    {
        if (closed.containsKey(component))
        {
            return;
        }
        final CountDownLatch done = new CountDownLatch(1);
        if (closed.putIfAbsent(component, done) != null)
        {
            return;
        }
        closer.execute(() ->
        {
            try
            {
                for (final AutoCloseable resource : opened.getOrDefault(component, List.of()))
                {
                    try
                    {
                        resource.close();
                    }
                    catch (final Exception ex)
                    {
                        LOG.debug("closing {} of crashed {} failed: {}", resource, component, ex.toString());
                    }
                }
            }
            finally
            {
                done.countDown();
            }
        });
    }

    /**
     * Waits until the connections of crashed {@code component} are closed, at most {@code timeoutNs} nanoseconds.
     *
     * @return true once they are; false on timeout or if its crash has not been {@linkplain #crash started}.
     */
    boolean awaitClosed(final String component, final long timeoutNs)
    {
        final CountDownLatch done = closed.get(component);
        if (done == null)
        {
            return false;
        }
        try
        {
            return done.await(Math.max(0, timeoutNs), TimeUnit.NANOSECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
