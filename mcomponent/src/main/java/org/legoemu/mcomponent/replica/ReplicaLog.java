package org.legoemu.mcomponent.replica;

import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongArrayList;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.UnsafeBuffer;
import org.legoemu.abi.linux.Errno;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.sbe.VmaOp;
import org.legoemu.mcomponent.owner.ProcessPages;
import org.legoemu.mcomponent.vm.AddressLayout;
import org.legoemu.mcomponent.vm.VmException;
import org.legoemu.mcomponent.vm.Vma;
import org.legoemu.mcomponent.vm.VmaList;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The secondary's log of one process (LegoOS §4.7): every page a primary flushed and every VMA change it applied in
 * the vRegions this mComponent is secondary of. Pages are appended to 4 KiB slots of fixed-size batches (default
 * 1 MiB, 256 pages); a full batch is written by the {@link BackupWriter} to the process's backup file on the
 * sComponent at {@code position * batchBytes} and then dropped from memory, so the log's memory is the current batch
 * plus the batches still being written. An index maps each page to the slot of its newest contents; VMA changes are
 * applied to a mirror of the VMAs, and MAP, UNMAP and DISCARD drop the pages of their range from the index (they read
 * as zero afterwards, as on the primary).
 *
 * <p><b>Space.</b> A slot whose page was logged again, or dropped, is dead. The log counts the live slots of each
 * batch position in the file; a new batch goes to a position whose slots are all dead (and that is not being
 * written), and only when there is none does the file grow. So a process that keeps rewriting the same pages keeps
 * a backup file of about its logged pages, rounded up to batches, plus the batches that still hold one live page
 * (without reuse a run with an 8 MiB working set grew its backup past 1.5 GiB).
 *
 * <p>When the primary dies, {@link #promote} rebuilds a vRegion into a {@link ProcessPages}: its VMAs from the mirror,
 * its pages from memory or, for written batches, from the backup file.
 *
 * <p>Not thread-safe: used under the monitor's state lock, except {@link #written}, which the backup writer calls.
 */
public final class ReplicaLog
{
    /** Full batches that may wait for the backup writer before appends are refused with EAGAIN. */
    static final int MAX_PENDING_BATCHES = 64;

    private static final int PAGE_SIZE = (int)AddressLayout.PAGE_SIZE;
    private static final long NO_SLOT = -1;

    private final int pid;
    private final String backupPath;
    private final int pagesPerBatch;
    private final BackupWriter writer;
    private final VmaList vmas = new VmaList();
    private final Long2LongHashMap slotByVpn = new Long2LongHashMap(NO_SLOT);
    private final LongArrayList scratchVpns = new LongArrayList();
    private final VmaList.PageDrop dropPages = this::forgetPages;
    private final ConcurrentHashMap<Long, byte[]> pendingBatches = new ConcurrentHashMap<>();
    private final BatchPool batches;
    private final Long2LongHashMap liveByPosition = new Long2LongHashMap(0);
    private final LongHashSet deadPositions = new LongHashSet();
    private long positions = 1;
    private int pcomponentId;
    private byte[] current;
    private long currentSequence;
    private int currentFill;
    private volatile boolean released;

    /**
     * @param pid          the process.
     * @param pcomponentId the pComponent it runs on (so a promoted vRegion serves it alone).
     * @param backupPath   its backup file in the sComponent's namespace.
     * @param batches      where its batch arrays come from and go back to (their size is the batch size).
     * @param writer       writes full batches.
     */
    ReplicaLog(
        final int pid, final int pcomponentId, final String backupPath, final BatchPool batches,
        final BackupWriter writer)
    {
        this.pid = pid;
        this.pcomponentId = pcomponentId;
        this.backupPath = backupPath;
        this.pagesPerBatch = batches.batchBytes() / PAGE_SIZE;
        this.batches = batches;
        this.writer = writer;
        this.current = batches.take();
    }

    /** The process. */
    public int pid()
    {
        return pid;
    }

    /** The pComponent the process runs on, as the primary last said. */
    public int pcomponentId()
    {
        return pcomponentId;
    }

    /** Records the pComponent the process runs on. */
    public void pcomponentId(final int pcomponentId)
    {
        this.pcomponentId = pcomponentId;
    }

    /** The backup file. */
    String backupPath()
    {
        return backupPath;
    }

    /** Whether {@link #release} was called. */
    boolean isReleased()
    {
        return released;
    }

    /** Batch positions the backup file has grown to (its size is this times the batch size). */
    long filePositions()
    {
        return positions;
    }

    /** Pages with logged contents. */
    public int pages()
    {
        return slotByVpn.size();
    }


    /**
     * Appends the newest contents of the page at {@code vaddr}. When the page's newest contents are still in the open
     * batch (not yet handed to the backup writer), they are overwritten in their slot: the older contents are dead
     * anyway, and a page written back again and again then costs one slot per batch instead of one per write-back.
     *
     * @return 0, or -{@link Errno#EAGAIN} when {@link #MAX_PENDING_BATCHES} batches already wait for the backup
     * writer (the primary sends it again later).
     */
    int appendPage(final long vaddr, final DirectBuffer src, final int srcOffset)
    {
        final long vpn = vaddr >>> AddressLayout.PAGE_SHIFT;
        final long newest = slotByVpn.get(vpn);
        if (newest != NO_SLOT && newest / pagesPerBatch == currentSequence)
        {
            src.getBytes(srcOffset, current, (int)(newest % pagesPerBatch) * PAGE_SIZE, PAGE_SIZE);
            return 0;
        }
        if (currentFill == pagesPerBatch)
        {
            if (pendingBatches.size() >= MAX_PENDING_BATCHES)
            {
                return -Errno.EAGAIN;
            }
            rotate();
        }
        src.getBytes(srcOffset, current, currentFill * PAGE_SIZE, PAGE_SIZE);
        final long old = slotByVpn.put(vpn, currentSequence * pagesPerBatch + currentFill);
        if (old != NO_SLOT)
        {
            slotDied(old);
        }
        liveByPosition.put(currentSequence, liveByPosition.get(currentSequence) + 1);
        currentFill++;
        return 0;
    }

    /**
     * Applies a VMA change the primary applied (see {@link ProcessPages#applyVma}): MAP, UNMAP and DISCARD forget the
     * pages of the range; PROTECT changes the mirror's protection.
     */
    void appendVma(final VmaOp op, final long start, final long end, final int prot)
    {
        vmas.apply(op, start, end, prot, dropPages);
    }

    /** Forgets every page and VMA of {@code vregion} (before a seeding, or after a promotion). */
    public void reset(final int vregion)
    {
        final long start = (long)vregion << AddressLayout.VREGION_SHIFT;
        final long end = start + AddressLayout.VREGION_SIZE;
        forgetPages(start, end);
        vmas.remove(start, end);
    }

    /** The vRegions this log holds VMAs in, ascending (allocates). */
    public java.util.List<Integer> vregions()
    {
        return vmas.vregions();
    }

    /** Whether the log holds nothing (no VMA, no page). */
    public boolean isEmpty()
    {
        return vmas.size() == 0 && slotByVpn.isEmpty();
    }

    /**
     * Rebuilds {@code vregion} into {@code store} (this mComponent becomes its primary): maps its VMAs, stores the
     * newest contents of each logged page (from memory, or read back from the backup file), then forgets the
     * vRegion here.
     *
     * @param scratch a 4096-byte buffer.
     * @return the number of pages restored.
     * @throws VmException ENOMEM when the frame pool runs out; EIO when the backup cannot be read.
     */
    public int promote(final int vregion, final ProcessPages store, final BackupStorage storage, final byte[] scratch)
    {
        final long start = (long)vregion << AddressLayout.VREGION_SHIFT;
        final long end = start + AddressLayout.VREGION_SIZE;
        for (final Vma vma : vmas.overlapping(start, end))
        {
            store.applyVma(VmaOp.MAP, Math.max(start, vma.start()), Math.min(end, vma.end()), vma.prot());
        }
        collectVpns(start, end);
        final UnsafeBuffer view = new UnsafeBuffer(scratch);
        for (int i = 0; i < scratchVpns.size(); i++)
        {
            final long vpn = scratchVpns.getLong(i);
            readSlot(slotByVpn.get(vpn), scratch, storage);
            final int result = store.store(vpn << AddressLayout.PAGE_SHIFT, view, 0);
            if (result < 0)
            {
                throw new VmException(-result, "cannot restore page 0x" +
                    Long.toHexString(vpn << AddressLayout.PAGE_SHIFT) + " of pid " + pid + ": errno " + (-result));
            }
        }
        final int restored = scratchVpns.size();
        reset(vregion);
        return restored;
    }

    /**
     * Drops the log and queues the removal of its backup file; its open batch goes back to the pool (the batches
     * still being written go back when the writer is done with them). The log must not be used afterwards.
     */
    public void release()
    {
        released = true;
        slotByVpn.clear();
        vmas.clear();
        pendingBatches.clear();
        batches.give(current);
        current = null;
        writer.submitDelete(backupPath);
    }

    /** Called by the backup writer once batch {@code sequence} is in the backup file: it leaves memory. */
    void written(final long sequence, final byte[] batch)
    {
        if (pendingBatches.remove(sequence, batch) || released)
        {
            batches.give(batch);
        }
    }

    /** Called by the backup writer when it gave up writing {@code batch} because the log was released. */
    void abandoned(final byte[] batch)
    {
        batches.give(batch);
    }

    private void rotate()
    {
        pendingBatches.put(currentSequence, current);
        writer.submitBatch(this, currentSequence, current);
        if (!liveByPosition.containsKey(currentSequence))
        {
            deadPositions.add(currentSequence);
        }
        current = batches.take();
        currentSequence = nextPosition();
        currentFill = 0;
    }

    /** A batch position whose slots are all dead and that is not being written, else a new one at the end. */
    private long nextPosition()
    {
        final LongHashSet.LongIterator it = deadPositions.iterator();
        while (it.hasNext())
        {
            final long position = it.nextValue();
            if (!pendingBatches.containsKey(position))
            {
                it.remove();
                return position;
            }
        }
        return positions++;
    }

    /** Slot {@code slot} no longer holds a page's newest contents. */
    private void slotDied(final long slot)
    {
        final long position = slot / pagesPerBatch;
        final long live = liveByPosition.get(position) - 1;
        if (live > 0)
        {
            liveByPosition.put(position, live);
            return;
        }
        liveByPosition.remove(position);
        if (position != currentSequence)
        {
            deadPositions.add(position);
        }
    }

    private void readSlot(final long slot, final byte[] dst, final BackupStorage storage)
    {
        final long sequence = slot / pagesPerBatch;
        final int offset = (int)(slot % pagesPerBatch) * PAGE_SIZE;
        if (sequence == currentSequence)
        {
            System.arraycopy(current, offset, dst, 0, PAGE_SIZE);
            return;
        }
        final byte[] pending = pendingBatches.get(sequence);
        if (pending != null)
        {
            System.arraycopy(pending, offset, dst, 0, PAGE_SIZE);
            return;
        }
        try
        {
            storage.read(backupPath, slot * PAGE_SIZE, dst, 0, PAGE_SIZE);
        }
        catch (final FabricException ex)
        {
            throw new VmException(Errno.EIO, "cannot read the backup " + backupPath + " of pid " + pid + ": " +
                ex.getMessage());
        }
    }

    private void forgetPages(final long start, final long end)
    {
        collectVpns(start, end);
        for (int i = 0; i < scratchVpns.size(); i++)
        {
            slotDied(slotByVpn.remove(scratchVpns.getLong(i)));
        }
    }

    private void collectVpns(final long start, final long end)
    {
        scratchVpns.clear();
        final long firstVpn = start >>> AddressLayout.PAGE_SHIFT;
        final long endVpn = end >>> AddressLayout.PAGE_SHIFT;
        if (endVpn - firstVpn <= slotByVpn.size())
        {
            for (long vpn = firstVpn; vpn < endVpn; vpn++)
            {
                if (slotByVpn.containsKey(vpn))
                {
                    scratchVpns.addLong(vpn);
                }
            }
            return;
        }
        final Long2LongHashMap.KeyIterator it = slotByVpn.keySet().iterator();
        while (it.hasNext())
        {
            final long vpn = it.nextValue();
            if (vpn >= firstVpn && vpn < endVpn)
            {
                scratchVpns.addLong(vpn);
            }
        }
    }
}
