package org.legoemu.emulator;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The log configuration in code writes what logback.xml wrote: WARN and above to stderr, one line per event. */
class LogConfigurationTest
{
    @Test
    void warningsGoToStderrInLegosLineLayoutAndInfoIsDropped()
    {
        final PrintStream saved = System.err;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        final LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter()); // what Logback's service provider does for its own context
        try
        {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            LogConfiguration.configureInCode(context);
            final Logger logger = context.getLogger("org.legoemu.test.Widget");
            logger.info("not shown");
            logger.warn("first");
            context.putProperty(LogLines.PROPERTY, "mcomponent-2");
            context.getLogger("io.netty.Channel").info("netty info not shown");
            logger.error("second {}", 2);
        }
        finally
        {
            context.stop();
            System.setErr(saved);
        }
        final String[] lines = captured.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(2, lines.length, String.join("|", lines));
        final String thread = java.util.regex.Pattern.quote(Thread.currentThread().getName());
        assertTrue(lines[0].matches("lego \\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  - \\[" + thread + "\\] Widget: first"),
            lines[0]);
        assertTrue(lines[1].matches(
            "lego \\d\\d:\\d\\d:\\d\\d\\.\\d{3} ERROR mcomponent-2 \\[" + thread + "\\] Widget: second 2"), lines[1]);
    }
}
