package org.legoemu.mcomponent;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.stream.Collectors;

/** Captures the WARN lines {@link MemoryAdapter} logs while open. */
final class AdapterWarnings implements AutoCloseable
{
    private final Logger log = (Logger)LoggerFactory.getLogger(MemoryAdapter.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    AdapterWarnings()
    {
        appender.start();
        log.addAppender(appender);
    }

    /** The formatted WARN messages so far, oldest first. */
    List<String> lines()
    {
        synchronized (appender.list)
        {
            return appender.list.stream().filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
        }
    }

    @Override
    public void close()
    {
        log.detachAppender(appender);
        appender.stop();
    }
}
