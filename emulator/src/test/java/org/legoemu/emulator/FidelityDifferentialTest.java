package org.legoemu.emulator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * The fidelity suite (issue 3, "Differential testing against qemu-riscv64"): the ISA and Linux ABI guests of
 * emulator/guests/src (integer edge cases, AMOs and LR/SC in one hart, every F/D instruction class under every
 * rounding mode with the fflags raised, reserved rounding modes, libc float formatting and parsing, setjmp/longjmp, qsort, large
 * malloc/free, file syscalls, pipes/chdir/sleeps, guest deaths by signal, misaligned accesses, code straddling a page, C++ exceptions) and every csmith
 * regression kept in emulator/guests/src/regress (see scripts/csmith-diff) must behave exactly as under
 * qemu-riscv64: same stdout, same exit status, same stderr unless killed by a signal.
 */
class FidelityDifferentialTest
{
    /** 2 MiB, 8-way: large enough to keep the suite quick, small enough that the heap guests evict. */
    private static final long EXCACHE_BYTES = 2L << 20;

    @TempDir
    static Path root;

    private static EmbeddedCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception
    {
        Assumptions.assumeTrue(GuestBinaries.qemuAvailable(), "qemu-riscv64 is not installed");
        copyTree(GuestBinaries.BIN, root);
        cluster = EmbeddedCluster.start(new EmbeddedCluster.Config(
            1, 2, EXCACHE_BYTES, 8, "lru", 1L << 30, root, "tcp"));
    }

    @AfterAll
    static void stopCluster()
    {
        if (cluster != null)
        {
            cluster.close();
        }
    }

    static Stream<Arguments> guests()
    {
        final Stream<Arguments> suite = Stream.of(
            Arguments.of("intops", List.of(), ""),
            Arguments.of("amoops", List.of(), ""),
            Arguments.of("fpops", List.of(), ""),
            Arguments.of("fpops", List.of("badrm"), ""),
            Arguments.of("fpops", List.of("badstatic"), ""),
            Arguments.of("libcmix", List.of(), ""),
            Arguments.of("libcmix", List.of("-"), "1.5 2e3\n-0.25 0x10 1e-320\n3.14159265358979323846 nan\n"),
            Arguments.of("fileio", List.of(), ""),
            Arguments.of("sysmisc", List.of(), ""),
            Arguments.of("sysmisc", List.of("sigpipe"), ""),
            Arguments.of("errnos", List.of(), ""),
            Arguments.of("misaligned", List.of(), ""),
            Arguments.of("cpagecross", List.of("static"), ""),
            Arguments.of("cpagecross", List.of("jit"), ""),
            Arguments.of("faults", List.of("stack"), ""),
            Arguments.of("faults", List.of("rodata"), ""),
            Arguments.of("faults", List.of("amo"), ""),
            Arguments.of("faults", List.of("lr"), ""),
            Arguments.of("faults", List.of("ebreak"), ""),
            Arguments.of("faults", List.of("term"), ""),
            Arguments.of("faults", List.of("exit300"), ""),
            Arguments.of("faults", List.of("highaddr"), ""),
            Arguments.of("cxxexcept", List.of(), ""),
            Arguments.of("cxxexcept", List.of("uncaught"), ""),
            Arguments.of("cxxio", List.of(), ""),
            Arguments.of("cxxio", List.of("sync"), ""));
        return Stream.concat(suite, regressions());
    }

    /** One case per binary in emulator/guests/bin/regress (csmith programs that once differed). */
    private static Stream<Arguments> regressions()
    {
        final Path regress = GuestBinaries.BIN.resolve("regress");
        if (!Files.isDirectory(regress))
        {
            return Stream.empty();
        }
        try (Stream<Path> files = Files.list(regress))
        {
            return files.filter(Files::isRegularFile)
                .map(p -> "regress/" + p.getFileName())
                .sorted()
                .map(name -> Arguments.of(name, List.of(), ""))
                .toList()
                .stream();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("guests")
    void behavesAsUnderQemu(final String guest, final List<String> args, final String stdin) throws Exception
    {
        DifferentialCheck.assertSameAsQemu(cluster, root, guest, args, stdin.getBytes(StandardCharsets.UTF_8));
    }

    private static void copyTree(final Path from, final Path to) throws IOException
    {
        try (Stream<Path> paths = Files.walk(from))
        {
            for (final Path source : (Iterable<Path>)paths::iterator)
            {
                final Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source))
                {
                    Files.createDirectories(target);
                }
                else
                {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
