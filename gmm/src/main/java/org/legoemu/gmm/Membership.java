package org.legoemu.gmm;

import java.util.ArrayList;
import java.util.List;

import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntArrayList;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.sbe.ComponentKind;
import org.legoemu.fabric.sbe.ComponentState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster membership and heartbeat-based failure detection (LegoOS §4.7: the GMM detects failed components by
 * missed heartbeats). Component ids are handed out from 1 upward and never reused; a member that registers again
 * with a restarted GMM gets its previous id back when free ({@link #register(ComponentKind, long, Endpoint, long, int)}).
 * <p>
 * A component whose last heartbeat is {@code 2 * interval} old becomes SUSPECT, one whose lease has run out becomes
 * DEAD (each transition logged once). The lease is {@code missedHeartbeats * interval} for mComponents and the
 * sComponent, and the longer pComponent lease for pComponents ({@link #leaseNs}); the member is told its lease at
 * registration and stops serving before it runs out (it fences itself), so when the GMM acts on a DEAD member's
 * state, the member has certainly stopped using it. A heartbeat from a SUSPECT member, or from a DEAD mComponent or
 * sComponent, makes it ALIVE again (logged). A DEAD pComponent is not revived: its processes were freed, so its
 * heartbeat is answered ENOENT and it registers again under a new id. DEAD components stay listed but are never
 * chosen by placement.
 * <p>
 * Not thread-safe: the {@link GlobalManager} serialises access.
 */
public final class Membership implements MComponentLoads
{
    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);
    private static final int SUSPECT_AFTER_MISSED = 2;
    private static final int FRAME_SHIFT = 12;

    private final long heartbeatIntervalNs;
    private final int missedHeartbeats;
    private final long pcomponentLeaseNs;
    /** The address shown for an {@linkplain #expect expected} member, which has told none. */
    static final Endpoint EXPECTED_ADDRESS = new Endpoint("unregistered", 0);

    private final Int2ObjectHashMap<Member> membersById = new Int2ObjectHashMap<>();
    private final ArrayList<Member> membersInIdOrder = new ArrayList<>();
    private int nextComponentId = 1;

    /**
     * @param heartbeatIntervalNs how often each component heartbeats, nanoseconds.
     * @param missedHeartbeats    intervals without heartbeat before a component is DEAD.
     */
    public Membership(final long heartbeatIntervalNs, final int missedHeartbeats)
    {
        this(heartbeatIntervalNs, missedHeartbeats, missedHeartbeats * heartbeatIntervalNs);
    }

    /**
     * @param heartbeatIntervalNs how often each component heartbeats, nanoseconds.
     * @param missedHeartbeats    intervals without heartbeat before an mComponent or sComponent is DEAD.
     * @param pcomponentLeaseNs   time without heartbeat before a pComponent is DEAD, nanoseconds.
     */
    public Membership(final long heartbeatIntervalNs, final int missedHeartbeats, final long pcomponentLeaseNs)
    {
        this.heartbeatIntervalNs = heartbeatIntervalNs;
        this.missedHeartbeats = missedHeartbeats;
        this.pcomponentLeaseNs = pcomponentLeaseNs;
    }

    /** The lease of a component of {@code kind}: how long it may go without a heartbeat before it is DEAD, ns. */
    public long leaseNs(final ComponentKind kind)
    {
        return kind == ComponentKind.PCOMPONENT ? pcomponentLeaseNs : missedHeartbeats * heartbeatIntervalNs;
    }

    /** The heartbeat interval components are told to keep, nanoseconds. */
    public long heartbeatIntervalNs()
    {
        return heartbeatIntervalNs;
    }

    /**
     * Adds a component, ALIVE.
     *
     * @return its new id.
     */
    public int register(final ComponentKind kind, final long capacityBytes, final Endpoint address, final long nowNs)
    {
        return register(kind, capacityBytes, address, nowNs, 0);
    }

    /**
     * Adds a component, ALIVE, under {@code previousId} if it asks for it (it registered with a GMM that has since
     * restarted and forgotten it) and no one holds that id here, else under a new id. New ids are always above every
     * id handed out or given back, so none is reused.
     *
     * @param previousId the component's id before the GMM restarted, 0 for a first registration.
     * @return its id.
     */
    public int register(
        final ComponentKind kind, final long capacityBytes, final Endpoint address, final long nowNs,
        final int previousId)
    {
        final Member expected = previousId > 0 ? membersById.get(previousId) : null;
        final boolean claimsExpected = expected != null && !expected.heard && expected.kind == kind &&
            expected.state != ComponentState.DEAD;
        if (claimsExpected)
        {
            membersInIdOrder.remove(expected);
            membersById.remove(previousId);
        }
        final boolean keep = previousId > 0 && !membersById.containsKey(previousId);
        final int id = keep ? previousId : nextComponentId;
        add(new Member(id, kind, address, capacityBytes, nowNs));
        if (keep)
        {
            LOG.info("component {} ({} {}) registered again under its id, capacity {} bytes",
                id, name(kind), address, capacityBytes);
        }
        else if (previousId > 0)
        {
            LOG.warn("component {} ({} {}) registered again under a new id: its previous id {} is taken here",
                id, name(kind), address, previousId);
        }
        else
        {
            LOG.info("component {} ({} {}) registered, capacity {} bytes", id, name(kind), address, capacityBytes);
        }
        return id;
    }

    private void add(final Member member)
    {
        final int id = member.componentId;
        nextComponentId = Math.max(nextComponentId, id + 1);
        membersById.put(id, member);
        int at = membersInIdOrder.size();
        while (at > 0 && membersInIdOrder.get(at - 1).componentId > id)
        {
            at--;
        }
        membersInIdOrder.add(at, member);
    }

    /**
     * A restarted GMM learns of a component only from another member's restore message (M2G_MEMORY_RESTORE names an
     * mComponent as a vRegion's secondary or a process's home standby, P2G_PROCESS_RESTORE names a process's home):
     * if that id is not registered here, it is recorded as <i>expected</i>, SUSPECT from {@code nowNs}, with no
     * address. It is never chosen (not live for placement, replication or lookups) and answers no heartbeat; the
     * component itself takes it over when it registers again under its previous id. If it does not within its lease
     * from {@code nowNs} (it crashed while no GMM served), {@link #checkLiveness} declares it DEAD like any silent
     * member, so its vRegions and processes fail over.
     *
     * @return true if it was recorded now (unknown before).
     */
    public boolean expect(final int componentId, final ComponentKind kind, final long nowNs)
    {
        if (componentId <= 0 || membersById.containsKey(componentId))
        {
            return false;
        }
        final Member member = new Member(componentId, kind, EXPECTED_ADDRESS, 0, nowNs);
        member.heard = false;
        member.state = ComponentState.SUSPECT;
        add(member);
        LOG.info("component {} ({}) is named by another member's restore report but has not registered with this " +
            "GMM: DEAD unless it registers within {} ms", componentId, name(kind), leaseNs(kind) / 1_000_000);
        return true;
    }

    /**
     * Records a heartbeat without placement figures (they keep their previous values).
     *
     * @throws GmmException ENOENT if the id is not registered.
     */
    public void heartbeat(final int componentId, final long load, final long nowNs)
    {
        final Member member = require(componentId);
        heartbeat(componentId, load, member.recentRequests, member.framesFree, nowNs);
    }

    /**
     * Records a heartbeat.
     *
     * @param load           frames in use (mComponent), processes (pComponent), 0 (sComponent).
     * @param recentRequests mComponent requests served since its previous heartbeat.
     * @param framesFree     mComponent free 4 KiB frames.
     * @throws GmmException ENOENT if the id is not registered.
     */
    public void heartbeat(
        final int componentId, final long load, final long recentRequests, final long framesFree, final long nowNs)
    {
        final Member member = require(componentId);
        if (!member.heard)
        {
            throw new GmmException(Errnos.ENOENT, "component " + componentId + " has not registered with this GMM");
        }
        if (member.state == ComponentState.DEAD && member.kind == ComponentKind.PCOMPONENT)
        {
            throw new GmmException(Errnos.ENOENT, "pComponent " + componentId + " was declared DEAD and its " +
                "processes freed; register again");
        }
        member.lastHeartbeatNs = nowNs;
        member.load = load;
        member.recentRequests = recentRequests;
        member.framesFree = framesFree;
        if (member.state != ComponentState.ALIVE)
        {
            LOG.info("component {} ({} {}) ALIVE again after heartbeat while {}",
                componentId, name(member.kind), member.address, member.state);
            member.state = ComponentState.ALIVE;
        }
    }

    /**
     * Records the status figures of a heartbeat (shown by {@code lego status}; placement ignores them).
     *
     * @throws GmmException ENOENT if the id is not registered.
     */
    public void statusFigures(final int componentId, final StatusFigures figures)
    {
        require(componentId).figures = figures;
    }

    /**
     * Removes a component that leaves cleanly.
     *
     * @throws GmmException ENOENT if the id is not registered.
     */
    public void deregister(final int componentId)
    {
        final Member member = require(componentId);
        membersById.remove(componentId);
        membersInIdOrder.remove(member);
        LOG.info("component {} ({} {}) deregistered", componentId, name(member.kind), member.address);
    }

    /**
     * Credits every live member with {@code stallNs} of heartbeat silence that the detector could not observe (its
     * own thread was stalled), as if their last heartbeat had come that much later.
     *
     * @param stallNs time the detector ran late, nanoseconds; positive.
     */
    public void excuse(final long stallNs)
    {
        for (int i = 0, size = membersInIdOrder.size(); i < size; i++)
        {
            final Member member = membersInIdOrder.get(i);
            if (member.state != ComponentState.DEAD)
            {
                member.lastHeartbeatNs += stallNs;
            }
        }
    }

    /**
     * The failure detector's periodic check: moves components whose heartbeat is overdue to SUSPECT or DEAD.
     *
     * @param nowNs current GMM clock, nanoseconds.
     * @return number of components declared DEAD by this check.
     */
    public int checkLiveness(final long nowNs)
    {
        return checkLiveness(nowNs, null);
    }

    /**
     * As {@link #checkLiveness(long)}, also appending the id of each component declared DEAD to {@code deadIds}
     * (when not null).
     */
    public int checkLiveness(final long nowNs, final IntArrayList deadIds)
    {
        int declaredDead = 0;
        for (int i = 0, size = membersInIdOrder.size(); i < size; i++)
        {
            final Member member = membersInIdOrder.get(i);
            if (member.state == ComponentState.DEAD)
            {
                continue;
            }
            final long silentNs = nowNs - member.lastHeartbeatNs;
            final long missed = silentNs / heartbeatIntervalNs;
            if (silentNs >= leaseNs(member.kind))
            {
                member.state = ComponentState.DEAD;
                declaredDead++;
                if (deadIds != null)
                {
                    deadIds.addInt(member.componentId);
                }
                LOG.warn("component {} ({} {}) declared DEAD: no heartbeat for {} ms, its lease",
                    member.componentId, name(member.kind), member.address, silentNs / 1_000_000);
            }
            else if (missed >= SUSPECT_AFTER_MISSED && member.state == ComponentState.ALIVE)
            {
                member.state = ComponentState.SUSPECT;
                LOG.info("component {} ({} {}) SUSPECT after {} missed heartbeats",
                    member.componentId, name(member.kind), member.address, missed);
            }
        }
        return declaredDead;
    }

    /**
     * A component by id, in any state.
     *
     * @throws GmmException ENOENT if the id is not registered.
     */
    public ComponentInfo lookup(final int componentId)
    {
        return require(componentId).snapshot();
    }

    /**
     * The newest live (not DEAD) component of a kind, preferring ALIVE over SUSPECT. Newest (highest id) because a
     * kind looked up this way is a stateless service (the sComponent): one restarted after a crash registers with a
     * higher id than the crashed one, which stays ALIVE until it misses its heartbeats, and the members that look it
     * up again after a transport failure must find the new one at once.
     *
     * @throws GmmException ENOENT if there is none.
     */
    public ComponentInfo lookupLive(final ComponentKind kind)
    {
        Member suspect = null;
        for (int i = membersInIdOrder.size() - 1; i >= 0; i--)
        {
            final Member member = membersInIdOrder.get(i);
            if (member.kind == kind)
            {
                if (member.state == ComponentState.ALIVE)
                {
                    return member.snapshot();
                }
                if (member.state == ComponentState.SUSPECT && member.heard && suspect == null)
                {
                    suspect = member;
                }
            }
        }
        if (suspect == null)
        {
            throw new GmmException(Errnos.ENOENT, "no live " + name(kind));
        }
        return suspect.snapshot();
    }

    /** {@inheritDoc} 0 for an unknown id. */
    @Override
    public long recentRequests(final int componentId)
    {
        final Member member = membersById.get(componentId);
        return member == null ? 0 : member.recentRequests;
    }

    /** {@inheritDoc} Before the first heartbeat: the capacity declared at registration, in frames. */
    @Override
    public long framesFree(final int componentId)
    {
        final Member member = membersById.get(componentId);
        return member == null ? 0 : member.framesFree;
    }

    /** True if the component is registered and not DEAD. */
    public boolean isLive(final int componentId)
    {
        final Member member = membersById.get(componentId);
        return member != null && member.state != ComponentState.DEAD && member.heard;
    }

    /** True if the component is registered with that kind, in any state. */
    public boolean isKind(final int componentId, final ComponentKind kind)
    {
        final Member member = membersById.get(componentId);
        return member != null && member.kind == kind;
    }

    /**
     * Fills {@code ids} with the ids of live (not DEAD) components of a kind, ascending.
     *
     * @return {@code ids}, cleared first.
     */
    public IntArrayList liveIds(final ComponentKind kind, final IntArrayList ids)
    {
        ids.clear();
        for (int i = 0, size = membersInIdOrder.size(); i < size; i++)
        {
            final Member member = membersInIdOrder.get(i);
            if (member.kind == kind && member.state != ComponentState.DEAD && member.heard)
            {
                ids.addInt(member.componentId);
            }
        }
        return ids;
    }

    /**
     * The address of a registered component.
     *
     * @throws GmmException ENOENT if the id is not registered.
     */
    public Endpoint address(final int componentId)
    {
        return require(componentId).address;
    }

    /** Snapshots of every registered component, ascending id. */
    public List<ComponentInfo> components()
    {
        final List<ComponentInfo> result = new ArrayList<>(membersInIdOrder.size());
        for (int i = 0, size = membersInIdOrder.size(); i < size; i++)
        {
            result.add(membersInIdOrder.get(i).snapshot());
        }
        return result;
    }

    /** Lower-case kind name for log lines, e.g. "mcomponent". */
    static String name(final ComponentKind kind)
    {
        return kind.name().toLowerCase();
    }

    private Member require(final int componentId)
    {
        final Member member = membersById.get(componentId);
        if (member == null)
        {
            throw new GmmException(Errnos.ENOENT, "no component " + componentId);
        }
        return member;
    }

    private static final class Member
    {
        final int componentId;
        final ComponentKind kind;
        final Endpoint address;
        final long capacityBytes;
        final long registeredAtNs;
        long lastHeartbeatNs;
        long load;
        long recentRequests;
        long framesFree;
        StatusFigures figures = StatusFigures.NONE;
        ComponentState state = ComponentState.ALIVE;
        /** False for a member only {@linkplain #expect expected} from another's report, never heard from. */
        boolean heard = true;

        Member(
            final int componentId,
            final ComponentKind kind,
            final Endpoint address,
            final long capacityBytes,
            final long registeredAtNs)
        {
            this.componentId = componentId;
            this.kind = kind;
            this.address = address;
            this.capacityBytes = capacityBytes;
            this.registeredAtNs = registeredAtNs;
            this.lastHeartbeatNs = registeredAtNs;
            this.framesFree = kind == ComponentKind.MCOMPONENT ? capacityBytes >>> FRAME_SHIFT : 0;
        }

        ComponentInfo snapshot()
        {
            return new ComponentInfo(
                componentId, kind, address, state, load, capacityBytes, registeredAtNs, lastHeartbeatNs, figures);
        }
    }
}
