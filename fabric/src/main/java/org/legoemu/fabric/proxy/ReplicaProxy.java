package org.legoemu.fabric.proxy;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.Reply;
import org.legoemu.fabric.sbe.AckDecoder;
import org.legoemu.fabric.sbe.G2M_PROMOTEEncoder;
import org.legoemu.fabric.sbe.G2M_PROMOTE_HOMEEncoder;
import org.legoemu.fabric.sbe.G2M_RESEEDEncoder;
import org.legoemu.fabric.sbe.M2M_HOME_CHECKPOINTEncoder;
import org.legoemu.fabric.sbe.M2M_REPLICA_DROPEncoder;
import org.legoemu.fabric.sbe.M2M_REPLICA_APPENDEncoder;
import org.legoemu.fabric.sbe.MessageHeaderEncoder;
import org.legoemu.fabric.sbe.ReplicaRecord;
import org.legoemu.fabric.sbe.VmaOp;

/**
 * Calls to one mComponent about memory replication (LegoOS §4.7): a primary appending to a vRegion's secondary log
 * (M2M_REPLICA_APPEND) or dropping it at exit (M2M_REPLICA_DROP), a home sending its checkpoint to the process's home
 * standby (M2M_HOME_CHECKPOINT), and the GMM's failover orders (G2M_PROMOTE, G2M_RESEED, G2M_PROMOTE_HOME). Appends and
 * checkpoints are idempotent (a page or a VMA change applied twice in a row leaves what applying it once does; a
 * checkpoint replaces the previous one) and are sent again after a timeout ({@link CallRetries}); the failover orders
 * are not.
 *
 * <p>Reuses its encoders and buffers, so its calls are serialized: every public method is synchronized. The append path
 * allocates nothing.
 */
public final class ReplicaProxy implements AutoCloseable
{
    /** Bytes in one page record. */
    public static final int PAGE_SIZE = MemoryProxy.LINE_SIZE;
    private static final String PEER = "mComponent";

    private final Client client;
    private final long timeoutNs;
    private final ExpandableArrayBuffer request = new ExpandableArrayBuffer(PAGE_SIZE + 256);
    private final Reply reply = new Reply();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final M2M_REPLICA_APPENDEncoder appendEncoder = new M2M_REPLICA_APPENDEncoder();
    private final M2M_HOME_CHECKPOINTEncoder checkpointEncoder = new M2M_HOME_CHECKPOINTEncoder();
    private final G2M_PROMOTEEncoder promoteEncoder = new G2M_PROMOTEEncoder();
    private final G2M_RESEEDEncoder reseedEncoder = new G2M_RESEEDEncoder();
    private final G2M_PROMOTE_HOMEEncoder promoteHomeEncoder = new G2M_PROMOTE_HOMEEncoder();
    private final M2M_REPLICA_DROPEncoder dropEncoder = new M2M_REPLICA_DROPEncoder();
    private final AckDecoder ackDecoder = new AckDecoder();

    /**
     * @param client    connection to the mComponent; closed by {@link #close()}.
     * @param timeoutNs per-attempt reply timeout.
     */
    public ReplicaProxy(final Client client, final long timeoutNs)
    {
        this.client = client;
        this.timeoutNs = timeoutNs;
    }

    /**
     * M2M_REPLICA_APPEND of a whole page: the secondary logs the newest contents of the page at {@code vaddr}.
     *
     * @param reset      true for the first record of a seeding: the secondary forgets what it held of
     *                   {@code vregion} first.
     * @param page       holds the 4096 bytes at {@code pageOffset}.
     * @throws org.legoemu.fabric.RemoteErrorException as the secondary answers (ENOMEM when its log is full).
     * @throws FabricException ETIMEDOUT / ECONNREFUSED / EIO when it cannot be reached.
     */
    public synchronized void appendPage(
        final int pid, final int pcomponentId, final int vregion, final boolean reset, final long vaddr,
        final DirectBuffer page, final int pageOffset)
    {
        appendEncoder.wrapAndApplyHeader(request, 0, headerEncoder)
            .pid(pid)
            .pcomponentId(pcomponentId)
            .record(ReplicaRecord.PAGE)
            .reset((short)(reset ? 1 : 0))
            .vregion(vregion)
            .op(VmaOp.MAP)
            .start(vaddr)
            .end(vaddr + PAGE_SIZE)
            .prot(0)
            .putPage(page, pageOffset, PAGE_SIZE);
        idempotentAck(MessageHeaderEncoder.ENCODED_LENGTH + appendEncoder.encodedLength());
    }

    /**
     * M2M_REPLICA_APPEND of a VMA change of {@code [start, end)} (within {@code vregion}).
     *
     * @throws FabricException as {@link #appendPage}.
     */
    public synchronized void appendVma(
        final int pid, final int pcomponentId, final int vregion, final boolean reset, final VmaOp op,
        final long start, final long end, final int prot)
    {
        appendEncoder.wrapAndApplyHeader(request, 0, headerEncoder)
            .pid(pid)
            .pcomponentId(pcomponentId)
            .record(ReplicaRecord.VMA)
            .reset((short)(reset ? 1 : 0))
            .vregion(vregion)
            .op(op)
            .start(start)
            .end(end)
            .prot(prot)
            .putPage(request, 0, 0);
        idempotentAck(MessageHeaderEncoder.ENCODED_LENGTH + appendEncoder.encodedLength());
    }

    /**
     * M2M_HOME_CHECKPOINT: the process's VM layout as its home holds it, replacing the standby's previous one.
     *
     * @param vmas {@code start, end, prot, flags} for each VMA, in address order ({@code 4 * count} entries).
     * @throws FabricException as {@link #appendPage}.
     */
    public synchronized void homeCheckpoint(
        final int pid, final int pcomponentId, final long brkStart, final long brk, final long[] vmas)
    {
        final M2M_HOME_CHECKPOINTEncoder.VmasEncoder group = checkpointEncoder
            .wrapAndApplyHeader(request, 0, headerEncoder)
            .pid(pid)
            .pcomponentId(pcomponentId)
            .brkStart(brkStart)
            .brk(brk)
            .vmasCount(vmas.length / 4);
        for (int i = 0; i + 3 < vmas.length; i += 4)
        {
            group.next().start(vmas[i]).end(vmas[i + 1]).prot((int)vmas[i + 2]).flags((int)vmas[i + 3]);
        }
        idempotentAck(MessageHeaderEncoder.ENCODED_LENGTH + checkpointEncoder.encodedLength());
    }

    /**
     * G2M_PROMOTE: the secondary of a vRegion whose primary is DEAD becomes its primary.
     *
     * @param newSecondaryId the vRegion's new secondary, -1 for none.
     * @param pcomponentId   the pComponent the process runs on.
     * @return the number of pages restored.
     */
    public synchronized long promote(final int pid, final int vregion, final int newSecondaryId,
        final int pcomponentId)
    {
        promoteEncoder.wrapAndApplyHeader(request, 0, headerEncoder)
            .pid(pid).vregion(vregion).newSecondaryId(newSecondaryId).pcomponentId(pcomponentId);
        return ack(MessageHeaderEncoder.ENCODED_LENGTH + promoteEncoder.encodedLength());
    }

    /** G2M_RESEED: the primary of a vRegion seeds its new secondary ({@code -1}: runs unreplicated). */
    public synchronized void reseed(final int pid, final int vregion, final int newSecondaryId)
    {
        reseedEncoder.wrapAndApplyHeader(request, 0, headerEncoder)
            .pid(pid).vregion(vregion).newSecondaryId(newSecondaryId);
        ack(MessageHeaderEncoder.ENCODED_LENGTH + reseedEncoder.encodedLength());
    }

    /** G2M_PROMOTE_HOME: the home standby of a process whose home is DEAD becomes its home. */
    public synchronized void promoteHome(final int pid, final int newStandbyId)
    {
        promoteHomeEncoder.wrapAndApplyHeader(request, 0, headerEncoder).pid(pid).newStandbyId(newStandbyId);
        ack(MessageHeaderEncoder.ENCODED_LENGTH + promoteHomeEncoder.encodedLength());
    }

    /**
     * M2M_REPLICA_DROP: the process is gone; the mComponent drops its log and home checkpoint of it (the frames it
     * owns of the process are freed by the home's M2M_PROCESS_EXIT).
     *
     * @return the number of log pages dropped there.
     */
    public synchronized long drop(final int pid)
    {
        dropEncoder.wrapAndApplyHeader(request, 0, headerEncoder).pid(pid);
        return idempotentAck(MessageHeaderEncoder.ENCODED_LENGTH + dropEncoder.encodedLength());
    }

    /** The connection's peer. */
    public Endpoint peer()
    {
        return client.peer();
    }

    @Override
    public void close()
    {
        client.close();
    }

    private long ack(final int length)
    {
        ProxyCalls.call(client, request, length, reply, timeoutNs, PEER, AckDecoder.TEMPLATE_ID);
        return ackDecoder.wrapAndApplyHeader(reply.buffer(), 0, reply.header()).value();
    }

    private long idempotentAck(final int length)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return ack(length);
            }
            catch (final FabricException ex)
            {
                if (!CallRetries.retry(ex, attempt, CallRetries.DEFAULT_MAX_RETRIES))
                {
                    throw ex;
                }
            }
        }
    }
}
