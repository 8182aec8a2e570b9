package org.legoemu.pcomponent.memory;

import org.legoemu.abi.GuestFault;
import org.legoemu.abi.GuestMemory;
import org.legoemu.abi.Signal;
import org.legoemu.abi.linux.Errno;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.proxy.MemoryProxy;
import org.legoemu.pcomponent.excache.WriteBackException;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The remote side of one process's ExCache lines: fetches a line from its vRegion's owner mComponent
 * (P2M_PCACHE_MISS, optionally carrying a piggybacked write-back, LegoOS §4.3) and writes a dirty line back
 * (P2M_PCACHE_FLUSH), finding the owner through the {@link OwnerDirectory} and failing over when it stops answering
 * (LegoOS §4.7 memory replication): every transfer goes through one loop, {@link #transfer}. A transfer that fails in
 * transport (timeout after its retries, refused or lost connection) asks the GMM for the vRegion's owner again and is
 * sent again, to the new owner or to the same one after a pause, for up to {@link FailoverTimings#deadlineNs}; an
 * error reply from the owner stands at once.
 *
 * <p>Thread-safe: calls from several threads are in flight together (one pooled encoder each, see
 * {@link OwnerLink}); a failover blocks only the calling thread. Allocates nothing on success once the pools are
 * warm.
 */
public final class RemoteLines
{
    private static final int FETCH = 0;
    private static final int FLUSH = 1;
    private static final int PREFETCH = 2;

    private final int pid;
    private final int pcomponentId;
    private final OwnerDirectory owners;
    private final AtomicLong transportFailures = new AtomicLong();

    /**
     * @param pid          the process.
     * @param pcomponentId the pComponent it runs on (owners refuse another's requests with EPERM).
     * @param owners       its vRegions' owners.
     */
    public RemoteLines(final int pid, final int pcomponentId, final OwnerDirectory owners)
    {
        this.pid = pid;
        this.pcomponentId = pcomponentId;
        this.owners = owners;
    }

    public int pid()
    {
        return pid;
    }

    public int pcomponentId()
    {
        return pcomponentId;
    }

    /** The process's owner directory. */
    public OwnerDirectory owners()
    {
        return owners;
    }

    /**
     * P2M_PCACHE_MISS: fetches the 4 KiB line at line-aligned {@code vaddr} into {@code line}.
     *
     * @param access what the faulting access needs: 1 read, 2 write, 4 exec.
     * @return the line's PROT_ bits (1 read, 2 write, 4 exec) from its VMA.
     * @throws GuestFault SIGSEGV when there is no mapping (EFAULT) or the access is not permitted (EACCES); SIGBUS
     *                    for any other failure of the memory side (ENOMEM, unreachable after failover).
     */
    public int fetch(final long vaddr, final int access, final byte[] line)
    {
        return transfer(FETCH, vaddr, access, line, 0, null);
    }

    /**
     * P2M_PCACHE_MISS for the ExCache's prefetcher: fetches the line at line-aligned {@code vaddr} for reading, sent
     * once: a transport failure is not failed over (the prefetch is dropped; a later demand miss fails over).
     *
     * @return as {@link #fetch}.
     * @throws GuestFault as {@link #fetch}, SIGBUS also for a transport failure.
     */
    public int prefetch(final long vaddr, final byte[] line)
    {
        return transfer(PREFETCH, vaddr, GuestMemory.ACCESS_READ, line, 0, null);
    }

    /**
     * P2M_PCACHE_MISS carrying the write-back of {@code flushLine} at {@code flushVaddr} (same owner; LegoOS §4.3
     * piggyback): the owner stores it, then serves the miss. {@code flushLine} may be {@code line} itself.
     *
     * @return as {@link #fetch}.
     * @throws GuestFault as {@link #fetch}; SIGBUS also when the write-back failed.
     */
    public int fetchWithWriteBack(
        final long vaddr, final int access, final byte[] line, final long flushVaddr, final byte[] flushLine)
    {
        return transfer(FETCH, vaddr, access, line, flushVaddr, flushLine);
    }

    /**
     * P2M_PCACHE_FLUSH: writes back the dirty 4 KiB line at line-aligned {@code vaddr}.
     *
     * @throws WriteBackException if the owner refuses it or cannot be reached after failover (the data is lost).
     */
    public void flush(final long vaddr, final byte[] line)
    {
        transfer(FLUSH, vaddr, 0, line, 0, null);
    }

    /**
     * Whether lines {@code vaddr} and {@code otherVaddr} have the same owner mComponent now (false if either cannot be
     * looked up).
     */
    public boolean sharesOwner(final long vaddr, final long otherVaddr)
    {
        try
        {
            return owners.ownerOf(vaddr) == owners.ownerOf(otherVaddr);
        }
        catch (final FabricException ex)
        {
            return false;
        }
    }

    /** Transfers that failed in transport and were failed over (or given up), since this object was made. */
    public long transportFailures()
    {
        return transportFailures.get();
    }

    /**
     * The one retry/failover loop of the pComponent's line transfers: owner lookup, send, and on a transport failure
     * {@link OwnerDirectory#failover} until the deadline.
     */
    private int transfer(
        final int op, final long vaddr, final int access, final byte[] line, final long flushVaddr,
        final byte[] flushLine)
    {
        boolean failingOver = false;
        long deadlineNs = 0;
        while (true)
        {
            OwnerLink owner = null;
            MemoryProxy proxy = null;
            try
            {
                owner = owners.ownerOf(vaddr);
                proxy = owner.acquire();
                if (op == FLUSH)
                {
                    proxy.pcacheFlush(pid, pcomponentId, vaddr, line);
                    return 0;
                }
                return flushLine == null ?
                    proxy.pcacheMiss(pid, pcomponentId, vaddr, access, line) :
                    proxy.pcacheMiss(pid, pcomponentId, vaddr, access, line, flushVaddr, flushLine);
            }
            catch (final FabricException ex)
            {
                final boolean transport = owner != null && !(ex instanceof RemoteErrorException);
                if (transport)
                {
                    transportFailures.incrementAndGet();
                    if (!failingOver)
                    {
                        failingOver = true;
                        deadlineNs = owners.timings().deadlineFromNow();
                    }
                }
                if (!transport || op == PREFETCH || !owners.failover(vaddr, owner, deadlineNs))
                {
                    throw op == FLUSH ? writeBackFailed(vaddr, ex) : missFault(vaddr, ex);
                }
            }
            finally
            {
                if (proxy != null)
                {
                    owner.release(proxy);
                }
            }
        }
    }

    private WriteBackException writeBackFailed(final long vaddr, final FabricException ex)
    {
        return new WriteBackException("write-back of pid " + pid + " line 0x" + Long.toHexString(vaddr) + " failed: " +
            ex.getMessage(), ex);
    }

    /** SIGSEGV for EFAULT (no mapping) and EACCES (not permitted); SIGBUS for any other failure of the memory side. */
    private static GuestFault missFault(final long vaddr, final FabricException ex)
    {
        if (ex instanceof RemoteErrorException && (ex.errno() == Errno.EFAULT || ex.errno() == Errno.EACCES))
        {
            return GuestFault.segv(vaddr, ex.errno() == Errno.EFAULT ? "no mapping" : "access not permitted");
        }
        if (ex instanceof RemoteErrorException && ex.errno() == Errno.ENOMEM)
        {
            return new GuestFault(Signal.SIGKILL, vaddr, -1, 0, WriteBackException.outOfMemoryReason(ex.getMessage()));
        }
        if (ex instanceof RemoteErrorException)
        {
            return new GuestFault(Signal.SIGBUS, vaddr, -1, 0, "memory component: " + ex.getMessage());
        }
        return new GuestFault(Signal.SIGBUS, vaddr, -1, 0, "memory component unreachable: " + ex.getMessage());
    }
}
