package org.legoemu.mcomponent.replica;

import org.agrona.concurrent.NanoClock;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.Transport;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.fabric.proxy.ReplicaProxy;
import org.legoemu.mcomponent.home.AddressSpace;
import org.legoemu.mcomponent.home.HomeStandby;
import org.legoemu.mcomponent.vm.StateLock;
import org.legoemu.mcomponent.vm.Vma;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;

/**
 * {@link HomeStandby} over the fabric: the standby of each process is asked of the GMM on its first checkpoint
 * (M2G_HOME_STANDBY) and sent M2M_HOME_CHECKPOINT with the monitor's state lock given up for the call (the home thread
 * calls it, see {@code HomeThreadDispatch}). A standby that does not answer is asked of the GMM again (it names another
 * once it has declared the old one DEAD) and sent the checkpoint again, every {@code pauseNs} for up to {@code patienceNs}; the
 * home answers its pComponent only after that. Used by the home thread and the failover thread (a new standby), so its
 * tables are concurrent.
 */
public final class RemoteHomeStandby implements HomeStandby
{
    private static final Logger LOG = LoggerFactory.getLogger(RemoteHomeStandby.class);
    private static final int UNKNOWN = -2;

    private final IntSupplier selfId;
    private final GmmProxy gmm;
    private final Transport transport;
    private final long timeoutNs;
    private final long patienceNs;
    private final long pauseNs;
    private final NanoClock clock;
    private final ReentrantLock stateLock;
    private final ConcurrentHashMap<Integer, Integer> standbyByPid = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, ReplicaProxy> proxies = new ConcurrentHashMap<>();

    /**
     * @param selfId     this monitor's component id.
     * @param gmm        thread-safe proxy to the GMM.
     * @param transport  reaches the standbys.
     * @param timeoutNs  per-call timeout.
     * @param patienceNs how long a checkpoint is sent again to a standby that does not answer, ns
     *                   ({@code MemoryContext.replicaPatienceNs}).
     * @param pauseNs    pause between two attempts, ns ({@code MemoryContext.homeStandbyPauseNs}).
     * @param stateLock  the monitor's state lock, given up for each call.
     * @param clock      times the patience.
     */
    public RemoteHomeStandby(
        final IntSupplier selfId, final GmmProxy gmm, final Transport transport, final long timeoutNs,
        final long patienceNs, final long pauseNs, final ReentrantLock stateLock, final NanoClock clock)
    {
        this.clock = clock;
        this.selfId = selfId;
        this.gmm = gmm;
        this.transport = transport;
        this.timeoutNs = timeoutNs;
        this.patienceNs = patienceNs;
        this.pauseNs = pauseNs;
        this.stateLock = stateLock;
    }

    @Override
    public void checkpoint(final AddressSpace space)
    {
        final int pid = space.pid();
        final List<Vma> vmas = space.vmas();
        final long[] flat = new long[vmas.size() * 4];
        for (int i = 0; i < vmas.size(); i++)
        {
            final Vma v = vmas.get(i);
            flat[4 * i] = v.start();
            flat[4 * i + 1] = v.end();
            flat[4 * i + 2] = v.prot();
            flat[4 * i + 3] = v.flags();
        }
        final int pcomponentId = space.pcomponentId();
        final long brkStart = space.brkStart();
        final long brk = space.currentBrk();
        final int holds = StateLock.releaseAll(stateLock);
        try
        {
            final long deadlineNs = clock.nanoTime() + patienceNs;
            while (true)
            {
                int standby = standbyByPid.getOrDefault(pid, UNKNOWN);
                try
                {
                    if (standby == UNKNOWN)
                    {
                        standby = gmm.homeStandby(pid, selfId.getAsInt());
                        standbyByPid.put(pid, standby);
                    }
                    if (standby >= 0)
                    {
                        proxy(standby).homeCheckpoint(pid, pcomponentId, brkStart, brk, flat);
                    }
                    return;
                }
                catch (final FabricException ex)
                {
                    forget(pid);
                    if (clock.nanoTime() > deadlineNs)
                    {
                        LOG.warn("pid {}: home checkpoint not taken by standby {}: {}", pid, standby,
                            ex.getMessage());
                        return;
                    }
                    LockSupport.parkNanos(pauseNs);
                }
            }
        }
        finally
        {
            StateLock.reacquire(stateLock, holds);
        }
    }

    @Override
    public void assigned(final int pid, final int standbyId)
    {
        standbyByPid.put(pid, standbyId);
    }

    @Override
    public int standbyOf(final int pid)
    {
        return standbyByPid.getOrDefault(pid, UNKNOWN);
    }

    @Override
    public void exit(final int pid)
    {
        final int standby = standbyByPid.getOrDefault(pid, UNKNOWN);
        standbyByPid.remove(pid);
        if (standby < 0)
        {
            return;
        }
        final int holds = StateLock.releaseAll(stateLock);
        try
        {
            proxy(standby).drop(pid);
        }
        catch (final FabricException ex)
        {
            LOG.warn("pid {}: standby {} did not drop its checkpoint: {}", pid, standby, ex.getMessage());
        }
        finally
        {
            StateLock.reacquire(stateLock, holds);
        }
    }

    private void forget(final int pid)
    {
        final int standby = standbyByPid.getOrDefault(pid, UNKNOWN);
        standbyByPid.remove(pid);
        final ReplicaProxy proxy = standby < 0 ? null : proxies.remove(standby);
        if (proxy != null)
        {
            proxy.close();
        }
    }

    private ReplicaProxy proxy(final int componentId)
    {
        return proxies.computeIfAbsent(componentId,
            (id) -> new ReplicaProxy(transport.connect(gmm.lookupComponent(id).address()), timeoutNs));
    }


}
