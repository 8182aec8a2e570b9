package org.legoemu.mcomponent.home;

import org.agrona.collections.Int2ObjectHashMap;
import org.legoemu.abi.linux.Errno;
import org.legoemu.mcomponent.vm.Mman;
import org.legoemu.mcomponent.vm.VmException;
import org.legoemu.mcomponent.vm.Vma;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.LongSupplier;

/**
 * Commit accounting at a home mComponent, as Linux does with {@code vm.overcommit_memory=2} (mm/util.c
 * __vm_enough_memory): every writable mapping of a process counts in full against a limit when it is made (mmap,
 * brk, mremap growth, mprotect to writable, execve's segments and stack, fork's copy), whether or not its pages
 * are ever touched, and a change that would take the total past the limit fails with ENOMEM, so malloc returns NULL
 * instead of the guest dying when the mComponents run out of frames. Read-only and PROT_NONE mappings are not
 * counted (Linux counts private writable ones; this emulator has no writable shared file mappings).
 * <p>
 * The limit is the cluster's memory (the sum of the live mComponents' {@code --memory}), not Linux's
 * {@code swap + RAM * overcommit_ratio}: there is no swap, and the ratio (50 % by default) would hide half of the
 * memory the operator asked for. It holds for the whole cluster: each home counts the processes it is home of, and
 * checks their total against its {@link CommitShare}, the share of the limit the GMM granted it
 * ({@link ClusterMemoryLimit}), so two processes on two homes cannot together commit more than the cluster has.
 * Differences from Linux: the 8 MiB stack is mapped, hence counted, whole (Linux counts the stack as it grows); a
 * home keeps up to {@link ClusterMemoryLimit#SLACK_BYTES} twice over granted beyond its processes' commit, which the
 * other homes cannot use; and while the GMM cannot be reached a home checks against the last limit it heard of,
 * alone. A guest that still finds no frame at write-back dies as by the OOM killer (SIGKILL, exit 137).
 * <p>
 * Not thread-safe: used under the monitor's state lock, as {@link ProcessHomes}.
 */
final class CommittedMemory
{
    private static final Logger LOG = LoggerFactory.getLogger(CommittedMemory.class);

    private final CommitShare share;
    private final Int2ObjectHashMap<long[]> bytesByPid = new Int2ObjectHashMap<>();
    private long totalBytes;

    /**
     * @param limitBytes the most memory the processes of this home may commit together, bytes, asked at each growth
     *                   ({@link CommitShare#local}).
     */
    CommittedMemory(final LongSupplier limitBytes)
    {
        this(CommitShare.local(limitBytes));
    }

    /** @param share this home's share of the commit limit. */
    CommittedMemory(final CommitShare share)
    {
        this.share = share;
    }

    /** The bytes this home holds of the commit limit ({@link CommitShare#grantedBytes}). */
    long grantedBytes()
    {
        return share.grantedBytes();
    }

    /** Bytes committed by the processes of this home. */
    long totalBytes()
    {
        return totalBytes;
    }

    /** Bytes committed by {@code pid}, 0 if unknown. */
    long bytes(final int pid)
    {
        final long[] bytes = bytesByPid.get(pid);
        return bytes == null ? 0 : bytes[0];
    }

    /**
     * Charges {@code pid} with up to {@code deltaBytes} more before a change that may grow it by that much;
     * {@link #settle} afterwards sets the exact figure.
     *
     * @param what the request, for the error text.
     * @throws VmException ENOMEM if the total would pass the limit; nothing is charged then.
     */
    void reserve(final int pid, final long deltaBytes, final String what)
    {
        if (deltaBytes <= 0)
        {
            return;
        }
        try
        {
            share.grow(totalBytes + deltaBytes, what);
        }
        catch (final VmException ex)
        {
            LOG.debug("pid {}: {} of {} more bytes refused ({} committed here): {}", pid, what, deltaBytes,
                totalBytes, ex.getMessage());
            throw ex;
        }
        add(pid, deltaBytes);
    }

    /** Sets {@code pid}'s charge to what its address space really commits now ({@link #committedBytes}). */
    void settle(final int pid, final AddressSpace space)
    {
        add(pid, committedBytes(space) - bytes(pid));
        share.settled(totalBytes);
    }

    /** Drops {@code pid}'s charge (exit, or its address space is gone). */
    void release(final int pid)
    {
        final long[] bytes = bytesByPid.remove(pid);
        if (bytes != null)
        {
            totalBytes -= bytes[0];
            share.settled(totalBytes);
        }
    }

    private void add(final int pid, final long deltaBytes)
    {
        long[] bytes = bytesByPid.get(pid);
        if (bytes == null)
        {
            bytes = new long[1];
            bytesByPid.put(pid, bytes);
        }
        bytes[0] += deltaBytes;
        totalBytes += deltaBytes;
    }

    /**
     * Bytes of the writable mappings of {@code space} inside {@code [start, start + lengthBytes)} (already charged, so
     * a change over them adds nothing for them); 0 for a range outside user space.
     */
    static long writableBytesIn(final AddressSpace space, final long start, final long lengthBytes)
    {
        if (lengthBytes <= 0 || start < 0 || start + lengthBytes < start)
        {
            return 0;
        }
        final long end = start + lengthBytes;
        long bytes = 0;
        final List<Vma> vmas = space.vmas();
        for (int i = 0, size = vmas.size(); i < size; i++)
        {
            final Vma vma = vmas.get(i);
            if ((vma.prot() & Mman.PROT_WRITE) != 0 && vma.end() > start && vma.start() < end)
            {
                bytes += Math.min(end, vma.end()) - Math.max(start, vma.start());
            }
        }
        return bytes;
    }

    /** Bytes of the writable mappings of {@code space}: what Linux would have charged for it. */
    static long committedBytes(final AddressSpace space)
    {
        long bytes = 0;
        final List<Vma> vmas = space.vmas();
        for (int i = 0, size = vmas.size(); i < size; i++)
        {
            final Vma vma = vmas.get(i);
            if ((vma.prot() & Mman.PROT_WRITE) != 0)
            {
                bytes += vma.lengthBytes();
            }
        }
        return bytes;
    }
}
