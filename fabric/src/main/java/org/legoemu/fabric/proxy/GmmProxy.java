package org.legoemu.fabric.proxy;

import java.util.ArrayList;
import java.util.List;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.IntArrayList;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.Reply;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.sbe.AckDecoder;
import org.legoemu.fabric.sbe.C2G_PLACE_PROCESSEncoder;
import org.legoemu.fabric.sbe.C2G_STATUSEncoder;
import org.legoemu.fabric.sbe.ComponentKind;
import org.legoemu.fabric.sbe.ComponentState;
import org.legoemu.fabric.sbe.G2C_PLACEMENTDecoder;
import org.legoemu.fabric.sbe.G2C_STATUSDecoder;
import org.legoemu.fabric.sbe.G2X_COMPONENTDecoder;
import org.legoemu.fabric.sbe.G2X_REGISTER_REPLYDecoder;
import org.legoemu.fabric.sbe.G2M_PROCESS_CHECK_REPLYDecoder;
import org.legoemu.fabric.sbe.G2X_VREGION_OWNERDecoder;
import org.legoemu.fabric.sbe.G2M_COMMIT_REPLYDecoder;
import org.legoemu.fabric.sbe.HeldRole;
import org.legoemu.fabric.sbe.M2G_COMMITEncoder;
import org.legoemu.fabric.sbe.M2G_HOME_STANDBYEncoder;
import org.legoemu.fabric.sbe.M2G_MEMORY_RESTOREEncoder;
import org.legoemu.fabric.sbe.M2G_REPLICA_REPLACEEncoder;
import org.legoemu.fabric.sbe.M2G_PROCESS_CHECKEncoder;
import org.legoemu.fabric.sbe.M2G_VREGION_ALLOCEncoder;
import org.legoemu.fabric.sbe.MessageHeaderEncoder;
import org.legoemu.fabric.sbe.P2G_FORK_PLACEEncoder;
import org.legoemu.fabric.sbe.P2G_PROCESS_LOOKUPEncoder;
import org.legoemu.fabric.sbe.P2G_PROCESS_RESTOREEncoder;
import org.legoemu.fabric.sbe.P2G_VREGION_LOOKUPEncoder;
import org.legoemu.fabric.sbe.X2G_DEREGISTEREncoder;
import org.legoemu.fabric.sbe.X2G_HEARTBEATEncoder;
import org.legoemu.fabric.sbe.X2G_LOOKUP_COMPONENTEncoder;
import org.legoemu.fabric.sbe.X2G_PROCESS_EXITEncoder;
import org.legoemu.fabric.sbe.X2G_REGISTEREncoder;

/**
 * Client-side encoder for every request to the global manager (GMM): membership, placement, vRegion ownership
 * and status (LegoOS §4.5 GPM/GMM). Reuses its encoders, decoders and buffers, so its calls are serialized: every public method is
 * synchronized on the proxy (the threads of a guest process share one), one request in flight at a time.
 * <p>
 * Every method blocks until the GMM replies. Failures surface as
 * {@link org.legoemu.fabric.RemoteErrorException} (the GMM answered ErrorReply: e.g. ENOENT for an unknown
 * component, EFAULT for an unassigned vRegion, EAGAIN when no live pComponent/mComponent exists) or
 * {@link FabricException} (ETIMEDOUT, ECONNREFUSED, EIO; EPROTO 71 for a reply of the wrong type).
 */
public final class GmmProxy
{
    /** Linux EPROTO: the reply was not the message this request expects. */
    public static final int EPROTO = Errnos.EPROTO;

    /** Most pids one M2G_PROCESS_CHECK carries. */
    public static final int MAX_PIDS_PER_CHECK = 4096;

    private final Client client;
    private final long timeoutNs;
    private volatile long retryWindowNs;
    private final ExpandableArrayBuffer request = new ExpandableArrayBuffer(256);
    private final Reply reply = new Reply();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final X2G_REGISTEREncoder registerEncoder = new X2G_REGISTEREncoder();
    private final X2G_HEARTBEATEncoder heartbeatEncoder = new X2G_HEARTBEATEncoder();
    private final X2G_DEREGISTEREncoder deregisterEncoder = new X2G_DEREGISTEREncoder();
    private final X2G_LOOKUP_COMPONENTEncoder lookupEncoder = new X2G_LOOKUP_COMPONENTEncoder();
    private final C2G_STATUSEncoder statusEncoder = new C2G_STATUSEncoder();
    private final C2G_PLACE_PROCESSEncoder placeEncoder = new C2G_PLACE_PROCESSEncoder();
    private final M2G_VREGION_ALLOCEncoder vregionAllocEncoder = new M2G_VREGION_ALLOCEncoder();
    private final P2G_VREGION_LOOKUPEncoder vregionLookupEncoder = new P2G_VREGION_LOOKUPEncoder();
    private final M2G_REPLICA_REPLACEEncoder replicaReplaceEncoder = new M2G_REPLICA_REPLACEEncoder();
    private final M2G_HOME_STANDBYEncoder homeStandbyEncoder = new M2G_HOME_STANDBYEncoder();
    private final P2G_PROCESS_LOOKUPEncoder processLookupEncoder = new P2G_PROCESS_LOOKUPEncoder();
    private final P2G_FORK_PLACEEncoder forkPlaceEncoder = new P2G_FORK_PLACEEncoder();
    private final X2G_PROCESS_EXITEncoder processExitEncoder = new X2G_PROCESS_EXITEncoder();
    private final AckDecoder ackDecoder = new AckDecoder();
    private final G2X_REGISTER_REPLYDecoder registerReplyDecoder = new G2X_REGISTER_REPLYDecoder();
    private final G2X_COMPONENTDecoder componentDecoder = new G2X_COMPONENTDecoder();
    private final G2C_PLACEMENTDecoder placementDecoder = new G2C_PLACEMENTDecoder();
    private final G2X_VREGION_OWNERDecoder ownerDecoder = new G2X_VREGION_OWNERDecoder();
    private final G2C_STATUSDecoder statusDecoder = new G2C_STATUSDecoder();
    private final M2G_PROCESS_CHECKEncoder processCheckEncoder = new M2G_PROCESS_CHECKEncoder();
    private final G2M_PROCESS_CHECK_REPLYDecoder processCheckReplyDecoder = new G2M_PROCESS_CHECK_REPLYDecoder();
    private final P2G_PROCESS_RESTOREEncoder processRestoreEncoder = new P2G_PROCESS_RESTOREEncoder();
    private final M2G_MEMORY_RESTOREEncoder memoryRestoreEncoder = new M2G_MEMORY_RESTOREEncoder();
    private final M2G_COMMITEncoder commitEncoder = new M2G_COMMITEncoder();
    private final G2M_COMMIT_REPLYDecoder commitReplyDecoder = new G2M_COMMIT_REPLYDecoder();

    /**
     * @param client    connected to the GMM's endpoint.
     * @param timeoutNs how long each call waits for its reply, nanoseconds.
     */
    public GmmProxy(final Client client, final long timeoutNs)
    {
        this.client = client;
        this.timeoutNs = timeoutNs;
    }

    /**
     * Makes the idempotent queries (component, process and vRegion lookups, vRegion allocation, home standby,
     * status) retry after a timeout for {@code windowNs} from their first attempt, so a lost message or a partition
     * that heals does not fail them; 0 (the default) sends each once.
     *
     * @return this.
     */
    public GmmProxy retryWindowNs(final long windowNs)
    {
        this.retryWindowNs = windowNs;
        return this;
    }

    /** The client this proxy calls through. */
    public Client client()
    {
        return client;
    }

    /**
     * X2G_REGISTER: joins the cluster.
     *
     * @param kind          what this monitor is.
     * @param capacityBytes mComponent memory bytes, pComponent ExCache bytes, sComponent 0.
     * @param address       the endpoint this monitor actually serves on.
     * @return the assigned component id and the heartbeat interval to keep.
     */
    public synchronized Registration register(final ComponentKind kind, final long capacityBytes, final Endpoint address)
    {
        return register(kind, capacityBytes, address, 0, 0);
    }

    /**
     * X2G_REGISTER, also telling the GMM what it must not hand out again: the id this member had before the GMM
     * forgot it (a restarted GMM keeps it for the member if no one else holds it) and the highest pid the member runs
     * or holds memory of (the GMM hands out only higher pids).
     *
     * @param previousComponentId the member's id before, 0 for a first join.
     * @param highestPid          the highest pid the member holds state for, 0 if none.
     * @return the assigned component id and the heartbeat interval to keep.
     */
    public synchronized Registration register(
        final ComponentKind kind, final long capacityBytes, final Endpoint address, final int previousComponentId,
        final int highestPid)
    {
        registerEncoder.wrapAndApplyHeader(request, 0, headerEncoder)
            .kind(kind)
            .capacityBytes(capacityBytes)
            .previousComponentId(previousComponentId)
            .highestPid(highestPid)
            .address(address.toString());
        call(MessageHeaderEncoder.ENCODED_LENGTH + registerEncoder.encodedLength(),
            G2X_REGISTER_REPLYDecoder.TEMPLATE_ID);
        registerReplyDecoder.wrapAndApplyHeader(reply.buffer(), 0, reply.header());
        final int componentId = registerReplyDecoder.componentId();
        final long heartbeatIntervalNs = registerReplyDecoder.heartbeatIntervalNs();
        final long leaseNs = registerReplyDecoder.leaseNs();
        return new Registration(componentId, heartbeatIntervalNs, leaseNs, registerReplyDecoder.fabricModel());
    }

    /**
     * X2G_HEARTBEAT: proves liveness and reports load.
     *
     * @param componentId this monitor's id.
     * @param load        mComponent frames in use, pComponent running processes, sComponent 0.
     * @throws org.legoemu.fabric.RemoteErrorException ENOENT if the GMM does not know the id (register again).
     */
    public synchronized void heartbeat(final int componentId, final long load)
    {
        heartbeat(componentId, load, 0, 0);
    }

    /**
     * X2G_HEARTBEAT with the mComponent placement figures.
     *
     * @param componentId    this monitor's id.
     * @param load           mComponent frames in use, pComponent running processes, sComponent 0.
     * @param recentRequests mComponent requests served since the previous heartbeat, else 0.
     * @param framesFree     mComponent free 4 KiB frames, else 0.
     * @throws org.legoemu.fabric.RemoteErrorException ENOENT if the GMM does not know the id (register again).
     */
    public synchronized void heartbeat(
        final int componentId, final long load, final long recentRequests, final long framesFree)
    {
        heartbeatEncoder.wrapAndApplyHeader(request, 0, headerEncoder)
            .componentId(componentId)
            .load(load)
            .recentRequests(recentRequests)
            .framesFree(framesFree)
            .threads(0)
            .excacheLinesUsed(0)
            .bytesStored(0);
        callForAck(MessageHeaderEncoder.ENCODED_LENGTH + heartbeatEncoder.encodedLength());
    }

    /**
     * X2G_HEARTBEAT with every figure, each sampled once from {@code load}.
     *
     * @param componentId this monitor's id.
     * @param load        the monitor's figures.
     * @throws org.legoemu.fabric.RemoteErrorException ENOENT if the GMM does not know the id (register again),
     *                                                 EINVAL for a negative figure.
     */
    public synchronized void heartbeat(final int componentId, final HeartbeatLoad load)
    {
        heartbeatEncoder.wrapAndApplyHeader(request, 0, headerEncoder)
            .componentId(componentId)
            .load(load.load())
            .recentRequests(load.recentRequests())
            .framesFree(load.framesFree())
            .threads(load.threads())
            .excacheLinesUsed(load.excacheLinesUsed())
            .bytesStored(load.bytesStored());
        callForAck(MessageHeaderEncoder.ENCODED_LENGTH + heartbeatEncoder.encodedLength());
    }

    /** X2G_DEREGISTER: leaves the cluster cleanly. ENOENT if the id is unknown. */
    public synchronized void deregister(final int componentId)
    {
        deregisterEncoder.wrapAndApplyHeader(request, 0, headerEncoder).componentId(componentId);
        callForAck(MessageHeaderEncoder.ENCODED_LENGTH + deregisterEncoder.encodedLength());
    }

    /**
     * X2G_LOOKUP_COMPONENT by id (any state, DEAD included).
     *
     * @throws org.legoemu.fabric.RemoteErrorException ENOENT if no such component.
     */
    public synchronized ComponentAddress lookupComponent(final int componentId)
    {
        return lookup(componentId, ComponentKind.NULL_VAL);
    }

    /**
     * X2G_LOOKUP_COMPONENT with componentId -1: the lowest-id live (not DEAD) component of a kind, e.g. the
     * sComponent.
     *
     * @throws org.legoemu.fabric.RemoteErrorException ENOENT if no live component of that kind.
     */
    public synchronized ComponentAddress lookupKind(final ComponentKind kind)
    {
        return lookup(-1, kind);
    }

    /**
     * C2G_PLACE_PROCESS: allocates a pid, picks the live pComponent with fewest processes and a home mComponent
     * round-robin.
     *
     * @throws org.legoemu.fabric.RemoteErrorException EAGAIN if no live pComponent or mComponent.
     */
    public synchronized Placement placeProcess()
    {
        placeEncoder.wrapAndApplyHeader(request, 0, headerEncoder).flags(0);
        call(MessageHeaderEncoder.ENCODED_LENGTH + placeEncoder.encodedLength(), G2C_PLACEMENTDecoder.TEMPLATE_ID);
        return decodePlacement();
    }

    /**
     * P2G_PROCESS_LOOKUP: where a running process was placed.
     *
     * @throws org.legoemu.fabric.RemoteErrorException ESRCH (3) if the pid is not placed (unknown or exited).
     */
    public synchronized Placement processLookup(final int pid)
    {
        processLookupEncoder.wrapAndApplyHeader(request, 0, headerEncoder).pid(pid);
        callRetried(MessageHeaderEncoder.ENCODED_LENGTH + processLookupEncoder.encodedLength(),
            G2C_PLACEMENTDecoder.TEMPLATE_ID);
        return decodePlacement();
    }

    /**
     * P2G_FORK_PLACE: places a child of {@code parentPid} (fork(2)) on the parent's pComponent with the parent's home
     * mComponent; the child's vRegions start owned by the parent's owners.
     *
     * @throws org.legoemu.fabric.RemoteErrorException ESRCH (3) if the parent is not placed.
     */
    public synchronized Placement forkPlace(final int parentPid)
    {
        forkPlaceEncoder.wrapAndApplyHeader(request, 0, headerEncoder).parentPid(parentPid);
        call(MessageHeaderEncoder.ENCODED_LENGTH + forkPlaceEncoder.encodedLength(), G2C_PLACEMENTDecoder.TEMPLATE_ID);
        return decodePlacement();
    }

    private Placement decodePlacement()
    {
        final G2C_PLACEMENTDecoder d = placementDecoder.wrapAndApplyHeader(reply.buffer(), 0, reply.header());
        final int pid = d.pid();
        final int pcomponentId = d.pcomponentId();
        final int homeId = d.homeMComponentId();
        final Endpoint pcomponentAddress = Endpoint.parse(d.pcomponentAddress());
        final Endpoint homeAddress = Endpoint.parse(d.homeAddress());
        return new Placement(pid, pcomponentId, homeId, pcomponentAddress, homeAddress);
    }

    /**
     * M2G_VREGION_ALLOC: the owner of a vRegion, assigned by the GMM's policy if it has none yet.
     *
     * @param pid              process id.
     * @param homeMComponentId the process's home mComponent (the caller).
     * @param vregion          {@code vaddr >>> 30}, 0..255 for the riscv64 Sv39 user space.
     * @throws org.legoemu.fabric.RemoteErrorException EINVAL for a bad vRegion, EAGAIN if no live mComponent.
     */
    public synchronized VRegionOwner vregionAlloc(final int pid, final int homeMComponentId, final int vregion)
    {
        vregionAllocEncoder.wrapAndApplyHeader(request, 0, headerEncoder)
            .pid(pid)
            .homeMComponentId(homeMComponentId)
            .vregion(vregion);
        callRetried(MessageHeaderEncoder.ENCODED_LENGTH + vregionAllocEncoder.encodedLength(),
            G2X_VREGION_OWNERDecoder.TEMPLATE_ID);
        return decodeOwner();
    }

    /**
     * M2G_REPLICA_REPLACE: a primary that cannot reach the secondary of its vRegion asks for another.
     *
     * @param unreachableId the secondary that could not be reached.
     * @return the vRegion's owner record with the new secondary (-1 / null when none is left).
     * @throws org.legoemu.fabric.RemoteErrorException EFAULT if the vRegion has no owner.
     */
    public synchronized VRegionOwner replicaReplace(final int pid, final int vregion, final int unreachableId)
    {
        replicaReplaceEncoder.wrapAndApplyHeader(request, 0, headerEncoder)
            .pid(pid).vregion(vregion).unreachableId(unreachableId);
        call(MessageHeaderEncoder.ENCODED_LENGTH + replicaReplaceEncoder.encodedLength(),
            G2X_VREGION_OWNERDecoder.TEMPLATE_ID);
        return decodeOwner();
    }

    /**
     * M2G_HOME_STANDBY: which mComponent keeps the home checkpoints of a process (assigned on first ask).
     *
     * @return its component id, or -1 when there is none (replication off, single mComponent).
     */
    public synchronized int homeStandby(final int pid, final int homeMComponentId)
    {
        homeStandbyEncoder.wrapAndApplyHeader(request, 0, headerEncoder).pid(pid).homeMComponentId(homeMComponentId);
        callForAckRetried(MessageHeaderEncoder.ENCODED_LENGTH + homeStandbyEncoder.encodedLength());
        return (int)ackDecoder.value();
    }

    /**
     * P2G_VREGION_LOOKUP: the owner of a vRegion.
     *
     * @throws org.legoemu.fabric.RemoteErrorException EFAULT if the vRegion has no owner (no mapping there).
     */
    public synchronized VRegionOwner vregionLookup(final int pid, final int vregion)
    {
        vregionLookupEncoder.wrapAndApplyHeader(request, 0, headerEncoder).pid(pid).vregion(vregion);
        callRetried(MessageHeaderEncoder.ENCODED_LENGTH + vregionLookupEncoder.encodedLength(),
            G2X_VREGION_OWNERDecoder.TEMPLATE_ID);
        return decodeOwner();
    }

    /**
     * X2G_PROCESS_EXIT: the GMM forgets the process's placement and vRegions.
     *
     * @throws org.legoemu.fabric.RemoteErrorException ESRCH (3) if the pid is unknown.
     */
    public synchronized void processExit(final int pid, final int exitStatus)
    {
        processExitEncoder.wrapAndApplyHeader(request, 0, headerEncoder).pid(pid).exitStatus(exitStatus);
        callForAck(MessageHeaderEncoder.ENCODED_LENGTH + processExitEncoder.encodedLength());
    }

    /**
     * P2G_PROCESS_RESTORE: tells a GMM that had forgotten this pComponent (a restarted GMM) the processes it runs.
     *
     * @param componentId     the pComponent's id.
     * @param pidsAndHomes    pairs: pid, then its home mComponent's id; at most {@value #MAX_PIDS_PER_CHECK} pairs.
     * @return how many the GMM placed again (a pid it placed and forgot since is not).
     * @throws IllegalArgumentException for an odd count or more than {@value #MAX_PIDS_PER_CHECK} pairs.
     */
    public synchronized long restoreProcesses(final int componentId, final IntArrayList pidsAndHomes)
    {
        if ((pidsAndHomes.size() & 1) != 0 || pidsAndHomes.size() / 2 > MAX_PIDS_PER_CHECK)
        {
            throw new IllegalArgumentException(pidsAndHomes.size() + " values are not at most " +
                MAX_PIDS_PER_CHECK + " (pid, home) pairs");
        }
        final P2G_PROCESS_RESTOREEncoder e = processRestoreEncoder.wrapAndApplyHeader(request, 0, headerEncoder)
            .componentId(componentId);
        final P2G_PROCESS_RESTOREEncoder.ProcessesEncoder group = e.processesCount(pidsAndHomes.size() / 2);
        for (int i = 0; i < pidsAndHomes.size(); i += 2)
        {
            group.next().pid(pidsAndHomes.getInt(i)).homeMComponentId(pidsAndHomes.getInt(i + 1));
        }
        callForAck(MessageHeaderEncoder.ENCODED_LENGTH + e.encodedLength());
        return ackDecoder.value();
    }

    /**
     * M2G_MEMORY_RESTORE: tells a GMM that had forgotten this mComponent (a restarted GMM) what it holds, so the GMM
     * rebuilds its vRegion directory and its commit ledger; sent in messages of at most {@value #MAX_PIDS_PER_CHECK}
     * entries (one, possibly empty, at least).
     *
     * @param componentId the mComponent's id.
     * @param entries     quadruples (pid, vregion, {@link HeldRole} value, peer id) as {@link MemberState#heldMemory}.
     * @param committedBytes the commit grant this mComponent holds as a home ({@link #commit}), bytes.
     * @return how many entries the GMM applied.
     * @throws IllegalArgumentException when the count is not a multiple of 4.
     */
    public synchronized long restoreMemory(final int componentId, final IntArrayList entries, final long committedBytes)
    {
        if ((entries.size() & 3) != 0)
        {
            throw new IllegalArgumentException(entries.size() + " values are not (pid, vregion, role, peer) entries");
        }
        long applied = 0;
        int from = 0;
        do
        {
            final int to = Math.min(entries.size(), from + 4 * MAX_PIDS_PER_CHECK);
            final M2G_MEMORY_RESTOREEncoder e = memoryRestoreEncoder.wrapAndApplyHeader(request, 0, headerEncoder)
                .componentId(componentId).committedBytes(committedBytes);
            final M2G_MEMORY_RESTOREEncoder.EntriesEncoder group = e.entriesCount((to - from) / 4);
            for (int i = from; i < to; i += 4)
            {
                group.next().pid(entries.getInt(i)).vregion(entries.getInt(i + 1))
                    .role(HeldRole.get((short)entries.getInt(i + 2))).peerId(entries.getInt(i + 3));
            }
            callForAck(MessageHeaderEncoder.ENCODED_LENGTH + e.encodedLength());
            applied += ackDecoder.value();
            from = to;
        }
        while (from < entries.size());
        return applied;
    }

    /**
     * M2G_COMMIT: a home asks for a new commit grant (idempotent: it names its total, so it is sent again after a
     * timeout within the retry window).
     *
     * @param componentId the home's id.
     * @param neededBytes what its processes will have committed, bytes.
     * @param wantedBytes {@code neededBytes} plus the slack it would like, bytes.
     * @param force       grant {@code neededBytes} even past the limit (a commit that already exists).
     * @return the grant.
     * @throws org.legoemu.fabric.RemoteErrorException ENOMEM (12) when the cluster's limit leaves less than
     *                                                 {@code neededBytes}.
     */
    public synchronized CommitGrant commit(
        final int componentId, final long neededBytes, final long wantedBytes, final boolean force)
    {
        commitEncoder.wrapAndApplyHeader(request, 0, headerEncoder).componentId(componentId)
            .neededBytes(neededBytes).wantedBytes(wantedBytes).force((short)(force ? 1 : 0));
        callRetried(MessageHeaderEncoder.ENCODED_LENGTH + commitEncoder.encodedLength(),
            G2M_COMMIT_REPLYDecoder.TEMPLATE_ID);
        commitReplyDecoder.wrapAndApplyHeader(reply.buffer(), 0, reply.header());
        return new CommitGrant(commitReplyDecoder.grantedBytes(), commitReplyDecoder.limitBytes(),
            commitReplyDecoder.committedBytes());
    }

    /**
     * M2G_PROCESS_CHECK: which of {@code pids} the GMM placed once and has forgotten since (the process exited or
     * was reaped). A pid it places now, or never placed (for instance one whose placement it has not made yet), is
     * not listed.
     *
     * @param componentId the asking mComponent's id (for the GMM's log).
     * @param pids        at most {@value #MAX_PIDS_PER_CHECK} pids.
     * @param unknown     cleared, then receives the forgotten pids.
     * @throws IllegalArgumentException for more than {@value #MAX_PIDS_PER_CHECK} pids.
     */
    public synchronized void processCheck(final int componentId, final IntArrayList pids, final IntArrayList unknown)
    {
        if (pids.size() > MAX_PIDS_PER_CHECK)
        {
            throw new IllegalArgumentException(pids.size() + " pids in one check, at most " + MAX_PIDS_PER_CHECK);
        }
        final M2G_PROCESS_CHECKEncoder e = processCheckEncoder.wrapAndApplyHeader(request, 0, headerEncoder)
            .componentId(componentId);
        final M2G_PROCESS_CHECKEncoder.PidsEncoder group = e.pidsCount(pids.size());
        for (int i = 0; i < pids.size(); i++)
        {
            group.next().pid(pids.getInt(i));
        }
        call(MessageHeaderEncoder.ENCODED_LENGTH + e.encodedLength(), G2M_PROCESS_CHECK_REPLYDecoder.TEMPLATE_ID);
        final G2M_PROCESS_CHECK_REPLYDecoder d =
            processCheckReplyDecoder.wrapAndApplyHeader(reply.buffer(), 0, reply.header());
        unknown.clear();
        for (final G2M_PROCESS_CHECK_REPLYDecoder.UnknownPidsDecoder u : d.unknownPids())
        {
            unknown.addInt(u.pid());
        }
    }

    /** C2G_STATUS: every registered component, in id order, and the GMM's uptime. */
    public synchronized ClusterStatus status()
    {
        statusEncoder.wrapAndApplyHeader(request, 0, headerEncoder).flags(0);
        callRetried(MessageHeaderEncoder.ENCODED_LENGTH + statusEncoder.encodedLength(), G2C_STATUSDecoder.TEMPLATE_ID);
        final G2C_STATUSDecoder d = statusDecoder.wrapAndApplyHeader(reply.buffer(), 0, reply.header());
        final long uptimeNs = d.uptimeNs();
        final List<ComponentStatus> components = new ArrayList<>();
        for (final G2C_STATUSDecoder.ComponentsDecoder c : d.components())
        {
            final int componentId = c.componentId();
            final ComponentKind kind = c.kind();
            final ComponentState state = c.state();
            final long load = c.load();
            final long capacityBytes = c.capacityBytes();
            final long registeredAtNs = c.registeredAtNs();
            final long threads = c.threads();
            final long excacheLinesUsed = c.excacheLinesUsed();
            final long vregionsOwned = c.vregionsOwned();
            final long bytesStored = c.bytesStored();
            final Endpoint address = Endpoint.parse(c.address());
            components.add(new ComponentStatus(componentId, kind, state, load, capacityBytes, registeredAtNs, address,
                threads, excacheLinesUsed, vregionsOwned, bytesStored));
        }
        return new ClusterStatus(uptimeNs, List.copyOf(components), d.fabricModel());
    }

    private ComponentAddress lookup(final int componentId, final ComponentKind kind)
    {
        lookupEncoder.wrapAndApplyHeader(request, 0, headerEncoder).componentId(componentId).kind(kind);
        callRetried(MessageHeaderEncoder.ENCODED_LENGTH + lookupEncoder.encodedLength(), G2X_COMPONENTDecoder.TEMPLATE_ID);
        final G2X_COMPONENTDecoder d = componentDecoder.wrapAndApplyHeader(reply.buffer(), 0, reply.header());
        final int id = d.componentId();
        final ComponentKind foundKind = d.kind();
        final ComponentState state = d.state();
        return new ComponentAddress(id, foundKind, state, Endpoint.parse(d.address()));
    }

    private VRegionOwner decodeOwner()
    {
        final G2X_VREGION_OWNERDecoder d = ownerDecoder.wrapAndApplyHeader(reply.buffer(), 0, reply.header());
        final int pid = d.pid();
        final int vregion = d.vregion();
        final int ownerId = d.ownerMComponentId();
        final int secondaryId = d.secondaryMComponentId();
        final Endpoint ownerAddress = Endpoint.parse(d.ownerAddress());
        final String secondaryAddress = d.secondaryAddress();
        return new VRegionOwner(pid, vregion, ownerId, ownerAddress, secondaryId,
            secondaryId < 0 || secondaryAddress.isEmpty() ? null : Endpoint.parse(secondaryAddress));
    }

    private void callForAck(final int length)
    {
        call(length, AckDecoder.TEMPLATE_ID);
        ackDecoder.wrapAndApplyHeader(reply.buffer(), 0, reply.header());
    }

    private void call(final int length, final int expectedTemplateId)
    {
        ProxyCalls.call(client, request, length, reply, timeoutNs, "GMM", expectedTemplateId);
    }

    private void callForAckRetried(final int length)
    {
        callRetried(length, AckDecoder.TEMPLATE_ID);
        ackDecoder.wrapAndApplyHeader(reply.buffer(), 0, reply.header());
    }

    /**
     * A query that asking twice answers the same (X2G_LOOKUP_COMPONENT, P2G_PROCESS_LOOKUP, P2G_VREGION_LOOKUP,
     * M2G_VREGION_ALLOC, which assigns once, M2G_HOME_STANDBY, C2G_STATUS): sent again after a timeout (a lost
     * request or reply, a partition that heals) until {@link #retryWindowNs} has passed since the first attempt.
     */
    private void callRetried(final int length, final int expectedTemplateId)
    {
        final long firstNs = System.nanoTime();
        while (true)
        {
            try
            {
                call(length, expectedTemplateId);
                return;
            }
            catch (final FabricException ex)
            {
                if (ex instanceof RemoteErrorException || ex.errno() != Errnos.ETIMEDOUT ||
                    System.nanoTime() - firstNs >= retryWindowNs)
                {
                    throw ex;
                }
            }
        }
    }
}
