package org.legoemu.fabric.proxy;

import org.agrona.ExpandableArrayBuffer;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.Reply;
import org.legoemu.fabric.sbe.AckDecoder;
import org.legoemu.fabric.sbe.M2S_BACKUP_DELETEEncoder;
import org.legoemu.fabric.sbe.M2S_BACKUP_READEncoder;
import org.legoemu.fabric.sbe.M2S_BACKUP_WRITEEncoder;
import org.legoemu.fabric.sbe.MessageHeaderEncoder;
import org.legoemu.fabric.sbe.S2X_DATADecoder;

/**
 * Client-side encoder for the sComponent's replica backup area (M2S_BACKUP_WRITE, M2S_BACKUP_READ,
 * M2S_BACKUP_DELETE), used by mComponents that are secondaries (LegoOS §4.7). Backup files are named relative to
 * the backup area ({@code m1a2b/pid-1000.log}); no P2S request can name them, so no guest can read or write
 * another process's memory through them. Calls are serialized (synchronized), one request in flight.
 * <p>
 * Failures surface as {@link org.legoemu.fabric.RemoteErrorException} with the sComponent's errno (ENOENT, EINVAL
 * for a bad name, ENOSPC, EIO) or as {@link FabricException} when it cannot be reached.
 */
public final class BackupProxy
{
    /** Largest transfer in one request, bytes (the sComponent's limit, as for file data). */
    public static final int MAX_TRANSFER_BYTES = StorageProxy.MAX_TRANSFER_BYTES;

    private final Client client;
    private final long timeoutNs;
    private final ExpandableArrayBuffer request = new ExpandableArrayBuffer(4096);
    private final Reply reply = new Reply();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final M2S_BACKUP_WRITEEncoder writeEncoder = new M2S_BACKUP_WRITEEncoder();
    private final M2S_BACKUP_READEncoder readEncoder = new M2S_BACKUP_READEncoder();
    private final M2S_BACKUP_DELETEEncoder deleteEncoder = new M2S_BACKUP_DELETEEncoder();
    private final AckDecoder ackDecoder = new AckDecoder();
    private final S2X_DATADecoder dataDecoder = new S2X_DATADecoder();

    /**
     * @param client    connected to the sComponent's endpoint.
     * @param timeoutNs how long each call waits for its reply, ns.
     */
    public BackupProxy(final Client client, final long timeoutNs)
    {
        this.client = client;
        this.timeoutNs = timeoutNs;
    }

    /** The client this proxy calls through. */
    public Client client()
    {
        return client;
    }

    /**
     * Writes {@code length} bytes of {@code src} at {@code fileOffset} of backup file {@code name}, creating it;
     * larger writes are split into requests of {@link #MAX_TRANSFER_BYTES}.
     */
    public synchronized void write(
        final String name, final long fileOffset, final byte[] src, final int srcOffset, final int length)
    {
        int done = 0;
        do
        {
            final int chunk = Math.min(MAX_TRANSFER_BYTES, length - done);
            writeEncoder.wrapAndApplyHeader(request, 0, headerEncoder)
                .fileOffset(fileOffset + done)
                .name(name)
                .putData(src, srcOffset + done, chunk);
            ProxyCalls.call(client, request, MessageHeaderEncoder.ENCODED_LENGTH + writeEncoder.encodedLength(),
                reply, timeoutNs, "sComponent", AckDecoder.TEMPLATE_ID);
            done += chunk;
        }
        while (done < length);
    }

    /**
     * Reads up to {@code length} bytes ({@link #MAX_TRANSFER_BYTES} at most) at {@code fileOffset} of backup file
     * {@code name} into {@code dst}.
     *
     * @return bytes read; fewer than asked at the end of the file.
     */
    public synchronized int read(
        final String name, final long fileOffset, final byte[] dst, final int dstOffset, final int length)
    {
        final int chunk = Math.min(MAX_TRANSFER_BYTES, length);
        readEncoder.wrapAndApplyHeader(request, 0, headerEncoder).fileOffset(fileOffset).length(chunk).name(name);
        ProxyCalls.call(client, request, MessageHeaderEncoder.ENCODED_LENGTH + readEncoder.encodedLength(),
            reply, timeoutNs, "sComponent", S2X_DATADecoder.TEMPLATE_ID);
        final S2X_DATADecoder d = dataDecoder.wrapAndApplyHeader(reply.buffer(), 0, reply.header());
        final int dataLength = d.dataLength();
        if (dataLength > chunk)
        {
            throw new FabricException(StorageProxy.EPROTO,
                "sComponent returned " + dataLength + " bytes for " + chunk);
        }
        return d.getData(dst, dstOffset, dataLength);
    }

    /** Removes backup file {@code name}. */
    public synchronized void delete(final String name)
    {
        deleteEncoder.wrapAndApplyHeader(request, 0, headerEncoder).name(name);
        ProxyCalls.call(client, request, MessageHeaderEncoder.ENCODED_LENGTH + deleteEncoder.encodedLength(),
            reply, timeoutNs, "sComponent", AckDecoder.TEMPLATE_ID);
        ackDecoder.wrapAndApplyHeader(reply.buffer(), 0, reply.header());
    }
}
