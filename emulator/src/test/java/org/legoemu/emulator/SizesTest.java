package org.legoemu.emulator;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SizesTest
{
    @Test
    void parsesBinaryUnits()
    {
        assertEquals(4096, Sizes.parse("4096"));
        assertEquals(512L << 10, Sizes.parse("512KiB"));
        assertEquals(64L << 20, Sizes.parse("64MiB"));
        assertEquals(4L << 30, Sizes.parse("4GiB"));
        assertEquals(64L << 30, Sizes.parse("64gib"));
        assertEquals(1L << 20, Sizes.parse("1M"));
    }

    @Test
    void rejectsNonsense()
    {
        assertThrows(IllegalArgumentException.class, () -> Sizes.parse("lots"));
        assertThrows(IllegalArgumentException.class, () -> Sizes.parse("12XB"));
        assertThrows(IllegalArgumentException.class, () -> Sizes.parse("99999999999TiB"));
    }

    @Test
    void formatsForPeople()
    {
        assertEquals("512 B", Sizes.format(512));
        assertEquals("4.0 KiB", Sizes.format(4096));
        assertEquals("1.5 MiB", Sizes.format(3L << 19));
    }
}
