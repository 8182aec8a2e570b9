package org.legoemu.emulator;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.Logger;

/**
 * The log configuration of every lego JVM, set up in code (found by Logback's ServiceLoader through
 * META-INF/services) instead of a logback.xml: Logback's XML configurator cost each process about 70 ms of CPU at
 * start, a twentieth of a short run (docs/performance.md, "Guest speed").
 * <p>
 * Log lines go to stderr so they never mix with a guest's stdout, as
 * {@code lego HH:mm:ss.SSS LEVEL COMPONENT [thread] logger: message}, COMPONENT being the context property
 * {@value LogLines#PROPERTY} ({@link LogLines}, "-" until a daemon names its component). The root level is WARN,
 * or the system property {@code lego.log.level}; -v, -vv and -q change it later ({@link Lego#logLevel}); Netty
 * logs at WARN at most.
 * <p>
 * A configuration file still wins: with {@code -Dlogback.configurationFile=...}, or a logback-test.xml on the class
 * path (the test jars'), this configurator steps aside and Logback reads the file.
 */
public final class LogConfiguration extends ContextAwareBase implements Configurator
{
    /** The layout of a log line. */
    static final String PATTERN = "lego %d{HH:mm:ss.SSS} %-5level %property{" + LogLines.PROPERTY +
        "} [%thread] %logger{0}: %msg%n";

    @Override
    public ExecutionStatus configure(final LoggerContext context)
    {
        if (System.getProperty("logback.configurationFile") != null ||
            LogConfiguration.class.getClassLoader().getResource("logback-test.xml") != null)
        {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        configureInCode(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Sets up {@code context}'s appender, layout and levels (what the class comment says). */
    static void configureInCode(final LoggerContext context)
    {
        context.putProperty(LogLines.PROPERTY, "-");
        final PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        final ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        context.getLogger("io.netty").setLevel(Level.WARN);
        final ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(System.getProperty("lego.log.level"), Level.WARN));
        root.addAppender(stderr);
    }
}
