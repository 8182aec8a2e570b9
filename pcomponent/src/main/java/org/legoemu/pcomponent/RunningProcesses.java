package org.legoemu.pcomponent;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.agrona.collections.IntArrayList;
import org.legoemu.fabric.proxy.MemberState;

/**
 * The processes this pComponent runs, by pid, with the home mComponent each was placed with: what it tells a GMM
 * that restarted and forgot it (P2G_PROCESS_RESTORE), so the GMM places them again and hands out none of their pids.
 * A process is listed from its placement until its memory is released. The home is the one of its placement, stale
 * after a home failover; the GMM prefers the home the mComponent holding the address space reports
 * (M2G_MEMORY_RESTORE). Thread-safe.
 */
final class RunningProcesses implements MemberState
{
    private final Map<Integer, Integer> homeByPid = new ConcurrentHashMap<>();

    /** Process {@code pid}, placed with home mComponent {@code homeId}, runs here from now on. */
    void started(final int pid, final int homeId)
    {
        homeByPid.put(pid, homeId);
    }

    /** Process {@code pid} is gone. */
    void ended(final int pid)
    {
        homeByPid.remove(pid);
    }

    @Override
    public int highestPid()
    {
        int highest = 0;
        for (final Integer pid : homeByPid.keySet())
        {
            highest = Math.max(highest, pid);
        }
        return highest;
    }

    @Override
    public void runningProcesses(final IntArrayList pidsAndHomes)
    {
        pidsAndHomes.clear();
        homeByPid.forEach((pid, home) ->
        {
            pidsAndHomes.addInt(pid);
            pidsAndHomes.addInt(home);
        });
    }
}
