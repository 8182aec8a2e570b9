package org.legoemu.scomponent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32;

import org.agrona.concurrent.UnsafeBuffer;
import org.legoemu.fabric.proxy.StatInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of the sComponent's duplicate request cache ({@link RequestDedup}) that survives a restart: the outcomes
 * of the namespace-changing requests (mkdir, unlink, rmdir, rename, exclusive or truncating open, append) written,
 * after the request was applied and before it is answered, to a ring of fixed-size records in the sComponent's
 * private state directory (the backup area's directory, which no guest path reaches). A restarted sComponent on the
 * same state directory loads it, so a request its predecessor applied but whose reply was lost, sent again by the
 * pComponent with the same request id, gets its first outcome instead of failing on its own success (EEXIST after a
 * mkdir, ENOENT after an unlink or rename). NFS's duplicate request cache lives in memory and has this hole across
 * server reboots (Juszczak, USENIX Winter 1989; RFC 1813 §4.4); NFSv4.1 closes it with a reply cache a server may
 * keep persistent (RFC 5661 §2.10.6, CREATE_SESSION4_FLAG_PERSIST). See docs/reliability.md, "Retried namespace
 * operations across an sComponent restart".
 * <p>
 * Durability: a record is written with one positional write(2) and no fsync, like the file operation it records
 * (the sComponent never syncs unless the guest asks), so it survives a crash of the sComponent's process (the host's
 * page cache keeps both) but not necessarily one of the host. A process killed between applying a request and
 * writing its record (microseconds) still leaves the hole. A write that fails is logged once; the cache then stays in
 * memory only.
 * <p>
 * Layout: {@link #capacity()} records of {@value #RECORD_BYTES} bytes, little endian; record {@code s} (from 1) goes
 * to slot {@code s % capacity}, so the file never grows past {@code capacity * RECORD_BYTES} bytes (1.25 MiB for
 * {@link RequestDedup#DEFAULT_CAPACITY}) and holds the newest {@code capacity} outcomes. Each record ends with a CRC32
 * of the rest; a torn or empty slot is skipped on load. Not thread-safe: used by the sComponent's dispatch thread.
 */
public final class OutcomeLog implements AutoCloseable
{
    /** The file's name in the state directory: '~' is outside the backup names' alphabet, so no backup is named so. */
    public static final String FILE_NAME = "~request-outcomes";
    /** Bytes per record. */
    public static final int RECORD_BYTES = 80;

    private static final Logger LOG = LoggerFactory.getLogger(OutcomeLog.class);

    private static final int KIND_VALUE = 1;
    private static final int KIND_STAT = 2;
    private static final int KIND_ERROR = 3;

    private static final int SEQUENCE = 0;
    private static final int REQUEST_ID = 8;
    private static final int KIND = 16;
    private static final int ERRNO_OR_MODE = 20;
    private static final int VALUE_OR_SIZE = 24;
    private static final int NLINK = 32;
    private static final int INODE = 40;
    private static final int MTIME = 48;
    private static final int ATIME = 56;
    private static final int CTIME = 64;
    private static final int CRC = 72;

    private final Path file;
    private final int capacity;
    private final ByteBuffer record = ByteBuffer.allocateDirect(RECORD_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final UnsafeBuffer fields = new UnsafeBuffer(record);
    private final CRC32 crc = new CRC32();
    private FileChannel channel;
    private long sequence;
    private boolean failed;

    /**
     * @param stateDirectory the sComponent's private state directory (created on the first record if missing).
     * @param capacity       records kept, at least 1: the capacity of the {@link RequestDedup} it backs.
     * @throws IllegalArgumentException if {@code capacity} is below 1.
     */
    public OutcomeLog(final Path stateDirectory, final int capacity)
    {
        if (capacity < 1)
        {
            throw new IllegalArgumentException("capacity " + capacity + " < 1");
        }
        this.file = stateDirectory.resolve(FILE_NAME);
        this.capacity = capacity;
    }

    /** Records kept. */
    public int capacity()
    {
        return capacity;
    }

    /**
     * Puts the outcomes a previous sComponent recorded on this state directory into {@code dedup}, oldest first, and
     * continues their numbering. A file that cannot be read is logged and ignored (nothing is loaded).
     *
     * @return the outcomes loaded.
     */
    public int loadInto(final RequestDedup dedup)
    {
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(file);
        }
        catch (final NoSuchFileException ex)
        {
            return 0;
        }
        catch (final IOException ex)
        {
            LOG.warn("cannot read the duplicate request cache {}: {}; starting with an empty one", file, ex.toString());
            return 0;
        }
        final int slots = Math.min(capacity, bytes.length / RECORD_BYTES);
        final UnsafeBuffer in = new UnsafeBuffer(bytes);
        final long[] sequenceAndSlot = new long[slots];
        int valid = 0;
        for (int slot = 0; slot < slots; slot++)
        {
            final int at = slot * RECORD_BYTES;
            final long s = in.getLong(at + SEQUENCE, ByteOrder.LITTLE_ENDIAN);
            crc.reset();
            crc.update(bytes, at, CRC);
            if (s > 0 && (int)crc.getValue() == in.getInt(at + CRC, ByteOrder.LITTLE_ENDIAN))
            {
                sequenceAndSlot[valid++] = s;
                sequence = Math.max(sequence, s);
            }
        }
        Arrays.sort(sequenceAndSlot, 0, valid);
        for (int i = 0; i < valid; i++)
        {
            final int at = (int)(sequenceAndSlot[i] % capacity) * RECORD_BYTES;
            dedup.remember(in.getLong(at + REQUEST_ID, ByteOrder.LITTLE_ENDIAN), decode(in, at));
        }
        return valid;
    }

    private static Object decode(final UnsafeBuffer in, final int at)
    {
        final int kind = in.getInt(at + KIND, ByteOrder.LITTLE_ENDIAN);
        final int errnoOrMode = in.getInt(at + ERRNO_OR_MODE, ByteOrder.LITTLE_ENDIAN);
        final long valueOrSize = in.getLong(at + VALUE_OR_SIZE, ByteOrder.LITTLE_ENDIAN);
        switch (kind)
        {
            case KIND_VALUE:
                return valueOrSize;
            case KIND_STAT:
                return new StatInfo(errnoOrMode, in.getInt(at + NLINK, ByteOrder.LITTLE_ENDIAN), valueOrSize,
                    in.getLong(at + INODE, ByteOrder.LITTLE_ENDIAN), in.getLong(at + MTIME, ByteOrder.LITTLE_ENDIAN),
                    in.getLong(at + ATIME, ByteOrder.LITTLE_ENDIAN), in.getLong(at + CTIME, ByteOrder.LITTLE_ENDIAN));
            default:
                return new StorageException(errnoOrMode, "the outcome of this request before the sComponent restarted");
        }
    }

    /**
     * Records the outcome of request {@code requestId} (ignored for 0): a {@code Long}, a {@link StatInfo} or a
     * {@link StorageException}.
     *
     * @throws IllegalArgumentException for another kind of outcome.
     */
    public void record(final long requestId, final Object outcome)
    {
        if (requestId == 0 || failed)
        {
            return;
        }
        fields.setMemory(0, RECORD_BYTES, (byte)0);
        if (outcome instanceof Long value)
        {
            fields.putInt(KIND, KIND_VALUE, ByteOrder.LITTLE_ENDIAN);
            fields.putLong(VALUE_OR_SIZE, value, ByteOrder.LITTLE_ENDIAN);
        }
        else if (outcome instanceof StatInfo stat)
        {
            fields.putInt(KIND, KIND_STAT, ByteOrder.LITTLE_ENDIAN);
            fields.putInt(ERRNO_OR_MODE, stat.mode(), ByteOrder.LITTLE_ENDIAN);
            fields.putLong(VALUE_OR_SIZE, stat.sizeBytes(), ByteOrder.LITTLE_ENDIAN);
            fields.putInt(NLINK, stat.nlink(), ByteOrder.LITTLE_ENDIAN);
            fields.putLong(INODE, stat.inode(), ByteOrder.LITTLE_ENDIAN);
            fields.putLong(MTIME, stat.mtimeNs(), ByteOrder.LITTLE_ENDIAN);
            fields.putLong(ATIME, stat.atimeNs(), ByteOrder.LITTLE_ENDIAN);
            fields.putLong(CTIME, stat.ctimeNs(), ByteOrder.LITTLE_ENDIAN);
        }
        else if (outcome instanceof StorageException error)
        {
            fields.putInt(KIND, KIND_ERROR, ByteOrder.LITTLE_ENDIAN);
            fields.putInt(ERRNO_OR_MODE, error.errno(), ByteOrder.LITTLE_ENDIAN);
        }
        else
        {
            throw new IllegalArgumentException("not an outcome: " + outcome);
        }
        final long s = ++sequence;
        fields.putLong(SEQUENCE, s, ByteOrder.LITTLE_ENDIAN);
        fields.putLong(REQUEST_ID, requestId, ByteOrder.LITTLE_ENDIAN);
        record.clear().limit(CRC);
        crc.reset();
        crc.update(record);
        fields.putInt(CRC, (int)crc.getValue(), ByteOrder.LITTLE_ENDIAN);
        record.clear();
        try
        {
            if (channel == null)
            {
                Files.createDirectories(file.getParent());
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            }
            final long position = (s % capacity) * RECORD_BYTES;
            while (record.hasRemaining())
            {
                channel.write(record, position + record.position());
            }
        }
        catch (final IOException ex)
        {
            failed = true;
            LOG.warn("cannot write the duplicate request cache {}: {}; it is kept in memory only from now on, so a " +
                "request retried across a restart may fail on its own success", file, ex.toString());
        }
    }

    /** Closes the file. */
    @Override
    public void close()
    {
        if (channel != null)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ex)
            {
                LOG.debug("closing {}: {}", file, ex.toString());
            }
            channel = null;
        }
    }
}
