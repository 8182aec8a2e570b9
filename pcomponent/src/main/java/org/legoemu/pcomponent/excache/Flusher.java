package org.legoemu.pcomponent.excache;

import org.legoemu.abi.GuestMemory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.IntFunction;

/**
 * The ExCache's background write-back thread (LegoOS §4.3: dirty lines in the victim buffer are flushed in the
 * background, so that a miss rarely has to write back itself): writes back the oldest dirty victim-buffer line, one
 * at a time, until closed.
 *
 * <p>Threads: one daemon thread, {@code excache-flusher}. It takes the {@link MshrTable}'s lock only to pick a line
 * and to record its write-back; it sends the write-back without any lock ({@link LineBackend#backgroundFlush}), never
 * shoots down a TLB (buffered lines were shot down when they left the ExCache proper), and the entry it is sending is
 * busy meanwhile ({@link VictimBuffer#flushing()}): a miss or an invalidation that needs it waits for
 * {@link MshrTable#changed}.
 */
final class Flusher extends TableThread
{
    private static final Logger LOG = LoggerFactory.getLogger(Flusher.class);

    private final VictimBuffer victims;
    private final IntFunction<Tenant> tenants;
    /** Lines waiting before {@link #offer} wakes the thread: half the buffer, at least 1. */
    private final int watermark;
    /** Whether the thread waits on {@link #work} (under the table's lock). */
    private boolean sleeping;

    /**
     * Starts the thread.
     *
     * @param table   whose lock guards {@code victims}.
     * @param victims the buffer to write back from.
     * @param tenants the attached process of a pid, or null once it is detached (its lines are then dropped).
     */
    Flusher(final MshrTable table, final VictimBuffer victims, final IntFunction<Tenant> tenants)
    {
        super(table, "excache-flusher");
        this.victims = victims;
        this.tenants = tenants;
        this.watermark = Math.max(1, victims.capacity() / 2);
        start();
    }

    /**
     * A dirty line entered the buffer: wakes the thread if it sleeps and at least {@link #watermark} lines wait for
     * it. Call with the table's lock held.
     *
     * <p>Waking it costs the caller, a hart in its miss path, a futex wake-up (the thread parks on {@link #work}),
     * and the woken thread then meets the hart on the table's lock; woken at every dirty eviction it slept and woke
     * once per line (45,218 parks in a 1 M-miss word count). Woken at the watermark it drains the whole buffer per
     * wake-up. A line it has not flushed when the buffer runs out of clean entries is written back by the miss that
     * reclaims its entry, piggybacked on the fetch ({@link VictimBuffer#reclaimable}), as before. The modeled time
     * does not depend on when this thread runs: the timing model runs a flusher of its own in modeled time.
     */
    void offer()
    {
        if (sleeping && victims.flushWork() >= watermark)
        {
            sleeping = false;
            work.signal();
        }
    }

    @Override
    protected void run()
    {
        table.lock.lock();
        try
        {
            boolean draining = false;
            while (!closed)
            {
                final int entry = draining ? victims.oldestDirty() : -1;
                if (entry < 0)
                {
                    draining = victims.flushWork() >= watermark;
                    if (!draining)
                    {
                        sleeping = true;
                        work.await(); // until offer() finds the watermark reached, or close()
                        sleeping = false;
                        draining = true;
                    }
                    continue;
                }
                final Tenant owner = tenants.apply(victims.pid[entry]);
                if (owner == null)
                {
                    victims.clear(entry);
                    continue;
                }
                flush(owner, entry);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        finally
        {
            victims.flushing(-1);
            table.signalChanged();
            table.lock.unlock();
        }
    }

    /** Writes back {@code entry} with the lock released; called and returns with it held. */
    private void flush(final Tenant owner, final int entry)
    {
        victims.flushing(entry);
        final long vaddr = victims.vpn[entry] << GuestMemory.PAGE_SHIFT;
        final byte[] line = victims.line[entry];
        RuntimeException failure = null;
        table.lock.unlock();
        try
        {
            owner.backend.backgroundFlush(vaddr, line);
        }
        catch (final RuntimeException ex)
        {
            failure = ex;
        }
        finally
        {
            table.lock.lock();
        }
        victims.flushing(-1);
        if (failure == null)
        {
            victims.dirty[entry] = false;
            owner.stats.countFlush(false);
        }
        else
        {
            victims.clear(entry);
            if (owner.failedWriteBack == null)
            {
                LOG.warn("write-back of line 0x{} failed: {}", Long.toHexString(vaddr), failure.getMessage());
                owner.failedWriteBack = failure instanceof WriteBackException
                    ? (WriteBackException)failure
                    : new WriteBackException("write-back of line 0x" + Long.toHexString(vaddr) + " failed: "
                        + failure.getMessage(), failure);
            }
            else
            {
                LOG.debug("write-back of line 0x{} failed: {}", Long.toHexString(vaddr), failure.getMessage());
            }
        }
        table.signalChanged();
    }
}
