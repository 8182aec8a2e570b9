package org.legoemu.scomponent;

import java.nio.ByteBuffer;
import java.util.List;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.legoemu.fabric.AdapterSupport;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.RequestHandler;
import org.legoemu.fabric.Responder;
import org.legoemu.fabric.proxy.DirEntry;
import org.legoemu.fabric.proxy.FileLock;
import org.legoemu.fabric.sbe.P2S_GETLKDecoder;
import org.legoemu.fabric.sbe.P2S_LOCKDecoder;
import org.legoemu.fabric.sbe.P2S_SETATTRDecoder;
import org.legoemu.fabric.sbe.P2S_STATFSDecoder;
import org.legoemu.fabric.sbe.S2X_STATFS_REPLYEncoder;
import org.legoemu.fabric.proxy.FileSystemInfo;
import org.legoemu.fabric.sbe.P2S_UNLOCK_ALLDecoder;
import org.legoemu.fabric.sbe.S2X_LOCKEncoder;
import org.legoemu.fabric.proxy.StatInfo;
import org.legoemu.fabric.sbe.AckEncoder;
import org.legoemu.fabric.sbe.M2S_BACKUP_DELETEDecoder;
import org.legoemu.fabric.sbe.M2S_BACKUP_READDecoder;
import org.legoemu.fabric.sbe.M2S_BACKUP_WRITEDecoder;
import org.legoemu.fabric.sbe.M2S_READDecoder;
import org.legoemu.fabric.sbe.MessageHeaderDecoder;
import org.legoemu.fabric.sbe.MessageHeaderEncoder;
import org.legoemu.fabric.sbe.P2S_FSYNCDecoder;
import org.legoemu.fabric.sbe.P2S_MKDIRDecoder;
import org.legoemu.fabric.sbe.P2S_READDIRDecoder;
import org.legoemu.fabric.sbe.P2S_RENAMEDecoder;
import org.legoemu.fabric.sbe.P2S_UNLINKDecoder;
import org.legoemu.fabric.sbe.P2S_OPENDecoder;
import org.legoemu.fabric.sbe.P2S_READDecoder;
import org.legoemu.fabric.sbe.P2S_STATDecoder;
import org.legoemu.fabric.sbe.P2S_TRUNCATEDecoder;
import org.legoemu.fabric.sbe.P2S_WRITEDecoder;
import org.legoemu.fabric.sbe.S2X_DATAEncoder;
import org.legoemu.fabric.sbe.S2X_DIR_ENTRIESEncoder;
import org.legoemu.fabric.sbe.S2X_STAT_REPLYEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes sComponent requests (P2S_OPEN, P2S_READ, M2S_READ, P2S_WRITE, P2S_STAT, P2S_TRUNCATE, P2S_FSYNC,
 * P2S_MKDIR, P2S_UNLINK, P2S_RENAME, P2S_READDIR) by templateId, runs them through {@link FileOperations} and
 * encodes the replies (S2X_STAT_REPLY, S2X_DATA, S2X_DIR_ENTRIES, Ack). The replica backup requests
 * (M2S_BACKUP_WRITE, M2S_BACKUP_READ, M2S_BACKUP_DELETE) go to the {@link BackupArea} instead, which no P2S path
 * reaches.
 * Runs on the server's single dispatch thread. Unknown templateIds, a wrong schemaId or a truncated message get
 * ErrorReply EPROTO and one log line; file errors get their Linux errno.
 */
public final class StorageAdapter implements RequestHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(StorageAdapter.class);

    private final FileOperations files;
    private final BackupArea backups;
    private final LockTable locks;
    private final RequestDedup dedup = new RequestDedup();
    private final OutcomeLog outcomeLog;
    private final UnsafeBuffer request = new UnsafeBuffer(0, 0);
    private final byte[] transferBytes = new byte[FileOperations.MAX_TRANSFER_BYTES];
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final P2S_OPENDecoder openDecoder = new P2S_OPENDecoder();
    private final P2S_READDecoder readDecoder = new P2S_READDecoder();
    private final M2S_READDecoder execReadDecoder = new M2S_READDecoder();
    private final P2S_WRITEDecoder writeDecoder = new P2S_WRITEDecoder();
    private final P2S_STATDecoder statDecoder = new P2S_STATDecoder();
    private final P2S_TRUNCATEDecoder truncateDecoder = new P2S_TRUNCATEDecoder();
    private final P2S_FSYNCDecoder fsyncDecoder = new P2S_FSYNCDecoder();
    private final P2S_MKDIRDecoder mkdirDecoder = new P2S_MKDIRDecoder();
    private final P2S_UNLINKDecoder unlinkDecoder = new P2S_UNLINKDecoder();
    private final P2S_RENAMEDecoder renameDecoder = new P2S_RENAMEDecoder();
    private final P2S_READDIRDecoder readdirDecoder = new P2S_READDIRDecoder();
    private final P2S_SETATTRDecoder setattrDecoder = new P2S_SETATTRDecoder();
    private final P2S_STATFSDecoder statfsDecoder = new P2S_STATFSDecoder();
    private final S2X_STATFS_REPLYEncoder statfsEncoder = new S2X_STATFS_REPLYEncoder();
    private final P2S_LOCKDecoder lockDecoder = new P2S_LOCKDecoder();
    private final P2S_GETLKDecoder getlkDecoder = new P2S_GETLKDecoder();
    private final P2S_UNLOCK_ALLDecoder unlockAllDecoder = new P2S_UNLOCK_ALLDecoder();
    private final S2X_LOCKEncoder lockEncoder = new S2X_LOCKEncoder();
    private final M2S_BACKUP_WRITEDecoder backupWriteDecoder = new M2S_BACKUP_WRITEDecoder();
    private final M2S_BACKUP_READDecoder backupReadDecoder = new M2S_BACKUP_READDecoder();
    private final M2S_BACKUP_DELETEDecoder backupDeleteDecoder = new M2S_BACKUP_DELETEDecoder();
    private final S2X_DIR_ENTRIESEncoder dirEntriesEncoder = new S2X_DIR_ENTRIESEncoder();
    private final AckEncoder ackEncoder = new AckEncoder();
    private final S2X_DATAEncoder dataEncoder = new S2X_DATAEncoder();
    private final S2X_STAT_REPLYEncoder statEncoder = new S2X_STAT_REPLYEncoder();

    /**
     * @param files   the stateless file operations, confined to the storage root.
     * @param backups the replica backup area.
     */
    public StorageAdapter(final FileOperations files, final BackupArea backups)
    {
        this(files, backups, new LockTable(org.agrona.concurrent.SystemNanoClock.INSTANCE));
    }

    /**
     * @param files   the stateless file operations, confined to the storage root.
     * @param backups the replica backup area.
     * @param locks   the cluster's file locks.
     */
    public StorageAdapter(final FileOperations files, final BackupArea backups, final LockTable locks)
    {
        this(files, backups, locks, null);
    }

    /**
     * @param files      the stateless file operations, confined to the storage root.
     * @param backups    the replica backup area.
     * @param locks      the cluster's file locks.
     * @param outcomeLog where the outcomes of namespace-changing requests are recorded so that they survive a
     *                   restart; loaded here (what a previous sComponent recorded in it is known at once). Null:
     *                   the duplicate request cache is in memory only.
     */
    public StorageAdapter(
        final FileOperations files, final BackupArea backups, final LockTable locks, final OutcomeLog outcomeLog)
    {
        this.files = files;
        this.backups = backups;
        this.locks = locks;
        this.outcomeLog = outcomeLog;
        if (outcomeLog != null)
        {
            final int loaded = outcomeLog.loadInto(dedup);
            if (loaded > 0)
            {
                LOG.info("duplicate request cache: {} outcomes recorded before the restart", loaded);
            }
        }
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
            dispatch(templateId, responder);
        }
        catch (final StorageException ex)
        {
            refuse(responder, ex.errno(), ex.getMessage());
        }
        catch (final IndexOutOfBoundsException ex)
        {
            reject(responder, Errnos.EPROTO, "templateId " + templateId + " truncated: " + ex.getMessage());
        }
        catch (final RuntimeException ex)
        {
            LOG.error("storage request templateId {} failed", templateId, ex);
            responder.error(Errnos.EIO, "templateId " + templateId + ": " + ex);
        }
    }

    private void dispatch(final int templateId, final Responder responder)
    {
        switch (templateId)
        {
            case P2S_OPENDecoder.TEMPLATE_ID:
                checkBlockLength(P2S_OPENDecoder.BLOCK_LENGTH);
                openDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
                final int openFlags = openDecoder.flags();
                final int openMode = openDecoder.mode();
                final long openId = openDecoder.requestId();
                checkVarField(openDecoder.limit());
                final String openPath = openDecoder.path();
                replyStat((StatInfo)once(openId, (openFlags & (FileOperations.O_EXCL | FileOperations.O_TRUNC)) != 0,
                    () -> files.open(openPath, openFlags, openMode)), responder);
                break;

            case P2S_READDecoder.TEMPLATE_ID:
                checkBlockLength(P2S_READDecoder.BLOCK_LENGTH);
                readDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
                checkVarField(readDecoder.limit());
                onRead(readDecoder.fileOffset(), readDecoder.length(), readDecoder.path(), responder);
                break;

            case M2S_READDecoder.TEMPLATE_ID:
                checkBlockLength(M2S_READDecoder.BLOCK_LENGTH);
                execReadDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
                checkVarField(execReadDecoder.limit());
                onRead(execReadDecoder.fileOffset(), execReadDecoder.length(), execReadDecoder.path(), responder);
                break;

            case P2S_WRITEDecoder.TEMPLATE_ID:
                checkBlockLength(P2S_WRITEDecoder.BLOCK_LENGTH);
                writeDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
                onWrite(writeDecoder, responder);
                break;

            case P2S_STATDecoder.TEMPLATE_ID:
                checkBlockLength(P2S_STATDecoder.BLOCK_LENGTH);
                statDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
                final boolean follow = statDecoder.followSymlinks() != 0;
                checkVarField(statDecoder.limit());
                replyStat(files.stat(statDecoder.path(), follow), responder);
                break;

            case P2S_TRUNCATEDecoder.TEMPLATE_ID:
                checkBlockLength(P2S_TRUNCATEDecoder.BLOCK_LENGTH);
                truncateDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
                final long lengthBytes = truncateDecoder.length();
                checkVarField(truncateDecoder.limit());
                files.truncate(truncateDecoder.path(), lengthBytes);
                replyAck(responder, 0);
                break;

            case P2S_FSYNCDecoder.TEMPLATE_ID:
                checkBlockLength(P2S_FSYNCDecoder.BLOCK_LENGTH);
                fsyncDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
                checkVarField(fsyncDecoder.limit());
                files.fsync(fsyncDecoder.path());
                replyAck(responder, 0);
                break;

            case P2S_MKDIRDecoder.TEMPLATE_ID:
                checkBlockLength(P2S_MKDIRDecoder.BLOCK_LENGTH);
                mkdirDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
                final int mode = mkdirDecoder.mode();
                final long mkdirId = mkdirDecoder.requestId();
                checkVarField(mkdirDecoder.limit());
                final String mkdirPath = mkdirDecoder.path();
                replyAck(responder, (Long)once(mkdirId, true, () ->
                {
                    files.mkdir(mkdirPath, mode);
                    return 0L;
                }));
                break;

            case P2S_UNLINKDecoder.TEMPLATE_ID:
                checkBlockLength(P2S_UNLINKDecoder.BLOCK_LENGTH);
                unlinkDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
                final boolean removeDirectory = unlinkDecoder.removeDirectory() != 0;
                final long unlinkId = unlinkDecoder.requestId();
                checkVarField(unlinkDecoder.limit());
                final String unlinkPath = unlinkDecoder.path();
                replyAck(responder, (Long)once(unlinkId, true, () ->
                {
                    files.unlink(unlinkPath, removeDirectory);
                    return 0L;
                }));
                break;

            case P2S_RENAMEDecoder.TEMPLATE_ID:
                checkBlockLength(P2S_RENAMEDecoder.BLOCK_LENGTH);
                renameDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
                final int renameFlags = renameDecoder.flags();
                final long renameId = renameDecoder.requestId();
                checkVarField(renameDecoder.limit());
                final String fromPath = renameDecoder.fromPath();
                checkVarField(renameDecoder.limit());
                final String toPath = renameDecoder.toPath();
                replyAck(responder, (Long)once(renameId, true, () ->
                {
                    files.rename(fromPath, toPath, renameFlags);
                    return 0L;
                }));
                break;

            case P2S_READDIRDecoder.TEMPLATE_ID:
                checkBlockLength(P2S_READDIRDecoder.BLOCK_LENGTH);
                readdirDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
                final long cookie = readdirDecoder.cookie();
                final int maxEntries = readdirDecoder.maxEntries();
                checkVarField(readdirDecoder.limit());
                replyEntries(files.readdir(readdirDecoder.path(), cookie, maxEntries), responder);
                break;

            case P2S_SETATTRDecoder.TEMPLATE_ID:
                checkBlockLength(P2S_SETATTRDecoder.BLOCK_LENGTH);
                setattrDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
                final int setMode = setattrDecoder.mode();
                final long atimeNs = setattrDecoder.atimeNs();
                final long mtimeNs = setattrDecoder.mtimeNs();
                final boolean setFollow = setattrDecoder.followSymlinks() != 0;
                checkVarField(setattrDecoder.limit());
                files.setattr(setattrDecoder.path(), setFollow, setMode, atimeNs, mtimeNs);
                replyAck(responder, 0);
                break;

            case P2S_STATFSDecoder.TEMPLATE_ID:
                checkBlockLength(P2S_STATFSDecoder.BLOCK_LENGTH);
                statfsDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
                checkVarField(statfsDecoder.limit());
                replyStatfs(files.statfs(statfsDecoder.path()), responder);
                break;

            case P2S_LOCKDecoder.TEMPLATE_ID:
                checkBlockLength(P2S_LOCKDecoder.BLOCK_LENGTH);
                lockDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
                final int lockComponent = lockDecoder.ownerComponentId();
                final long lockOwner = lockDecoder.owner();
                final int lockPid = lockDecoder.pid();
                final int lockKind = lockDecoder.lockKind();
                final int lockType = lockDecoder.lockType();
                final boolean lockWaiting = lockDecoder.waiting() != 0;
                final long lockStart = lockDecoder.start();
                final long lockLength = lockDecoder.length();
                final boolean lockReclaim = lockDecoder.reclaim() == 1;
                checkVarField(lockDecoder.limit());
                locks.lock(files.stat(lockDecoder.path(), true).inode(), lockKind, lockComponent, lockOwner, lockPid,
                    lockType, lockWaiting, lockStart, lockLength, lockReclaim);
                replyAck(responder, 0);
                break;

            case P2S_GETLKDecoder.TEMPLATE_ID:
                checkBlockLength(P2S_GETLKDecoder.BLOCK_LENGTH);
                getlkDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
                final int getlkComponent = getlkDecoder.ownerComponentId();
                final long getlkOwner = getlkDecoder.owner();
                final int getlkKind = getlkDecoder.lockKind();
                final int getlkType = getlkDecoder.lockType();
                final long getlkStart = getlkDecoder.start();
                final long getlkLength = getlkDecoder.length();
                checkVarField(getlkDecoder.limit());
                final FileLock conflict = locks.conflicting(files.stat(getlkDecoder.path(), true).inode(), getlkKind,
                    getlkComponent, getlkOwner, getlkType, getlkStart, getlkLength);
                lockEncoder.wrapAndApplyHeader(responder.buffer(), 0, headerEncoder).lockType((short)conflict.type())
                    .start(conflict.start()).length(conflict.length()).pid(conflict.pid());
                responder.reply(MessageHeaderEncoder.ENCODED_LENGTH + lockEncoder.encodedLength());
                break;

            case P2S_UNLOCK_ALLDecoder.TEMPLATE_ID:
                checkBlockLength(P2S_UNLOCK_ALLDecoder.BLOCK_LENGTH);
                unlockAllDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
                final int unlockComponent = unlockAllDecoder.ownerComponentId();
                final long unlockOwner = unlockAllDecoder.owner();
                final int unlockKind = unlockAllDecoder.lockKind();
                checkVarField(unlockAllDecoder.limit());
                final String unlockPath = unlockAllDecoder.path();
                final long unlockInode = unlockPath.isEmpty() ? -1 : inodeOrMinusTwo(unlockPath);
                replyAck(responder, unlockInode == -2 ? 0
                    : locks.unlockAll(unlockInode, unlockKind, unlockComponent, unlockOwner));
                break;

            case M2S_BACKUP_WRITEDecoder.TEMPLATE_ID:
                checkBlockLength(M2S_BACKUP_WRITEDecoder.BLOCK_LENGTH);
                backupWriteDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
                onBackupWrite(backupWriteDecoder, responder);
                break;

            case M2S_BACKUP_READDecoder.TEMPLATE_ID:
                checkBlockLength(M2S_BACKUP_READDecoder.BLOCK_LENGTH);
                backupReadDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
                final long backupOffset = backupReadDecoder.fileOffset();
                final int backupLength = backupReadDecoder.length();
                checkVarField(backupReadDecoder.limit());
                final String backupName = backupReadDecoder.name();
                checkTransferLength(backupName, backupLength);
                final ByteBuffer dst = ByteBuffer.wrap(transferBytes, 0, backupLength);
                replyData(backups.read(backupName, backupOffset, dst), dst.position(), responder);
                break;

            case M2S_BACKUP_DELETEDecoder.TEMPLATE_ID:
                checkBlockLength(M2S_BACKUP_DELETEDecoder.BLOCK_LENGTH);
                backupDeleteDecoder.wrapAndApplyHeader(request, 0, headerDecoder);
                checkVarField(backupDeleteDecoder.limit());
                backups.delete(backupDeleteDecoder.name());
                replyAck(responder, 0);
                break;

            default:
                throw new StorageException(Errnos.EPROTO, "unknown templateId " + templateId);
        }
    }

    /** The inode of {@code path}, or -2 if it is gone (its locks went with it). */
    private long inodeOrMinusTwo(final String path)
    {
        try
        {
            return files.stat(path, true).inode();
        }
        catch (final StorageException ex)
        {
            return -2;
        }
    }

    /** A non-idempotent file operation's result: a {@code Long} or a {@link StatInfo}. */
    @FunctionalInterface
    private interface Operation
    {
        Object apply();
    }

    /**
     * Applies a non-idempotent request once: a request id seen before gets its first outcome again (its result, or
     * its error rethrown) without being applied a second time (see {@link RequestDedup}).
     *
     * @param durable whether the outcome must survive a restart ({@link OutcomeLog}): true for the requests whose
     *                second application differs from the first (mkdir, unlink, rmdir, rename, an open with O_EXCL
     *                or O_TRUNC, an append); a write at an offset, applied again, writes the same bytes.
     */
    private Object once(final long requestId, final boolean durable, final Operation operation)
    {
        final Object earlier = dedup.outcome(requestId);
        if (earlier instanceof StorageException)
        {
            throw (StorageException)earlier;
        }
        if (earlier != null)
        {
            return earlier;
        }
        try
        {
            final Object result = operation.apply();
            remember(requestId, durable, result);
            return result;
        }
        catch (final StorageException ex)
        {
            remember(requestId, durable, ex);
            throw ex;
        }
    }

    private void remember(final long requestId, final boolean durable, final Object outcome)
    {
        dedup.remember(requestId, outcome);
        if (durable && outcomeLog != null)
        {
            outcomeLog.record(requestId, outcome);
        }
    }

    private void onRead(final long fileOffset, final int length, final String path, final Responder responder)
    {
        checkTransferLength(path, length);
        final ByteBuffer dst = ByteBuffer.wrap(transferBytes, 0, length);
        replyData(files.read(path, fileOffset, dst), dst.position(), responder);
    }

    private void onWrite(final P2S_WRITEDecoder decoder, final Responder responder)
    {
        final long fileOffset = decoder.fileOffset();
        final long requestId = decoder.requestId();
        checkVarField(decoder.limit());
        final String path = decoder.path();
        checkVarField(decoder.limit());
        final int n = receiveData(path, decoder.dataLength(), decoder::getData);
        replyAck(responder, (Long)once(requestId, fileOffset < 0,
            () -> files.write(path, fileOffset, ByteBuffer.wrap(transferBytes, 0, n))));
    }

    private void onBackupWrite(final M2S_BACKUP_WRITEDecoder decoder, final Responder responder)
    {
        final long fileOffset = decoder.fileOffset();
        checkVarField(decoder.limit());
        final String name = decoder.name();
        checkVarField(decoder.limit());
        final int n = receiveData(name, decoder.dataLength(), decoder::getData);
        replyAck(responder, backups.write(name, fileOffset, ByteBuffer.wrap(transferBytes, 0, n)));
    }

    /** How a decoder copies its var data field out: SBE's {@code getData(byte[], int, int)}. */
    @FunctionalInterface
    private interface DataField
    {
        int getData(byte[] dst, int dstOffset, int length);
    }

    /** Copies a request's data field of {@code dataLength} bytes into the transfer buffer; returns its length. */
    private int receiveData(final String what, final int dataLength, final DataField field)
    {
        if (dataLength > FileOperations.MAX_TRANSFER_BYTES)
        {
            throw new StorageException(Errnos.EINVAL, what + ": write of " + dataLength + " bytes exceeds " +
                FileOperations.MAX_TRANSFER_BYTES);
        }
        final int n = field.getData(transferBytes, 0, dataLength);
        if (n != dataLength)
        {
            throw new StorageException(Errnos.EPROTO, what + ": write data truncated");
        }
        return n;
    }

    private static void checkTransferLength(final String what, final int length)
    {
        if (length < 0 || length > FileOperations.MAX_TRANSFER_BYTES)
        {
            throw new StorageException(Errnos.EINVAL, what + ": read length " + length + " outside 0.." +
                FileOperations.MAX_TRANSFER_BYTES);
        }
    }

    private void replyData(final long fileSize, final int length, final Responder responder)
    {
        dataEncoder.wrapAndApplyHeader(responder.buffer(), 0, headerEncoder)
            .fileSize(fileSize)
            .putData(transferBytes, 0, length);
        responder.reply(MessageHeaderEncoder.ENCODED_LENGTH + dataEncoder.encodedLength());
    }

    private void replyStat(final StatInfo stat, final Responder responder)
    {
        statEncoder.wrapAndApplyHeader(responder.buffer(), 0, headerEncoder)
            .mode(stat.mode())
            .nlink(stat.nlink())
            .size(stat.sizeBytes())
            .inode(stat.inode())
            .mtimeNs(stat.mtimeNs())
            .atimeNs(stat.atimeNs())
            .ctimeNs(stat.ctimeNs());
        responder.reply(MessageHeaderEncoder.ENCODED_LENGTH + statEncoder.encodedLength());
    }

    private void replyStatfs(final FileSystemInfo info, final Responder responder)
    {
        statfsEncoder.wrapAndApplyHeader(responder.buffer(), 0, headerEncoder)
            .filesystemType(info.filesystemType())
            .blockSize(info.blockSizeBytes())
            .blocks(info.blocks())
            .blocksFree(info.blocksFree())
            .blocksAvailable(info.blocksAvailable())
            .files(info.files())
            .filesFree(info.filesFree())
            .filesystemId(info.filesystemId())
            .nameMax(info.nameMaxBytes())
            .fragmentSize(info.fragmentSizeBytes())
            .mountFlags(info.mountFlags());
        responder.reply(MessageHeaderEncoder.ENCODED_LENGTH + statfsEncoder.encodedLength());
    }

    private void replyEntries(final List<DirEntry> entries, final Responder responder)
    {
        final S2X_DIR_ENTRIESEncoder.EntriesEncoder group = dirEntriesEncoder
            .wrapAndApplyHeader(responder.buffer(), 0, headerEncoder)
            .entriesCount(entries.size());
        for (final DirEntry entry : entries)
        {
            group.next()
                .inode(entry.inode())
                .nextCookie(entry.nextCookie())
                .entryType((short)entry.type())
                .name(entry.name());
        }
        responder.reply(MessageHeaderEncoder.ENCODED_LENGTH + dirEntriesEncoder.encodedLength());
    }

    /** Requests answered from an earlier outcome (retries and duplicates) since start. */
    public long replays()
    {
        return dedup.replays();
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
            throw new StorageException(Errnos.EPROTO, error);
        }
    }

    private void checkVarField(final int limit)
    {
        final String error = AdapterSupport.varFieldError(headerDecoder, request, limit);
        if (error != null)
        {
            throw new StorageException(Errnos.EPROTO, error);
        }
    }

    private static void reject(final Responder responder, final int errno, final String text)
    {
        LOG.warn("storage request rejected: errno {}: {}", errno, text);
        responder.error(errno, text);
    }

    private static void refuse(final Responder responder, final int errno, final String text)
    {
        if (errno == Errnos.EPROTO)
        {
            reject(responder, errno, text);
            return;
        }
        LOG.debug("storage request refused: errno {}: {}", errno, text);
        responder.error(errno, text);
    }
}
