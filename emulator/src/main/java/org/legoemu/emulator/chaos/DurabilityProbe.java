package org.legoemu.emulator.chaos;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32;

import org.agrona.collections.LongArrayList;
import org.legoemu.abi.GuestFault;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.Transport;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.fabric.proxy.MemoryProxy;
import org.legoemu.fabric.proxy.Placement;
import org.legoemu.pcomponent.memory.FailoverTimings;
import org.legoemu.pcomponent.memory.HomeFailover;
import org.legoemu.pcomponent.excache.WriteBackException;
import org.legoemu.pcomponent.memory.OwnerDirectory;
import org.legoemu.pcomponent.memory.RemoteLines;

/**
 * The chaos harness's durability probe ("every flush acknowledged before a crash is readable afterwards"):
 * a process of its own, placed through the GMM (G2C_PLACEMENT) and given an address space by its home (P2M_EXECVE
 * of a small image, never run), with one anonymous mapping of {@link #PAGES} pages. While the guest runs under the
 * faults, a thread of the probe writes whole pages to the vRegion's owner (P2M_PCACHE_FLUSH), round robin, each
 * carrying a sequence number, its page index and a CRC32, and records each write the owner ACKNOWLEDGED. Its writes and
 * reads go through the pComponent's own {@link RemoteLines}, so a call that fails in transport fails over exactly as
 * a pComponent's does (ask the GMM for the owner again, until {@link org.legoemu.pcomponent.memory.FailoverTimings#deadlineNs}). Afterwards
 * {@link #verify} reads every page back (P2M_PCACHE_MISS) and counts the pages whose content is not their last acknowledged write (a later write
 * that failed in transport may have been applied too, so its content is accepted as well): the acknowledged writes
 * lost. Then the process exits (home P2M_PROCESS_EXIT, or each owner if the home is gone; X2G_PROCESS_EXIT).
 *
 * <p>When the GMM says the probe's vRegion or process is gone (EHOSTDOWN: no live replica, e.g. replication off;
 * ESRCH: its pComponent was declared DEAD and its processes reaped), or a call still fails after the failover
 * deadline, the probe's process is lost: that is reported on its own ({@link Report#processLost}), never counted as
 * lost writes.
 *
 * <p>It talks through the transport view of the pComponent it is placed on, so the faults of that pComponent (and
 * of its links) apply to it as to the guest.
 */
public final class DurabilityProbe implements AutoCloseable
{
    /** Pages the probe keeps writing. */
    public static final int PAGES = 16;
    /** Pause between two writes, so the probe does not take a core from the guest: 1 ms. */
    static final long PAUSE_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int PROT_READ_WRITE = 3;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x22;
    private static final int ACCESS_READ = 1;
    private static final int PAGE = MemoryProxy.LINE_SIZE;
    private static final int HEADER = 24;

    /**
     * What the probe found.
     *
     * @param ackedWrites  writes the owner acknowledged.
     * @param pagesChecked pages read back that had at least one acknowledged write.
     * @param lost         of those, pages whose content was not their last acknowledged write (or a later one).
     * @param processLost  why the probe's process was lost (no replica, its pComponent dead...), or null.
     * @param recoveryNs   for each crash of {@code crashClocksNs} after which a write failed in transport, nanoseconds
     *                     from the crash to the first acknowledged write after it.
     */
    public record Report(long ackedWrites, int pagesChecked, int lost, String processLost, List<Long> recoveryNs)
    {
        /** One line for a run. */
        public String describe()
        {
            return "probe: " + ackedWrites + " acked writes, " + pagesChecked + " pages checked, " + lost
                + " lost" + (processLost == null ? "" : ", its process lost (" + processLost + ")");
        }
    }

    private final Transport transport;
    private final GmmProxy gmm;
    private final long timeoutNs;
    private final String imagePath;
    private final long[] ackedSeq = new long[PAGES];
    private final long[] attemptedSeq = new long[PAGES];
    private final LongArrayList ackTimesNs = new LongArrayList();
    private final LongArrayList failureTimesNs = new LongArrayList();
    private final CRC32 crc = new CRC32();
    private Placement placement;
    private MemoryProxy home;
    private OwnerDirectory owners;
    private RemoteLines remote;
    private long base;
    private long acked;
    private volatile String processLost;
    private volatile boolean stopping;
    private final AtomicBoolean closed = new AtomicBoolean();
    private Thread writer;

    /**
     * @param transport the transport view of the pComponent the probe acts as.
     * @param gmm       a proxy to the GMM through that view, owned by the probe from now on.
     * @param timeoutNs per-call timeout, nanoseconds.
     * @param imagePath namespace path of a static riscv64 ELF the home can load (only its address space is used).
     */
    public DurabilityProbe(final Transport transport, final GmmProxy gmm, final long timeoutNs, final String imagePath)
    {
        this.transport = transport;
        this.gmm = gmm;
        this.timeoutNs = timeoutNs;
        this.imagePath = imagePath;
    }

    /**
     * Places the probe's process, loads its image and maps its pages; call before the faults start.
     *
     * @throws FabricException if any of that fails (the cluster is not usable).
     */
    public void setUp(final Placement placed)
    {
        placement = placed;
        home = new MemoryProxy(transport.connect(placed.homeAddress()), timeoutNs,
            new HomeFailover(placed.pid(), gmm, transport, FailoverTimings.defaults()));
        owners = new OwnerDirectory(placed.pid(), gmm, transport, timeoutNs, FailoverTimings.defaults());
        remote = new RemoteLines(placed.pid(), placed.pcomponentId(), owners);
        home.execve(placed.pid(), placed.pcomponentId(), imagePath, List.of(imagePath), List.of());
        base = home.mmap(placed.pid(), 0, (long)PAGES * PAGE, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS);
    }

    /** Starts writing pages on a thread of its own, until {@link #stop}. */
    public void start()
    {
        writer = new Thread(this::writeLoop, "durability-probe-" + placement.pid());
        writer.setDaemon(true);
        writer.start();
    }

    /** Stops the writer and waits for it (at most its failover deadline plus a call). */
    public void stop()
    {
        stopping = true;
        if (writer != null)
        {
            try
            {
                writer.join(TimeUnit.NANOSECONDS.toMillis(FailoverTimings.DEFAULT_DEADLINE_NS + 4 * timeoutNs) + 1000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void writeLoop()
    {
        final byte[] line = new byte[PAGE];
        long seq = 0;
        while (!stopping && processLost == null)
        {
            seq++;
            final int page = (int)(seq % PAGES);
            fill(line, seq, page);
            synchronized (this)
            {
                attemptedSeq[page] = seq;
            }
            if (flush(base + (long)page * PAGE, line))
            {
                synchronized (this)
                {
                    ackedSeq[page] = seq;
                    acked++;
                    ackTimesNs.addLong(System.nanoTime());
                }
            }
            LockSupport.parkNanos(PAUSE_NS);
        }
    }

    /**
     * One P2M_PCACHE_FLUSH through the pComponent's own remote side of lines (its failover included); true once
     * acknowledged. A call that failed in transport on its way is recorded as a failure at the time it returned.
     */
    private boolean flush(final long vaddr, final byte[] line)
    {
        final long failuresBefore = remote.transportFailures();
        try
        {
            remote.flush(vaddr, line);
            return true;
        }
        catch (final WriteBackException ex)
        {
            processLost = "flush: " + ex.getMessage();
            return false;
        }
        finally
        {
            if (remote.transportFailures() != failuresBefore)
            {
                synchronized (this)
                {
                    failureTimesNs.addLong(System.nanoTime());
                }
            }
        }
    }

    /** Reads one page (P2M_PCACHE_MISS, with failover) into {@code line}; false (and the process lost) if it cannot. */
    private boolean read(final long vaddr, final byte[] line)
    {
        try
        {
            remote.fetch(vaddr, ACCESS_READ, line);
            return true;
        }
        catch (final GuestFault ex)
        {
            processLost = "read back: " + ex.getMessage();
            return false;
        }
    }

    /** Page content: seq (8 bytes), page index (4), CRC32 of the rest (8), 4 zero bytes, then bytes drawn from seq. */
    private void fill(final byte[] line, final long seq, final int page)
    {
        final ByteBuffer b = ByteBuffer.wrap(line);
        b.putLong(0, seq);
        b.putInt(8, page);
        long x = seq * 0x9E3779B97F4A7C15L + page;
        for (int i = HEADER; i < PAGE; i += 8)
        {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            b.putLong(i, x);
        }
        b.putLong(12, checksum(line));
    }

    private long checksum(final byte[] line)
    {
        crc.reset();
        crc.update(line, 0, 12);
        crc.update(line, HEADER, PAGE - HEADER);
        return crc.getValue();
    }

    /**
     * Reads every page back and checks it; call after the writer stopped and the faults ended.
     *
     * @param crashClocksNs {@link System#nanoTime()} of each crash of the run, for the recovery times.
     */
    public synchronized Report verify(final List<Long> crashClocksNs)
    {
        int checked = 0;
        int lost = 0;
        final byte[] line = new byte[PAGE];
        for (int page = 0; page < PAGES && processLost == null; page++)
        {
            if (ackedSeq[page] == 0)
            {
                continue;
            }
            if (!read(base + (long)page * PAGE, line))
            {
                break;
            }
            checked++;
            final ByteBuffer b = ByteBuffer.wrap(line);
            final long seq = b.getLong(0);
            final boolean intact = b.getInt(8) == page && b.getLong(12) == checksum(line);
            if (!intact || seq < ackedSeq[page] || seq > attemptedSeq[page])
            {
                lost++;
            }
        }
        return new Report(acked, processLost == null ? checked : 0, processLost == null ? lost : 0, processLost,
            recoveryTimes(crashClocksNs));
    }

    private List<Long> recoveryTimes(final List<Long> crashClocksNs)
    {
        final List<Long> times = new java.util.ArrayList<>();
        for (final long crashNs : crashClocksNs)
        {
            final long firstAck = firstAfter(ackTimesNs, crashNs);
            final long firstFailure = firstAfter(failureTimesNs, crashNs);
            if (firstAck >= 0 && firstFailure >= 0 && firstFailure <= firstAck)
            {
                times.add(firstAck - crashNs);
            }
        }
        return times;
    }

    private static long firstAfter(final LongArrayList sortedNs, final long fromNs)
    {
        for (int i = 0; i < sortedNs.size(); i++)
        {
            if (sortedNs.getLong(i) >= fromNs)
            {
                return sortedNs.getLong(i);
            }
        }
        return -1;
    }

    /**
     * Ends the probe's process: its home frees it on every owner (or, if the home cannot be reached, each owner the
     * probe used frees its part), then the GMM forgets it; failures are ignored (the GMM may have reaped it already,
     * and a reconciliation frees what is left). Closes the probe's connections. Calls after the first do nothing.
     */
    @Override
    public void close()
    {
        if (!closed.compareAndSet(false, true))
        {
            return;
        }
        stop();
        if (placement != null)
        {
            try
            {
                home.processExit(placement.pid());
            }
            catch (final FabricException ex)
            {
                for (final MemoryProxy owner : owners.owners())
                {
                    try
                    {
                        owner.processExitOnOwner(placement.pid());
                    }
                    catch (final FabricException ownerEx)
                    {
                        // that owner is gone too: nothing of the probe is left there to free
                    }
                }
            }
            try
            {
                gmm.processExit(placement.pid(), 0);
            }
            catch (final FabricException ex)
            {
                // already reaped, or the GMM unreachable: its reconciliation frees the rest
            }
            home.client().close();
            for (final MemoryProxy owner : owners.owners())
            {
                owner.client().close();
            }
        }
        gmm.client().close();
    }
}
