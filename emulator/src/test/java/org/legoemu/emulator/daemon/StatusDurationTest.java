package org.legoemu.emulator.daemon;

import org.junit.jupiter.api.Test;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.proxy.ComponentStatus;
import org.legoemu.fabric.sbe.ComponentKind;
import org.legoemu.fabric.sbe.ComponentState;

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

    @Test
    void loadColumnShowsEachKindsFigures()
    {
        assertEquals("2 processes, 5 threads, ExCache 64/256 lines (25.0%)",
            StatusCommand.load(row(ComponentKind.PCOMPONENT, 2, 1 << 20, 5, 64, 0, 0)));
        assertEquals("frames 300/1000 (30.0%), 4 vRegions",
            StatusCommand.load(row(ComponentKind.MCOMPONENT, 300, 1000 * 4096L, 0, 0, 4, 0)));
        assertEquals("1.5 MiB stored",
            StatusCommand.load(row(ComponentKind.SCOMPONENT, 0, 0, 0, 0, 0, 3L << 19)));
    }

    @Test
    void aDeadMembersStaleFiguresAreNotShown()
    {
        final ComponentStatus dead = new ComponentStatus(1, ComponentKind.MCOMPONENT, ComponentState.DEAD, 300,
            1000 * 4096L, 0, Endpoint.parse("127.0.0.1:1"), 0, 0, 4, 0);
        assertEquals("- (no heartbeat: figures unknown)", StatusCommand.load(dead));
    }

    private static ComponentStatus row(final ComponentKind kind, final long load, final long capacityBytes,
        final long threads, final long lines, final long vregions, final long bytesStored)
    {
        return new ComponentStatus(1, kind, ComponentState.ALIVE, load, capacityBytes, 0,
            Endpoint.parse("127.0.0.1:1"), threads, lines, vregions, bytesStored);
    }
}
