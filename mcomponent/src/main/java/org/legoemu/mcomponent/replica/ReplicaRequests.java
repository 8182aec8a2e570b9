package org.legoemu.mcomponent.replica;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.legoemu.abi.linux.Errno;
import org.legoemu.fabric.Responder;
import org.legoemu.fabric.sbe.AckEncoder;
import org.legoemu.fabric.sbe.G2M_PROMOTEDecoder;
import org.legoemu.fabric.sbe.G2M_PROMOTE_HOMEDecoder;
import org.legoemu.fabric.sbe.G2M_RESEEDDecoder;
import org.legoemu.fabric.sbe.M2M_HOME_CHECKPOINTDecoder;
import org.legoemu.fabric.sbe.M2M_REPLICA_APPENDDecoder;
import org.legoemu.fabric.sbe.M2M_REPLICA_DROPDecoder;
import org.legoemu.fabric.sbe.MessageHeaderDecoder;
import org.legoemu.fabric.sbe.MessageHeaderEncoder;
import org.legoemu.fabric.sbe.ReplicaRecord;
import org.legoemu.fabric.sbe.VmaOp;
import org.legoemu.mcomponent.home.HomeCheckpoint;
import org.legoemu.mcomponent.home.ProcessHomes;
import org.legoemu.mcomponent.owner.OwnedPages;
import org.legoemu.mcomponent.owner.ProcessPages;
import org.legoemu.mcomponent.vm.AddressLayout;
import org.legoemu.mcomponent.vm.Vma;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The replication side of an mComponent's requests (LegoOS §4.7). It serves the replication requests: as a secondary,
 * M2M_REPLICA_APPEND into the process's {@link ReplicaLog} and M2M_REPLICA_DROP at its exit; as a home standby,
 * M2M_HOME_CHECKPOINT; and the GMM's failover orders: G2M_PROMOTE (rebuild a vRegion from the log and become its
 * primary, then seed its new secondary), G2M_RESEED (seed a new secondary of a vRegion this monitor is primary of) and
 * G2M_PROMOTE_HOME (become a process's home from its last checkpoint). And it decides what an owner request must
 * replicate before it is answered: a stored page or an applied VMA change of a replicated vRegion
 * ({@link #pageStored}, {@link #vmaApplied}), a forked child's pages ({@link #fork}), a process's exit
 * ({@link #releaseOwnerSide}). Without replication (no logs, no {@link Replicator}) the replication requests are not
 * served and owner requests replicate nothing. Runs where {@code MemoryAdapter} runs, under the monitor's state lock.
 */
public final class ReplicaRequests
{
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaRequests.class);

    private final OwnedPages stores;
    private final ReplicaLogs logs;
    private final Replicator replicator;
    private final ProcessHomes homes;
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final M2M_REPLICA_APPENDDecoder append = new M2M_REPLICA_APPENDDecoder();
    private final M2M_REPLICA_DROPDecoder drop = new M2M_REPLICA_DROPDecoder();
    private final M2M_HOME_CHECKPOINTDecoder checkpoint = new M2M_HOME_CHECKPOINTDecoder();
    private final G2M_PROMOTEDecoder promote = new G2M_PROMOTEDecoder();
    private final G2M_RESEEDDecoder reseed = new G2M_RESEEDDecoder();
    private final G2M_PROMOTE_HOMEDecoder promoteHome = new G2M_PROMOTE_HOMEDecoder();
    private final AckEncoder ack = new AckEncoder();
    private final UnsafeBuffer pageView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer ackBuffer = new UnsafeBuffer(new byte[64]);
    private final byte[] scratch = new byte[(int)AddressLayout.PAGE_SIZE];

    /**
     * @param stores     the processes this monitor stores pages for.
     * @param logs       the logs this monitor keeps as a secondary; null for none (replication requests are then not
     *                   served).
     * @param replicator replicates the changes of replicated vRegions before they are answered; null for none.
     * @param homes      the processes this monitor is home of (G2M_PROMOTE_HOME).
     */
    public ReplicaRequests(
        final OwnedPages stores, final ReplicaLogs logs, final Replicator replicator, final ProcessHomes homes)
    {
        this.stores = stores;
        this.logs = logs;
        this.replicator = replicator;
        this.homes = homes;
    }

    /**
     * Serves {@code templateId} if it is a replication request.
     *
     * @return false when it is not one (nothing was answered).
     */
    public boolean serve(
        final int templateId, final DirectBuffer buffer, final int offset, final int end,
        final MessageHeaderDecoder header, final Responder r)
    {
        if (logs == null)
        {
            return false;
        }
        switch (templateId)
        {
            case M2M_REPLICA_APPENDDecoder.TEMPLATE_ID:
                onAppend(buffer, offset, end, header, r);
                return true;
            case M2M_REPLICA_DROPDecoder.TEMPLATE_ID:
                replyAck(r, logs.release(drop.wrapAndApplyHeader(buffer, offset, header).pid()));
                return true;
            case M2M_HOME_CHECKPOINTDecoder.TEMPLATE_ID:
                onCheckpoint(buffer, offset, end, header, r);
                return true;
            case G2M_PROMOTEDecoder.TEMPLATE_ID:
                promote.wrapAndApplyHeader(buffer, offset, header);
                replyAck(r, onPromote(promote.pid(), promote.vregion(), promote.newSecondaryId(),
                    promote.pcomponentId()));
                return true;
            case G2M_RESEEDDecoder.TEMPLATE_ID:
                reseed.wrapAndApplyHeader(buffer, offset, header);
                if (replicator == null)
                {
                    r.error(Errno.EINVAL, "replication is not running on this mComponent");
                    return true;
                }
                final int ackLength = encodeAck(0);
                replicator.reseed(reseed.pid(), reseed.vregion(), reseed.newSecondaryId(), r.defer(), ackBuffer,
                    ackLength);
                return true;
            case G2M_PROMOTE_HOMEDecoder.TEMPLATE_ID:
                promoteHome.wrapAndApplyHeader(buffer, offset, header);
                onPromoteHome(promoteHome.pid(), promoteHome.newStandbyId(), r);
                return true;
            default:
                return false;
        }
    }

    /**
     * The record replicating the page at {@code vaddr} of {@code pid} just stored here (a flush, a piggybacked
     * write-back, M2M_PAGE_STORE), or null when it needs none (no replication, or its vRegion is not replicated): the
     * request is then answered at once. See {@link Replicator#pageStored}.
     */
    public Replicator.Record pageStored(final int pid, final long vaddr, final DirectBuffer page)
    {
        final ProcessPages store = replicator == null ? null : stores.get(pid);
        return store == null ? null : replicator.pageStored(store, vaddr, page);
    }

    /**
     * The record replicating a VMA change just applied to {@code store} (M2M_VMA_UPDATE), or null when it needs
     * none; see {@link Replicator#vmaApplied}.
     */
    public Replicator.Record vmaApplied(
        final ProcessPages store, final VmaOp op, final long start, final long end, final int prot)
    {
        return replicator == null ? null : replicator.vmaApplied(store, op, start, end, prot);
    }

    /**
     * M2M_FORK at an owner: the child's pages here become a copy of the parent's (see {@link OwnedPages#fork}), and
     * the secondaries of the child's vRegions here are seeded.
     *
     * @return the number of frames copied, or -ENOMEM (the child then holds nothing here).
     */
    public int fork(final int parentPid, final int childPid, final int pcomponentId)
    {
        final int copied = stores.fork(parentPid, childPid, pcomponentId);
        final ProcessPages child = copied < 0 ? null : stores.get(childPid);
        if (replicator != null && child != null)
        {
            replicator.seedAll(child);
        }
        return copied;
    }

    /**
     * M2M_PROCESS_EXIT at an owner: frees the process's frames here, drops its logs here and, if it held pages here,
     * on the secondaries it replicated them to.
     *
     * @return the number of frames freed.
     */
    public long releaseOwnerSide(final int pid)
    {
        final boolean held = stores.get(pid) != null;
        final long freed = stores.release(pid);
        if (logs != null)
        {
            logs.release(pid);
        }
        if (held && replicator != null)
        {
            replicator.processExit(pid);
        }
        return freed;
    }

    private void onAppend(
        final DirectBuffer buffer, final int offset, final int end, final MessageHeaderDecoder header,
        final Responder r)
    {
        append.wrapAndApplyHeader(buffer, offset, header);
        final int pid = append.pid();
        final int pcomponentId = append.pcomponentId();
        final ReplicaRecord record = append.record();
        final boolean reset = append.reset() == 1;
        final int vregion = append.vregion();
        final VmaOp op = append.op();
        final long start = append.start();
        final long vmaEnd = append.end();
        final int prot = append.prot();
        append.wrapPage(pageView);
        if (append.limit() > end)
        {
            r.error(Errno.EPROTO, "truncated M2M_REPLICA_APPEND");
            return;
        }
        if (vregion < 0 || vregion >= AddressLayout.VREGION_COUNT)
        {
            r.error(Errno.EINVAL, "vregion " + vregion + " out of range");
            return;
        }
        final ReplicaLog log = logs.getOrCreate(pid, pcomponentId);
        if (reset)
        {
            log.reset(vregion);
        }
        if (record == ReplicaRecord.PAGE)
        {
            if (pageView.capacity() != AddressLayout.PAGE_SIZE || !AddressLayout.isPageAligned(start))
            {
                r.error(Errno.EINVAL, "replica page of " + pageView.capacity() + " bytes at 0x" +
                    Long.toHexString(start));
                return;
            }
            final int result = log.appendPage(start, pageView, 0);
            if (result < 0)
            {
                r.error(-result, "replica log of pid " + pid + " is waiting for its backup");
                return;
            }
        }
        else if (record == ReplicaRecord.VMA && op != VmaOp.NULL_VAL && AddressLayout.isPageAligned(start) &&
            AddressLayout.isPageAligned(vmaEnd) && start < vmaEnd)
        {
            log.appendVma(op, start, vmaEnd, prot);
        }
        else
        {
            r.error(Errno.EINVAL, "bad replica record " + record + " " + op);
            return;
        }
        replyAck(r, 0);
    }

    private void onCheckpoint(
        final DirectBuffer buffer, final int offset, final int end, final MessageHeaderDecoder header,
        final Responder r)
    {
        checkpoint.wrapAndApplyHeader(buffer, offset, header);
        final int pid = checkpoint.pid();
        final int pcomponentId = checkpoint.pcomponentId();
        final long brkStart = checkpoint.brkStart();
        final long brk = checkpoint.brk();
        final List<Vma> vmas = new ArrayList<>();
        for (final M2M_HOME_CHECKPOINTDecoder.VmasDecoder v : checkpoint.vmas())
        {
            vmas.add(new Vma(v.start(), v.end(), v.prot(), v.flags()));
        }
        if (checkpoint.limit() > end)
        {
            r.error(Errno.EPROTO, "truncated M2M_HOME_CHECKPOINT");
            return;
        }
        logs.checkpoint(new HomeCheckpoint(pid, pcomponentId, brkStart, brk, List.copyOf(vmas)));
        replyAck(r, 0);
    }

    /**
     * G2M_PROMOTE: rebuilds the vRegion from the log into this monitor's store, then seeds the new secondary before
     * answering, so the GMM names this monitor owner only once the vRegion is replicated again.
     */
    private long onPromote(final int pid, final int vregion, final int newSecondaryId, final int pcomponentId)
    {
        final ReplicaLog log = logs.get(pid);
        final ProcessPages store = stores.getOrCreate(pid, pcomponentId);
        final int pages = log == null ? 0 : log.promote(vregion, store, logs.storage(), scratch);
        LOG.info("pid {} vregion {}: promoted to primary with {} pages from the log; new secondary {}", pid,
            vregion, pages, newSecondaryId);
        if (replicator != null)
        {
            replicator.reseedAndWait(pid, vregion, newSecondaryId);
        }
        return pages;
    }

    private void onPromoteHome(final int pid, final int newStandbyId, final Responder r)
    {
        if (homes.find(pid) != null)
        {
            homes.restandby(pid, newStandbyId);
            LOG.info("pid {}: its home standby died; checkpointed to new standby {}", pid, newStandbyId);
            replyAck(r, 0);
            return;
        }
        final HomeCheckpoint last = logs.checkpoint(pid);
        if (last == null)
        {
            r.error(Errno.ENOENT, "no home checkpoint of pid " + pid + " here");
            return;
        }
        homes.adopt(last, newStandbyId);
        logs.forgetCheckpoint(pid);
        LOG.info("pid {}: now its home, from a checkpoint of {} VMAs; new standby {}", pid, last.vmas().size(),
            newStandbyId);
        replyAck(r, 0);
    }

    private int encodeAck(final long value)
    {
        ack.wrapAndApplyHeader(ackBuffer, 0, headerEncoder).value(value);
        return MessageHeaderEncoder.ENCODED_LENGTH + ack.encodedLength();
    }

    private void replyAck(final Responder r, final long value)
    {
        ack.wrapAndApplyHeader(r.buffer(), 0, headerEncoder).value(value);
        r.reply(MessageHeaderEncoder.ENCODED_LENGTH + ack.encodedLength());
    }
}
