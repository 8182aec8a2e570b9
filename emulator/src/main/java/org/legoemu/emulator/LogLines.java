package org.legoemu.emulator;

import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

/**
 * What every log line of this JVM names: the component a daemon runs (e.g. {@code pcomponent-3}), through the
 * Logback context property {@value #PROPERTY} that {@link LogConfiguration} prints on each line. A daemon JVM runs
 * one component, so one JVM-wide value serves every thread (dispatch, Netty, heartbeat, guest threads).
 */
public final class LogLines
{
    /** The Logback context property printed in every line. */
    public static final String PROPERTY = "lego.component";

    private LogLines()
    {
    }

    /** Names the component in every following log line, e.g. "gmm", "mcomponent-2". */
    public static void component(final String name)
    {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context)
        {
            context.putProperty(PROPERTY, name);
        }
    }
}
