package org.legoemu.emulator;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link DurationConverter}. */
class DurationConverterTest
{
    private final DurationConverter converter = new DurationConverter();

    @Test
    void unitsAreNanosecondsMicrosecondsMillisecondsSecondsMinutes()
    {
        assertEquals(7L, converter.convert("7ns"));
        assertEquals(500_000L, converter.convert("500us"));
        assertEquals(250_000_000L, converter.convert("250ms"));
        assertEquals(1_500_000_000L, converter.convert("1.5s"));
        assertEquals(60_000_000_000L, converter.convert("1m"));
    }

    @Test
    void badDurationsGetAOneLineReason()
    {
        for (final String bad : new String[] {"", "5", "5parsecs", "ms", "-1s", "0s", "1e99s"})
        {
            final CommandLine.TypeConversionException ex =
                assertThrows(CommandLine.TypeConversionException.class, () -> converter.convert(bad), bad);
            assertTrue(ex.getMessage().contains("not a duration"), ex.getMessage());
        }
    }
}
