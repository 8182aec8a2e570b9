package org.legoemu.gmm;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.agrona.collections.Int2IntHashMap;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntArrayList;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.sbe.ComponentKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Process placement (LegoOS §4.5, GPM): allocates pids from 1000 upward, runs each new process on the live
 * pComponent with the fewest processes placed by this GMM (ties: lowest id), and gives it a home mComponent
 * chosen round-robin over live mComponents in id order.
 * <p>
 * <b>After a GMM restart</b> the members report the highest pid they hold state for ({@link #reportedPid}), and the
 * pComponents the processes they run ({@link #restore}): new pids are handed out above every reported one, so a pid
 * is never in use twice, and the running processes are placed again.
 * <p>
 * Not thread-safe: the {@link GlobalManager} serialises access.
 */
public final class ProcessPlacement
{
    /** First pid handed out. */
    public static final int FIRST_PID = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(ProcessPlacement.class);

    private final Membership membership;
    private final Int2ObjectHashMap<ProcessRecord> processesByPid = new Int2ObjectHashMap<>();
    private final Int2IntHashMap processCountByPComponent = new Int2IntHashMap(0);
    private final IntArrayList scratchIds = new IntArrayList();
    private int nextPid = FIRST_PID;
    private int lastHomeId = 0;
    /** The pids this GMM handed out, as ranges [from, to): from at even, to at odd indices, ascending. */
    private final IntArrayList handedOut = new IntArrayList();
    /** Below this, pids were not handed out by this GMM (a restart) and are not called forgotten before the trust time. */
    private int reportedBelow = FIRST_PID;
    private long trustReportedAfterNs = Long.MIN_VALUE;

    /**
     * @param membership where live pComponents and mComponents are found.
     */
    public ProcessPlacement(final Membership membership)
    {
        this.membership = membership;
    }

    /**
     * Places a new process.
     *
     * @return the placement record.
     * @throws GmmException EAGAIN if there is no live pComponent or no live mComponent.
     */
    public ProcessRecord place()
    {
        final IntArrayList pcomponents = membership.liveIds(ComponentKind.PCOMPONENT, scratchIds);
        int pcomponentId = -1;
        int fewest = Integer.MAX_VALUE;
        for (int i = 0, size = pcomponents.size(); i < size; i++)
        {
            final int id = pcomponents.getInt(i);
            final int count = processCountByPComponent.get(id);
            if (count < fewest)
            {
                fewest = count;
                pcomponentId = id;
            }
        }
        if (pcomponentId < 0)
        {
            throw new GmmException(Errnos.EAGAIN, "no live pcomponent");
        }

        final IntArrayList mcomponents = membership.liveIds(ComponentKind.MCOMPONENT, scratchIds);
        if (mcomponents.isEmpty())
        {
            throw new GmmException(Errnos.EAGAIN, "no live mcomponent");
        }
        final int homeId = RoundRobinPolicy.nextAfter(lastHomeId, mcomponents);
        lastHomeId = homeId;

        final ProcessRecord record = new ProcessRecord(handOut(), pcomponentId, homeId);
        processesByPid.put(record.pid(), record);
        processCountByPComponent.put(pcomponentId, processCountByPComponent.get(pcomponentId) + 1);
        LOG.info("pid {} placed on pcomponent {} with home mcomponent {}", record.pid(), pcomponentId, homeId);
        return record;
    }

    /**
     * Places a child of a running process (fork(2)): a new pid on the parent's pComponent with the parent's home
     * mComponent, since the child's address space is a copy the home makes (LegoOS §4.5: a process stays on the
     * pComponent it was placed on).
     *
     * @throws GmmException ESRCH if the parent is not placed.
     */
    public ProcessRecord placeChild(final int parentPid)
    {
        final ProcessRecord parent = processesByPid.get(parentPid);
        if (parent == null)
        {
            throw new GmmException(Errnos.ESRCH, "no process " + parentPid + " to fork");
        }
        final ProcessRecord record = new ProcessRecord(handOut(), parent.pcomponentId(), parent.homeMComponentId());
        processesByPid.put(record.pid(), record);
        processCountByPComponent.put(record.pcomponentId(), processCountByPComponent.get(record.pcomponentId()) + 1);
        LOG.info("pid {} forked from pid {} on pcomponent {} with home mcomponent {}", record.pid(), parentPid,
            record.pcomponentId(), record.homeMComponentId());
        return record;
    }

    private int handOut()
    {
        final int pid = nextPid++;
        final int size = handedOut.size();
        if (size > 0 && handedOut.getInt(size - 1) == pid)
        {
            handedOut.setInt(size - 1, pid + 1);
        }
        else
        {
            handedOut.addInt(pid);
            handedOut.addInt(pid + 1);
        }
        return pid;
    }

    private boolean handedOut(final int pid)
    {
        for (int i = 0; i < handedOut.size(); i += 2)
        {
            if (pid >= handedOut.getInt(i) && pid < handedOut.getInt(i + 1))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * A member that registered again with this (restarted) GMM holds state of pids up to {@code pid}: no pid up to
     * it is handed out from now on, and pids below the highest reported one that this GMM did not hand out are not
     * called forgotten ({@link #isForgotten}) before {@code trustAfterNs}, by when every live pComponent has
     * re-registered and {@linkplain #restore restored} its processes (its lease).
     *
     * @param pid          the highest pid the member holds state for; 0 or less: none.
     * @param trustAfterNs GMM clock time from which such pids not restored are taken as gone, ns.
     */
    public void reportedPid(final int pid, final long trustAfterNs)
    {
        if (pid < FIRST_PID || pid == Integer.MAX_VALUE)
        {
            return;
        }
        if (pid >= nextPid)
        {
            LOG.info("pids up to {} are in use in the cluster: handing out pids from {}", pid, pid + 1);
            nextPid = pid + 1;
        }
        reportedBelow = Math.max(reportedBelow, pid + 1);
        trustReportedAfterNs = trustReportedAfterNs == Long.MIN_VALUE ? trustAfterNs :
            Math.max(trustReportedAfterNs, trustAfterNs);
    }

    /**
     * Places again a process that a pComponent runs since before this GMM (restarted) started, with the home it
     * names. A pid this GMM handed out itself and has forgotten since (exited or reaped) is not restored: that
     * process is gone.
     *
     * @return true if restored (or already placed there), false if refused.
     */
    public boolean restore(final int pid, final int pcomponentId, final int homeId)
    {
        final ProcessRecord known = processesByPid.get(pid);
        if (known != null)
        {
            return known.pcomponentId() == pcomponentId;
        }
        if (pid < FIRST_PID || pid == Integer.MAX_VALUE || handedOut(pid))
        {
            return false;
        }
        nextPid = Math.max(nextPid, pid + 1);
        reportedBelow = Math.max(reportedBelow, pid + 1);
        processesByPid.put(pid, new ProcessRecord(pid, pcomponentId, homeId));
        processCountByPComponent.put(pcomponentId, processCountByPComponent.get(pcomponentId) + 1);
        LOG.info("pid {} placed again on pcomponent {} with home mcomponent {} (it ran before this GMM started)",
            pid, pcomponentId, homeId);
        return true;
    }

    /**
     * Forgets an exited process.
     *
     * @throws GmmException ESRCH if the pid is not placed.
     */
    public ProcessRecord exit(final int pid, final int exitStatus)
    {
        final ProcessRecord record = processesByPid.remove(pid);
        if (record == null)
        {
            throw new GmmException(Errnos.ESRCH, "no process " + pid);
        }
        final int count = processCountByPComponent.get(record.pcomponentId()) - 1;
        if (count <= 0)
        {
            processCountByPComponent.remove(record.pcomponentId());
        }
        else
        {
            processCountByPComponent.put(record.pcomponentId(), count);
        }
        LOG.info("pid {} exited with status {}", pid, exitStatus);
        return record;
    }

    /**
     * Moves a process's home to {@code newHomeId} (its home died and its standby took over).
     *
     * @return the new record, or null if the process is gone.
     */
    public ProcessRecord rehome(final int pid, final int newHomeId)
    {
        final ProcessRecord old = processesByPid.get(pid);
        if (old == null)
        {
            return null;
        }
        final ProcessRecord moved = new ProcessRecord(pid, old.pcomponentId(), newHomeId);
        processesByPid.put(pid, moved);
        return moved;
    }

    /** Every placed process, ascending pid (allocates). */
    public List<ProcessRecord> all()
    {
        final List<ProcessRecord> records = new ArrayList<>(processesByPid.values());
        records.sort(Comparator.comparingInt(ProcessRecord::pid));
        return records;
    }

    /** The placement of a running process, or null. */
    public ProcessRecord process(final int pid)
    {
        return processesByPid.get(pid);
    }

    /**
     * True if {@code pid} was placed once and has exited (or been reaped) since: pids are handed out once, in
     * ascending order from {@link #FIRST_PID}, so a pid below the next one that is not in the table is gone for
     * good. False for a placed pid and for one never handed out (below {@link #FIRST_PID}, or not yet placed). A pid
     * from before a GMM restart ({@link #reportedPid}) that no pComponent restored counts as gone only from the
     * trust time on.
     *
     * @param nowNs the GMM clock, ns.
     */
    public boolean isForgotten(final int pid, final long nowNs)
    {
        if (pid < FIRST_PID || pid >= nextPid || processesByPid.containsKey(pid))
        {
            return false;
        }
        return handedOut(pid) || pid >= reportedBelow || nowNs >= trustReportedAfterNs;
    }

    /** {@link #isForgotten(int, long)} once every reported pid is trusted. */
    public boolean isForgotten(final int pid)
    {
        return isForgotten(pid, Long.MAX_VALUE);
    }

    /** The records of the processes placed on {@code pcomponentId}, ascending pid. */
    public List<ProcessRecord> processesOn(final int pcomponentId)
    {
        final List<ProcessRecord> records = new ArrayList<>();
        processesByPid.values().forEach((r) ->
        {
            if (r.pcomponentId() == pcomponentId)
            {
                records.add(r);
            }
        });
        records.sort(Comparator.comparingInt(ProcessRecord::pid));
        return records;
    }

    /** Processes currently placed on a pComponent. */
    public int processCount(final int pcomponentId)
    {
        return processCountByPComponent.get(pcomponentId);
    }

    /** Number of placed, not yet exited processes. */
    public int size()
    {
        return processesByPid.size();
    }

    /**
     * Where one process runs.
     *
     * @param pid              cluster-wide pid.
     * @param pcomponentId     the pComponent running it.
     * @param homeMComponentId its home mComponent.
     */
    public record ProcessRecord(int pid, int pcomponentId, int homeMComponentId)
    {
    }
}
