package org.legoemu.pcomponent.linux;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/** CPU time of the calling hart thread, for the guest-MIPS-per-CPU-second figure. */
public final class HartClock
{
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean SUPPORTED = THREADS.isCurrentThreadCpuTimeSupported();

    private HartClock()
    {
    }

    /** CPU time of the current thread in ns (user + system), or 0 where the JVM cannot measure it. */
    public static long cpuNs()
    {
        return SUPPORTED ? THREADS.getCurrentThreadCpuTime() : 0;
    }
}
