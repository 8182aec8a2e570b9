package org.legoemu.pcomponent.model;

/**
 * A Java thread that runs a hart and carries that hart's {@link HartTimer} in a field, so that
 * {@link HartTimer#current()}, asked at every model event (every ExCache lookup the hart's TLB missed), is a type
 * check and a field read instead of a {@link ThreadLocal} lookup, which a profile of a memory-bound guest found among
 * the model's largest costs. Other threads (tests, the launcher) fall back to the ThreadLocal.
 */
public final class HartThread extends Thread
{
    HartTimer timer;

    /** @param hart what the thread runs (a guest thread). */
    public HartThread(final Runnable hart, final String name)
    {
        super(hart, name);
    }
}
