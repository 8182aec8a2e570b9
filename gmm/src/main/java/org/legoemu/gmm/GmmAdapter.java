package org.legoemu.gmm;

import java.util.List;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Int2IntHashMap;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.legoemu.fabric.AdapterSupport;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.RequestHandler;
import org.legoemu.fabric.Responder;
import org.legoemu.fabric.sbe.AckEncoder;
import org.legoemu.fabric.sbe.C2G_PLACE_PROCESSDecoder;
import org.legoemu.fabric.sbe.C2G_STATUSDecoder;
import org.legoemu.fabric.sbe.ComponentKind;
import org.legoemu.fabric.sbe.G2C_PLACEMENTEncoder;
import org.legoemu.fabric.sbe.G2C_STATUSEncoder;
import org.legoemu.fabric.sbe.G2X_COMPONENTEncoder;
import org.legoemu.fabric.sbe.G2X_REGISTER_REPLYEncoder;
import org.legoemu.fabric.sbe.G2X_VREGION_OWNEREncoder;
import org.legoemu.fabric.sbe.G2M_COMMIT_REPLYEncoder;
import org.legoemu.fabric.sbe.M2G_COMMITDecoder;
import org.legoemu.fabric.sbe.M2G_HOME_STANDBYDecoder;
import org.legoemu.fabric.sbe.M2G_MEMORY_RESTOREDecoder;
import org.legoemu.fabric.sbe.M2G_REPLICA_REPLACEDecoder;
import org.legoemu.fabric.sbe.M2G_VREGION_ALLOCDecoder;
import org.legoemu.fabric.sbe.MessageHeaderDecoder;
import org.legoemu.fabric.sbe.MessageHeaderEncoder;
import org.legoemu.fabric.sbe.P2G_FORK_PLACEDecoder;
import org.legoemu.fabric.sbe.G2M_PROCESS_CHECK_REPLYEncoder;
import org.legoemu.fabric.sbe.M2G_PROCESS_CHECKDecoder;
import org.legoemu.fabric.sbe.P2G_PROCESS_LOOKUPDecoder;
import org.legoemu.fabric.sbe.P2G_PROCESS_RESTOREDecoder;
import org.legoemu.fabric.sbe.P2G_VREGION_LOOKUPDecoder;
import org.legoemu.fabric.sbe.X2G_DEREGISTERDecoder;
import org.legoemu.fabric.sbe.X2G_HEARTBEATDecoder;
import org.legoemu.fabric.sbe.X2G_LOOKUP_COMPONENTDecoder;
import org.legoemu.fabric.sbe.X2G_PROCESS_EXITDecoder;
import org.legoemu.fabric.sbe.X2G_REGISTERDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes GMM requests by templateId and dispatches them to {@link Membership}, {@link ProcessPlacement} and
 * {@link VRegionDirectory}; encodes the replies. Runs on the server's dispatch thread and holds the GMM state
 * lock while handling a request.
 * <p>
 * Unknown templateIds, a wrong schemaId or a truncated message get ErrorReply EPROTO; out-of-range field values get
 * EINVAL; both are logged with one line.
 */
public final class GmmAdapter implements RequestHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(GmmAdapter.class);

    private final Object lock;
    private final NanoClock clock;
    private final Membership membership;
    private final ProcessPlacement placement;
    private final VRegionDirectory vregions;
    private final CommitLedger commits;
    private final long startNs;

    private final UnsafeBuffer request = new UnsafeBuffer(0, 0);
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final X2G_REGISTERDecoder registerDecoder = new X2G_REGISTERDecoder();
    private final X2G_HEARTBEATDecoder heartbeatDecoder = new X2G_HEARTBEATDecoder();
    private final X2G_DEREGISTERDecoder deregisterDecoder = new X2G_DEREGISTERDecoder();
    private final X2G_LOOKUP_COMPONENTDecoder lookupDecoder = new X2G_LOOKUP_COMPONENTDecoder();
    private final C2G_STATUSDecoder statusDecoder = new C2G_STATUSDecoder();
    private final C2G_PLACE_PROCESSDecoder placeDecoder = new C2G_PLACE_PROCESSDecoder();
    private final M2G_VREGION_ALLOCDecoder vregionAllocDecoder = new M2G_VREGION_ALLOCDecoder();
    private final P2G_VREGION_LOOKUPDecoder vregionLookupDecoder = new P2G_VREGION_LOOKUPDecoder();
    private final X2G_PROCESS_EXITDecoder processExitDecoder = new X2G_PROCESS_EXITDecoder();
    private final P2G_PROCESS_LOOKUPDecoder processLookupDecoder = new P2G_PROCESS_LOOKUPDecoder();
    private final P2G_PROCESS_RESTOREDecoder processRestoreDecoder = new P2G_PROCESS_RESTOREDecoder();
    private final M2G_MEMORY_RESTOREDecoder memoryRestoreDecoder = new M2G_MEMORY_RESTOREDecoder();
    private final M2G_COMMITDecoder commitDecoder = new M2G_COMMITDecoder();
    private final G2M_COMMIT_REPLYEncoder commitReplyEncoder = new G2M_COMMIT_REPLYEncoder();
    private final M2G_REPLICA_REPLACEDecoder replicaReplaceDecoder = new M2G_REPLICA_REPLACEDecoder();
    private final M2G_HOME_STANDBYDecoder homeStandbyDecoder = new M2G_HOME_STANDBYDecoder();
    private final P2G_FORK_PLACEDecoder forkPlaceDecoder = new P2G_FORK_PLACEDecoder();
    private final AckEncoder ackEncoder = new AckEncoder();
    private final G2X_REGISTER_REPLYEncoder registerReplyEncoder = new G2X_REGISTER_REPLYEncoder();
    private final String fabricModel;
    private final G2X_COMPONENTEncoder componentEncoder = new G2X_COMPONENTEncoder();
    private final G2C_STATUSEncoder statusEncoder = new G2C_STATUSEncoder();
    private final G2C_PLACEMENTEncoder placementEncoder = new G2C_PLACEMENTEncoder();
    private final G2X_VREGION_OWNEREncoder ownerEncoder = new G2X_VREGION_OWNEREncoder();
    private final M2G_PROCESS_CHECKDecoder processCheckDecoder = new M2G_PROCESS_CHECKDecoder();
    private final G2M_PROCESS_CHECK_REPLYEncoder processCheckReplyEncoder = new G2M_PROCESS_CHECK_REPLYEncoder();
    private final IntArrayList forgotten = new IntArrayList();

    /**
     * @param lock       the GMM state lock, also taken by the failure detector and the public accessors.
     * @param clock      the GMM clock.
     * @param membership components.
     * @param placement  processes.
     * @param vregions   vRegion owners.
     * @param startNs    clock reading at GMM start, for uptime.
     * @param fabricModel the cluster's fabric profile name, told to members at registration and in status.
     */
    public GmmAdapter(
        final Object lock,
        final NanoClock clock,
        final Membership membership,
        final ProcessPlacement placement,
        final VRegionDirectory vregions,
        final long startNs)
    {
        this(lock, clock, membership, placement, vregions, startNs, GmmContext.DEFAULT_FABRIC_MODEL);
    }

    /** As the other constructor, with the cluster's fabric profile name {@code fabricModel}. */
    public GmmAdapter(
        final Object lock,
        final NanoClock clock,
        final Membership membership,
        final ProcessPlacement placement,
        final VRegionDirectory vregions,
        final long startNs,
        final String fabricModel)
    {
        this(lock, clock, membership, placement, vregions, new CommitLedger(membership), startNs, fabricModel);
    }

    /** As the other constructors, with the cluster-wide commit ledger {@code commits}. */
    public GmmAdapter(
        final Object lock,
        final NanoClock clock,
        final Membership membership,
        final ProcessPlacement placement,
        final VRegionDirectory vregions,
        final CommitLedger commits,
        final long startNs,
        final String fabricModel)
    {
        this.commits = commits;
        this.fabricModel = fabricModel;
        this.lock = lock;
        this.clock = clock;
        this.membership = membership;
        this.placement = placement;
        this.vregions = vregions;
        this.startNs = startNs;
    }

    @Override
    public void onRequest(final DirectBuffer buffer, final int offset, final int length, final Responder responder)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            reject(responder, Errnos.EPROTO, "message of " + length + " bytes is shorter than its header");
            return;
        }
        request.wrap(buffer, offset, length);
        headerDecoder.wrap(request, 0);
        final int templateId = headerDecoder.templateId();
        if (headerDecoder.schemaId() != MessageHeaderDecoder.SCHEMA_ID)
        {
            reject(responder, Errnos.EPROTO, "schemaId " + headerDecoder.schemaId() + " is not " +
                MessageHeaderDecoder.SCHEMA_ID);
            return;
        }
        try
        {
            synchronized (lock)
            {
                dispatch(templateId, responder);
            }
        }
        catch (final GmmException ex)
        {
            reject(responder, ex.errno(), ex.getMessage());
        }
        catch (final IndexOutOfBoundsException ex)
        {
            reject(responder, Errnos.EPROTO, "templateId " + templateId + " truncated: " + ex.getMessage());
        }
        catch (final IllegalArgumentException ex)
        {
            reject(responder, Errnos.EINVAL, "templateId " + templateId + ": " + ex.getMessage());
        }
        catch (final RuntimeException ex)
        {
            LOG.error("gmm request templateId {} failed", templateId, ex);
            responder.error(Errnos.EIO, "templateId " + templateId + ": " + ex);
        }
    }

    private void dispatch(final int templateId, final Responder responder)
    {
        switch (templateId)
        {
            case X2G_REGISTERDecoder.TEMPLATE_ID:
                checkBlockLength(X2G_REGISTERDecoder.BLOCK_LENGTH);
                registerDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
                onRegister(registerDecoder, responder);
                break;

            case X2G_HEARTBEATDecoder.TEMPLATE_ID:
                checkBlockLength(X2G_HEARTBEATDecoder.BLOCK_LENGTH);
                heartbeatDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
                onHeartbeat(heartbeatDecoder.componentId(), heartbeatDecoder.load(), heartbeatDecoder.recentRequests(),
                    heartbeatDecoder.framesFree(), new StatusFigures(heartbeatDecoder.threads(),
                    heartbeatDecoder.excacheLinesUsed(), heartbeatDecoder.bytesStored()), responder);
                break;

            case X2G_DEREGISTERDecoder.TEMPLATE_ID:
                checkBlockLength(X2G_DEREGISTERDecoder.BLOCK_LENGTH);
                deregisterDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
                onDeregister(deregisterDecoder.componentId(), responder);
                break;

            case X2G_LOOKUP_COMPONENTDecoder.TEMPLATE_ID:
                checkBlockLength(X2G_LOOKUP_COMPONENTDecoder.BLOCK_LENGTH);
                lookupDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
                onLookupComponent(lookupDecoder.componentId(), lookupDecoder.kindRaw(), responder);
                break;

            case C2G_STATUSDecoder.TEMPLATE_ID:
                checkBlockLength(C2G_STATUSDecoder.BLOCK_LENGTH);
                statusDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
                onStatus(responder);
                break;

            case C2G_PLACE_PROCESSDecoder.TEMPLATE_ID:
                checkBlockLength(C2G_PLACE_PROCESSDecoder.BLOCK_LENGTH);
                placeDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
                onPlaceProcess(responder);
                break;

            case P2G_PROCESS_LOOKUPDecoder.TEMPLATE_ID:
                checkBlockLength(P2G_PROCESS_LOOKUPDecoder.BLOCK_LENGTH);
                onProcessLookup(processLookupDecoder.wrapAndApplyHeader(request, 0, headerDecoder).pid(), responder);
                break;

            case M2G_REPLICA_REPLACEDecoder.TEMPLATE_ID:
            {
                checkBlockLength(M2G_REPLICA_REPLACEDecoder.BLOCK_LENGTH);
                final M2G_REPLICA_REPLACEDecoder d =
                    replicaReplaceDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
                final int pid = d.pid();
                final int vregion = d.vregion();
                final int owner = vregions.owner(pid, vregion);
                if (owner < 0)
                {
                    throw new GmmException(Errnos.EFAULT, "pid " + pid + " vregion " + vregion + " has no owner");
                }
                vregions.replaceSecondary(pid, vregion, d.unreachableId());
                replyOwner(pid, vregion, owner, responder);
                break;
            }

            case M2G_HOME_STANDBYDecoder.TEMPLATE_ID:
            {
                checkBlockLength(M2G_HOME_STANDBYDecoder.BLOCK_LENGTH);
                final M2G_HOME_STANDBYDecoder d = homeStandbyDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
                replyAck(responder, vregions.homeStandby(d.pid(), d.homeMComponentId()));
                break;
            }
            case P2G_FORK_PLACEDecoder.TEMPLATE_ID:
                checkBlockLength(P2G_FORK_PLACEDecoder.BLOCK_LENGTH);
                onForkPlace(forkPlaceDecoder.wrapAndApplyHeader(request, 0, headerDecoder).parentPid(), responder);
                break;

            case M2G_VREGION_ALLOCDecoder.TEMPLATE_ID:
                checkBlockLength(M2G_VREGION_ALLOCDecoder.BLOCK_LENGTH);
                vregionAllocDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
                onVRegionAlloc(
                    vregionAllocDecoder.pid(),
                    vregionAllocDecoder.homeMComponentId(),
                    vregionAllocDecoder.vregion(),
                    responder);
                break;

            case P2G_VREGION_LOOKUPDecoder.TEMPLATE_ID:
                checkBlockLength(P2G_VREGION_LOOKUPDecoder.BLOCK_LENGTH);
                vregionLookupDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
                onVRegionLookup(vregionLookupDecoder.pid(), vregionLookupDecoder.vregion(), responder);
                break;

            case X2G_PROCESS_EXITDecoder.TEMPLATE_ID:
                checkBlockLength(X2G_PROCESS_EXITDecoder.BLOCK_LENGTH);
                processExitDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
                onProcessExit(processExitDecoder.pid(), processExitDecoder.exitStatus(), responder);
                break;

            case P2G_PROCESS_RESTOREDecoder.TEMPLATE_ID:
                checkBlockLength(P2G_PROCESS_RESTOREDecoder.BLOCK_LENGTH);
                onProcessRestore(processRestoreDecoder.wrapAndApplyHeader(request, 0, headerDecoder), responder);
                break;

            case M2G_COMMITDecoder.TEMPLATE_ID:
            {
                checkBlockLength(M2G_COMMITDecoder.BLOCK_LENGTH);
                final M2G_COMMITDecoder d = commitDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
                final long granted = commits.grant(d.componentId(), d.neededBytes(), d.wantedBytes(), d.force() != 0);
                commitReplyEncoder.wrapAndApplyHeader(responder.buffer(), 0, headerEncoder)
                    .grantedBytes(granted)
                    .limitBytes(commits.limitBytes())
                    .committedBytes(commits.grantedBytes());
                responder.reply(MessageHeaderEncoder.ENCODED_LENGTH + commitReplyEncoder.encodedLength());
                break;
            }

            case M2G_MEMORY_RESTOREDecoder.TEMPLATE_ID:
                checkBlockLength(M2G_MEMORY_RESTOREDecoder.BLOCK_LENGTH);
                onMemoryRestore(memoryRestoreDecoder.wrapAndApplyHeader(request, 0, headerDecoder), responder);
                break;

            case M2G_PROCESS_CHECKDecoder.TEMPLATE_ID:
                checkBlockLength(M2G_PROCESS_CHECKDecoder.BLOCK_LENGTH);
                onProcessCheck(processCheckDecoder.wrapAndApplyHeader(request, 0, headerDecoder), responder);
                break;

            default:
                throw new GmmException(Errnos.EPROTO, "unknown templateId " + templateId);
        }
    }

    private void onRegister(final X2G_REGISTERDecoder decoder, final Responder responder)
    {
        final ComponentKind kind = ComponentKind.get(decoder.kindRaw());
        final long capacityBytes = decoder.capacityBytes();
        checkVarField(decoder.limit());
        final String address = decoder.address();
        if (kind == ComponentKind.NULL_VAL)
        {
            throw new GmmException(Errnos.EINVAL, "register without a kind");
        }
        if (capacityBytes < 0)
        {
            throw new GmmException(Errnos.EINVAL, "negative capacityBytes " + capacityBytes);
        }
        final int previousId = decoder.previousComponentId();
        final int highestPid = decoder.highestPid();
        final Endpoint endpoint = Endpoint.parse(address);
        final long nowNs = clock.nanoTime();
        final int componentId = membership.register(kind, capacityBytes, endpoint, nowNs, previousId);
        placement.reportedPid(highestPid,
            nowNs + membership.leaseNs(ComponentKind.PCOMPONENT) + membership.heartbeatIntervalNs());
        registerReplyEncoder.wrapAndApplyHeader(responder.buffer(), 0, headerEncoder)
            .componentId(componentId)
            .heartbeatIntervalNs(membership.heartbeatIntervalNs())
            .leaseNs(membership.leaseNs(kind))
            .fabricModel(fabricModel);
        responder.reply(MessageHeaderEncoder.ENCODED_LENGTH + registerReplyEncoder.encodedLength());
    }

    private void onHeartbeat(
        final int componentId, final long load, final long recentRequests, final long framesFree,
        final StatusFigures figures, final Responder responder)
    {
        if (recentRequests < 0 || framesFree < 0)
        {
            throw new GmmException(Errnos.EINVAL,
                "negative heartbeat figure: recentRequests " + recentRequests + ", framesFree " + framesFree);
        }
        membership.heartbeat(componentId, load, recentRequests, framesFree, clock.nanoTime());
        membership.statusFigures(componentId, figures);
        replyAck(responder, 0);
    }

    private void onDeregister(final int componentId, final Responder responder)
    {
        membership.deregister(componentId);
        replyAck(responder, 0);
    }

    private void onLookupComponent(final int componentId, final short kindRaw, final Responder responder)
    {
        final ComponentInfo info;
        if (componentId == -1)
        {
            final ComponentKind kind = ComponentKind.get(kindRaw);
            if (kind == ComponentKind.NULL_VAL)
            {
                throw new GmmException(Errnos.EINVAL, "lookup by kind without a kind");
            }
            info = membership.lookupLive(kind);
        }
        else
        {
            info = membership.lookup(componentId);
        }
        componentEncoder.wrapAndApplyHeader(responder.buffer(), 0, headerEncoder)
            .componentId(info.componentId())
            .kind(info.kind())
            .state(info.state())
            .address(info.address().toString());
        responder.reply(MessageHeaderEncoder.ENCODED_LENGTH + componentEncoder.encodedLength());
    }

    private void onStatus(final Responder responder)
    {
        final List<ComponentInfo> components = membership.components();
        final Int2IntHashMap vregionsOwned = vregions.ownedCounts();
        final MutableDirectBuffer out = responder.buffer();
        statusEncoder.wrapAndApplyHeader(out, 0, headerEncoder).uptimeNs(clock.nanoTime() - startNs);
        final G2C_STATUSEncoder.ComponentsEncoder group = statusEncoder.componentsCount(components.size());
        for (int i = 0, size = components.size(); i < size; i++)
        {
            final ComponentInfo info = components.get(i);
            group.next()
                .componentId(info.componentId())
                .kind(info.kind())
                .state(info.state())
                .load(info.load())
                .capacityBytes(info.capacityBytes())
                .registeredAtNs(info.registeredAtNs() - startNs)
                .threads(info.figures().threads())
                .excacheLinesUsed(info.figures().excacheLinesUsed())
                .vregionsOwned(vregionsOwned.get(info.componentId()))
                .bytesStored(info.figures().bytesStored())
                .address(info.address().toString());
        }
        statusEncoder.fabricModel(fabricModel);
        responder.reply(MessageHeaderEncoder.ENCODED_LENGTH + statusEncoder.encodedLength());
    }

    private void onPlaceProcess(final Responder responder)
    {
        replyPlacement(placement.place(), responder);
    }

    private void onForkPlace(final int parentPid, final Responder responder)
    {
        final ProcessPlacement.ProcessRecord child = placement.placeChild(parentPid);
        vregions.copy(parentPid, child.pid());
        replyPlacement(child, responder);
    }

    private void onProcessLookup(final int pid, final Responder responder)
    {
        final ProcessPlacement.ProcessRecord record = placement.process(pid);
        if (record == null)
        {
            throw new GmmException(Errnos.ESRCH, "no process " + pid + " is placed");
        }
        replyPlacement(record, responder);
    }

    private void replyPlacement(final ProcessPlacement.ProcessRecord record, final Responder responder)
    {
        placementEncoder.wrapAndApplyHeader(responder.buffer(), 0, headerEncoder)
            .pid(record.pid())
            .pcomponentId(record.pcomponentId())
            .homeMComponentId(record.homeMComponentId())
            .pcomponentAddress(membership.address(record.pcomponentId()).toString())
            .homeAddress(membership.address(record.homeMComponentId()).toString());
        responder.reply(MessageHeaderEncoder.ENCODED_LENGTH + placementEncoder.encodedLength());
    }

    private void onVRegionAlloc(final int pid, final int homeId, final int vregion, final Responder responder)
    {
        if (!membership.isKind(homeId, ComponentKind.MCOMPONENT))
        {
            throw new GmmException(Errnos.EINVAL, "home " + homeId + " is not a registered mcomponent");
        }
        final int owner = vregions.allocate(pid, homeId, vregion);
        replyOwner(pid, vregion, owner, responder);
    }

    private void onVRegionLookup(final int pid, final int vregion, final Responder responder)
    {
        final int owner = vregions.owner(pid, vregion);
        if (owner < 0)
        {
            if (vregions.isLost(pid, vregion))
            {
                throw new GmmException(Errnos.EHOSTDOWN, "pid " + pid + " vregion " + vregion +
                    " was lost with its mComponent (no replica)");
            }
            throw new GmmException(Errnos.EFAULT, "pid " + pid + " vregion " + vregion + " has no owner");
        }
        replyOwner(pid, vregion, owner, responder);
    }

    private void onProcessExit(final int pid, final int exitStatus, final Responder responder)
    {
        final boolean hadRegions = vregions.vregionCount(pid) > 0;
        vregions.forget(pid);
        if (placement.process(pid) != null)
        {
            placement.exit(pid, exitStatus);
        }
        else if (!hadRegions)
        {
            throw new GmmException(Errnos.ESRCH, "no process " + pid);
        }
        replyAck(responder, 0);
    }

    /**
     * P2G_PROCESS_RESTORE: a pComponent that registered again (this GMM restarted) runs these processes; each is
     * placed again ({@link ProcessPlacement#restore}), and a home that has not registered is expected
     * ({@link Membership#expect}: DEAD, and failed over, if it does not register within its lease). Ack with the
     * number restored.
     *
     * @throws GmmException ENOENT if the pComponent is not registered.
     */
    private void onProcessRestore(final P2G_PROCESS_RESTOREDecoder decoder, final Responder responder)
    {
        final int pcomponentId = decoder.componentId();
        if (!membership.isKind(pcomponentId, ComponentKind.PCOMPONENT))
        {
            throw new GmmException(Errnos.ENOENT, "no pcomponent " + pcomponentId);
        }
        long restored = 0;
        final long nowNs = clock.nanoTime();
        for (final P2G_PROCESS_RESTOREDecoder.ProcessesDecoder p : decoder.processes())
        {
            final int pid = p.pid();
            final int reportedHome = vregions.restoredHome(pid);
            final int homeId = reportedHome >= 0 ? reportedHome : p.homeMComponentId();
            membership.expect(homeId, ComponentKind.MCOMPONENT, nowNs);
            if (placement.restore(pid, pcomponentId, homeId))
            {
                restored++;
            }
            else
            {
                LOG.warn("pcomponent {} runs pid {}, which this GMM placed elsewhere or forgot: not placed again",
                    pcomponentId, pid);
            }
        }
        replyAck(responder, restored);
    }

    /**
     * M2G_MEMORY_RESTORE: an mComponent that registered again (this GMM restarted) tells what it holds; the vRegion
     * directory is rebuilt from it ({@link VRegionDirectory#restoreOwner} and the like), a process whose home
     * it is gets it as home (its home failed over before the restart), and its commit grant is recorded
     * ({@link CommitLedger#restore}). A secondary or home standby it names that has not registered is expected
     * ({@link Membership#expect}: DEAD, and replaced, if it does not register within its lease). Ack with the entries
     * applied.
     *
     * @throws GmmException ENOENT if the mComponent is not registered, EINVAL for a vRegion out of range.
     */
    private void onMemoryRestore(final M2G_MEMORY_RESTOREDecoder decoder, final Responder responder)
    {
        final int memberId = decoder.componentId();
        if (!membership.isKind(memberId, ComponentKind.MCOMPONENT))
        {
            throw new GmmException(Errnos.ENOENT, "no mcomponent " + memberId);
        }
        commits.restore(memberId, decoder.committedBytes());
        long applied = 0;
        final long nowNs = clock.nanoTime();
        for (final M2G_MEMORY_RESTOREDecoder.EntriesDecoder e : decoder.entries())
        {
            final int pid = e.pid();
            final int vregion = e.vregion();
            final int peerId = e.peerId();
            final boolean taken;
            switch (e.role())
            {
                case OWNER:
                    membership.expect(peerId, ComponentKind.MCOMPONENT, nowNs);
                    taken = vregions.restoreOwner(pid, vregion, memberId, peerId);
                    break;
                case SECONDARY:
                    taken = vregions.restoreSecondary(pid, vregion, memberId);
                    vregions.ownerlessSince(pid, vregion, nowNs);
                    break;
                case HOME:
                {
                    membership.expect(peerId, ComponentKind.MCOMPONENT, nowNs);
                    vregions.restoreHome(pid, memberId);
                    final ProcessPlacement.ProcessRecord r = placement.process(pid);
                    if (r != null && r.homeMComponentId() != memberId)
                    {
                        LOG.info("pid {}: home is mcomponent {} (failed over from {} before the GMM restart)", pid,
                            memberId, r.homeMComponentId());
                        placement.rehome(pid, memberId);
                    }
                    taken = peerId < -1 || vregions.restoreHomeStandby(pid, peerId, true);
                    break;
                }
                case HOME_STANDBY:
                    taken = vregions.restoreHomeStandby(pid, memberId, false);
                    break;
                default:
                    throw new GmmException(Errnos.EINVAL, "unknown role " + e.roleRaw());
            }
            if (taken)
            {
                applied++;
            }
        }
        replyAck(responder, applied);
    }

    /**
     * M2G_PROCESS_CHECK: lists the asked pids that were placed and are gone (see
     * {@link ProcessPlacement#isForgotten}), so the mComponent may free what it holds of them.
     */
    private void onProcessCheck(final M2G_PROCESS_CHECKDecoder decoder, final Responder responder)
    {
        final long nowNs = clock.nanoTime();
        forgotten.clear();
        for (final M2G_PROCESS_CHECKDecoder.PidsDecoder p : decoder.pids())
        {
            final int pid = p.pid();
            if (placement.isForgotten(pid, nowNs))
            {
                vregions.forget(pid);
                forgotten.addInt(pid);
            }
        }
        final G2M_PROCESS_CHECK_REPLYEncoder e =
            processCheckReplyEncoder.wrapAndApplyHeader(responder.buffer(), 0, headerEncoder);
        final G2M_PROCESS_CHECK_REPLYEncoder.UnknownPidsEncoder group = e.unknownPidsCount(forgotten.size());
        for (int i = 0; i < forgotten.size(); i++)
        {
            group.next().pid(forgotten.getInt(i));
        }
        responder.reply(MessageHeaderEncoder.ENCODED_LENGTH + e.encodedLength());
    }

    private void replyOwner(final int pid, final int vregion, final int owner, final Responder responder)
    {
        final int secondary = vregions.secondary(pid, vregion);
        ownerEncoder.wrapAndApplyHeader(responder.buffer(), 0, headerEncoder)
            .pid(pid)
            .vregion(vregion)
            .ownerMComponentId(owner)
            .secondaryMComponentId(secondary)
            .ownerAddress(membership.address(owner).toString())
            .secondaryAddress(secondary < 0 ? "" : membership.address(secondary).toString());
        responder.reply(MessageHeaderEncoder.ENCODED_LENGTH + ownerEncoder.encodedLength());
    }

    private void replyAck(final Responder responder, final long value)
    {
        ackEncoder.wrapAndApplyHeader(responder.buffer(), 0, headerEncoder).value(value);
        responder.reply(MessageHeaderEncoder.ENCODED_LENGTH + ackEncoder.encodedLength());
    }

    private void checkBlockLength(final int expectedBlockLength)
    {
        final String error = AdapterSupport.blockLengthError(headerDecoder, request, expectedBlockLength);
        if (error != null)
        {
            throw new GmmException(Errnos.EPROTO, error);
        }
    }

    private void checkVarField(final int limit)
    {
        final String error = AdapterSupport.varFieldError(headerDecoder, request, limit);
        if (error != null)
        {
            throw new GmmException(Errnos.EPROTO, error);
        }
    }

    private static void reject(final Responder responder, final int errno, final String text)
    {
        if (errno == Errnos.EPROTO || errno == Errnos.EINVAL)
        {
            LOG.warn("gmm request rejected: errno {}: {}", errno, text);
        }
        else
        {
            LOG.debug("gmm request refused: errno {}: {}", errno, text);
        }
        responder.error(errno, text);
    }
}
