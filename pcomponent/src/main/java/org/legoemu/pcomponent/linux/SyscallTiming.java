package org.legoemu.pcomponent.linux;

import org.legoemu.abi.linux.Syscalls;
import org.legoemu.pcomponent.files.FileCache;
import org.legoemu.pcomponent.files.FileReadTally;
import org.legoemu.pcomponent.model.FabricProfile;
import org.legoemu.pcomponent.model.HartTimer;
import org.legoemu.pcomponent.model.ProcessorModel;
import org.legoemu.pcomponent.model.TimeBucket;

/**
 * What a system call costs in modeled time (docs/modeled-time.md, "System calls"): every call the profile's
 * {@link FabricProfile#syscallNs} (trap and local work); a VM call (brk, mmap, munmap, mremap, madvise, mprotect,
 * execve) one round trip to the home mComponent; a file call that reaches the sComponent (open, stat, directory
 * changes, fsync, ftruncate, and read/write/pread/pwrite/readv/writev/fstat of a storage file) one round trip to it,
 * with the bytes moved over the fabric and at the storage bandwidth. The local baseline pays the trap and the
 * sComponent's own latency and bandwidth (a monolithic server with the same storage), not the fabric. A read(2) or
 * pread(2) through the pComponent's file cache is charged by what it did: each sComponent read it sent (a miss and its
 * read-ahead) as one round trip with its bytes, and the bytes it copied as local copies at the profile's
 * {@link FabricProfile#lineCopyNs} per 4 KiB; a read served wholly from the cache costs only the copy. The local
 * baseline pays the same sComponent reads at the storage's latency and bandwidth (a monolithic server's page cache
 * would read ahead alike). Background read-ahead is booked on the storage link at the reader's time, not charged to
 * it, as ExCache prefetches are.
 */
final class SyscallTiming
{
    private SyscallTiming()
    {
    }

    /** Whether {@code number} is a call on a file descriptor that moves file data or metadata through storage. */
    static boolean onDescriptor(final int number)
    {
        switch (number)
        {
            case Syscalls.READ:
            case Syscalls.WRITE:
            case Syscalls.PREAD64:
            case Syscalls.PWRITE64:
            case Syscalls.READV:
            case Syscalls.WRITEV:
            case Syscalls.FSTAT:
            case Syscalls.FSYNC:
            case Syscalls.FDATASYNC:
            case Syscalls.FTRUNCATE:
            case Syscalls.GETDENTS64:
                return true;
            default:
                return false;
        }
    }

    private static boolean home(final int number)
    {
        switch (number)
        {
            case Syscalls.BRK:
            case Syscalls.MMAP:
            case Syscalls.MUNMAP:
            case Syscalls.MREMAP:
            case Syscalls.MADVISE:
            case Syscalls.MPROTECT:
            case Syscalls.EXECVE:
                return true;
            default:
                return false;
        }
    }

    private static boolean storageByPath(final int number)
    {
        switch (number)
        {
            case Syscalls.OPENAT:
            case Syscalls.NEWFSTATAT:
            case Syscalls.STATX:
            case Syscalls.MKDIRAT:
            case Syscalls.UNLINKAT:
            case Syscalls.RENAMEAT:
            case Syscalls.RENAMEAT2:
            case Syscalls.FACCESSAT:
            case Syscalls.FACCESSAT2:
            case Syscalls.READLINKAT:
            case Syscalls.CHDIR:
                return true;
            default:
                return false;
        }
    }

    private static boolean writes(final int number)
    {
        return number == Syscalls.WRITE || number == Syscalls.PWRITE64 || number == Syscalls.WRITEV;
    }

    private static boolean reads(final int number)
    {
        return number == Syscalls.READ || number == Syscalls.PREAD64 || number == Syscalls.READV ||
            number == Syscalls.GETDENTS64;
    }

    /**
     * Charges system call {@code number}, which returned {@code result}, to the calling hart.
     *
     * @param storageFile the file of the sComponent its file descriptor argument named, or null.
     */
    static void charge(final LinuxProcess process, final int number, final StorageFile storageFile, final long result)
    {
        final HartTimer timer = HartTimer.current();
        if (timer == null)
        {
            return;
        }
        final ProcessorModel model = process.clock().processor();
        final FabricProfile profile = model.profile();
        timer.charge(TimeBucket.SYSCALLS, profile.syscallNs(), profile.syscallNs());
        if (home(number))
        {
            final long t = timer.nowNs();
            timer.charge(TimeBucket.SYSCALLS, model.homeCall(process.pid(), t) - t, 0);
        }
        else if (storageFile != null && (number == Syscalls.READ || number == Syscalls.PREAD64) &&
            process.fileCache().enabled())
        {
            chargeCachedRead(timer, model, profile, storageFile.lastRead());
        }
        else if (storageByPath(number) || storageFile != null)
        {
            final long bytes = storageFile != null && result > 0 ? result : 0;
            final long requestBytes = writes(number) ? bytes : 0;
            final long replyBytes = reads(number) ? bytes : 0;
            final long t = timer.nowNs();
            timer.charge(TimeBucket.SYSCALLS, model.storageCall(t, requestBytes, replyBytes) - t,
                profile.storageLatencyNs() + profile.storageNs(requestBytes + replyBytes));
        }
    }

    /**
     * A read through the file cache: its sComponent reads, then the copy of what it returned; the background
     * read-ahead it started goes on the storage link from the end of its own part ({@link #bookReadAhead}).
     */
    private static void chargeCachedRead(
        final HartTimer timer, final ProcessorModel model, final FabricProfile profile, final FileReadTally tally)
    {
        chargeStorageReads(timer, model, profile, tally, TimeBucket.SYSCALLS);
        final long copyNs = tally.copiedBytes * profile.lineCopyNs() / FileCache.PAGE_BYTES;
        timer.charge(TimeBucket.SYSCALLS, copyNs, copyNs);
        bookReadAhead(timer, model, tally);
    }

    /** The sComponent reads a file-cache read sent, one after the other, charged to {@code bucket}. */
    private static void chargeStorageReads(
        final HartTimer timer, final ProcessorModel model, final FabricProfile profile, final FileReadTally tally,
        final TimeBucket bucket)
    {
        if (tally.requests > 0)
        {
            final long t = timer.nowNs();
            final long bytesPerRequest = tally.storageBytes / tally.requests;
            long end = t;
            for (int i = 0; i < tally.requests; i++)
            {
                end = model.storageCall(end, 0, bytesPerRequest);
            }
            timer.charge(bucket, end - t,
                tally.requests * profile.storageLatencyNs() + profile.storageNs(tally.storageBytes));
        }
    }

    /**
     * Background read-ahead the read started (FileCache's read-ahead thread reads it while the reader goes on): each
     * window is one sComponent read booked at the hart's time, as an ExCache prefetch is (ProcessorModel.onPrefetch):
     * it occupies the pComponent's port, the storage link and the sComponent, so later requests queue behind it, but
     * it is not charged to the hart. Limit: a later hit on a page of the window does not wait for its modeled
     * arrival (the hart is charged nothing for it; docs/modeled-time.md).
     */
    private static void bookReadAhead(final HartTimer timer, final ProcessorModel model, final FileReadTally tally)
    {
        if (tally.readAheads > 0)
        {
            final long bytesPerWindow = tally.readAheadBytes / tally.readAheads;
            long at = timer.nowNs();
            for (int i = 0; i < tally.readAheads; i++)
            {
                at = model.storageCall(at, 0, bytesPerWindow);
            }
        }
    }

    /**
     * A first-touch fill of a file-mapping page through the file cache: the sComponent reads it had to send (a miss
     * and its read-around), each one round trip with its bytes, charged as a miss, and the background read-ahead it
     * started, booked on the storage link ({@link #bookReadAhead}). The copy into the line is charged by the ExCache's
     * observer as a locally filled line.
     */
    static void chargeFileFill(final LinuxProcess process, final FileReadTally tally)
    {
        final HartTimer timer = HartTimer.current();
        if (timer == null)
        {
            return;
        }
        final ProcessorModel model = process.clock().processor();
        chargeStorageReads(timer, model, model.profile(), tally, TimeBucket.MISSES);
        bookReadAhead(timer, model, tally);
    }
}
