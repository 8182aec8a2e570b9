package org.legoemu.mcomponent;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.legoemu.fabric.DeferredReply;
import org.legoemu.fabric.DeferredResponder;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.Messages;
import org.legoemu.fabric.RequestHandler;
import org.legoemu.fabric.Responder;
import org.legoemu.fabric.sbe.G2M_PROMOTEDecoder;
import org.legoemu.fabric.sbe.G2M_PROMOTE_HOMEDecoder;
import org.legoemu.fabric.sbe.P2M_BRKDecoder;
import org.legoemu.fabric.sbe.P2M_EXECVEDecoder;
import org.legoemu.fabric.sbe.P2M_FORKDecoder;
import org.legoemu.fabric.sbe.P2M_MADVISEDecoder;
import org.legoemu.fabric.sbe.P2M_MMAPDecoder;
import org.legoemu.fabric.sbe.P2M_MMAP_FILEDecoder;
import org.legoemu.fabric.sbe.P2M_MPROTECTDecoder;
import org.legoemu.fabric.sbe.P2M_MREMAPDecoder;
import org.legoemu.fabric.sbe.P2M_MUNMAPDecoder;
import org.legoemu.fabric.sbe.P2M_PROCESS_EXITDecoder;
import org.legoemu.mcomponent.replica.Replicator;
import org.legoemu.mcomponent.vregion.UnlockedRemoteOwners;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps two mComponents from deadlocking on each other. A home's requests (P2M_EXECVE, P2M_MMAP, P2M_BRK, ...) call
 * the owners of the process's vRegions, which may be other mComponents (M2M_PAGE_STORE, M2M_VMA_UPDATE,
 * M2M_PROCESS_EXIT); if two homes did that on their single dispatch threads at the same time, each would wait for
 * the other's dispatch thread forever. So home requests run, one at a time in arrival order, on a home thread of
 * their own, and owner requests (P2M_PCACHE_MISS, P2M_PCACHE_FLUSH, M2M_*), which never call out, stay on the
 * dispatch thread (their replication is handed to the {@link Replicator}'s thread). The GMM's failover orders
 * (G2M_PROMOTE, which reads the backup from storage, and G2M_PROMOTE_HOME) run on a third thread, so a home request
 * waiting for a dead owner to be replaced never holds up the promotion that replaces it. Both run under one {@link #lock()}, so the monitor's state still sees one request at a time; the
 * home thread gives the lock up while it waits for another mComponent ({@link UnlockedRemoteOwners}). Over the in-JVM
 * fabric the owner requests run on the calling threads rather than the dispatch thread ({@link #runsOnCallerThread}),
 * under the same lock, and such a caller then sends the replication its request queued itself
 * ({@link Replicator#sendQueuedOnCaller}), after giving the lock up.
 */
final class HomeThreadDispatch implements RequestHandler, AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(HomeThreadDispatch.class);

    private final ReentrantLock lock;
    private final Replicator replicator;
    private final RequestHandler ownerSide;
    private final RequestHandler homeSide;
    private final ExecutorService homeThread;
    private final ExecutorService failoverThread;

    /**
     * @param lock      guards the monitor's state.
     * @param ownerSide serves owner requests on the dispatch thread.
     * @param homeSide  serves home requests on the home thread (its own codecs).
     * @param name      for the home thread's name.
     */
    HomeThreadDispatch(
        final ReentrantLock lock, final RequestHandler ownerSide, final RequestHandler homeSide, final String name)
    {
        this(lock, ownerSide, homeSide, null, name);
    }

    /**
     * @param lock       guards the monitor's state.
     * @param ownerSide  serves owner requests on the dispatch thread, or on the caller's.
     * @param homeSide   serves home requests on the home thread (its own codecs).
     * @param replicator whose queued records an owner request served on an in-JVM caller's thread sends itself, once
     *                   the lock is given up ({@link Replicator#sendQueuedOnCaller}); null for none.
     * @param name       for the home thread's name.
     */
    HomeThreadDispatch(
        final ReentrantLock lock, final RequestHandler ownerSide, final RequestHandler homeSide,
        final Replicator replicator, final String name)
    {
        this.replicator = replicator;
        this.lock = lock;
        this.ownerSide = ownerSide;
        this.homeSide = homeSide;
        this.homeThread = singleThread(name + "-home");
        this.failoverThread = singleThread(name + "-failover");
    }

    private static ExecutorService singleThread(final String name)
    {
        return Executors.newSingleThreadExecutor(r ->
        {
            final Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Whether a request of this template is one of the GMM's failover orders (run on the failover thread). */
    static boolean isFailoverRequest(final int templateId)
    {
        return templateId == G2M_PROMOTEDecoder.TEMPLATE_ID || templateId == G2M_PROMOTE_HOMEDecoder.TEMPLATE_ID;
    }

    /** Whether a request of this template is a home request (it may call other mComponents). */
    static boolean isHomeRequest(final int templateId)
    {
        switch (templateId)
        {
            case P2M_EXECVEDecoder.TEMPLATE_ID:
            case P2M_MMAPDecoder.TEMPLATE_ID:
            case P2M_MUNMAPDecoder.TEMPLATE_ID:
            case P2M_BRKDecoder.TEMPLATE_ID:
            case P2M_MPROTECTDecoder.TEMPLATE_ID:
            case P2M_MMAP_FILEDecoder.TEMPLATE_ID:
            case P2M_MADVISEDecoder.TEMPLATE_ID:
            case P2M_MREMAPDecoder.TEMPLATE_ID:
            case P2M_PROCESS_EXITDecoder.TEMPLATE_ID:
            case P2M_FORKDecoder.TEMPLATE_ID:
                return true;
            default:
                return false;
        }
    }

    /**
     * Yes: owner requests run under the monitor's state lock and never call out, home and failover requests are only
     * copied and deferred to their threads here; so the in-JVM transport may run this on the callers' threads (an
     * ExCache miss is then served on the missing hart's thread, with no hand-off to the dispatch thread).
     */
    @Override
    public boolean runsOnCallerThread()
    {
        return true;
    }

    @Override
    public void onRequest(final DirectBuffer buffer, final int offset, final int length, final Responder responder)
    {
        final int templateId = Messages.templateId(buffer, offset, length);
        final boolean failover = isFailoverRequest(templateId);
        if (!failover && !isHomeRequest(templateId))
        {
            final boolean callerSends = replicator != null && responder.onCallerThread();
            lock.lock();
            try
            {
                if (callerSends)
                {
                    replicator.callerSends(true);
                }
                ownerSide.onRequest(buffer, offset, length, responder);
            }
            finally
            {
                if (callerSends)
                {
                    replicator.callerSends(false);
                }
                lock.unlock();
            }
            if (callerSends)
            {
                replicator.sendQueuedOnCaller();
            }
            return;
        }
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        final DeferredReply deferred = responder.defer();
        try
        {
            (failover ? failoverThread : homeThread).execute(() -> serveHome(copy, deferred));
        }
        catch (final RejectedExecutionException ex)
        {
            deferred.error(Errnos.ESHUTDOWN, "mcomponent is shutting down");
        }
    }

    private void serveHome(final byte[] request, final DeferredReply deferred)
    {
        final DeferredResponder responder = new DeferredResponder(deferred);
        lock.lock();
        try
        {
            homeSide.onRequest(new UnsafeBuffer(request), 0, request.length, responder);
        }
        catch (final RuntimeException ex)
        {
            LOG.error("home request failed", ex);
        }
        finally
        {
            lock.unlock();
        }
        if (!responder.answered())
        {
            deferred.error(Errnos.EIO, "mcomponent home request failed");
        }
    }

    /** Stops the home and failover threads (waits up to 1 s for the request each runs). */
    @Override
    public void close()
    {
        stop(homeThread);
        stop(failoverThread);
    }

    private static void stop(final ExecutorService thread)
    {
        thread.shutdown();
        try
        {
            if (!thread.awaitTermination(1, TimeUnit.SECONDS))
            {
                thread.shutdownNow();
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
