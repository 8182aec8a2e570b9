package org.legoemu.emulator;

import org.legoemu.pcomponent.linux.Console;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The {@code time} and {@code cycle} CSRs through {@code lego run} with the {@code csrclock} guest: under
 * {@code --guest-clock modeled} {@code rdtime} is the modeled time clock_gettime reads, at 10 MHz, and {@code rdcycle}
 * the same time in 2.4 GHz cycles of {@code legoos-ib40}, the same on every run; under either clock the guest's checks
 * print what they print on qemu-riscv64. Before the CSRs read the model, rdtime over a modeled 1 s sleep counted the
 * few us of host time the sleep took, and rdcycle was instret.
 */
class ModeledCounterCsrTest
{
    private static final Pattern SPAN = Pattern.compile(
        "(loop|sleep \\d+ ms): rdtime (\\d+) ticks, rdcycle (\\d+), rdinstret (\\d+), clock_gettime (\\d+) ns");
    /**
     * Most modeled ns between a clock_gettime and the rdtime next to it in the guest's brackets: the system call's
     * 100 ns trap, a few tens of instructions of glibc's wrapper, and the 100 ns a tick truncates.
     */
    private static final long BRACKET_NS = 400;

    @TempDir
    static Path root;

    @BeforeAll
    static void copyGuest() throws Exception
    {
        Files.copy(GuestBinaries.BIN.resolve("csrclock"), root.resolve("csrclock"));
    }

    private static String run(final String guestClock, final String... guestArgs)
    {
        final List<String> all = new ArrayList<>(List.of("run", "--storage-root", root.toString(), "--transport",
            "inproc", "--guest-clock", guestClock, "--", root.resolve("csrclock").toString()));
        all.addAll(List.of(guestArgs));
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new Lego(new Console(new ByteArrayInputStream(new byte[0]), out,
            new ByteArrayOutputStream(), false)));
        cli.setErr(new PrintWriter(err, true));
        assertEquals(0, cli.execute(all.toArray(new String[0])), err.toString());
        return out.toString(StandardCharsets.UTF_8);
    }

    /** One bracket's deltas: rdtime ticks, rdcycle, rdinstret, clock_gettime ns. */
    private record Span(long ticks, long cycles, long instret, long ns)
    {
        static Span of(final String printed, final String name)
        {
            final Matcher m = SPAN.matcher(printed);
            while (m.find())
            {
                if (m.group(1).equals(name))
                {
                    return new Span(Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                        Long.parseLong(m.group(4)), Long.parseLong(m.group(5)));
                }
            }
            throw new AssertionError(name + " not in " + printed);
        }
    }

    @Test
    void theChecksPrintWhatTheyPrintOnQemuUnderEitherClock() throws Exception
    {
        assumeTrue(GuestBinaries.qemuAvailable(), "qemu-riscv64 is the reference");
        final String qemu = new String(GuestBinaries.qemu(root, "./csrclock", List.of(), new byte[0]).stdout(),
            StandardCharsets.UTF_8);
        assertTrue(qemu.contains("rate over a loop and a sleep: OK"), qemu);
        assertEquals(qemu, run("host"), "--guest-clock host");
        assertEquals(qemu, run("modeled"), "--guest-clock modeled");
    }

    @Test
    void underTheModeledClockRdtimeAndRdcycleAreTheModeledTimeOnEveryRun()
    {
        final String first = run("modeled", "-v", "1000");
        assertEquals(first, run("modeled", "-v", "1000"), "a single-threaded guest's modeled CSRs are deterministic");
        final Span sleep = Span.of(first, "sleep 1000 ms");
        final Span loop = Span.of(first, "loop");
        for (final Span span : List.of(sleep, loop))
        {
            final long gapNs = span.ns() - span.ticks() * 100;
            assertTrue(gapNs >= 0 && gapNs < BRACKET_NS,
                "rdtime x 100 ns is clock_gettime's modeled ns, up to the bracket: " + span + "\n" + first);
            // rdcycle: the same modeled time in cycles of 417 ps; the bracket's ns, converted, are its only slack
            final long cycleNs = span.cycles() * 417 / 1_000;
            assertTrue(span.ns() - cycleNs >= 0 && span.ns() - cycleNs < BRACKET_NS, "rdcycle " + span);
        }
        assertTrue(sleep.ticks() >= 10_000_000 && sleep.ticks() < 10_000_000 + BRACKET_NS / 100,
            "a modeled 1 s sleep is 10^7 ticks of the 10 MHz timebase: " + sleep);
        assertTrue(loop.instret() > 40_000_000, "the loop's instructions: " + loop);
        assertTrue(loop.cycles() >= loop.instret() && loop.ticks() * 100 + 100 >= loop.instret() * 417 / 1_000,
            "each instruction is one 417 ps cycle, events (a miss) come on top: " + loop);
    }
}
