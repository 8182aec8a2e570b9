package org.legoemu.pcomponent.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Named profiles, the profile file, and the conversions of bytes to wire time. */
class FabricProfileTest
{
    @TempDir
    Path dir;

    @Test
    void shipsTheNamedProfilesWithLegoosFirst()
    {
        assertEquals(java.util.List.of("legoos-ib40", "ib-edr", "roce-100g", "cxl", "tcp-10g", "local"),
            java.util.List.copyOf(FabricProfile.NAMED.keySet()));
        assertEquals(FabricProfile.LEGOOS_IB40, FabricProfile.named(FabricProfile.DEFAULT));
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> FabricProfile.named("infiniband"));
        assertTrue(ex.getMessage().contains("infiniband") && ex.getMessage().contains("legoos-ib40"), ex.getMessage());
    }

    @Test
    void wireTimeIsBytesOverBandwidthRoundedUp()
    {
        assertEquals(832, FabricProfile.LEGOOS_IB40.wireNs(4160), "4160 B at 40 Gbit/s");
        assertEquals(13, FabricProfile.LEGOOS_IB40.wireNs(64), "64 B at 40 Gbit/s is 12.8 ns");
        assertEquals(0, FabricProfile.LOCAL.wireNs(4160), "unlimited bandwidth");
        assertEquals(2_048, FabricProfile.LEGOOS_IB40.storageNs(4096), "4096 B at 2000 MB/s");
        assertEquals(417, FabricProfile.LEGOOS_IB40.instructionsNs(1_000), "1000 cycles at 2.4 GHz");
    }

    @Test
    void readsAProfileFileOverTheDefaults() throws Exception
    {
        final Path file = dir.resolve("slow.properties");
        Files.writeString(file, "# a slow fabric\nname = slow\noneWayNs = 2500\nbandwidthGbps = 12.5\n"
            + "serviceNsPer4KiB = 3000\ninstructionNs = 0.5\n");
        final FabricProfile p = FabricProfile.load(file);
        assertEquals("slow", p.name());
        assertEquals(2_500, p.oneWayNs());
        assertEquals(12_500, p.bandwidthMbps());
        assertEquals(3_000, p.fetchServiceNs());
        assertEquals(3_000, p.flushServiceNs(), "flush service follows serviceNsPer4KiB unless set");
        assertEquals(500, p.instructionPs());
        assertEquals(FabricProfile.LEGOOS_IB40.dramNs(), p.dramNs(), "unset keys keep legoos-ib40's values");
    }

    @Test
    void rejectsUnknownKeysAndBadNumbersNamingThem() throws Exception
    {
        final Path unknown = dir.resolve("unknown.properties");
        Files.writeString(unknown, "latencyNs = 5\n");
        final IllegalArgumentException a = assertThrows(IllegalArgumentException.class,
            () -> FabricProfile.load(unknown));
        assertTrue(a.getMessage().contains("latencyNs") && a.getMessage().contains("oneWayNs"), a.getMessage());
        final Path negative = dir.resolve("negative.properties");
        Files.writeString(negative, "oneWayNs = -5\n");
        final IllegalArgumentException b = assertThrows(IllegalArgumentException.class,
            () -> FabricProfile.load(negative));
        assertTrue(b.getMessage().contains("oneWayNs") && b.getMessage().contains("-5"), b.getMessage());
        final Path text = dir.resolve("text.properties");
        Files.writeString(text, "bandwidthGbps = fast\n");
        assertThrows(IllegalArgumentException.class, () -> FabricProfile.load(text));
    }
}
