package org.legoemu.scomponent;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.legoemu.fabric.Client;
import org.legoemu.fabric.Endpoint;
import org.legoemu.fabric.Errnos;
import org.legoemu.fabric.FabricException;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.Reply;
import org.legoemu.fabric.Server;
import org.legoemu.fabric.inproc.InJvmTransport;
import org.legoemu.fabric.proxy.StatInfo;
import org.legoemu.fabric.proxy.StorageProxy;

/**
 * Issue 14, chaos seed 25045: a guest's mkdirat returned EEXIST after an sComponent crash, because the crashed
 * sComponent had made the directory but its reply was lost, and the restarted one, whose duplicate request cache was
 * empty, applied the retried request again. Here request k of a script of non-idempotent file operations is applied by
 * one sComponent whose reply is then lost, and a new {@link StorageMonitor} on the same root and state directory
 * (a restart) serves the pComponent's retry and everything after it; for every k, the script sees exactly what it
 * sees without the restart ({@link OutcomeLog}).
 */
class RestartDedupTest
{
    private static final Endpoint GMM = new Endpoint(InJvmTransport.HOST, 9);
    private static final long TIMEOUT_NS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long WINDOW_NS = TimeUnit.SECONDS.toNanos(5);
    private static final int O_WRONLY_CREAT = 0x41;
    private static final int O_EXCL = 0x80;
    private static final int O_TRUNC = 0x200;

    @TempDir
    Path temp;

    private final InJvmTransport transport = new InJvmTransport();
    private final List<AutoCloseable> started = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception
    {
        for (int i = started.size() - 1; i >= 0; i--)
        {
            started.get(i).close();
        }
        transport.close();
    }

    private StorageMonitor startStorage(final Path root, final Path stateDirectory, final String name)
    {
        final StorageMonitor monitor = new StorageMonitor(new StorageContext().transport(transport)
            .listenEndpoint(new Endpoint(InJvmTransport.HOST, 0)).gmmEndpoint(GMM).rootDirectory(root)
            .backupDirectory(stateDirectory).timeoutNs(TIMEOUT_NS).name(name)).start();
        started.add(monitor);
        return monitor;
    }

    /** What the script saw: each step's result or errno, then the tree it left. */
    private static String runTheScript(final StorageProxy storage, final Path root) throws IOException
    {
        final StringBuilder seen = new StringBuilder();
        step(seen, () -> storage.open("/log", O_WRONLY_CREAT | O_EXCL, 0644).sizeBytes());
        for (final String line : new String[] {"a\n", "b\n", "c\n"})
        {
            final byte[] bytes = line.getBytes(UTF_8);
            step(seen, () -> storage.write("/log", -1, bytes, 0, bytes.length));
        }
        step(seen, () -> mkdir(storage, "/dir"));
        step(seen, () -> mkdir(storage, "/dir/sub"));
        step(seen, () -> unlink(storage, "/dir/sub", true));
        step(seen, () -> rename(storage, "/log", "/dir/log"));
        step(seen, () -> storage.open("/gone", O_WRONLY_CREAT, 0644).sizeBytes());
        step(seen, () -> unlink(storage, "/gone", false));
        final byte[] twice = "xx".getBytes(UTF_8);
        step(seen, () -> storage.write("/dir/log", 6, twice, 0, twice.length));
        step(seen, () -> storage.open("/dir/log", O_WRONLY_CREAT | O_TRUNC, 0644).sizeBytes());
        step(seen, () -> storage.write("/dir/log", -1, twice, 0, twice.length));
        step(seen, () -> mkdir(storage, "/dir")); // EEXIST the first time too: an error outcome replayed
        try (var files = Files.walk(root))
        {
            files.filter(p -> !p.startsWith(root.resolve(".state"))).sorted().forEach(p ->
            {
                seen.append(root.relativize(p));
                if (Files.isRegularFile(p))
                {
                    try
                    {
                        seen.append('=').append(Files.readString(p).replace("\n", "|"));
                    }
                    catch (final IOException ex)
                    {
                        throw new AssertionError(ex);
                    }
                }
                seen.append(' ');
            });
        }
        return seen.toString();
    }

    private static long mkdir(final StorageProxy storage, final String path)
    {
        storage.mkdir(path, 0755);
        return 0;
    }

    private static long unlink(final StorageProxy storage, final String path, final boolean directory)
    {
        storage.unlink(path, directory);
        return 0;
    }

    private static long rename(final StorageProxy storage, final String from, final String to)
    {
        storage.rename(from, to, 0);
        return 0;
    }

    @FunctionalInterface
    private interface Step
    {
        long run();
    }

    private static void step(final StringBuilder seen, final Step step)
    {
        try
        {
            seen.append(step.run());
        }
        catch (final FabricException ex)
        {
            seen.append("errno ").append(ex.errno());
        }
        seen.append("; ");
    }

    /**
     * A connection to the first sComponent whose {@code crashAt}-th call is applied there and then its reply is lost:
     * the sComponent "crashed" after applying it. From then on the connector names the restarted one.
     */
    private final class CrashingConnection implements Client
    {
        private final Client delegate;
        private final AtomicInteger calls;
        private final int crashAt;
        private final Runnable crash;

        CrashingConnection(final Client delegate, final AtomicInteger calls, final int crashAt, final Runnable crash)
        {
            this.delegate = delegate;
            this.calls = calls;
            this.crashAt = crashAt;
            this.crash = crash;
        }

        @Override
        public void call(final DirectBuffer request, final int offset, final int length, final Reply reply,
            final long timeoutNs)
        {
            try
            {
                delegate.call(request, offset, length, reply, timeoutNs);
            }
            catch (final RemoteErrorException ex)
            {
                if (calls.get() + 1 != crashAt)
                {
                    calls.incrementAndGet();
                    throw ex;
                }
            }
            if (calls.incrementAndGet() == crashAt)
            {
                crash.run();
                throw new FabricException(Errnos.ETIMEDOUT, "the sComponent crashed before its reply was sent");
            }
        }

        @Override
        public Endpoint peer()
        {
            return delegate.peer();
        }

        @Override
        public void close()
        {
            delegate.close();
        }
    }

    /** The script with the restart after its {@code crashAt}-th request (0: no restart); what it saw. */
    private String runWithRestartAfter(final int crashAt) throws IOException
    {
        final Path root = Files.createDirectories(temp.resolve("root-" + crashAt));
        final Path state = root.resolve(".state");
        final StorageMonitor first = startStorage(root, state, "scomponent-1");
        final Endpoint[] current = {first.endpoint()};
        final AtomicInteger calls = new AtomicInteger();
        final StorageProxy storage = new StorageProxy(() ->
        {
            final Client client = transport.connect(current[0]);
            return current[0].equals(first.endpoint())
                ? new CrashingConnection(client, calls, crashAt,
                    () -> current[0] = startStorage(root, state, "scomponent-2").endpoint())
                : client;
        }, TIMEOUT_NS, WINDOW_NS, SystemNanoClock.INSTANCE);
        final String seen = runTheScript(storage, root);
        storage.close();
        assertEquals(crashAt > 0, !current[0].equals(first.endpoint()), "restarted: crash at " + crashAt);
        return seen;
    }

    @Test
    void aRequestAppliedBeforeARestartIsAnsweredWithItsFirstOutcome() throws Exception
    {
        try (Server ignored = transport.serve(GMM, "gmm", new FakeGmm()))
        {
            final String expected = runWithRestartAfter(0);
            assertEquals("0; 2; 4; 6; 0; 0; 0; 0; 0; 0; 8; 0; 2; errno 17;  dir dir/log=xx ", expected,
                "the script without a restart");
            for (int crashAt = 1; crashAt <= 14; crashAt++)
            {
                assertEquals(expected, runWithRestartAfter(crashAt),
                    "restart after request " + crashAt);
            }
        }
    }

    @Test
    void theLogKeepsTheNewestOutcomesInABoundedFile() throws Exception
    {
        final Path state = temp.resolve("state");
        try (OutcomeLog log = new OutcomeLog(state, 4))
        {
            for (long id = 1; id <= 10; id++)
            {
                log.record(id, id * 100);
            }
            log.record(11, new StatInfo(0100644, 1, 5, 42, 1, 2, 3));
            log.record(12, new StorageException(Errnos.EEXIST, "exists"));
        }
        assertEquals(4L * OutcomeLog.RECORD_BYTES, Files.size(state.resolve(OutcomeLog.FILE_NAME)));
        final RequestDedup dedup = new RequestDedup(4);
        assertEquals(4, new OutcomeLog(state, 4).loadInto(dedup));
        assertEquals(null, dedup.outcome(8));
        assertEquals(900L, dedup.outcome(9));
        assertEquals(1000L, dedup.outcome(10));
        assertEquals(new StatInfo(0100644, 1, 5, 42, 1, 2, 3), dedup.outcome(11));
        assertEquals(Errnos.EEXIST, ((StorageException)dedup.outcome(12)).errno());

        final OutcomeLog reopened = new OutcomeLog(state, 4);
        reopened.loadInto(new RequestDedup(4));
        reopened.record(13, 1300L); // numbering goes on: overwrites the oldest (9), not the newest
        reopened.close();
        final RequestDedup again = new RequestDedup(4);
        new OutcomeLog(state, 4).loadInto(again);
        assertEquals(null, again.outcome(9));
        assertEquals(1000L, again.outcome(10));
        assertEquals(1300L, again.outcome(13));
    }

    @Test
    void aTornRecordIsSkipped() throws Exception
    {
        final Path state = temp.resolve("torn");
        try (OutcomeLog log = new OutcomeLog(state, 4))
        {
            log.record(1, 100L);
            log.record(2, 200L);
        }
        final Path file = state.resolve(OutcomeLog.FILE_NAME);
        final byte[] bytes = Files.readAllBytes(file);
        bytes[2 * OutcomeLog.RECORD_BYTES + 30] ^= 1; // record 2 lives in slot 2
        Files.write(file, bytes);
        final RequestDedup dedup = new RequestDedup(4);
        assertEquals(1, new OutcomeLog(state, 4).loadInto(dedup));
        assertEquals(100L, dedup.outcome(1));
        assertFalse(dedup.outcome(2) != null, "the torn record is not trusted");
        assertTrue(Files.exists(file));
    }
}
