package org.legoemu.pcomponent.excache;

import org.agrona.collections.Int2ObjectHashMap;
import org.legoemu.abi.GuestFault;
import org.legoemu.abi.GuestMemory;

import java.util.Arrays;

/**
 * The pComponent's software-managed virtual cache of remote memory (LegoOS §4.3 "ExCache"): set-associative,
 * 4 KiB lines, tagged by (pid, virtual page number), with dirty tracking and write-back of dirty victims.
 *
 * <p>Set index = vpn modulo the number of sets (the low bits of the virtual page number, as in LegoOS). A
 * lookup that hits returns the line's bytes, which the hart keeps in its TLB until the line is evicted or
 * invalidated ({@link LineBackend#shootdown}). A miss picks a victim in the set with the {@link EvictionPolicy},
 * writes it back if dirty, and fetches the new line from the process's {@link LineBackend}.
 *
 * <p>Thread-safety: one lock for the whole cache, taken only on TLB misses.
 */
public final class ExCache
{
    public static final int LINE_SIZE = GuestMemory.PAGE_SIZE;
    private static final long INVALID = -1;

    private final int sets;
    private final int ways;
    private final byte[][] lines;
    private final long[] tagVpn;
    private final int[] tagPid;
    private final byte[] prot;
    private final boolean[] dirty;
    private final EvictionPolicy policy;
    private final ExCacheStats stats = new ExCacheStats();
    private final Int2ObjectHashMap<LineBackend> backends = new Int2ObjectHashMap<>();

    /**
     * @param sizeBytes total line storage in bytes; a multiple of {@code ways * 4096}.
     * @param ways      associativity, 1 (direct-mapped) up to {@code sizeBytes / 4096} (fully associative).
     * @param policy    victim choice within a set.
     * @throws IllegalArgumentException if the geometry is not possible, with the reason.
     */
    public ExCache(final long sizeBytes, final int ways, final EvictionPolicy policy)
    {
        if (sizeBytes < LINE_SIZE || sizeBytes % LINE_SIZE != 0)
        {
            throw new IllegalArgumentException("ExCache size " + sizeBytes + " bytes is not a positive multiple of 4 KiB");
        }
        final long lineCount = sizeBytes / LINE_SIZE;
        if (lineCount > Integer.MAX_VALUE / 2)
        {
            throw new IllegalArgumentException("ExCache size " + sizeBytes + " bytes is too large");
        }
        if (ways < 1 || lineCount % ways != 0)
        {
            throw new IllegalArgumentException(
                "ExCache of " + lineCount + " lines cannot be split into sets of " + ways + " ways");
        }
        this.ways = ways;
        this.sets = (int)(lineCount / ways);
        final int n = (int)lineCount;
        this.lines = new byte[n][];
        this.tagVpn = new long[n];
        this.tagPid = new int[n];
        this.prot = new byte[n];
        this.dirty = new boolean[n];
        Arrays.fill(tagVpn, INVALID);
        this.policy = policy;
        policy.init(sets, ways);
    }

    /** Number of sets. */
    public int sets()
    {
        return sets;
    }

    /** Associativity. */
    public int ways()
    {
        return ways;
    }

    /** Capacity in lines. */
    public int lineCount()
    {
        return tagVpn.length;
    }

    public ExCacheStats stats()
    {
        return stats;
    }

    /** Makes {@code pid}'s lines come from and go to {@code backend}. */
    public synchronized void attach(final int pid, final LineBackend backend)
    {
        backends.put(pid, backend);
    }

    /**
     * Removes every line of {@code pid} without writing it back (the process is gone) and forgets its backend.
     *
     * @return the number of lines dropped.
     */
    public synchronized int detach(final int pid)
    {
        int dropped = 0;
        for (int slot = 0; slot < tagVpn.length; slot++)
        {
            if (tagVpn[slot] != INVALID && tagPid[slot] == pid)
            {
                tagVpn[slot] = INVALID;
                dirty[slot] = false;
                dropped++;
            }
        }
        backends.remove(pid);
        return dropped;
    }

    /**
     * The line holding {@code vaddr} of process {@code pid}, fetched on a miss, checked against {@code access}
     * and marked dirty for a write.
     *
     * @return the line's 4096 bytes, valid until the line is shot down.
     * @throws GuestFault SIGSEGV when the line's VMA does not permit {@code access} or there is no VMA.
     */
    public synchronized byte[] access(final int pid, final long vaddr, final int access)
    {
        final long vpn = vaddr >>> GuestMemory.PAGE_SHIFT;
        final int set = (int)Long.remainderUnsigned(vpn, sets);
        final int base = set * ways;
        for (int way = 0; way < ways; way++)
        {
            final int slot = base + way;
            if (tagVpn[slot] == vpn && tagPid[slot] == pid)
            {
                stats.hits++;
                policy.onHit(set, way);
                return permit(slot, vaddr, access);
            }
        }
        return miss(pid, vpn, vaddr, access, set, base);
    }

    /**
     * Copies {@code length} bytes at {@code vaddr} (within one line) out of the cache under its lock, so no
     * eviction by another thread can tear the copy (the kernel side's reads of guest memory).
     *
     * @throws GuestFault as {@link #access} for a read.
     */
    public synchronized void copyOut(final int pid, final long vaddr, final byte[] dst, final int offset, final int length)
    {
        System.arraycopy(access(pid, vaddr, GuestMemory.ACCESS_READ), (int)(vaddr & GuestMemory.PAGE_MASK), dst, offset,
            length);
    }

    /**
     * Copies {@code length} bytes to {@code vaddr} (within one line) under the cache's lock, marking the line dirty.
     *
     * @throws GuestFault as {@link #access} for a write.
     */
    public synchronized void copyIn(final int pid, final long vaddr, final byte[] src, final int offset, final int length)
    {
        System.arraycopy(src, offset, access(pid, vaddr, GuestMemory.ACCESS_WRITE), (int)(vaddr & GuestMemory.PAGE_MASK),
            length);
    }

    private byte[] miss(final int pid, final long vpn, final long vaddr, final int access, final int set, final int base)
    {
        final LineBackend backend = backends.get(pid);
        if (backend == null)
        {
            throw GuestFault.segv(vaddr, "process " + pid + " has no address space on this pComponent");
        }
        stats.misses++;
        int way = -1;
        for (int w = 0; w < ways; w++)
        {
            if (tagVpn[base + w] == INVALID)
            {
                way = w;
                break;
            }
        }
        if (way < 0)
        {
            way = policy.victim(set);
            evict(base + way);
        }
        final int slot = base + way;
        byte[] line = lines[slot];
        if (line == null)
        {
            line = new byte[LINE_SIZE];
            lines[slot] = line;
        }
        final long startNs = System.nanoTime();
        final int lineProt;
        try
        {
            lineProt = backend.fetch(vpn << GuestMemory.PAGE_SHIFT, access, line);
        }
        catch (final GuestFault fault)
        {
            throw new GuestFault(fault.signal(), vaddr, -1, 0, fault.getMessage());
        }
        stats.missLatencyNs.recordValue(Math.max(1, System.nanoTime() - startNs));
        stats.bytesFetched += LINE_SIZE;
        tagVpn[slot] = vpn;
        tagPid[slot] = pid;
        prot[slot] = (byte)lineProt;
        dirty[slot] = false;
        policy.onFill(set, way);
        return permit(slot, vaddr, access);
    }

    private byte[] permit(final int slot, final long vaddr, final int access)
    {
        if ((prot[slot] & access) == 0)
        {
            throw GuestFault.segv(vaddr, accessName(access) + " not permitted by the mapping");
        }
        if (access == GuestMemory.ACCESS_WRITE)
        {
            dirty[slot] = true;
        }
        return lines[slot];
    }

    private void evict(final int slot)
    {
        final int pid = tagPid[slot];
        final long vpn = tagVpn[slot];
        final LineBackend owner = backends.get(pid);
        stats.evictions++;
        if (owner != null)
        {
            owner.shootdown(vpn);
            if (dirty[slot])
            {
                owner.flush(vpn << GuestMemory.PAGE_SHIFT, lines[slot]);
                stats.flushes++;
                stats.bytesFlushed += LINE_SIZE;
            }
            else
            {
                stats.cleanDrops++;
            }
        }
        tagVpn[slot] = INVALID;
        dirty[slot] = false;
    }

    /**
     * Removes {@code pid}'s lines in {@code [start, end)}, shooting down TLB entries; dirty lines are written
     * back first when {@code writeBack} (mprotect), dropped otherwise (munmap: the data no longer exists).
     *
     * @return the number of lines removed.
     */
    public synchronized int invalidate(final int pid, final long start, final long end, final boolean writeBack)
    {
        final LineBackend owner = backends.get(pid);
        final long firstVpn = start >>> GuestMemory.PAGE_SHIFT;
        final long endVpn = (end + GuestMemory.PAGE_MASK) >>> GuestMemory.PAGE_SHIFT;
        int removed = 0;
        if (endVpn - firstVpn < tagVpn.length)
        {
            for (long vpn = firstVpn; vpn < endVpn; vpn++)
            {
                final int base = (int)Long.remainderUnsigned(vpn, sets) * ways;
                for (int w = 0; w < ways; w++)
                {
                    if (tagVpn[base + w] == vpn && tagPid[base + w] == pid)
                    {
                        removeLine(base + w, owner, writeBack);
                        removed++;
                    }
                }
            }
        }
        else
        {
            for (int slot = 0; slot < tagVpn.length; slot++)
            {
                final long vpn = tagVpn[slot];
                if (vpn != INVALID && tagPid[slot] == pid && vpn >= firstVpn && vpn < endVpn)
                {
                    removeLine(slot, owner, writeBack);
                    removed++;
                }
            }
        }
        return removed;
    }

    private void removeLine(final int slot, final LineBackend owner, final boolean writeBack)
    {
        final long vpn = tagVpn[slot];
        if (owner != null)
        {
            owner.shootdown(vpn);
            if (writeBack && dirty[slot])
            {
                owner.flush(vpn << GuestMemory.PAGE_SHIFT, lines[slot]);
                stats.flushes++;
                stats.bytesFlushed += LINE_SIZE;
            }
        }
        tagVpn[slot] = INVALID;
        dirty[slot] = false;
    }

    /** Number of valid lines (occupancy). */
    public synchronized int validLines()
    {
        int n = 0;
        for (final long vpn : tagVpn)
        {
            if (vpn != INVALID)
            {
                n++;
            }
        }
        return n;
    }

    /** Number of valid lines currently dirty. */
    public synchronized int dirtyLines()
    {
        int n = 0;
        for (int slot = 0; slot < tagVpn.length; slot++)
        {
            if (tagVpn[slot] != INVALID && dirty[slot])
            {
                n++;
            }
        }
        return n;
    }

    private static String accessName(final int access)
    {
        switch (access)
        {
            case GuestMemory.ACCESS_WRITE:
                return "write";
            case GuestMemory.ACCESS_EXEC:
                return "execute";
            default:
                return "read";
        }
    }
}
