package org.legoemu.mcomponent;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.legoemu.abi.linux.Errno;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.RequestHandler;
import org.legoemu.fabric.Responder;
import org.legoemu.fabric.proxy.ExecImage;
import org.legoemu.fabric.proxy.NulStrings;
import org.legoemu.fabric.sbe.AckEncoder;
import org.legoemu.fabric.sbe.ErrorReplyEncoder;
import org.legoemu.fabric.sbe.M2M_FORKDecoder;
import org.legoemu.fabric.sbe.M2M_PAGE_STOREDecoder;
import org.legoemu.fabric.sbe.M2M_PROCESS_EXITDecoder;
import org.legoemu.fabric.sbe.M2M_VMA_UPDATEDecoder;
import org.legoemu.fabric.sbe.M2P_EXECVE_REPLYEncoder;
import org.legoemu.fabric.sbe.M2P_PCACHE_LINEEncoder;
import org.legoemu.fabric.sbe.M2P_VM_REPLYEncoder;
import org.legoemu.fabric.sbe.MessageHeaderDecoder;
import org.legoemu.fabric.sbe.MessageHeaderEncoder;
import org.legoemu.fabric.sbe.P2M_BRKDecoder;
import org.legoemu.fabric.sbe.P2M_EXECVEDecoder;
import org.legoemu.fabric.sbe.P2M_FORKDecoder;
import org.legoemu.fabric.sbe.P2M_MADVISEDecoder;
import org.legoemu.fabric.sbe.P2M_MMAPDecoder;
import org.legoemu.fabric.sbe.P2M_MMAP_FILEDecoder;
import org.legoemu.fabric.sbe.P2M_MPROTECTDecoder;
import org.legoemu.fabric.sbe.P2M_MREMAPDecoder;
import org.legoemu.fabric.sbe.P2M_MUNMAPDecoder;
import org.legoemu.fabric.sbe.P2M_PCACHE_FLUSHDecoder;
import org.legoemu.fabric.sbe.P2M_PCACHE_MISSDecoder;
import org.legoemu.fabric.sbe.P2M_PROCESS_EXITDecoder;
import org.legoemu.fabric.sbe.VmaOp;
import org.legoemu.mcomponent.home.AddressSpace;
import org.legoemu.mcomponent.home.ProcessHomes;
import org.legoemu.mcomponent.owner.FramePool;
import org.legoemu.mcomponent.owner.OwnedPages;
import org.legoemu.mcomponent.owner.ProcessPages;
import org.legoemu.mcomponent.replica.ReplicaLogs;
import org.legoemu.mcomponent.replica.ReplicaRequests;
import org.legoemu.mcomponent.replica.Replicator;
import org.legoemu.mcomponent.vm.AddressLayout;
import org.legoemu.mcomponent.vm.Mman;
import org.legoemu.mcomponent.vm.VmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes every request an mComponent serves by templateId and dispatches it: the HOME requests (P2M_EXECVE,
 * P2M_MMAP, P2M_MUNMAP, P2M_BRK, P2M_MPROTECT, P2M_PROCESS_EXIT) to {@link ProcessHomes}, the OWNER requests
 * (P2M_PCACHE_MISS, P2M_PCACHE_FLUSH, M2M_VMA_UPDATE, M2M_PAGE_STORE, M2M_PROCESS_EXIT) to {@link OwnedPages},
 * the replication requests and the replication side of owner requests to {@link ReplicaRequests}. It decodes and
 * dispatches only: what a request does, and whether it must be replicated first, is decided by those role classes.
 * Every request gets one reply: its reply message, Ack, or ErrorReply with a Linux errno. The message header was
 * checked once before this handler runs ({@link org.legoemu.fabric.transport.RequestValidator}, by every
 * transport); a truncated body or an unknown template gets ErrorReply EPROTO and one log line, as at the other
 * monitors. A miss or flush claiming a pComponent other than the one the process runs on (the home learnt it at
 * P2M_EXECVE and tells every owner in M2M_VMA_UPDATE / M2M_PAGE_STORE) gets ErrorReply EPERM and one WARN line
 * ({@link OwnedPages#runsElsewhere}).
 *
 * <p>Runs under the monitor's state lock ({@link HomeThreadDispatch}), on the dispatch, home or failover thread or,
 * over the in-JVM fabric, on the caller's thread. The miss and flush paths allocate nothing on success.
 */
final class MemoryAdapter implements RequestHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(MemoryAdapter.class);
    private static final int LINE_SIZE = (int)AddressLayout.PAGE_SIZE;

    private final ProcessHomes homes;
    private final OwnedPages stores;
    private final FramePool pool;
    private final ReplicaRequests replicas;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final P2M_EXECVEDecoder execve = new P2M_EXECVEDecoder();
    private final P2M_PCACHE_MISSDecoder miss = new P2M_PCACHE_MISSDecoder();
    private final P2M_PCACHE_FLUSHDecoder flush = new P2M_PCACHE_FLUSHDecoder();
    private final P2M_MMAPDecoder mmap = new P2M_MMAPDecoder();
    private final P2M_MUNMAPDecoder munmap = new P2M_MUNMAPDecoder();
    private final P2M_BRKDecoder brk = new P2M_BRKDecoder();
    private final P2M_MPROTECTDecoder mprotect = new P2M_MPROTECTDecoder();
    private final P2M_MADVISEDecoder madvise = new P2M_MADVISEDecoder();
    private final P2M_MMAP_FILEDecoder mmapFile = new P2M_MMAP_FILEDecoder();
    private final P2M_MREMAPDecoder mremap = new P2M_MREMAPDecoder();
    private final P2M_PROCESS_EXITDecoder processExit = new P2M_PROCESS_EXITDecoder();
    private final M2M_VMA_UPDATEDecoder vmaUpdate = new M2M_VMA_UPDATEDecoder();
    private final M2M_PAGE_STOREDecoder pageStore = new M2M_PAGE_STOREDecoder();
    private final M2M_PROCESS_EXITDecoder ownerExit = new M2M_PROCESS_EXITDecoder();
    private final P2M_FORKDecoder fork = new P2M_FORKDecoder();
    private final M2M_FORKDecoder ownerFork = new M2M_FORKDecoder();
    private final AckEncoder ack = new AckEncoder();
    private final ErrorReplyEncoder errorReply = new ErrorReplyEncoder();
    private final M2P_VM_REPLYEncoder vmReply = new M2P_VM_REPLYEncoder();
    private final M2P_EXECVE_REPLYEncoder execveReply = new M2P_EXECVE_REPLYEncoder();
    private final M2P_PCACHE_LINEEncoder line = new M2P_PCACHE_LINEEncoder();
    private final UnsafeBuffer dataView = new UnsafeBuffer(0, 0);
    private final Replicator replicator;

    /**
     * An mComponent without replication.
     *
     * @param homes  the processes this monitor is home of.
     * @param stores the processes this monitor stores pages for.
     */
    public MemoryAdapter(final ProcessHomes homes, final OwnedPages stores)
    {
        this(homes, stores, null, null);
    }

    /**
     * @param homes      the processes this monitor is home of.
     * @param stores     the processes this monitor stores pages for.
     * @param replicator replicates the changes of replicated vRegions before they are answered; null for none.
     * @param logs       the logs this monitor keeps as a secondary; null for none (replication requests are then
     *                   answered EPROTO, as unknown templates).
     */
    public MemoryAdapter(
        final ProcessHomes homes, final OwnedPages stores, final Replicator replicator, final ReplicaLogs logs)
    {
        this.homes = homes;
        this.stores = stores;
        this.pool = stores.pool();
        this.replicator = replicator;
        this.replicas = new ReplicaRequests(stores, logs, replicator, homes);
    }

    /** {@inheritDoc} */
    @Override
    public void onRequest(final DirectBuffer buffer, final int offset, final int length, final Responder responder)
    {
        header.wrap(buffer, offset);
        final int templateId = header.templateId();
        try
        {
            dispatch(templateId, buffer, offset, length, responder);
        }
        catch (final VmException ex)
        {
            responder.error(ex.errno(), ex.getMessage());
        }
        catch (final FabricException ex)
        {
            responder.error(ex.errno(), ex.getMessage());
        }
        catch (final IndexOutOfBoundsException | IllegalArgumentException | IllegalStateException ex)
        {
            protocolError(responder, "malformed templateId " + templateId + ": " + ex.getMessage());
        }
    }

    private void dispatch(
        final int templateId, final DirectBuffer buffer, final int offset, final int length, final Responder r)
    {
        final int end = offset + length;
        switch (templateId)
        {
            case P2M_PCACHE_MISSDecoder.TEMPLATE_ID:
                onPcacheMiss(buffer, offset, end, r);
                break;
            case P2M_PCACHE_FLUSHDecoder.TEMPLATE_ID:
                flush.wrapAndApplyHeader(buffer, offset, header);
                final DirectBuffer flushed = wrapData(flush, end);
                if (!refused(flush.pid(), flush.pcomponentId(), "flush", r))
                {
                    onStore(flush.pid(), flush.vaddr(), flushed, r);
                }
                break;
            case M2M_PAGE_STOREDecoder.TEMPLATE_ID:
                pageStore.wrapAndApplyHeader(buffer, offset, header);
                final DirectBuffer stored = wrapData(pageStore, end);
                stores.placedOn(pageStore.pid(), pageStore.pcomponentId());
                onStore(pageStore.pid(), pageStore.vaddr(), stored, r);
                break;
            case M2M_VMA_UPDATEDecoder.TEMPLATE_ID:
                vmaUpdate.wrapAndApplyHeader(buffer, offset, header);
                onVmaUpdate(vmaUpdate.pid(), vmaUpdate.pcomponentId(), vmaUpdate.op(), vmaUpdate.start(),
                    vmaUpdate.end(), vmaUpdate.prot(), r);
                break;
            case M2M_PROCESS_EXITDecoder.TEMPLATE_ID:
                ownerExit.wrapAndApplyHeader(buffer, offset, header);
                replyAck(r, replicas.releaseOwnerSide(ownerExit.pid()));
                break;
            case M2M_FORKDecoder.TEMPLATE_ID:
            {
                ownerFork.wrapAndApplyHeader(buffer, offset, header);
                final int copied =
                    replicas.fork(ownerFork.parentPid(), ownerFork.childPid(), ownerFork.pcomponentId());
                if (copied < 0)
                {
                    r.error(-copied, "out of memory frames copying pid " + ownerFork.parentPid() + " to pid " +
                        ownerFork.childPid());
                }
                else
                {
                    replyAck(r, copied);
                }
                break;
            }
            case P2M_FORKDecoder.TEMPLATE_ID:
                fork.wrapAndApplyHeader(buffer, offset, header);
                replyAck(r, homes.fork(fork.parentPid(), fork.childPid(), fork.pcomponentId()));
                break;
            case P2M_EXECVEDecoder.TEMPLATE_ID:
                onExecve(buffer, offset, end, r);
                break;
            case P2M_MMAPDecoder.TEMPLATE_ID:
                mmap.wrapAndApplyHeader(buffer, offset, header);
                final long mapped = homes.mmap(mmap.pid(), mmap.addr(), mmap.length(), mmap.prot(), mmap.flags());
                replyVm(r, mapped, mapped, mapped + AddressLayout.pageUp(mmap.length()));
                break;
            case P2M_MUNMAPDecoder.TEMPLATE_ID:
                munmap.wrapAndApplyHeader(buffer, offset, header);
                homes.munmap(munmap.pid(), munmap.addr(), munmap.length());
                replyAck(r, 0);
                break;
            case P2M_BRKDecoder.TEMPLATE_ID:
                brk.wrapAndApplyHeader(buffer, offset, header);
                final long heapEnd = AddressLayout.pageUp(homes.currentBrk(brk.pid()));
                final long newBrk = homes.brk(brk.pid(), brk.brk());
                replyVm(r, newBrk, heapEnd, Math.max(heapEnd, AddressLayout.pageUp(newBrk)));
                break;
            case P2M_MPROTECTDecoder.TEMPLATE_ID:
                mprotect.wrapAndApplyHeader(buffer, offset, header);
                homes.mprotect(mprotect.pid(), mprotect.addr(), mprotect.length(), mprotect.prot());
                replyAck(r, 0);
                break;
            case P2M_MMAP_FILEDecoder.TEMPLATE_ID:
            {
                mmapFile.wrapAndApplyHeader(buffer, offset, header);
                final int pid = mmapFile.pid();
                final long addr = mmapFile.addr();
                final long len = mmapFile.length();
                final int prot = mmapFile.prot();
                final int flags = mmapFile.flags();
                final long fileOffset = mmapFile.fileOffset();
                final String path = mmapFile.path();
                if (mmapFile.limit() > end)
                {
                    protocolError(r, "truncated P2M_MMAP_FILE");
                    break;
                }
                replyAck(r, homes.mmapFile(pid, addr, len, prot, flags, path, fileOffset));
                break;
            }
            case P2M_MREMAPDecoder.TEMPLATE_ID:
                mremap.wrapAndApplyHeader(buffer, offset, header);
                replyAck(r, homes.mremap(mremap.pid(), mremap.oldAddr(), mremap.oldLength(), mremap.newLength(),
                    mremap.flags(), mremap.newAddr()));
                break;
            case P2M_MADVISEDecoder.TEMPLATE_ID:
                madvise.wrapAndApplyHeader(buffer, offset, header);
                homes.discard(madvise.pid(), madvise.addr(), madvise.length());
                replyAck(r, 0);
                break;
            case P2M_PROCESS_EXITDecoder.TEMPLATE_ID:
                processExit.wrapAndApplyHeader(buffer, offset, header);
                replyAck(r, homes.exit(processExit.pid()));
                break;
            default:
                if (replicas.serve(templateId, buffer, offset, end, header, r))
                {
                    break;
                }
                LOG.warn("unknown templateId {} ({} bytes)", templateId, length);
                r.error(Errno.EPROTO, "unknown templateId " + templateId);
                break;
        }
    }

    /** P2M_PCACHE_MISS: applies a piggybacked write-back first (EIO if it fails), then serves the line. */
    private void onPcacheMiss(final DirectBuffer buffer, final int offset, final int end, final Responder r)
    {
        miss.wrapAndApplyHeader(buffer, offset, header);
        final int pid = miss.pid();
        final int pcomponentId = miss.pcomponentId();
        final long vaddr = miss.vaddr();
        final int access = miss.access();
        final long flushVaddr = miss.flushVaddr();
        miss.wrapFlushLine(dataView);
        checkLimit(miss.limit(), end);
        if (refused(pid, pcomponentId, "miss", r))
        {
            return;
        }
        if (dataView.capacity() != 0)
        {
            final int errno = stores.storePage(pid, flushVaddr, dataView);
            if (errno != 0)
            {
                r.error(Errno.EIO,
                    "piggybacked write-back failed: " + missText(errno, pid, flushVaddr, Mman.PROT_WRITE));
                return;
            }
            final Replicator.Record record = replicas.pageStored(pid, flushVaddr, dataView);
            if (record != null)
            {
                final int length = encodeLine(pid, vaddr, access, record.reply());
                if (length < 0)
                {
                    replicator.submit(record, r.defer(), encodeError(record.reply(), -length,
                        missText(-length, pid, vaddr, access)));
                }
                else
                {
                    replicator.submit(record, r.defer(), length);
                }
                return;
            }
        }
        serveLine(pid, vaddr, access, r);
    }

    /**
     * Refuses a miss or flush of {@code pid} claimed by a pComponent the process does not run on
     * ({@link OwnedPages#runsElsewhere}): replies EPERM and logs one WARN line naming the pid, the claimed and the
     * real pComponent.
     *
     * @return true when refused (the reply is sent).
     */
    private boolean refused(final int pid, final int claimedPComponentId, final String request, final Responder r)
    {
        final int runsOn = stores.runsElsewhere(pid, claimedPComponentId);
        if (runsOn < 0)
        {
            return false;
        }
        LOG.warn("refused {} of pid {} from pComponent {}: the process runs on pComponent {}",
            request, pid, claimedPComponentId, runsOn);
        r.error(Errno.EPERM, "pid " + pid + " does not run on pComponent " + claimedPComponentId);
        return true;
    }

    private void serveLine(final int pid, final long vaddr, final int access, final Responder r)
    {
        final int length = encodeLine(pid, vaddr, access, r.buffer());
        if (length < 0)
        {
            r.error(-length, missText(-length, pid, vaddr, access));
            return;
        }
        r.reply(length);
    }

    /** Encodes M2P_PCACHE_LINE for the miss into {@code out}; its length, or a negative errno. */
    private int encodeLine(final int pid, final long vaddr, final int access, final MutableDirectBuffer out)
    {
        final ProcessPages store = stores.get(pid);
        final int frame = store == null ? -Errno.EFAULT : store.resolve(vaddr, access);
        if (frame < 0)
        {
            return frame;
        }
        line.wrapAndApplyHeader(out, 0, headerEncoder)
            .vaddr(AddressLayout.pageDown(vaddr))
            .prot((short)store.resolvedProt())
            .putLine(pool.view(frame), 0, LINE_SIZE);
        return MessageHeaderEncoder.ENCODED_LENGTH + line.encodedLength();
    }

    private void onStore(final int pid, final long vaddr, final DirectBuffer page, final Responder r)
    {
        final int errno = stores.storePage(pid, vaddr, page);
        if (errno != 0)
        {
            r.error(errno, errno == Errno.EINVAL ? "page of " + page.capacity() + " bytes, expected " + LINE_SIZE
                : missText(errno, pid, vaddr, Mman.PROT_WRITE));
            return;
        }
        final Replicator.Record record = replicas.pageStored(pid, vaddr, page);
        if (record != null)
        {
            replicator.submit(record, r.defer(), encodeAck(record.reply(), 0));
            return;
        }
        replyAck(r, 0);
    }

    private void onVmaUpdate(
        final int pid, final int pcomponentId, final VmaOp op, final long start, final long end, final int prot,
        final Responder r)
    {
        final ProcessPages store = stores.applyVma(pid, pcomponentId, op, start, end, prot);
        final Replicator.Record record = replicas.vmaApplied(store, op, start, end, prot);
        if (record != null)
        {
            replicator.submit(record, r.defer(), encodeAck(record.reply(), 0));
            return;
        }
        replyAck(r, 0);
    }

    private void onExecve(final DirectBuffer buffer, final int offset, final int end, final Responder r)
    {
        execve.wrapAndApplyHeader(buffer, offset, header);
        final int pid = execve.pid();
        final int pcomponentId = execve.pcomponentId();
        final String path = execve.path();
        final byte[] argvBytes = new byte[execve.argvLength()];
        execve.getArgv(argvBytes, 0, argvBytes.length);
        final byte[] envpBytes = new byte[execve.envpLength()];
        execve.getEnvp(envpBytes, 0, envpBytes.length);
        if (execve.limit() > end)
        {
            protocolError(r, "truncated P2M_EXECVE");
            return;
        }
        final ExecImage image = homes.execve(pid, pcomponentId, path, NulStrings.split(argvBytes), NulStrings.split(envpBytes));
        execveReply.wrapAndApplyHeader(r.buffer(), 0, headerEncoder)
            .entry(image.entry())
            .stackPointer(image.stackPointer())
            .brk(image.brk());
        r.reply(MessageHeaderEncoder.ENCODED_LENGTH + execveReply.encodedLength());
    }

    private DirectBuffer wrapData(final P2M_PCACHE_FLUSHDecoder d, final int end)
    {
        d.pid();
        d.pcomponentId();
        d.vaddr();
        d.wrapLine(dataView);
        checkLimit(d.limit(), end);
        return dataView;
    }

    private DirectBuffer wrapData(final M2M_PAGE_STOREDecoder d, final int end)
    {
        d.pid();
        d.vaddr();
        d.pcomponentId();
        d.wrapPage(dataView);
        checkLimit(d.limit(), end);
        return dataView;
    }

    private static void checkLimit(final int limit, final int end)
    {
        if (limit > end)
        {
            throw new IllegalStateException("variable-length data runs past the end of the message");
        }
    }

    /**
     * M2P_VM_REPLY: {@code value} and the fresh range {@code [freshStart, freshEnd)}. The range is exactly what the
     * call mapped anonymous ({@link AddressSpace#mmap} and a growing {@link AddressSpace#brk} map whole new pages,
     * and every owner frees the frames of a range it is told to MAP), so no frame holds any of its pages.
     */
    private void replyVm(final Responder r, final long value, final long freshStart, final long freshEnd)
    {
        vmReply.wrapAndApplyHeader(r.buffer(), 0, headerEncoder)
            .value(value).freshStart(freshStart).freshEnd(freshEnd);
        r.reply(MessageHeaderEncoder.ENCODED_LENGTH + vmReply.encodedLength());
    }

    private int encodeAck(final MutableDirectBuffer out, final long value)
    {
        ack.wrapAndApplyHeader(out, 0, headerEncoder).value(value);
        return MessageHeaderEncoder.ENCODED_LENGTH + ack.encodedLength();
    }

    private int encodeError(final MutableDirectBuffer out, final int errno, final String text)
    {
        errorReply.wrapAndApplyHeader(out, 0, headerEncoder).errno(errno).text(text);
        return MessageHeaderEncoder.ENCODED_LENGTH + errorReply.encodedLength();
    }

    private void replyAck(final Responder r, final long value)
    {
        ack.wrapAndApplyHeader(r.buffer(), 0, headerEncoder).value(value);
        r.reply(MessageHeaderEncoder.ENCODED_LENGTH + ack.encodedLength());
    }

    private static void protocolError(final Responder r, final String text)
    {
        LOG.warn("protocol error: {}", text);
        r.error(Errno.EPROTO, text);
    }

    private static String missText(final int errno, final int pid, final long vaddr, final int access)
    {
        switch (errno)
        {
            case Errno.EFAULT:
                return "no mapping at 0x" + Long.toHexString(vaddr) + " for pid " + pid;
            case Errno.EACCES:
                return "access " + access + " not allowed at 0x" + Long.toHexString(vaddr) + " for pid " + pid;
            case Errno.ENOMEM:
                return "out of memory frames storing 0x" + Long.toHexString(vaddr) + " for pid " + pid;
            default:
                return "errno " + errno + " at 0x" + Long.toHexString(vaddr) + " for pid " + pid;
        }
    }
}
