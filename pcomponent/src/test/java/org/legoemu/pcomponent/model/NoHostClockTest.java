package org.legoemu.pcomponent.model;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The timing model reads no host clock: no class of this package refers to System.nanoTime, currentTimeMillis,
 * java.time or a thread's CPU time (their names would be in the class file's constant pool). Time enters the model
 * only as instret and the events it is told of; the guest's realtime base is handed in by the caller.
 */
class NoHostClockTest
{
    private static final List<String> HOST_CLOCKS = List.of("nanoTime", "currentTimeMillis", "java/time/",
        "getCurrentThreadCpuTime", "ThreadMXBean", "org/agrona/concurrent/SystemNanoClock",
        "org/agrona/concurrent/SystemEpochClock");

    @Test
    void noClassOfTheModelReadsTheHostClock() throws Exception
    {
        final Path classes = Path.of(ProcessorModel.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .resolve("org/legoemu/pcomponent/model");
        final List<String> offenders = new ArrayList<>();
        int scanned = 0;
        try (Stream<Path> files = Files.list(classes))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                if (!file.toString().endsWith(".class"))
                {
                    continue;
                }
                scanned++;
                final String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                for (final String clock : HOST_CLOCKS)
                {
                    if (text.contains(clock))
                    {
                        offenders.add(file.getFileName() + " uses " + clock);
                    }
                }
            }
        }
        assertTrue(scanned >= 8, "scanned " + scanned + " classes in " + classes);
        assertEquals(List.of(), offenders);
    }
}
