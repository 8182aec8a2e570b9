package org.legoemu.fabric.proxy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import org.agrona.ExpandableArrayBuffer;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.Reply;
import org.legoemu.fabric.sbe.AckDecoder;
import org.legoemu.fabric.sbe.M2S_READEncoder;
import org.legoemu.fabric.sbe.MessageHeaderEncoder;
import org.legoemu.fabric.sbe.P2S_FSYNCEncoder;
import org.legoemu.fabric.sbe.P2S_GETLKEncoder;
import org.legoemu.fabric.sbe.P2S_LOCKEncoder;
import org.legoemu.fabric.sbe.P2S_SETATTREncoder;
import org.legoemu.fabric.sbe.P2S_STATFSEncoder;
import org.legoemu.fabric.sbe.S2X_STATFS_REPLYDecoder;
import org.legoemu.fabric.sbe.P2S_UNLOCK_ALLEncoder;
import org.legoemu.fabric.sbe.S2X_LOCKDecoder;
import org.legoemu.fabric.sbe.P2S_MKDIREncoder;
import org.legoemu.fabric.sbe.P2S_READDIREncoder;
import org.legoemu.fabric.sbe.P2S_RENAMEEncoder;
import org.legoemu.fabric.sbe.P2S_UNLINKEncoder;
import org.legoemu.fabric.sbe.P2S_OPENEncoder;
import org.legoemu.fabric.sbe.P2S_READEncoder;
import org.legoemu.fabric.sbe.P2S_STATEncoder;
import org.legoemu.fabric.sbe.P2S_TRUNCATEEncoder;
import org.legoemu.fabric.sbe.P2S_WRITEEncoder;
import org.legoemu.fabric.sbe.S2X_DATADecoder;
import org.legoemu.fabric.sbe.S2X_DIR_ENTRIESDecoder;
import org.legoemu.fabric.sbe.S2X_STAT_REPLYDecoder;

/**
 * Client-side encoder for the sComponent's stateless file protocol: every request names an absolute namespace
 * path ("/a/b", rooted at the sComponent's root directory) and carries its own offset and length (LegoOS §4.6).
 * Reuses its encoders and buffers, so its calls are serialized: every public
 * method is synchronized on the proxy (the threads of a guest process share one), one request in flight at a time.
 * <p>
 * Failures surface as {@link org.legoemu.fabric.RemoteErrorException} carrying the Linux errno open(2), read(2),
 * write(2), stat(2), truncate(2), mkdir(2), unlink(2), rmdir(2) or rename(2) would give (ENOENT, ENOTDIR, EISDIR,
 * EEXIST, ENOTEMPTY, EBUSY, EACCES, ELOOP, ENAMETOOLONG, EINVAL, EIO) or {@link FabricException}: EIO when the
 * sComponent cannot be reached (timeout, refused or lost connection), EPROTO for a reply of the wrong type.
 * <p>
 * <b>Retries</b> (a transient fault must never change a guest's output). A proxy made with a
 * {@link Connector} and a retry window sends a request again after any transport failure (timeout, refused or lost
 * connection), reconnecting through the connector after each failure, a timeout included (which may look the sComponent up again, so a restarted one on
 * another port is found; a lookup that fails, even with the GMM's ENOENT while it holds the sComponent DEAD, is
 * another transport failure), every {@link #RETRY_PAUSE_NS} until the window has passed since the first attempt; only
 * then does the caller get EIO, logged once. Reads, stats, listings, truncates and fsyncs are idempotent. The
 * others (open, write, mkdir, unlink, rename) carry a request id, the same on every attempt, and the sComponent
 * answers an id it has seen with its first outcome instead of applying it again (its duplicate request cache), so an
 * append is written once and a retried mkdir does not see its own EEXIST.
 */
public final class StorageProxy
{
    /** Largest read the sComponent serves in one request, bytes; larger transfers are split by this proxy. */
    public static final int MAX_TRANSFER_BYTES = 1024 * 1024;
    /** Largest file {@link #readWhole(String)} accepts, bytes. */
    public static final long MAX_WHOLE_FILE_BYTES = 256L * 1024 * 1024;
    /** Linux EFBIG: file too large. */
    public static final int EFBIG = 27;
    /** Linux EPROTO: the reply was not the message this request expects. */
    public static final int EPROTO = Errnos.EPROTO;


    /** Pause between two attempts of a request, ns. */
    public static final long RETRY_PAUSE_NS = 20_000_000L;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StorageProxy.class);

    /** Opens a (new) connection to the sComponent: the first one, and again after a transport failure. */
    @FunctionalInterface
    public interface Connector
    {
        /**
         * @return a connected client.
         * @throws FabricException if the sComponent cannot be found or reached.
         */
        Client connect();
    }

    private final Connector connector;
    private final long retryWindowNs;
    private final NanoClock clock;
    private final long requestIdBase = (ThreadLocalRandom.current().nextLong() | 1L) << 32;
    private int requestCount;
    private Client client;
    private final long timeoutNs;
    private final ExpandableArrayBuffer request = new ExpandableArrayBuffer(4096);
    private final Reply reply = new Reply();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final P2S_OPENEncoder openEncoder = new P2S_OPENEncoder();
    private final P2S_READEncoder readEncoder = new P2S_READEncoder();
    private final M2S_READEncoder execReadEncoder = new M2S_READEncoder();
    private final P2S_WRITEEncoder writeEncoder = new P2S_WRITEEncoder();
    private final P2S_STATEncoder statEncoder = new P2S_STATEncoder();
    private final P2S_TRUNCATEEncoder truncateEncoder = new P2S_TRUNCATEEncoder();
    private final P2S_FSYNCEncoder fsyncEncoder = new P2S_FSYNCEncoder();
    private final P2S_MKDIREncoder mkdirEncoder = new P2S_MKDIREncoder();
    private final P2S_UNLINKEncoder unlinkEncoder = new P2S_UNLINKEncoder();
    private final P2S_RENAMEEncoder renameEncoder = new P2S_RENAMEEncoder();
    private final P2S_READDIREncoder readdirEncoder = new P2S_READDIREncoder();
    private final S2X_DIR_ENTRIESDecoder dirEntriesDecoder = new S2X_DIR_ENTRIESDecoder();
    private final P2S_LOCKEncoder lockEncoder = new P2S_LOCKEncoder();
    private final P2S_SETATTREncoder setattrEncoder = new P2S_SETATTREncoder();
    private final P2S_STATFSEncoder statfsEncoder = new P2S_STATFSEncoder();
    private final S2X_STATFS_REPLYDecoder statfsDecoder = new S2X_STATFS_REPLYDecoder();
    private final P2S_GETLKEncoder getlkEncoder = new P2S_GETLKEncoder();
    private final P2S_UNLOCK_ALLEncoder unlockAllEncoder = new P2S_UNLOCK_ALLEncoder();
    private final S2X_LOCKDecoder lockDecoder = new S2X_LOCKDecoder();
    private final AckDecoder ackDecoder = new AckDecoder();
    private final S2X_DATADecoder dataDecoder = new S2X_DATADecoder();
    private final S2X_STAT_REPLYDecoder statDecoder = new S2X_STAT_REPLYDecoder();
    private long lastFileSizeBytes = -1;

    /**
     * @param client    connected to the sComponent's endpoint.
     * @param timeoutNs how long each call waits for its reply, nanoseconds.
     */
    public StorageProxy(final Client client, final long timeoutNs)
    {
        this.client = client;
        this.connector = null;
        this.timeoutNs = timeoutNs;
        this.retryWindowNs = 0;
        this.clock = SystemNanoClock.INSTANCE;
    }

    /**
     * A proxy that retries (see the class comment).
     *
     * @param connector     opens the connection, now and after each transport failure.
     * @param timeoutNs     how long each attempt waits for its reply, ns.
     * @param retryWindowNs how long a request is retried after its first attempt failed in transport, ns; 0 for
     *                      one attempt.
     * @param clock         measures the window.
     */
    public StorageProxy(final Connector connector, final long timeoutNs, final long retryWindowNs, final NanoClock clock)
    {
        this.connector = connector;
        // Connected at the first request, whose retries also cover the connection (a lookup made while the GMM
        // holds the sComponent DEAD, or one that fails, is retried like a lost request).
        this.client = null;
        this.timeoutNs = timeoutNs;
        this.retryWindowNs = retryWindowNs;
        this.clock = clock;
    }

    /** The client this proxy calls through now; null before the first request and after a failed attempt. */
    public synchronized Client client()
    {
        return client;
    }

    /** Closes the current connection. */
    public synchronized void close()
    {
        if (client != null)
        {
            client.close();
        }
    }

    private long nextRequestId()
    {
        return requestIdBase | (++requestCount & 0xFFFF_FFFFL);
    }

    /**
     * P2S_OPEN: checks or creates a file for open(2).
     *
     * @param path  absolute namespace path.
     * @param flags Linux O_ flags: accmode (O_RDONLY 0, O_WRONLY 1, O_RDWR 2), O_CREAT 0x40, O_EXCL 0x80,
     *              O_TRUNC 0x200, O_DIRECTORY 0x10000, O_NOFOLLOW 0x20000.
     * @param mode  permission bits for a created file (umask already applied by the caller).
     * @return the stat of the opened file.
     */
    public synchronized StatInfo open(final String path, final int flags, final int mode)
    {
        openEncoder.wrapAndApplyHeader(request, 0, headerEncoder).flags(flags).mode(mode).requestId(nextRequestId())
            .path(path);
        call(MessageHeaderEncoder.ENCODED_LENGTH + openEncoder.encodedLength(), S2X_STAT_REPLYDecoder.TEMPLATE_ID);
        return decodeStat();
    }

    /**
     * P2S_READ: reads up to {@code length} bytes at {@code fileOffset} into {@code dst}; requests larger than
     * {@link #MAX_TRANSFER_BYTES} are split.
     *
     * @return bytes read, 0 at or past end of file; fewer than asked at end of file.
     */
    public synchronized int read(final String path, final long fileOffset, final byte[] dst, final int dstOff, final int length)
    {
        return readLoop(false, path, fileOffset, dst, dstOff, length);
    }

    /** Like {@link #read} but sent as M2S_READ, the mComponent's read of an executable image at execve. */
    public synchronized int readForExec(
        final String path, final long fileOffset, final byte[] dst, final int dstOff, final int length)
    {
        return readLoop(true, path, fileOffset, dst, dstOff, length);
    }

    /**
     * Reads a whole file with M2S_READ requests (ELF loading at execve).
     *
     * @return the file's bytes.
     * @throws FabricException EFBIG if the file is larger than {@link #MAX_WHOLE_FILE_BYTES}.
     */
    public synchronized byte[] readWhole(final String path)
    {
        final byte[] first = new byte[MAX_TRANSFER_BYTES];
        final int firstRead = readOnce(true, path, 0, first, 0, MAX_TRANSFER_BYTES);
        final long sizeBytes = lastFileSizeBytes;
        if (sizeBytes > MAX_WHOLE_FILE_BYTES)
        {
            throw new FabricException(EFBIG, path + ": " + sizeBytes + " bytes exceeds " + MAX_WHOLE_FILE_BYTES);
        }
        if (firstRead < MAX_TRANSFER_BYTES || sizeBytes <= firstRead)
        {
            return Arrays.copyOf(first, firstRead);
        }
        final byte[] whole = new byte[(int)sizeBytes];
        System.arraycopy(first, 0, whole, 0, firstRead);
        int position = firstRead;
        while (position < whole.length)
        {
            final int n = readOnce(
                true, path, position, whole, position, Math.min(MAX_TRANSFER_BYTES, whole.length - position));
            if (n == 0)
            {
                break;
            }
            position += n;
        }
        return position == whole.length ? whole : Arrays.copyOf(whole, position);
    }

    /**
     * P2S_WRITE: writes {@code length} bytes of {@code src} at {@code fileOffset} ({@code -1} appends); writes
     * larger than {@link #MAX_TRANSFER_BYTES} are split into several requests.
     *
     * @return the file size after the write, bytes.
     */
    public synchronized long write(final String path, final long fileOffset, final byte[] src, final int srcOff, final int length)
    {
        int done = 0;
        long sizeAfter;
        do
        {
            final int chunk = Math.min(MAX_TRANSFER_BYTES, length - done);
            final long offset = fileOffset < 0 ? -1 : fileOffset + done;
            writeEncoder.wrapAndApplyHeader(request, 0, headerEncoder)
                .fileOffset(offset)
                .requestId(nextRequestId())
                .path(path)
                .putData(src, srcOff + done, chunk);
            call(MessageHeaderEncoder.ENCODED_LENGTH + writeEncoder.encodedLength(), AckDecoder.TEMPLATE_ID);
            sizeAfter = ackDecoder.wrapAndApplyHeader(reply.buffer(), 0, reply.header()).value();
            done += chunk;
        }
        while (done < length);
        return sizeAfter;
    }

    /**
     * P2S_STAT: stat(2) ({@code followSymlinks} true) or lstat(2) (false).
     */
    public synchronized StatInfo stat(final String path, final boolean followSymlinks)
    {
        statEncoder.wrapAndApplyHeader(request, 0, headerEncoder)
            .followSymlinks((short)(followSymlinks ? 1 : 0))
            .path(path);
        call(MessageHeaderEncoder.ENCODED_LENGTH + statEncoder.encodedLength(), S2X_STAT_REPLYDecoder.TEMPLATE_ID);
        return decodeStat();
    }

    /** P2S_TRUNCATE: truncate(2) to {@code lengthBytes} (shrinks or extends with zeros). */
    public synchronized void truncate(final String path, final long lengthBytes)
    {
        truncateEncoder.wrapAndApplyHeader(request, 0, headerEncoder).length(lengthBytes).path(path);
        callForAck(MessageHeaderEncoder.ENCODED_LENGTH + truncateEncoder.encodedLength());
    }

    /** P2S_FSYNC: makes the file's data and metadata durable, fsync(2). */
    public synchronized void fsync(final String path)
    {
        fsyncEncoder.wrapAndApplyHeader(request, 0, headerEncoder).path(path);
        callForAck(MessageHeaderEncoder.ENCODED_LENGTH + fsyncEncoder.encodedLength());
    }

    /** P2S_MKDIR: mkdir(2) with permission bits {@code mode} (umask already applied by the caller). */
    public synchronized void mkdir(final String path, final int mode)
    {
        mkdirEncoder.wrapAndApplyHeader(request, 0, headerEncoder).mode(mode).requestId(nextRequestId()).path(path);
        callForAck(MessageHeaderEncoder.ENCODED_LENGTH + mkdirEncoder.encodedLength());
    }

    /** P2S_UNLINK: unlink(2) of a non-directory, or rmdir(2) of an empty directory when {@code removeDirectory}. */
    public synchronized void unlink(final String path, final boolean removeDirectory)
    {
        unlinkEncoder.wrapAndApplyHeader(request, 0, headerEncoder)
            .removeDirectory((short)(removeDirectory ? 1 : 0))
            .requestId(nextRequestId())
            .path(path);
        callForAck(MessageHeaderEncoder.ENCODED_LENGTH + unlinkEncoder.encodedLength());
    }

    /** P2S_RENAME: rename(2), or renameat2(2) with {@code flags} 0 or RENAME_NOREPLACE (1). */
    public synchronized void rename(final String fromPath, final String toPath, final int flags)
    {
        renameEncoder.wrapAndApplyHeader(request, 0, headerEncoder).flags(flags).requestId(nextRequestId())
            .fromPath(fromPath).toPath(toPath);
        callForAck(MessageHeaderEncoder.ENCODED_LENGTH + renameEncoder.encodedLength());
    }

    /**
     * P2S_READDIR: up to {@code maxEntries} entries of a directory, in name order with "." and ".." first,
     * starting at {@code cookie} (0 for the first entry, else an entry's {@link DirEntry#nextCookie()}).
     *
     * @return the entries; empty at the end of the directory.
     */
    public synchronized List<DirEntry> readdir(final String path, final long cookie, final int maxEntries)
    {
        readdirEncoder.wrapAndApplyHeader(request, 0, headerEncoder).cookie(cookie).maxEntries(maxEntries).path(path);
        call(MessageHeaderEncoder.ENCODED_LENGTH + readdirEncoder.encodedLength(),
            S2X_DIR_ENTRIESDecoder.TEMPLATE_ID);
        final S2X_DIR_ENTRIESDecoder d = dirEntriesDecoder.wrapAndApplyHeader(reply.buffer(), 0, reply.header());
        final List<DirEntry> entries = new ArrayList<>();
        for (final S2X_DIR_ENTRIESDecoder.EntriesDecoder e : d.entries())
        {
            final long inode = e.inode();
            final long nextCookie = e.nextCookie();
            final int type = e.entryType();
            entries.add(new DirEntry(inode, nextCookie, type, e.name()));
        }
        return entries;
    }

    /**
     * P2S_SETATTR: chmod(2) and utimensat(2) of a path (idempotent).
     *
     * @param mode    permission bits, -1 to keep them.
     * @param atimeNs ns since the epoch; -1 keeps it (UTIME_OMIT), -2 is the sComponent's now (UTIME_NOW).
     * @param mtimeNs as atimeNs.
     */
    public synchronized void setattr(
        final String path, final boolean followSymlinks, final int mode, final long atimeNs, final long mtimeNs)
    {
        setattrEncoder.wrapAndApplyHeader(request, 0, headerEncoder).mode(mode).atimeNs(atimeNs).mtimeNs(mtimeNs)
            .followSymlinks((short)(followSymlinks ? 1 : 0)).path(path);
        callForAck(MessageHeaderEncoder.ENCODED_LENGTH + setattrEncoder.encodedLength());
    }

    /**
     * P2S_STATFS: statfs(2) of the filesystem holding the sComponent's root, through {@code path}, which must exist
     * (idempotent).
     *
     * @throws org.legoemu.fabric.RemoteErrorException ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, EACCES, EIO.
     */
    public synchronized FileSystemInfo statfs(final String path)
    {
        statfsEncoder.wrapAndApplyHeader(request, 0, headerEncoder).path(path);
        call(MessageHeaderEncoder.ENCODED_LENGTH + statfsEncoder.encodedLength(), S2X_STATFS_REPLYDecoder.TEMPLATE_ID);
        final S2X_STATFS_REPLYDecoder d = statfsDecoder.wrapAndApplyHeader(reply.buffer(), 0, reply.header());
        return new FileSystemInfo(d.filesystemType(), d.blockSize(), d.blocks(), d.blocksFree(), d.blocksAvailable(),
            d.files(), d.filesFree(), d.filesystemId(), d.nameMax(), d.fragmentSize(), d.mountFlags());
    }

    /**
     * P2S_LOCK: takes, changes or releases ({@link FileLock#F_UNLCK}) the lock of one owner on a byte range.
     *
     * @param kind    {@link FileLock#POSIX}, {@link FileLock#OFD} or {@link FileLock#FLOCK}.
     * @param owner   POSIX: the pid; OFD and flock: the open file description's id on this pComponent.
     * @param waiting true for a caller that retries while it conflicts (F_SETLKW), for deadlock detection.
     * @param length  bytes, 0 to the end of the file and beyond.
     * @throws FabricException EAGAIN while another owner's lock conflicts, EDEADLK if waiting would deadlock, ENOLCK
     *                         during a restarted sComponent's grace period (retry).
     */
    public synchronized void lock(
        final String path, final int kind, final int ownerComponentId, final long owner, final int pid,
        final int type, final boolean waiting, final long start, final long length)
    {
        lock(path, kind, ownerComponentId, owner, pid, type, waiting, start, length, false);
    }

    /**
     * P2S_LOCK with reclaim = 1: re-asserts at a restarted sComponent a lock this pComponent's owner held (granted
     * during its grace period, when other lock requests get ENOLCK).
     *
     * @throws FabricException EAGAIN if another owner holds a conflicting lock (the lock was lost).
     */
    public synchronized void reclaim(
        final String path, final int kind, final int ownerComponentId, final long owner, final int pid,
        final int type, final long start, final long length)
    {
        lock(path, kind, ownerComponentId, owner, pid, type, false, start, length, true);
    }

    private void lock(
        final String path, final int kind, final int ownerComponentId, final long owner, final int pid,
        final int type, final boolean waiting, final long start, final long length, final boolean reclaim)
    {
        lockEncoder.wrapAndApplyHeader(request, 0, headerEncoder).ownerComponentId(ownerComponentId).owner(owner)
            .pid(pid).lockKind((short)kind).lockType((short)type).waiting((short)(waiting ? 1 : 0)).start(start)
            .length(length).reclaim((short)(reclaim ? 1 : 0)).path(path);
        callForAck(MessageHeaderEncoder.ENCODED_LENGTH + lockEncoder.encodedLength());
    }

    /**
     * P2S_GETLK: the first lock of another owner that conflicts with the one described.
     *
     * @return it, or a lock of type {@link FileLock#F_UNLCK} if none conflicts.
     */
    public synchronized FileLock getlk(
        final String path, final int kind, final int ownerComponentId, final long owner, final int type,
        final long start, final long length)
    {
        getlkEncoder.wrapAndApplyHeader(request, 0, headerEncoder).ownerComponentId(ownerComponentId).owner(owner)
            .lockKind((short)kind).lockType((short)type).start(start).length(length).path(path);
        call(MessageHeaderEncoder.ENCODED_LENGTH + getlkEncoder.encodedLength(), S2X_LOCKDecoder.TEMPLATE_ID);
        final S2X_LOCKDecoder d = lockDecoder.wrapAndApplyHeader(reply.buffer(), 0, reply.header());
        return new FileLock(d.lockType(), d.start(), d.length(), d.pid());
    }

    /**
     * P2S_UNLOCK_ALL: releases every lock of one owner on {@code path}, or on every file when it is empty.
     *
     * @return the locks released.
     */
    public synchronized long unlockAll(final String path, final int kind, final int ownerComponentId, final long owner)
    {
        unlockAllEncoder.wrapAndApplyHeader(request, 0, headerEncoder).ownerComponentId(ownerComponentId).owner(owner)
            .lockKind((short)kind).path(path);
        callForAck(MessageHeaderEncoder.ENCODED_LENGTH + unlockAllEncoder.encodedLength());
        return ackDecoder.value();
    }

    /** The file size reported by the last read reply, bytes; -1 before any read. */
    public synchronized long lastFileSizeBytes()
    {
        return lastFileSizeBytes;
    }

    private int readLoop(
        final boolean forExec,
        final String path,
        final long fileOffset,
        final byte[] dst,
        final int dstOff,
        final int length)
    {
        int done = 0;
        while (done < length)
        {
            final int chunk = Math.min(MAX_TRANSFER_BYTES, length - done);
            final int n = readOnce(forExec, path, fileOffset + done, dst, dstOff + done, chunk);
            done += n;
            if (n < chunk)
            {
                break;
            }
        }
        return done;
    }

    private int readOnce(
        final boolean forExec,
        final String path,
        final long fileOffset,
        final byte[] dst,
        final int dstOff,
        final int length)
    {
        final int requestLength;
        if (forExec)
        {
            execReadEncoder.wrapAndApplyHeader(request, 0, headerEncoder)
                .fileOffset(fileOffset)
                .length(length)
                .path(path);
            requestLength = MessageHeaderEncoder.ENCODED_LENGTH + execReadEncoder.encodedLength();
        }
        else
        {
            readEncoder.wrapAndApplyHeader(request, 0, headerEncoder)
                .fileOffset(fileOffset)
                .length(length)
                .path(path);
            requestLength = MessageHeaderEncoder.ENCODED_LENGTH + readEncoder.encodedLength();
        }
        call(requestLength, S2X_DATADecoder.TEMPLATE_ID);
        final S2X_DATADecoder d = dataDecoder.wrapAndApplyHeader(reply.buffer(), 0, reply.header());
        lastFileSizeBytes = d.fileSize();
        final int dataLength = d.dataLength();
        if (dataLength > length)
        {
            throw new FabricException(EPROTO, "sComponent returned " + dataLength + " bytes for " + length);
        }
        return d.getData(dst, dstOff, dataLength);
    }

    private StatInfo decodeStat()
    {
        final S2X_STAT_REPLYDecoder d = statDecoder.wrapAndApplyHeader(reply.buffer(), 0, reply.header());
        return new StatInfo(d.mode(), d.nlink(), d.size(), d.inode(), d.mtimeNs(), d.atimeNs(), d.ctimeNs());
    }

    private void callForAck(final int length)
    {
        call(length, AckDecoder.TEMPLATE_ID);
        ackDecoder.wrapAndApplyHeader(reply.buffer(), 0, reply.header());
    }

    /**
     * One request, retried after transport failures within the retry window (see the class comment); a transport
     * failure that outlasts it (timeout, refused or lost connection) becomes EIO, the errno read(2) and write(2)
     * give when the device fails (a guest's file operation fails, it does not hang), logged once; the sComponent's
     * own errors (RemoteErrorException) and EPROTO pass unchanged.
     */
    private void call(final int length, final int expectedTemplateId)
    {
        long firstFailureNs = 0;
        int attempts = 0;
        while (true)
        {
            attempts++;
            final FabricException failure = attempt(length, expectedTemplateId);
            if (failure == null)
            {
                return;
            }
            final long nowNs = clock.nanoTime();
            if (attempts == 1)
            {
                firstFailureNs = nowNs;
            }
            if (connector == null || nowNs - firstFailureNs >= retryWindowNs)
            {
                if (connector != null)
                {
                    LOG.warn("sComponent unreachable for {} ms over {} attempts; the file operation fails " +
                        "with EIO: {}", (nowNs - firstFailureNs) / 1_000_000, attempts, failure.getMessage());
                }
                throw new FabricException(Errnos.EIO, "sComponent unreachable: " + failure.getMessage(), failure);
            }
            if (client != null)
            {
                // After a timeout too: the sComponent may have crashed and been restarted elsewhere (a hung
                // one never answers on this connection), and only the connector's lookup finds the new one.
                client.close();
                client = null;
            }
            pause();
        }
    }

    /**
     * One attempt: connects if there is no connection, then calls.
     *
     * @return null if the sComponent answered, else the transport failure to retry. A failure to connect is one
     *         whatever its kind, an error the GMM answered included: "no live scomponent" (ENOENT) while the GMM
     *         holds the only sComponent DEAD, e.g. during a partition longer than the GMM's failure detection, is
     *         not the sComponent's answer to this request (chaos seed 25084: the guest's mkdir got ENOENT).
     * @throws RemoteErrorException the sComponent's own error, unchanged.
     * @throws FabricException      EPROTO or EMSGSIZE from the call, unchanged (sending again cannot help).
     */
    private FabricException attempt(final int length, final int expectedTemplateId)
    {
        if (client == null)
        {
            try
            {
                client = connector.connect();
            }
            catch (final FabricException ex)
            {
                return ex;
            }
        }
        try
        {
            ProxyCalls.call(client, request, length, reply, timeoutNs, "sComponent", expectedTemplateId);
            return null;
        }
        catch (final RemoteErrorException ex)
        {
            throw ex;
        }
        catch (final FabricException ex)
        {
            if (ex.errno() == Errnos.EPROTO || ex.errno() == Errnos.EMSGSIZE)
            {
                throw ex;
            }
            return ex;
        }
    }

    private static void pause()
    {
        try
        {
            Thread.sleep(RETRY_PAUSE_NS / 1_000_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new FabricException(Errnos.EIO, "interrupted while waiting to retry a storage request");
        }
    }
}
