package org.legoemu.fabric.proxy;

import java.util.List;

import org.agrona.ExpandableArrayBuffer;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.Reply;
import org.legoemu.fabric.sbe.AckDecoder;
import org.legoemu.fabric.sbe.M2P_VM_REPLYDecoder;
import org.legoemu.fabric.sbe.M2M_FORKEncoder;
import org.legoemu.fabric.sbe.M2M_PAGE_STOREEncoder;
import org.legoemu.fabric.sbe.M2M_PROCESS_EXITEncoder;
import org.legoemu.fabric.sbe.M2M_VMA_UPDATEEncoder;
import org.legoemu.fabric.sbe.M2P_EXECVE_REPLYDecoder;
import org.legoemu.fabric.sbe.M2P_PCACHE_LINEDecoder;
import org.legoemu.fabric.sbe.MessageHeaderEncoder;
import org.legoemu.fabric.sbe.P2M_BRKEncoder;
import org.legoemu.fabric.sbe.P2M_EXECVEEncoder;
import org.legoemu.fabric.sbe.P2M_FORKEncoder;
import org.legoemu.fabric.sbe.P2M_MMAPEncoder;
import org.legoemu.fabric.sbe.P2M_MADVISEEncoder;
import org.legoemu.fabric.sbe.P2M_MMAP_FILEEncoder;
import org.legoemu.fabric.sbe.P2M_MREMAPEncoder;
import org.legoemu.fabric.sbe.P2M_MPROTECTEncoder;
import org.legoemu.fabric.sbe.P2M_MUNMAPEncoder;
import org.legoemu.fabric.sbe.P2M_PCACHE_FLUSHEncoder;
import org.legoemu.fabric.sbe.P2M_PCACHE_MISSEncoder;
import org.legoemu.fabric.sbe.P2M_PROCESS_EXITEncoder;
import org.legoemu.fabric.sbe.VmaOp;

/**
 * Client-side encoder for every request to an mComponent (LegoOS P2M and M2M): execve at the home, ExCache misses
 * and write-backs at a vRegion's owner, the VM system calls at the home, and the home-to-owner calls. Reuses its
 * encoders, decoders and buffers, so its calls are serialized: every public
 * method is synchronized on the proxy (the threads of a guest process share one), one request in flight at a time.
 *
 * <p>{@link #pcacheMiss} and {@link #pcacheFlush} allocate nothing on success: the line is copied into (or from) a
 * caller-provided {@code byte[4096]} and the protection returned as an int.
 *
 * <p>Every method blocks until the mComponent replies. Failures surface as
 * {@link org.legoemu.fabric.RemoteErrorException} carrying the Linux errno the mComponent answered (e.g. EFAULT 14
 * for a miss outside every VMA, EACCES 13 for an access the VMA forbids, ENOMEM 12, EINVAL 22, ENOEXEC 8, ENOENT 2)
 * or {@link FabricException} (ETIMEDOUT, ECONNREFUSED, EIO; EPROTO 71 for a reply of the wrong type).
 */
public final class MemoryProxy
{
    /** Linux EPROTO: the reply was not the message this request expects. */
    public static final int EPROTO = Errnos.EPROTO;
    /** Size of an ExCache line and of a page, bytes. */
    public static final int LINE_SIZE = 4096;
    private static final byte[] NO_LINE = new byte[0];

    private final long timeoutNs;
    private long execTimeoutNs;
    private int maxRetries = CallRetries.DEFAULT_MAX_RETRIES;
    private final PeerFailover failover;
    private volatile Client client;
    private boolean failingOver;
    private final ExpandableArrayBuffer request = new ExpandableArrayBuffer(LINE_SIZE + 256);
    private final Reply reply = new Reply();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final P2M_EXECVEEncoder execveEncoder = new P2M_EXECVEEncoder();
    private final P2M_PCACHE_MISSEncoder missEncoder = new P2M_PCACHE_MISSEncoder();
    private final P2M_PCACHE_FLUSHEncoder flushEncoder = new P2M_PCACHE_FLUSHEncoder();
    private final P2M_MMAPEncoder mmapEncoder = new P2M_MMAPEncoder();
    private final P2M_MUNMAPEncoder munmapEncoder = new P2M_MUNMAPEncoder();
    private final P2M_BRKEncoder brkEncoder = new P2M_BRKEncoder();
    private final P2M_MPROTECTEncoder mprotectEncoder = new P2M_MPROTECTEncoder();
    private final P2M_MADVISEEncoder madviseEncoder = new P2M_MADVISEEncoder();
    private final P2M_MMAP_FILEEncoder mmapFileEncoder = new P2M_MMAP_FILEEncoder();
    private final P2M_MREMAPEncoder mremapEncoder = new P2M_MREMAPEncoder();
    private final P2M_PROCESS_EXITEncoder processExitEncoder = new P2M_PROCESS_EXITEncoder();
    private final M2M_VMA_UPDATEEncoder vmaUpdateEncoder = new M2M_VMA_UPDATEEncoder();
    private final M2M_PAGE_STOREEncoder pageStoreEncoder = new M2M_PAGE_STOREEncoder();
    private final M2M_PROCESS_EXITEncoder ownerExitEncoder = new M2M_PROCESS_EXITEncoder();
    private final P2M_FORKEncoder forkEncoder = new P2M_FORKEncoder();
    private final M2M_FORKEncoder ownerForkEncoder = new M2M_FORKEncoder();
    private final AckDecoder ackDecoder = new AckDecoder();
    private final M2P_VM_REPLYDecoder vmReplyDecoder = new M2P_VM_REPLYDecoder();
    private final M2P_EXECVE_REPLYDecoder execveReplyDecoder = new M2P_EXECVE_REPLYDecoder();
    private final M2P_PCACHE_LINEDecoder lineDecoder = new M2P_PCACHE_LINEDecoder();

    /**
     * @param client    connected to the mComponent's endpoint.
     * @param timeoutNs how long each call waits for its reply, nanoseconds.
     */
    public MemoryProxy(final Client client, final long timeoutNs)
    {
        this(client, timeoutNs, null);
    }

    /**
     * @param client    connected to the mComponent's endpoint.
     * @param timeoutNs how long each call waits for its reply, nanoseconds.
     * @param failover  where calls go once the mComponent stops answering (a home failover); null: nowhere, the
     *                  failure is thrown.
     */
    public MemoryProxy(final Client client, final long timeoutNs, final PeerFailover failover)
    {
        this.client = client;
        this.timeoutNs = timeoutNs;
        this.execTimeoutNs = timeoutNs;
        this.failover = failover;
    }

    /** The client this proxy calls through. */
    public Client client()
    {
        return client;
    }

    /**
     * How long a P2M_EXECVE waits for its reply, ns (default: the call timeout). The home reads the image from the
     * sComponent, retrying for its own retry window while storage is unreachable (a restarting sComponent), so a
     * pComponent should wait about that long plus a call timeout before it gives up on the execve.
     */
    public synchronized MemoryProxy execTimeoutNs(final long ns)
    {
        this.execTimeoutNs = Math.max(timeoutNs, ns);
        return this;
    }

    /**
     * How many times an idempotent call that timed out is sent again ({@link CallRetries}); default
     * {@link CallRetries#DEFAULT_MAX_RETRIES}.
     *
     * @throws IllegalArgumentException if negative.
     */
    public synchronized MemoryProxy maxRetries(final int retries)
    {
        if (retries < 0)
        {
            throw new IllegalArgumentException("call retries " + retries + " must not be negative");
        }
        this.maxRetries = retries;
        return this;
    }

    /**
     * P2M_EXECVE at the process's home: loads the static ELF at {@code path} (an absolute sComponent path) into a
     * fresh address space, replacing any previous one of {@code pid}, and builds the initial stack.
     *
     * @param pid          the process.
     * @param pcomponentId the pComponent that will run it.
     * @param path         absolute namespace path of the executable; also AT_EXECFN.
     * @param argv         the arguments, argv[0] first.
     * @param envp         the environment, {@code NAME=value} each.
     * @return entry point, initial stack pointer and program break.
     * @throws org.legoemu.fabric.RemoteErrorException ENOENT (no such file), ENOEXEC (not a loadable static
     *                                                 riscv64 ELF; the text says why), ENOMEM.
     */
    public synchronized ExecImage execve(
        final int pid, final int pcomponentId, final String path, final List<String> argv, final List<String> envp)
    {
        final byte[] argvBytes = NulStrings.join(argv);
        final byte[] envpBytes = NulStrings.join(envp);
        execveEncoder.wrapAndApplyHeader(request, 0, headerEncoder)
            .pid(pid)
            .pcomponentId(pcomponentId)
            .path(path)
            .putArgv(argvBytes, 0, argvBytes.length)
            .putEnvp(envpBytes, 0, envpBytes.length);
        // sent again after a timeout: a second P2M_EXECVE replaces the image the first one built with the same one
        send(MessageHeaderEncoder.ENCODED_LENGTH + execveEncoder.encodedLength(), M2P_EXECVE_REPLYDecoder.TEMPLATE_ID,
            true, execTimeoutNs);
        final M2P_EXECVE_REPLYDecoder d = execveReplyDecoder.wrapAndApplyHeader(reply.buffer(), 0, reply.header());
        return new ExecImage(d.entry(), d.stackPointer(), d.brk());
    }

    /**
     * P2M_PCACHE_MISS at the vRegion's owner: fetches one line. Allocates nothing on success.
     *
     * @param pid          the process.
     * @param pcomponentId the asking pComponent.
     * @param vaddr        line-aligned virtual address.
     * @param access       what the faulting access needs: 1 read, 2 write, 4 exec.
     * @param line4096     receives the 4096 bytes of the line.
     * @return the PROT_ bits of the VMA (1 read, 2 write, 4 exec).
     * @throws org.legoemu.fabric.RemoteErrorException EFAULT (no VMA there), EACCES (access not allowed), ENOMEM.
     */
    public synchronized int pcacheMiss(
        final int pid, final int pcomponentId, final long vaddr, final int access, final byte[] line4096)
    {
        return pcacheMiss(pid, pcomponentId, vaddr, access, line4096, 0, null);
    }

    /**
     * P2M_PCACHE_MISS at the vRegion's owner carrying a piggybacked write-back (LegoOS §4.3): the owner stores
     * {@code flushLine4096} at {@code flushVaddr} of the same process, then serves the miss. Allocates nothing on
     * success. {@code flushLine4096} is encoded before the reply is read, so it may be {@code line4096} itself.
     *
     * @param flushVaddr    line-aligned address of the dirty line.
     * @param flushLine4096 its 4096 bytes, or null for a plain miss.
     * @return the PROT_ bits of the VMA (1 read, 2 write, 4 exec).
     * @throws org.legoemu.fabric.RemoteErrorException as the plain miss; EIO when the piggybacked write-back
     *                                                 failed (the miss was then not served).
     */
    public synchronized int pcacheMiss(
        final int pid, final int pcomponentId, final long vaddr, final int access, final byte[] line4096,
        final long flushVaddr, final byte[] flushLine4096)
    {
        missEncoder.wrapAndApplyHeader(request, 0, headerEncoder)
            .pid(pid)
            .pcomponentId(pcomponentId)
            .vaddr(vaddr)
            .access((short)access)
            .flushVaddr(flushVaddr);
        if (flushLine4096 == null)
        {
            missEncoder.putFlushLine(NO_LINE, 0, 0);
        }
        else
        {
            missEncoder.putFlushLine(flushLine4096, 0, LINE_SIZE);
        }
        callIdempotent(MessageHeaderEncoder.ENCODED_LENGTH + missEncoder.encodedLength(),
            M2P_PCACHE_LINEDecoder.TEMPLATE_ID);
        final M2P_PCACHE_LINEDecoder d = lineDecoder.wrapAndApplyHeader(reply.buffer(), 0, reply.header());
        d.vaddr();
        final int prot = d.prot();
        final int lineLength = d.lineLength();
        if (lineLength != LINE_SIZE)
        {
            throw new FabricException(EPROTO, "pcache line reply carries " + lineLength + " bytes, expected " +
                LINE_SIZE);
        }
        d.getLine(line4096, 0, LINE_SIZE);
        return prot;
    }

    /**
     * P2M_PCACHE_FLUSH at the vRegion's owner: writes back one dirty line. Allocates nothing on success.
     *
     * @param pid          the process.
     * @param pcomponentId the flushing pComponent.
     * @param vaddr        line-aligned virtual address.
     * @param line4096     the 4096 bytes of the line.
     * @throws org.legoemu.fabric.RemoteErrorException EFAULT (no VMA there), ENOMEM.
     * @throws FabricException ETIMEDOUT after {@link #maxRetries} retries (as for the miss).
     */
    public synchronized void pcacheFlush(final int pid, final int pcomponentId, final long vaddr, final byte[] line4096)
    {
        flushEncoder.wrapAndApplyHeader(request, 0, headerEncoder)
            .pid(pid)
            .pcomponentId(pcomponentId)
            .vaddr(vaddr)
            .putLine(line4096, 0, LINE_SIZE);
        callIdempotent(MessageHeaderEncoder.ENCODED_LENGTH + flushEncoder.encodedLength(), AckDecoder.TEMPLATE_ID);
    }

    /**
     * P2M_MMAP at the home: anonymous mmap(2).
     *
     * @return the address of the new mapping.
     * @throws org.legoemu.fabric.RemoteErrorException EINVAL, ENOMEM, EEXIST (MAP_FIXED_NOREPLACE), ENODEV
     *                                                 (file-backed), EPERM.
     */
    public synchronized long mmap(final int pid, final long addr, final long length, final int prot, final int flags)
    {
        return mmapAnonymous(pid, addr, length, prot, flags).value();
    }

    /**
     * P2M_MMAP at the home: anonymous mmap(2), with the range of fresh pages (the whole new mapping).
     *
     * @return the address of the new mapping and its fresh pages.
     * @throws org.legoemu.fabric.RemoteErrorException as {@link #mmap}.
     */
    public synchronized VmResult mmapAnonymous(
        final int pid, final long addr, final long length, final int prot, final int flags)
    {
        mmapEncoder.wrapAndApplyHeader(request, 0, headerEncoder)
            .pid(pid)
            .addr(addr)
            .length(length)
            .prot(prot)
            .flags(flags);
        // sent again after a timeout (CallRetries): a mapping the lost reply named stays unused until exit
        return callForVmReply(MessageHeaderEncoder.ENCODED_LENGTH + mmapEncoder.encodedLength(), true);
    }

    /**
     * P2M_MUNMAP at the home: munmap(2).
     *
     * @throws org.legoemu.fabric.RemoteErrorException EINVAL.
     */
    public synchronized void munmap(final int pid, final long addr, final long length)
    {
        munmapEncoder.wrapAndApplyHeader(request, 0, headerEncoder).pid(pid).addr(addr).length(length);
        idempotentAck(MessageHeaderEncoder.ENCODED_LENGTH + munmapEncoder.encodedLength());
    }

    /**
     * P2M_BRK at the home: brk(2).
     *
     * @return the new break, or the unchanged one when the request could not be met.
     */
    public synchronized long brk(final int pid, final long brk)
    {
        return brkWithFresh(pid, brk).value();
    }

    /**
     * P2M_BRK at the home: brk(2), with the range of fresh pages (those a growing break newly mapped).
     *
     * @return the new (or unchanged) break and the fresh pages.
     */
    public synchronized VmResult brkWithFresh(final int pid, final long brk)
    {
        brkEncoder.wrapAndApplyHeader(request, 0, headerEncoder).pid(pid).brk(brk);
        return callForVmReply(MessageHeaderEncoder.ENCODED_LENGTH + brkEncoder.encodedLength(), true);
    }

    /**
     * P2M_MPROTECT at the home: mprotect(2).
     *
     * @throws org.legoemu.fabric.RemoteErrorException EINVAL, ENOMEM (part of the range unmapped).
     */
    public synchronized void mprotect(final int pid, final long addr, final long length, final int prot)
    {
        mprotectEncoder.wrapAndApplyHeader(request, 0, headerEncoder).pid(pid).addr(addr).length(length).prot(prot);
        idempotentAck(MessageHeaderEncoder.ENCODED_LENGTH + mprotectEncoder.encodedLength());
    }

    /**
     * P2M_MMAP_FILE at the home: mmap(2) of the file at namespace {@code path} from {@code fileOffset} (page-aligned).
     *
     * @return the mapping's address.
     * @throws org.legoemu.fabric.RemoteErrorException EINVAL, ENOMEM, EEXIST, EPERM as for anonymous mmap; ENODEV
     *                                                 for writable shared mappings; the storage's errno (ENOENT...).
     */
    public synchronized long mmapFile(final int pid, final long addr, final long length, final int prot, final int flags,
        final String path, final long fileOffset)
    {
        mmapFileEncoder.wrapAndApplyHeader(request, 0, headerEncoder)
            .pid(pid)
            .addr(addr)
            .length(length)
            .prot(prot)
            .flags(flags)
            .fileOffset(fileOffset)
            .path(path);
        return callForAck(MessageHeaderEncoder.ENCODED_LENGTH + mmapFileEncoder.encodedLength());
    }

    /**
     * P2M_MREMAP at the home: the VMA side of mremap(2).
     *
     * @return the mapping's address after the call; a different one when the mapping moved (the caller then copies
     * the contents and unmaps the old range).
     * @throws org.legoemu.fabric.RemoteErrorException EINVAL, EFAULT, ENOMEM as mremap(2).
     */
    public synchronized long mremap(final int pid, final long oldAddr, final long oldLength, final long newLength,
        final int flags, final long newAddr)
    {
        mremapEncoder.wrapAndApplyHeader(request, 0, headerEncoder)
            .pid(pid)
            .oldAddr(oldAddr)
            .oldLength(oldLength)
            .newLength(newLength)
            .flags(flags)
            .newAddr(newAddr);
        return callForAck(MessageHeaderEncoder.ENCODED_LENGTH + mremapEncoder.encodedLength());
    }

    /**
     * P2M_MADVISE at the home: madvise(2) with a discarding advice (MADV_DONTNEED, MADV_FREE, MADV_REMOVE); the
     * pages of the range are freed wherever they live and read as zero when next touched.
     *
     * @throws org.legoemu.fabric.RemoteErrorException EINVAL (unaligned), ENOMEM (part of the range unmapped).
     */
    public synchronized void madvise(final int pid, final long addr, final long length, final int advice)
    {
        madviseEncoder.wrapAndApplyHeader(request, 0, headerEncoder).pid(pid).addr(addr).length(length).advice(advice);
        idempotentAck(MessageHeaderEncoder.ENCODED_LENGTH + madviseEncoder.encodedLength());
    }

    /**
     * P2M_PROCESS_EXIT at the home: frees the process's frames on every owner and forgets its address space.
     *
     * @return the number of frames freed across all owners.
     */
    public synchronized long processExit(final int pid)
    {
        processExitEncoder.wrapAndApplyHeader(request, 0, headerEncoder).pid(pid);
        return idempotentAck(MessageHeaderEncoder.ENCODED_LENGTH + processExitEncoder.encodedLength());
    }

    /**
     * M2M_VMA_UPDATE at a vRegion owner: apply one VMA change of the range {@code [start, end)} (within one vRegion)
     * of the process {@code pid}, which runs on {@code pcomponentId}.
     */
    public synchronized void vmaUpdate(
        final int pid, final int pcomponentId, final VmaOp op, final long start, final long end, final int prot)
    {
        vmaUpdateEncoder.wrapAndApplyHeader(request, 0, headerEncoder)
            .pid(pid)
            .op(op)
            .start(start)
            .end(end)
            .prot(prot)
            .pcomponentId(pcomponentId);
        callForAck(MessageHeaderEncoder.ENCODED_LENGTH + vmaUpdateEncoder.encodedLength());
    }

    /**
     * M2M_PAGE_STORE at a vRegion owner: install the contents of one page of the process {@code pid}, which runs on
     * {@code pcomponentId}.
     *
     * @param page 4096 bytes.
     * @throws org.legoemu.fabric.RemoteErrorException EFAULT (no VMA there on the owner), ENOMEM.
     */
    public synchronized void pageStore(final int pid, final int pcomponentId, final long vaddr, final byte[] page)
    {
        pageStoreEncoder.wrapAndApplyHeader(request, 0, headerEncoder)
            .pid(pid)
            .vaddr(vaddr)
            .pcomponentId(pcomponentId)
            .putPage(page, 0, LINE_SIZE);
        idempotentAck(MessageHeaderEncoder.ENCODED_LENGTH + pageStoreEncoder.encodedLength());
    }

    /**
     * M2M_PROCESS_EXIT at a vRegion owner: free the process's frames there.
     *
     * @return the number of frames freed.
     */
    public synchronized long processExitOnOwner(final int pid)
    {
        ownerExitEncoder.wrapAndApplyHeader(request, 0, headerEncoder).pid(pid);
        return idempotentAck(MessageHeaderEncoder.ENCODED_LENGTH + ownerExitEncoder.encodedLength());
    }

    /**
     * P2M_FORK at the parent's home: copies the parent's address space to {@code childPid} (VMAs, brk, vRegion
     * owners), every owner copying the parent's frames (eager copy). Not sent again after a timeout (a second copy
     * would fail on the existing child).
     *
     * @return the number of frames copied across all owners.
     * @throws org.legoemu.fabric.RemoteErrorException EINVAL (no parent address space there), EEXIST (the child has
     *                                                 one already), ENOMEM (an owner ran out of frames).
     */
    public synchronized long fork(final int parentPid, final int childPid, final int pcomponentId)
    {
        forkEncoder.wrapAndApplyHeader(request, 0, headerEncoder)
            .parentPid(parentPid).childPid(childPid).pcomponentId(pcomponentId);
        return callForAck(MessageHeaderEncoder.ENCODED_LENGTH + forkEncoder.encodedLength());
    }

    /**
     * M2M_FORK at a vRegion owner: copies the VMAs and frames it holds of {@code parentPid} to {@code childPid}.
     *
     * @return the number of frames copied.
     * @throws org.legoemu.fabric.RemoteErrorException ENOMEM when the owner runs out of frames (nothing is kept).
     */
    public synchronized long forkOnOwner(final int parentPid, final int childPid, final int pcomponentId)
    {
        ownerForkEncoder.wrapAndApplyHeader(request, 0, headerEncoder)
            .parentPid(parentPid).childPid(childPid).pcomponentId(pcomponentId);
        return callForAck(MessageHeaderEncoder.ENCODED_LENGTH + ownerForkEncoder.encodedLength());
    }

    /** As {@link #callForAck}, sent again after a timeout ({@link CallRetries}). */
    private long idempotentAck(final int length)
    {
        callIdempotent(length, AckDecoder.TEMPLATE_ID);
        return ackDecoder.wrapAndApplyHeader(reply.buffer(), 0, reply.header()).value();
    }

    /** A call answered by M2P_VM_REPLY, sent again after a timeout if {@code idempotent} ({@link CallRetries}). */
    private VmResult callForVmReply(final int length, final boolean idempotent)
    {
        if (idempotent)
        {
            callIdempotent(length, M2P_VM_REPLYDecoder.TEMPLATE_ID);
        }
        else
        {
            call(length, M2P_VM_REPLYDecoder.TEMPLATE_ID);
        }
        vmReplyDecoder.wrapAndApplyHeader(reply.buffer(), 0, reply.header());
        return new VmResult(vmReplyDecoder.value(), vmReplyDecoder.freshStart(), vmReplyDecoder.freshEnd());
    }

    private long callForAck(final int length)
    {
        call(length, AckDecoder.TEMPLATE_ID);
        return ackDecoder.wrapAndApplyHeader(reply.buffer(), 0, reply.header()).value();
    }

    /** A call that is not sent again after a timeout, only to a failover's replacement peer. */
    private void call(final int length, final int expectedTemplateId)
    {
        send(length, expectedTemplateId, false, timeoutNs);
    }

    private void endFailover()
    {
        if (failingOver)
        {
            failingOver = false;
            failover.recovered();
        }
    }

    /** Switches to the failover's replacement peer; false when there is none (or no failover). */
    private boolean failedOver(final FabricException failure)
    {
        if (failover == null)
        {
            return false;
        }
        final Client failed = client;
        final Client replacement = failover.replacement(failed, failure);
        if (replacement == null)
        {
            return false;
        }
        client = replacement;
        failed.close();
        failingOver = true;
        return true;
    }

    /** A call that is sent again after a timeout, see {@link CallRetries}. */
    private void callIdempotent(final int length, final int expectedTemplateId)
    {
        send(length, expectedTemplateId, true, timeoutNs);
    }

    /**
     * Sends the request until it is answered: again after a timeout while {@code retryTimeouts} and
     * {@link CallRetries} allow, then to the failover's replacement peer while it names one.
     */
    private void send(final int length, final int expectedTemplateId, final boolean retryTimeouts,
        final long callTimeoutNs)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                ProxyCalls.call(client, request, length, reply, callTimeoutNs, "mComponent", expectedTemplateId);
                endFailover();
                return;
            }
            catch (final RemoteErrorException ex)
            {
                endFailover();
                throw ex;
            }
            catch (final FabricException ex)
            {
                if (retryTimeouts && CallRetries.retry(ex, attempt, maxRetries))
                {
                    continue;
                }
                if (!failedOver(ex))
                {
                    throw ex;
                }
                attempt = -1;
            }
        }
    }
}
