package org.legoemu.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.legoemu.pcomponent.ProcessResult;
import org.legoemu.pcomponent.linux.Console;

/** A guest run on an embedded cluster on its own thread, its stdin gated ({@link GatedStdin}). */
final class GatedRun
{
    final GatedStdin stdin;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final AtomicReference<Object> result = new AtomicReference<>();
    final Thread thread;

    GatedRun(final EmbeddedCluster cluster, final byte[] text)
    {
        this(cluster, "wordcount", List.of(), text);
    }

    /** Runs {@code /GUEST ARGS...} (copied into the storage root) with {@code text} as its stdin. */
    GatedRun(final EmbeddedCluster cluster, final String guest, final List<String> args, final byte[] text)
    {
        stdin = new GatedStdin(text);
        final List<String> argv = new ArrayList<>();
        argv.add("./" + guest);
        argv.addAll(args);
        thread = new Thread(() ->
        {
            try
            {
                result.set(cluster.run("/" + guest, argv, List.of(), "/",
                    new Console(stdin, out, err, false)));
            }
            catch (final RuntimeException ex)
            {
                result.set(ex);
            }
        });
        thread.setDaemon(true);
        thread.start();
    }

    /** Waits until the guest reads its stdin; fails if it ended first or took more than 60 s. */
    void awaitReading() throws InterruptedException
    {
        final long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!stdin.reading.await(50, TimeUnit.MILLISECONDS))
        {
            if (result.get() != null || System.nanoTime() - until > 0)
            {
                throw new AssertionError("the guest did not get to read its stdin: " + describe(result.get()));
            }
        }
    }

    private static String describe(final Object outcome)
    {
        return outcome instanceof ProcessResult r ? "exit status " + r.exitStatus() + ", " + r.signal() + ", " +
            r.description() : String.valueOf(outcome);
    }

    void assertSameAs(final GuestBinaries.Outcome expected, final String what) throws InterruptedException
    {
        thread.join(TimeUnit.SECONDS.toMillis(60));
        final Object outcome = result.get();
        if (!(outcome instanceof ProcessResult r))
        {
            throw new AssertionError(what + " did not finish: " + outcome);
        }
        assertNull(r.signal(), what + ": " + r.description());
        assertEquals(expected.status(), r.exitStatus(), what + ": exit status");
        assertEquals(new String(expected.stdout(), StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8),
            what + ": stdout");
        assertEquals(new String(expected.stderr(), StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
            what + ": stderr");
    }
}
