package org.legoemu.abi.linux;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.legoemu.abi.GuestFault;
import org.legoemu.abi.Signal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Compiles small static C programs with the riscv64 cross compiler, runs them under qemu-riscv64 and on the
 * {@link org.legoemu.abi.hart.Hart}, and compares stdout and exit status. Skipped when either tool is missing.
 */
class GuestProgramEndToEndTest
{
    private static final String GCC = "riscv64-linux-gnu-gcc";
    private static final String QEMU = "qemu-riscv64";
    private static final long BUDGET = 2_000_000_000L;

    @TempDir
    static Path dir;

    @BeforeAll
    static void requireTools()
    {
        assumeTrue(onPath(GCC), GCC + " not installed");
        assumeTrue(onPath(QEMU), QEMU + " not installed");
    }

    private static final String HELLO = String.join("\n",
        "#include <stdio.h>",
        "#include <stdlib.h>",
        "#include <string.h>",
        "int main(int argc, char **argv)",
        "{",
        "    printf(\"%d %s\\n\", 42, \"hello\");",
        "    long s = 0;",
        "    for (long i = 0; i < 100000; i++) s += (i * i) % 7 - (i / 3);",
        "    char *p = malloc(100000);",
        "    memset(p, 'x', 99999);",
        "    p[99999] = 0;",
        "    printf(\"%ld %zu %s argc=%d %s\\n\", s, strlen(p), argv[0], argc, argc > 1 ? argv[1] : \"-\");",
        "    fprintf(stderr, \"to stderr\\n\");",
        "    free(p);",
        "    return 3;",
        "}",
        "");

    private static final String SORT = String.join("\n",
        "#include <stdio.h>",
        "#include <stdlib.h>",
        "#include <string.h>",
        "static int cmp(const void *a, const void *b)",
        "{ long x = *(const long *)a, y = *(const long *)b; return (x > y) - (x < y); }",
        "int main(void)",
        "{",
        "    enum { N = 5000 };",
        "    long *v = malloc(N * sizeof(long));",
        "    unsigned long r = 88172645463325252UL;",
        "    for (int i = 0; i < N; i++) { r ^= r << 13; r ^= r >> 7; r ^= r << 17; v[i] = (long)(r % 1000003) - 500000; }",
        "    qsort(v, N, sizeof(long), cmp);",
        "    unsigned long h = 1469598103934665603UL;",
        "    for (int i = 0; i < N; i++) { h = (h ^ (unsigned long)v[i]) * 1099511628211UL; }",
        "    char buf[64];",
        "    snprintf(buf, sizeof buf, \"%lx\", h);",
        "    printf(\"min=%ld max=%ld hash=%s len=%zu\\n\", v[0], v[N - 1], buf, strlen(buf));",
        "    unsigned u = 0xdeadbeef; int q = -7;",
        "    printf(\"%u %d %d %u %lld %llu\\n\", u / 3u, q / 2, q % 3, u >> 5, -9223372036854775807LL / 3, 18446744073709551615ULL % 1000);",
        "    return 0;",
        "}",
        "");

    private static final String FLOAT = String.join("\n",
        "#include <stdio.h>",
        "#include <math.h>",
        "int main(void)",
        "{",
        "    double x = 1.0; float f = 0.1f;",
        "    for (int i = 1; i < 20; i++) { x = x * 1.5 + 1.0 / i; f += (float)i * 0.25f; }",
        "    printf(\"%.6f %.3e %g %f %d\\n\", x, x / 7.0, (double)f, sqrt(2.0), (int)(x * 100));",
        "    return 0;",
        "}",
        "");

    private static final String NULL_DEREF = String.join("\n",
        "#include <stdio.h>",
        "int main(void)",
        "{",
        "    volatile int *p = (int *)0;",
        "    printf(\"before\\n\");",
        "    fflush(stdout);",
        "    return *p;",
        "}",
        "");

    @Test
    void staticHelloMatchesQemu() throws Exception
    {
        compareWithQemu("hello", HELLO, List.of("-static", "-O2"), List.of("arg1"));
    }

    @Test
    void staticSortMatchesQemu() throws Exception
    {
        compareWithQemu("sort", SORT, List.of("-static", "-O2"), List.of());
    }

    @Test
    void staticPieHelloMatchesQemu() throws Exception
    {
        compareWithQemu("hello-pie", HELLO, List.of("-static-pie", "-fPIE", "-O2"), List.of("pie"));
    }

    @Test
    void floatingPointPrintfMatchesQemu() throws Exception
    {
        compareWithQemu("float", FLOAT, List.of("-static", "-O2"), List.of());
    }

    @Test
    void nullDereferenceIsSigsegvAtAddressZero() throws Exception
    {
        final Path exe = compile("nullderef", NULL_DEREF, List.of("-static", "-O2"));
        final Result expected = exec(List.of(QEMU, exe.toString()));
        assertEquals(128 + 11, expected.status, "qemu dies of SIGSEGV");
        final GuestRunner runner = new GuestRunner(Files.readAllBytes(exe), List.of(exe.toString()), List.of());
        final GuestFault fault = assertThrows(GuestFault.class, () -> runner.run(BUDGET));
        assertEquals(Signal.SIGSEGV, fault.signal());
        assertEquals(0L, fault.address());
        assertEquals(runner.hart.pc, fault.pc());
        assertEquals(expected.stdout, runner.kernel.stdout());
    }

    private Path compile(final String name, final String source, final List<String> flags) throws Exception
    {
        final Path c = dir.resolve(name + ".c");
        final Path exe = dir.resolve(name);
        Files.writeString(c, source);
        final List<String> gcc = new ArrayList<>();
        gcc.add(GCC);
        gcc.addAll(flags);
        gcc.add("-o");
        gcc.add(exe.toString());
        gcc.add(c.toString());
        gcc.add("-lm");
        final Result compiled = exec(gcc);
        assumeTrue(compiled.status == 0, "compiler failed: " + compiled.stderr);
        return exe;
    }

    private void compareWithQemu(final String name, final String source, final List<String> flags,
        final List<String> args) throws Exception
    {
        final Path exe = compile(name, source, flags);
        final List<String> argv = new ArrayList<>();
        argv.add(exe.toString());
        argv.addAll(args);
        final List<String> qemu = new ArrayList<>();
        qemu.add(QEMU);
        qemu.addAll(argv);
        final Result expected = exec(qemu);

        final GuestRunner runner = new GuestRunner(Files.readAllBytes(exe), argv, List.of("HOME=/", "LANG=C"));
        try
        {
            runner.run(BUDGET);
        }
        catch (final GuestFault fault)
        {
            throw new AssertionError(fault.describe() + " after " + runner.hart.instructionsRetired() +
                " instructions; stdout so far: " + runner.kernel.stdout(), fault);
        }
        assertTrue(runner.hart.exited(), "guest did not exit within the budget");
        assertEquals(expected.stdout, runner.kernel.stdout(), "stdout; unknown syscalls " +
            runner.kernel.unknownCalls());
        assertEquals(expected.stderr, runner.kernel.stderr(), "stderr");
        assertEquals(expected.status, runner.kernel.exitStatus(), "exit status");
    }

    private record Result(int status, String stdout, String stderr)
    {
    }

    private static Result exec(final List<String> command) throws IOException, InterruptedException
    {
        final Path out = Files.createTempFile(dir, "out", ".txt");
        final Path err = Files.createTempFile(dir, "err", ".txt");
        final Process p = new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
        if (!p.waitFor(120, TimeUnit.SECONDS))
        {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    }

    private static boolean onPath(final String tool)
    {
        try
        {
            final Process p = new ProcessBuilder("sh", "-c", "command -v " + tool).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        }
        catch (final IOException | InterruptedException ex)
        {
            return false;
        }
    }
}
