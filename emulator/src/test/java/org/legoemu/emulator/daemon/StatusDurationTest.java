package org.legoemu.emulator.daemon;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StatusDurationTest
{
    @Test
    void uptimesReadAsPeopleWriteThem()
    {
        assertEquals("0.0 s", StatusCommand.duration(0));
        assertEquals("42.5 s", StatusCommand.duration(42_500_000_000L));
        assertEquals("12m05s", StatusCommand.duration(TimeUnit.SECONDS.toNanos(12 * 60 + 5)));
        assertEquals("3h07m", StatusCommand.duration(TimeUnit.MINUTES.toNanos(3 * 60 + 7)));
        assertEquals("2d04h", StatusCommand.duration(TimeUnit.HOURS.toNanos(52)));
    }
}
