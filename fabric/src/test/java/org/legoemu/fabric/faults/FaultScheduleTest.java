package org.legoemu.fabric.faults;

import java.util.EnumSet;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link FaultSchedule}. */
class FaultScheduleTest
{
    private static final List<String> CLUSTER =
        List.of("gmm", "scomponent", "mcomponent-1", "mcomponent-2", "pcomponent-1");
    private static final long SECOND_NS = 1_000_000_000L;

    @Test
    void sameSeedGivesTheSameSchedule()
    {
        for (long seed = 1; seed <= 50; seed++)
        {
            final FaultSchedule a = FaultSchedule.generate(seed, EnumSet.allOf(FaultKind.class), CLUSTER, SECOND_NS, 8);
            final FaultSchedule b = FaultSchedule.generate(seed, EnumSet.allOf(FaultKind.class), CLUSTER, SECOND_NS, 8);
            assertEquals(a, b);
            assertEquals(a.describe(), b.describe());
        }
    }

    @Test
    void differentSeedsGiveDifferentSchedules()
    {
        final FaultSchedule a = FaultSchedule.generate(1, EnumSet.allOf(FaultKind.class), CLUSTER, SECOND_NS, 8);
        final FaultSchedule b = FaultSchedule.generate(2, EnumSet.allOf(FaultKind.class), CLUSTER, SECOND_NS, 8);
        assertNotEquals(a.faults(), b.faults());
    }

    @Test
    void generatedFaultsFollowTheRules()
    {
        for (long seed = 1; seed <= 200; seed++)
        {
            final FaultSchedule s = FaultSchedule.generate(seed, EnumSet.allOf(FaultKind.class), CLUSTER, SECOND_NS,
                10);
            assertTrue(s.crashed().size() <= 1, s.describe());
            long previousStart = 0;
            for (final Fault f : s.faults())
            {
                assertNotEquals(FaultSchedule.GMM, f.component(), s.describe());
                assertTrue(f.startNs() <= SECOND_NS * 8 / 10);
                assertTrue(f.startNs() >= previousStart);
                previousStart = f.startNs();
            }
        }
    }

    @Test
    void onlyTheAskedKindsAreDrawn()
    {
        final FaultSchedule s = FaultSchedule.generate(7, EnumSet.of(FaultKind.DROP, FaultKind.DELAY), CLUSTER,
            SECOND_NS, 20);
        assertEquals(20, s.faults().size());
        for (final Fault f : s.faults())
        {
            assertTrue(f.kind() == FaultKind.DROP || f.kind() == FaultKind.DELAY);
        }
    }

    @Test
    void aCrashOnlyScheduleHasOneCrash()
    {
        final FaultSchedule s = FaultSchedule.generate(3, EnumSet.of(FaultKind.CRASH), CLUSTER, SECOND_NS, 5);
        assertEquals(1, s.faults().size());
    }

    @Test
    void storageErrorsHitTheSComponentOnly()
    {
        final FaultSchedule s = FaultSchedule.generate(11, EnumSet.of(FaultKind.STORAGE_ERROR), CLUSTER, SECOND_NS,
            20);
        assertEquals(20, s.faults().size());
        for (final Fault f : s.faults())
        {
            assertEquals(FaultSchedule.SCOMPONENT, f.component(), s.describe());
            assertTrue(Fault.WRITES.equals(f.peer()) || Fault.ANY.equals(f.peer()), s.describe());
            assertTrue(f.describe().contains("storage-error scomponent"), f.describe());
        }
        assertThrows(IllegalArgumentException.class, () -> FaultSchedule.generate(11,
            EnumSet.of(FaultKind.STORAGE_ERROR), List.of(FaultSchedule.GMM, "mcomponent-1"), SECOND_NS, 3));
    }

    @Test
    void kindListsAreParsed()
    {
        assertEquals(EnumSet.of(FaultKind.STORAGE_ERROR, FaultKind.SLOW),
            FaultSchedule.parseKinds("storage-error,slow"));
        assertEquals(EnumSet.of(FaultKind.DROP, FaultKind.CRASH), FaultSchedule.parseKinds("drop, CRASH"));
        assertEquals(EnumSet.allOf(FaultKind.class), FaultSchedule.parseKinds("all"));
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> FaultSchedule.parseKinds("drop,explode"));
        assertTrue(ex.getMessage().contains("'explode'"), ex.getMessage());
    }
}
