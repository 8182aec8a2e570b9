package org.legoemu.pcomponent.model;

/**
 * The Java thread a hart runs on: it carries the hart's {@link HartTimer}, so that {@link HartTimer#current()}, asked
 * at every modeled event, reads a field instead of probing a {@link ThreadLocal} map.
 */
public final class HartThread extends Thread
{
    /** Written and read by this thread only. */
    HartTimer timer;

    /**
     * @param body what the thread runs (a guest thread's hart loop).
     * @param name the thread's name.
     */
    public HartThread(final Runnable body, final String name)
    {
        super(body, name);
    }
}
