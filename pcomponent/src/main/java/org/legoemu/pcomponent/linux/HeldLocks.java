package org.legoemu.pcomponent.linux;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.legoemu.fabric.proxy.FileLock;

/**
 * The file locks this pComponent's owners hold, as the sComponent granted them: per owner (kind, pid or description
 * id) and file, the ranges and their types, split as the owner changes them. It is what the pComponent re-asserts
 * at a restarted sComponent (NLM's client-side lock state, {@link FileLocks#reclaim}); overlapping ranges of one
 * owner are not merged here (the sComponent merges them again as they are reclaimed). Thread-safe (one lock).
 */
final class HeldLocks
{
    private static final long TO_END = Long.MAX_VALUE;

    /** An owner's locks on one file. */
    private record Key(int kind, long owner, long inode)
    {
    }

    /** One held range: [start, end), end {@link #TO_END} for "to the end". */
    private record Range(int type, long start, long end)
    {
    }

    /** The locks of one key: the file to name at the reclaim, the pid F_GETLK reports, the ranges. */
    private static final class Held
    {
        private final StorageFile file;
        private final int pid;
        private final List<Range> ranges = new ArrayList<>(2);

        Held(final StorageFile file, final int pid)
        {
            this.file = file;
            this.pid = pid;
        }
    }

    /** What {@link #forEach} hands out: one range to re-assert. */
    @FunctionalInterface
    interface Visitor
    {
        /** @param length bytes, 0 to the end of the file. */
        void lock(StorageFile file, int kind, long owner, int pid, int type, long start, long length);
    }

    private final Map<Key, Held> held = new HashMap<>();

    /** The sComponent granted (or released, for {@link FileLock#F_UNLCK}) {@code [start, start + length)}. */
    synchronized void granted(
        final StorageFile file, final int kind, final long owner, final int pid, final int type, final long start,
        final long length)
    {
        final Key key = new Key(kind, owner, file.inode());
        final long end = length == 0 ? TO_END : start + length;
        final Held entry = held.get(key);
        if (entry != null)
        {
            final List<Range> pieces = new ArrayList<>(2);
            final Iterator<Range> it = entry.ranges.iterator();
            while (it.hasNext())
            {
                final Range range = it.next();
                if (range.start < end && start < range.end)
                {
                    it.remove();
                    if (range.start < start)
                    {
                        pieces.add(new Range(range.type, range.start, start));
                    }
                    if (range.end > end)
                    {
                        pieces.add(new Range(range.type, end, range.end));
                    }
                }
            }
            entry.ranges.addAll(pieces);
        }
        if (type != FileLock.F_UNLCK)
        {
            held.computeIfAbsent(key, k -> new Held(file, pid)).ranges.add(new Range(type, start, end));
        }
        else if (entry != null && entry.ranges.isEmpty())
        {
            held.remove(key);
        }
    }

    /** Every lock of the owner on the file with {@code inode} went (a close, the last close of a description). */
    synchronized void released(final int kind, final long owner, final long inode)
    {
        held.remove(new Key(kind, owner, inode));
    }

    /** True if no lock is held. */
    synchronized boolean isEmpty()
    {
        return held.isEmpty();
    }

    /** How many ranges are held, over every owner and file. */
    synchronized int size()
    {
        int n = 0;
        for (final Held entry : held.values())
        {
            n += entry.ranges.size();
        }
        return n;
    }

    /** Hands every held range to {@code visitor}, under this object's lock. */
    synchronized void forEach(final Visitor visitor)
    {
        for (final Map.Entry<Key, Held> e : held.entrySet())
        {
            final Key key = e.getKey();
            final Held entry = e.getValue();
            for (final Range range : entry.ranges)
            {
                visitor.lock(entry.file, key.kind, key.owner, entry.pid, range.type, range.start,
                    range.end == TO_END ? 0 : range.end - range.start);
            }
        }
    }
}
