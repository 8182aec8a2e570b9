package org.legoemu.pcomponent.linux;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * How many descriptors, over every file descriptor table copied from one another by fork(2), refer to each open file
 * description: a description closes with its last descriptor in any process (close(2): "the last file descriptor
 * referring to the underlying open file description"), which is what makes a pipe's reader see end of file once
 * every process has closed the write end. Thread-safe.
 */
final class OpenDescriptions
{
    private final Map<OpenFile, Integer> refs = new IdentityHashMap<>();

    /** One more descriptor refers to {@code file}. */
    synchronized void hold(final OpenFile file)
    {
        refs.merge(file, 1, Integer::sum);
    }

    /**
     * One descriptor referring to {@code file} is gone.
     *
     * @return true if it was the last one: the caller closes the description.
     */
    synchronized boolean drop(final OpenFile file)
    {
        final Integer count = refs.get(file);
        if (count == null || count <= 1)
        {
            refs.remove(file);
            return true;
        }
        refs.put(file, count - 1);
        return false;
    }
}
