package org.legoemu.emulator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The shipped guests, and qemu-riscv64 as the reference that their behaviour is checked against. */
final class GuestBinaries
{
    static final Path BIN = locate();

    private GuestBinaries()
    {
    }

    private static Path locate()
    {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null)
        {
            final Path candidate = dir.resolve("emulator/guests/bin");
            if (Files.isDirectory(candidate))
            {
                return candidate;
            }
            final Path local = dir.resolve("guests/bin");
            if (Files.isDirectory(local))
            {
                return local;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("emulator/guests/bin not found");
    }

    static boolean qemuAvailable()
    {
        try
        {
            final Process p = new ProcessBuilder("qemu-riscv64", "-version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        }
        catch (final IOException | InterruptedException ex)
        {
            return false;
        }
    }

    /** What a run printed and how it ended. */
    record Outcome(byte[] stdout, byte[] stderr, int status)
    {
    }

    /** Runs {@code qemu-riscv64 guest args} in {@code cwd}, feeding {@code stdin}; guest is as argv[0] shows it. */
    static Outcome qemu(final Path cwd, final String guest, final List<String> args, final byte[] stdin)
        throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>();
        command.add("qemu-riscv64");
        command.add(guest);
        command.addAll(args);
        final Process p = new ProcessBuilder(command).directory(cwd.toFile()).start();
        p.getOutputStream().write(stdin);
        p.getOutputStream().close();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final Thread drain = new Thread(() -> copy(p.getErrorStream(), err));
        drain.start();
        final byte[] out = p.getInputStream().readAllBytes();
        drain.join();
        if (!p.waitFor(120, TimeUnit.SECONDS))
        {
            p.destroyForcibly();
            throw new IllegalStateException("qemu-riscv64 did not finish");
        }
        return new Outcome(out, err.toByteArray(), p.exitValue());
    }

    private static void copy(final InputStream in, final ByteArrayOutputStream out)
    {
        try
        {
            in.transferTo(out);
        }
        catch (final IOException ignored)
        {
            // the process is gone; what was read is kept
        }
    }
}
