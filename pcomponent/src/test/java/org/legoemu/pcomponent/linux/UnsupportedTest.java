package org.legoemu.pcomponent.linux;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Issue 17: an unsupported fcntl command is logged once, by name, with what the guest got. */
class UnsupportedTest
{
    @Test
    void eachUnsupportedThingIsLoggedOnceByName()
    {
        final Logger log = (Logger)LoggerFactory.getLogger(Unsupported.class);
        final ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        log.addAppender(appender);
        try
        {
            for (int i = 0; i < 3; i++)
            {
                Unsupported.report(1000 + i, Unsupported.fcntlCommand(37), "-EINVAL");
                Unsupported.report(1000 + i, Unsupported.fcntlCommand(424242), "-EINVAL");
            }
            final List<String> lines = appender.list.stream().filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
            assertEquals(List.of("guest pid 1000 used unsupported fcntl F_OFD_SETLK (37): returning -EINVAL",
                "guest pid 1000 used unsupported fcntl command (424242): returning -EINVAL"), lines);
        }
        finally
        {
            log.detachAppender(appender);
        }
    }
}
