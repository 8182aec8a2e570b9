package org.legoemu.emulator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.legoemu.abi.linux.Errno;
import org.legoemu.fabric.RemoteErrorException;
import org.legoemu.fabric.proxy.ClusterStatus;
import org.legoemu.fabric.proxy.ComponentStatus;
import org.legoemu.fabric.proxy.GmmProxy;
import org.legoemu.fabric.proxy.Placement;
import org.legoemu.fabric.proxy.ProcessExit;
import org.legoemu.fabric.proxy.ProcessorProxy;
import org.legoemu.fabric.sbe.ComponentKind;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exec protocol (C2P_EXEC, C2P_OUTPUT_POLL, C2P_STDIN, C2P_KILL) against real pComponents of an in-JVM cluster,
 * spoken through {@link ProcessorProxy} as {@code lego exec} does; guests' output checked against qemu-riscv64.
 */
@Timeout(120)
class ExecProtocolTest
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);

    @TempDir
    static Path root;

    private static EmbeddedCluster cluster;
    private static GmmProxy gmm;

    /** What a run printed and how it ended. */
    private record Run(byte[] stdout, byte[] stderr, ProcessExit exit)
    {
    }

    @BeforeAll
    static void startCluster() throws Exception
    {
        Assumptions.assumeTrue(GuestBinaries.qemuAvailable(), "qemu-riscv64 is not installed");
        for (final String guest : List.of("exitcode", "sort", "wordcount", "segv"))
        {
            Files.copy(GuestBinaries.BIN.resolve(guest), root.resolve(guest));
        }
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < 40_000; i++)
        {
            text.append("line ").append((i * 7919) % 40_000).append(" of a text longer than the console buffer\n");
        }
        Files.writeString(root.resolve("big.txt"), text.toString());
        cluster = EmbeddedCluster.start(new EmbeddedCluster.Config(
            2, 2, 1 << 20, 8, "lru", 1L << 30, root, "inproc"));
        gmm = new GmmProxy(cluster.transport().connect(cluster.gmm().endpoint()), TIMEOUT_NS);
    }

    @AfterAll
    static void stopCluster()
    {
        if (cluster != null)
        {
            cluster.close();
        }
    }

    private static ProcessorProxy processor(final Placement placement)
    {
        return new ProcessorProxy(cluster.transport().connect(placement.pcomponentAddress()), TIMEOUT_NS);
    }

    private static Placement exec(final String... argv)
    {
        return exec(gmm.placeProcess(), argv);
    }

    private static Placement exec(final Placement placement, final String... argv)
    {
        assertEquals(placement.pid(), processor(placement).exec(placement, "/" + argv[0], List.of(argv), List.of(),
            "/", 0));
        return placement;
    }

    /** Polls until the process ends, at most {@code pollBytes} per poll. */
    private static Run collect(final Placement placement, final int pollBytes)
    {
        final ProcessorProxy proxy = processor(placement);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        ProcessExit exit = null;
        while (exit == null)
        {
            exit = proxy.poll(placement.pid(), pollBytes, (fd, bytes, offset, length) ->
            {
                assertTrue(length <= pollBytes, "a reply holds at most the bytes asked");
                (fd == 2 ? err : out).write(bytes, offset, length);
            });
        }
        return new Run(out.toByteArray(), err.toByteArray(), exit);
    }

    private static void assertSameAsQemu(final Run run, final byte[] stdin, final String... argv) throws Exception
    {
        final List<String> args = new ArrayList<>(List.of(argv).subList(1, argv.length));
        final GuestBinaries.Outcome expected = GuestBinaries.qemu(root, argv[0], args, stdin);
        assertEquals(new String(expected.stdout(), StandardCharsets.UTF_8),
            new String(run.stdout(), StandardCharsets.UTF_8));
        assertEquals(new String(expected.stderr(), StandardCharsets.UTF_8),
            new String(run.stderr(), StandardCharsets.UTF_8));
        assertEquals(expected.status(), run.exit().exitStatus());
    }

    @Test
    void stdoutAndStderrComeBackAndTheLastReplyCarriesTheStatus() throws Exception
    {
        final Run run = collect(exec("exitcode", "7"), 64 * 1024);
        assertSameAsQemu(run, new byte[0], "exitcode", "7");
        assertEquals(0, run.exit().signal());
    }

    @Test
    void aFaultIsReportedWithItsSignalAndDescription() throws Exception
    {
        final Run run = collect(exec("segv"), 64 * 1024);
        assertSameAsQemu(run, new byte[0], "segv");
        assertEquals(11, run.exit().signal());
        assertTrue(run.exit().description().startsWith("SIGSEGV"), run.exit().description());
    }

    @Test
    void aClientTakingSmallBitesGetsAllOutputOfAGuestThatOutrunsTheBuffer() throws Exception
    {
        assertTrue(Files.size(root.resolve("big.txt")) > 4 * 256 * 1024, "more than the 256 KiB buffer");
        final Run run = collect(exec("sort", "-f", "big.txt"), 4096);
        assertSameAsQemu(run, new byte[0], "sort", "-f", "big.txt");
    }

    @Test
    void stdinIsForwardedUntilEndOfInput() throws Exception
    {
        final Placement placement = exec("wordcount");
        final ProcessorProxy stdin = processor(placement);
        final byte[] input = "the cat and the hat\nand the bat\n".getBytes(StandardCharsets.UTF_8);
        int sent = 0;
        while (sent < input.length)
        {
            sent += stdin.stdin(placement.pid(), input, sent, input.length - sent);
        }
        stdin.closeStdin(placement.pid());
        assertSameAsQemu(collect(placement, 64 * 1024), input, "wordcount");
    }

    @Test
    void statusShowsTheRunningGuestsLoadOnItsPComponentAndMComponents() throws Exception
    {
        final Placement placement = exec("wordcount");
        ClusterStatus status = gmm.status();
        for (int i = 0; i < 500 && !showsTheWaitingGuest(status, placement.pcomponentId()); i++)
        {
            Thread.sleep(20);
            status = gmm.status();
        }
        final ComponentStatus pRow = row(status, placement.pcomponentId());
        assertEquals(1, pRow.load(), "one process, waiting on stdin: " + pRow);
        assertEquals(1, pRow.threads(), pRow.toString());
        assertTrue(pRow.excacheLinesUsed() > 0 && pRow.excacheLinesUsed() <= pRow.pagesTotal(), pRow.toString());
        for (final ComponentStatus c : status.components())
        {
            assertTrue(c.kind() != ComponentKind.MCOMPONENT || c.load() <= c.pagesTotal(), c.toString());
        }
        assertTrue(mcomponentFigure(status, ComponentStatus::load) > 0, "the owners hold frames: " + status);
        assertTrue(mcomponentFigure(status, ComponentStatus::vregionsOwned) > 0,
            "the process's vRegions have owners: " + status);

        processor(placement).kill(placement.pid(), 9);
        assertEquals(137, collect(placement, 64 * 1024).exit().exitStatus());
        assertEquals(0, gmm.status().components().stream().mapToLong(ComponentStatus::vregionsOwned).sum(),
            "the GMM forgot the process's vRegions");
    }

    private static boolean showsTheWaitingGuest(final ClusterStatus status, final int pcomponentId)
    {
        final ComponentStatus pRow = row(status, pcomponentId);
        return pRow.load() == 1 && pRow.threads() == 1 && pRow.excacheLinesUsed() > 0 &&
            mcomponentFigure(status, ComponentStatus::load) > 0 &&
            mcomponentFigure(status, ComponentStatus::vregionsOwned) > 0;
    }

    /** A figure summed over the mComponents. */
    private static long mcomponentFigure(final ClusterStatus status, final ToLongFunction<ComponentStatus> figure)
    {
        return status.components().stream().filter(c -> c.kind() == ComponentKind.MCOMPONENT).mapToLong(figure).sum();
    }

    private static ComponentStatus row(final ClusterStatus status, final int componentId)
    {
        return status.components().stream().filter(c -> c.componentId() == componentId).findFirst().orElseThrow();
    }

    @Test
    void killEndsAWaitingGuestWithTheSignal()
    {
        final Placement placement = exec("wordcount");
        processor(placement).kill(placement.pid(), 15);
        final Run run = collect(placement, 64 * 1024);
        assertEquals(143, run.exit().exitStatus());
        assertEquals(15, run.exit().signal());
        assertEquals("SIGTERM: sent by the exec client", run.exit().description());
        assertArrayEquals(new byte[0], run.stdout());
    }

    @Test
    void aMissingGuestIsEnoentAndItsPlacementIsForgotten()
    {
        final Placement placement = gmm.placeProcess();
        final RemoteErrorException ex = assertThrows(RemoteErrorException.class, () -> processor(placement)
            .exec(placement, "/no-such-guest", List.of("no-such-guest"), List.of(), "/", 0));
        assertEquals(Errno.ENOENT, ex.errno());
        assertEquals(null, cluster.gmm().process(placement.pid()), "the GMM forgot the pid");
    }

    @Test
    void requestsForAPidNotRunningHereAreEsrch()
    {
        final Placement placement = gmm.placeProcess();
        final ProcessorProxy proxy = processor(placement);
        assertEquals(Errno.ESRCH, assertThrows(RemoteErrorException.class,
            () -> proxy.poll(placement.pid(), 1024, (fd, bytes, offset, length) -> { })).errno());
        assertEquals(Errno.ESRCH, assertThrows(RemoteErrorException.class,
            () -> proxy.stdin(placement.pid(), new byte[1], 0, 1)).errno());
        assertEquals(Errno.ESRCH, assertThrows(RemoteErrorException.class,
            () -> proxy.kill(placement.pid(), 9)).errno());
        gmm.processExit(placement.pid(), 0);
    }

    @Test
    void twoExecsStartingTogetherWithHomesOnTwoMComponentsBothRun() throws Exception
    {
        for (int round = 0; round < 3; round++)
        {
            final Placement first = gmm.placeProcess();
            final Placement second = gmm.placeProcess();
            assertTrue(first.homeMComponentId() != second.homeMComponentId(), "homes alternate: " + first + second);
            final List<String> argvFirst = List.of("sort", "20000", Integer.toString(round + 1));
            final List<String> argvSecond = List.of("sort", "20000", Integer.toString(round + 11));
            final java.util.concurrent.CompletableFuture<Integer> started = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> processor(second).exec(second, "/sort", argvSecond, List.of(), "/", 0));
            processor(first).exec(first, "/sort", argvFirst, List.of(), "/", 0);
            assertEquals(second.pid(), started.get(60, TimeUnit.SECONDS));
            assertSameAsQemu(collect(first, 64 * 1024), new byte[0], argvFirst.toArray(String[]::new));
            assertSameAsQemu(collect(second, 64 * 1024), new byte[0], argvSecond.toArray(String[]::new));
        }
    }

    @Test
    void aPComponentRunsOnlyProcessesTheGmmPlacedOnIt()
    {
        final Placement placed = gmm.placeProcess();
        final org.legoemu.pcomponent.ProcessorMonitor other = cluster.processors().stream()
            .filter(p -> p.componentId() != placed.pcomponentId()).findFirst().orElseThrow();
        final Placement elsewhere = new Placement(
            placed.pid(), other.componentId(), placed.homeMComponentId(), other.endpoint(), placed.homeAddress());
        assertEquals(Errno.EPERM, assertThrows(RemoteErrorException.class, () -> processor(elsewhere)
            .exec(elsewhere, "/exitcode", List.of("exitcode"), List.of(), "/", 0)).errno());
        final Placement otherHome = new Placement(placed.pid(), placed.pcomponentId(),
            placed.homeMComponentId() + 1000, placed.pcomponentAddress(), placed.homeAddress());
        assertEquals(Errno.EPERM, assertThrows(RemoteErrorException.class, () -> processor(otherHome)
            .exec(otherHome, "/exitcode", List.of("exitcode"), List.of(), "/", 0)).errno());
        final Placement unplaced = new Placement(999_999, placed.pcomponentId(), placed.homeMComponentId(),
            placed.pcomponentAddress(), placed.homeAddress());
        assertEquals(Errno.ESRCH, assertThrows(RemoteErrorException.class, () -> processor(unplaced)
            .exec(unplaced, "/exitcode", List.of("exitcode"), List.of(), "/", 0)).errno());
        assertTrue(cluster.gmm().process(placed.pid()) != null, "a refused exec leaves the real placement alone");
        final Run run = collect(exec(placed, "exitcode", "3"), 64 * 1024);
        assertEquals(3, run.exit().exitStatus());
    }
}
